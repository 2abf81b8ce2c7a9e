"""Adding a source from the news: fetch or read the page, review what was found, confirm, save."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session
from wtforms import ValidationError

from tracker import jobs, linkcheck
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.base import optional_id
from tracker.forms.ingest import AddSourceForm, ReviewForm
from tracker.history.recorder import ACTOR
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.ingest import acquire
from tracker.ingest.extract.result import ExtractError
from tracker.ingest.fetch.addresses import system_resolver
from tracker.ingest.fetch.policy import FetchError, policy_from_config
from tracker.ingest.review import PendingSource, ReviewExpired, seal, unseal
from tracker.models import AgreementStatus, InstrumentType, Job, RenewalIntent, Source
from tracker.queries.agreements import agreements_named
from tracker.queries.sectors import sector_id_choices
from tracker.queries.sources import recent_agreement_suggestions
from tracker.queries.suggestions import Suggestions, suggest
from tracker.services import inbox, snapshots
from tracker.services.ingest import ReviewDecision, recorded_source, save_review
from tracker.services.sources import DuplicateSourceError
from tracker.web.conflict_reports import review_conflicts
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error, get_or_404
from tracker.web.jobs import submit_job
from tracker.web.lookup import agreement_choices

bp = Blueprint("ingest", __name__)


def resolver():
    """The name resolver fetches use; tests install their own in app.extensions."""
    return current_app.extensions.get("tracker.resolver", system_resolver)


@bp.get("/sources/add")
def add():
    """Ask for the page: a link, pasted content or an upload."""
    return render_template("ingest/add.html", form=AddSourceForm())


@bp.post("/sources/add")
def read():
    """Get and extract the page, then show the review screen (nothing is saved yet)."""
    form = AddSourceForm()
    if not form.validate():
        return render_template("ingest/add.html", form=form), INVALID_FORM_STATUS
    try:
        pending = acquire_pending(form)
    except (FetchError, ExtractError, acquire.AcquireError) as error:
        getattr(form, input_field(form, error)).errors = [str(getattr(error, "message", error))]
        return render_template("ingest/add.html", form=form), INVALID_FORM_STATUS
    known = recorded_source(get_session(), pending)
    if known is not None and known.is_archived:
        flash(
            _("This page is already recorded as source “%(title)s”; it is shown here instead.", title=known.title),
            "warning",
        )
        return redirect(url_for("sources.detail", source_id=known.id))
    return render_review(pending)


def input_field(form: AddSourceForm, error: Exception) -> str:
    """The field a reading error belongs next to: the one the user filled in."""
    if getattr(error, "field", None):
        return error.field
    return "url" if form.url.data else "pasted" if form.pasted.data else "upload"


def acquire_pending(form: AddSourceForm) -> PendingSource:
    """The page from whichever input the user gave."""
    if form.url.data:
        return acquire.from_url(form.url.data, policy_from_config(current_app.config), resolver())
    if form.upload.data:
        return acquire.from_upload(form.upload.data.filename, form.upload.data.read())
    return acquire.from_paste(form.pasted.data, form.pasted_url.data or None)


def render_review(
    pending: PendingSource, form: ReviewForm | None = None, status: int = 200, inbox_item: int | None = None
):
    """The review screen: the extracted source, the suggestions, and what to confirm (for an inbox item, marked
    when confirmed)."""
    session = get_session()
    found = suggest(session, pending.extracted.title, pending.extracted.text)
    if form is None:
        form = ReviewForm(formdata=None)
        prefill(form, found, pending)
        form.inbox_item.data = str(inbox_item or "")
    form.payload.data = seal(pending, current_app.config["SECRET_KEY"])
    set_choices(session, form)
    form.show_parties([suggestion.party.id for suggestion in found.parties])
    suggestions = recent_agreement_suggestions(session)
    known = recorded_source(session, pending)
    context = {"form": form, "pending": pending, "found": found, "suggestions": suggestions, "known": known}
    page = pending.extracted
    candidates = [suggestion.agreement.id for suggestion in found.agreements]
    context.update(review_conflicts(candidates, page.outlet or "", page.title or "", page.text or ""))
    return render_template("ingest/review.html", **context), status


def set_choices(session: Session, form: ReviewForm) -> None:
    """Sectors to choose from; agreements and parties looked up by number, title or name."""
    find = partial(agreements_named, session)
    form.set_choices(find, partial(party_finder, session), sector_id_choices(session), agreement_choices)


def prefill(form: ReviewForm, found: Suggestions, pending: PendingSource) -> None:
    """Tick what the suggestions point to and fill in the new agreement from them."""
    form.link_agreements.data = [s.agreement.id for s in found.agreements[:1]]
    form.note.data = found.quote(pending.extracted.text) or pending.extracted.excerpt[:500]
    form.create_new.data = not found.agreements
    names = [s.party.name for s in found.parties]
    form.new_title.data = _("Cooperation between %(names)s", names=" and ".join(names)) if names else ""
    form.new_instrument.data = (found.instruments[0].value if found.instruments else InstrumentType.AGREEMENT).value
    form.new_status.data = (found.statuses[0].value if found.statuses else AgreementStatus.ANNOUNCED).value
    form.new_renewal.data = (found.renewals[0].value if found.renewals else RenewalIntent.NOT_RECORDED).value
    if found.periods:
        period = found.periods[0]
        form.new_start.data = period.start.iso() if period.start else ""
        form.new_end.data = period.end.iso() if period.end else ""
    form.new_parties.data = [s.party.id for s in found.parties]
    form.new_sectors.data = [s.sector.id for s in found.sectors]


@bp.post("/sources/add/confirm")
def confirm():
    """Save the reviewed source with what the user confirmed."""
    session = get_session()
    form = ReviewForm()
    set_choices(session, form)
    try:
        pending = unseal(form.payload.data, current_app.config["SECRET_KEY"])
    except ReviewExpired:
        flash(_("The review was too old or incomplete; add the source again."), "error")
        return redirect(url_for(".add"))
    if form.adding_party.data:
        return add_party(pending, form)
    if not form.validate():
        return render_review(pending, form, INVALID_FORM_STATUS)
    decision = ReviewDecision(form.agreements_to_link(), form.note.data or "", form.new_agreement())
    try:
        source, known = save_review(session, pending, decision)
        if item_id := optional_id(form.inbox_item.data):
            inbox.mark_recorded(session, item_id, source.id, created=decision.new_agreement is not None)
    except DuplicateSourceError as error:
        session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("sources.detail", source_id=error.source_id))
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_review(pending, form, error.status_code)
    session.commit()
    if known:
        flash(_("The page's text is kept as a new snapshot of source “%(title)s”.", title=source.title), "success")
    else:
        flash(_("Source “%(title)s” recorded with its text.", title=source.title), "success")
    if form.inbox_item.data:
        return redirect(url_for("inbox.index"))
    return redirect(url_for("sources.detail", source_id=source.id))


def add_party(pending: PendingSource, form: ReviewForm):
    """The review again with the party typed in "Another party" ticked (the way to add several without the script);
    nothing is saved. A name that is unknown or ambiguous is said next to the field, with what it could mean."""
    form.add_party.errors = []
    try:
        form.add_party.pre_validate(form)
    except ValidationError as error:
        form.add_party.errors = [str(error)]
        return render_review(pending, form, INVALID_FORM_STATUS)
    form.keep_added_party()
    return render_review(pending, form)


@bp.post("/sources/<id:source_id>/refetch")
def refetch(source_id: int):
    """Fetch a source's page again, in a background job (a fetch may take its whole timeout): its page then says
    whether the text changed, or why the page could not be fetched."""
    session = get_session()
    source = get_or_404(session, Source, source_id)
    if not source.url:
        flash(_("This source has no link to fetch."), "error")
        return redirect(url_for("sources.detail", source_id=source_id))
    parameters = {"source_id": source_id, "locale": str(get_locale())}
    return submit_job(SOURCE_REFETCH, parameters)


SOURCE_REFETCH = "source_refetch"


@jobs.kind(SOURCE_REFETCH)
def refetch_job(job: Job, progress: jobs.Progress) -> str:
    """Fetch the source's page and keep a new snapshot; the report says whether the text changed, or why the page
    could not be fetched, and the source's page shows it as a check of the link. The page is fetched outside any
    transaction (on SQLite a writing one holds the lock)."""
    progress.start(1)
    with current_app.test_request_context("/", method="POST"), force_locale(job.parameters["locale"]):
        with jobs.read_session() as session:
            source = session.get(Source, job.parameters["source_id"])
            url, title = (source.url, source.title) if source else ("", "")
        outcome: dict[str, object] = {"source_id": job.parameters["source_id"], "title": title}
        if not url:
            outcome["error"] = str(_("This source has no link to fetch."))
            return record_refetch(job, progress, outcome, None)
        try:
            pending = acquire.from_url(url, policy_from_config(current_app.config), resolver())
        except (FetchError, ExtractError) as error:
            outcome["error"] = str(error.message)
            return record_refetch(job, progress, outcome, linkcheck.failure(url, error))
        return record_refetch(job, progress, outcome, Fetched(url, pending))


@dataclass(frozen=True)
class Fetched:
    """The page fetched again, and the address it was fetched from."""

    url: str
    pending: PendingSource


def record_refetch(job: Job, progress: jobs.Progress, outcome: dict, found: Fetched | linkcheck.Health | None) -> str:
    """Keep the fetched page as a new snapshot, the check of the link, the report and the job's "done" in one
    transaction."""
    with jobs.job_session() as session:
        session.info[ACTOR] = job.user_id
        source = session.get(Source, job.parameters["source_id"])
        if isinstance(found, Fetched) and source is not None:
            had_text = bool(source.snapshots)
            health = keep_snapshot(session, source, found)
            outcome["changed"] = health.chars_added is not None and had_text
            outcome["moved_to"] = health.moved_to
        elif isinstance(found, linkcheck.Health) and source is not None:
            linkcheck.record(session, source.id, found)
        progress.done = 1
        relative = jobs.write_result(job, "outcome.json", [json.dumps(outcome, ensure_ascii=False).encode()])
        jobs.finish_in(session, progress, relative)
        session.commit()
    return relative


def keep_snapshot(session: Session, source: Source, fetched: Fetched) -> linkcheck.Health:
    """Keep the page as a new snapshot and note the check: alive or moved, and how much of the text changed."""
    pending = fetched.pending
    previous = source.snapshots[0] if source.snapshots else None
    difference = None
    if previous is None or previous.content_hash != snapshots.content_hash(pending.extracted.text):
        difference = linkcheck.text_difference(previous.text if previous else None, pending.extracted.text)
    health = linkcheck.answered(fetched.url, pending.final_url, difference)
    snapshots.add_snapshot(session, source, pending.extracted, pending.method, pending.final_url)
    linkcheck.record(session, source.id, health)
    return health
