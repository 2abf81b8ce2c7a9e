"""Pages of the sources area: list, detail, new, edit, delete, and links between sources and agreements."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.db import get_session
from tracker.errors import ConflictError, DuplicateError, TrackerError
from tracker.forms.base import EDITING
from tracker.forms.sources import (
    ConfirmForm,
    LinkFromSourceForm,
    LinkProblemQueryForm,
    LinkToAgreementForm,
    NoteForm,
    SourceForm,
    SourceQueryForm,
)
from tracker.http.counts import kept_counts
from tracker.http.paging import page_size
from tracker.i18n import _
from tracker.models import Agreement, AgreementSource, Source
from tracker.queries import link_health
from tracker.queries import snapshots as snapshot_queries
from tracker.queries import sources as queries
from tracker.queries.agreements import agreements_named
from tracker.queries.archive import archiver
from tracker.services import sources as services
from tracker.services.archive import already_archived
from tracker.services.sources import DuplicateSourceError
from tracker.web.archive import detail_or_404, get_any_or_404
from tracker.web.conflicts import render_conflict
from tracker.web.helpers import get_or_404, render_invalid
from tracker.web.lookup import agreement_choices, source_choices

bp = Blueprint("sources", __name__)

# Status for a list whose query string does not parse: the filters are shown again with messages.
INVALID_QUERY_STATUS = 400
# The pages an unlink or a note change may return to; anything else in `next` is ignored.
RETURN_PAGES = ("agreement", "source")


@contextmanager
def saving(session: Session) -> Iterator[None]:
    """Commit after the block; a constraint the database enforced meanwhile becomes a clear conflict."""
    try:
        yield
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        message = _("This change conflicts with one saved at the same moment, so nothing was saved. Try again.")
        raise DuplicateError(str(message)) from exc


def return_page() -> str:
    """Which known page to go back to after a link changes: the agreement's unless `next=source`."""
    choice = request.values.get("next")
    return choice if choice in RETURN_PAGES else "agreement"


def back_to(link_agreement_id: int, link_source_id: int, page: str) -> str:
    """The URL of the agreement or source page, never one taken from the request."""
    if page == "source":
        return url_for("sources.detail", source_id=link_source_id)
    return url_for("agreements.detail", agreement_id=link_agreement_id)


def link_or_404(agreement_id: int, source_id: int) -> AgreementSource:
    """The link between the two, with both loaded, or 404."""
    link = queries.agreement_link(get_session(), agreement_id, source_id)
    if link is None:
        abort(404)
    return link


# --- list and detail ---------------------------------------------------------------------------


@bp.get("/sources/")
def index():
    """The sources, filtered and ordered by the query string."""
    session = get_session()
    form = SourceQueryForm(formdata=request.args)
    suggestions = {"outlets": queries.known_outlets(session), "languages": queries.known_languages(session)}
    if not form.validate():
        return render_template("sources/index.html", form=form, page=None, **suggestions), INVALID_QUERY_STATUS
    filters = form.filters()
    count = source_count(session, filters)
    page = queries.source_list(session, filters, page=form.page.data or 1, per_page=page_size(), count=count)
    return render_template("sources/index.html", form=form, page=page, **suggestions)


def source_count(session, filters: queries.SourceFilters) -> Callable[[Select], int]:
    """How the list is counted: every live source from the database's kept total, a filtered list per data version."""
    if not queries.filter_conditions(filters):
        return lambda _statement: queries.live_source_total(session)
    return kept_counts().counter(session, ("sources", queries.count_key(filters)))


@bp.get("/sources/<id:source_id>")
def detail(source_id: int):
    """One source with every field, the agreements it supports and the snapshots of its text."""
    session = get_session()
    source = detail_or_404(queries.source_detail, source_id)
    links = queries.sorted_links(source)
    archived_by = archiver(session, source)
    snapshots = snapshot_queries.snapshots_of(session, source.id)
    latest = snapshot_queries.latest_snapshot(session, source.id) if snapshots else None
    return render_template(
        "sources/detail.html",
        source=source,
        links=links,
        archived_by=archived_by,
        snapshots=snapshots,
        latest_snapshot=latest,
        health=link_health.link_health(session, source.id) if source.url else None,
    )


@bp.get("/sources/<id:source_id>/snapshots/<id:snapshot_id>")
def snapshot(source_id: int, snapshot_id: int):
    """One kept text of a source on a page of its own: what a citation's mark opens, at its quote (a text fragment)."""
    source = detail_or_404(queries.source_detail, source_id)
    kept = snapshot_queries.snapshot_of(get_session(), source.id, snapshot_id)
    if kept is None:
        abort(404)
    return render_template("sources/snapshot.html", source=source, snapshot=kept)


@bp.get("/sources/links")
def links_to_look_at():
    """The links to look at: sources whose last check found the page gone or moved, or failing twice in a row."""
    form = LinkProblemQueryForm(formdata=request.args)
    if not form.validate():
        return render_template("sources/links.html", form=form, page=None), INVALID_QUERY_STATUS
    page = link_health.links_to_look_at(get_session(), form.kind.data or "", form.page.data or 1, page_size())
    return render_template("sources/links.html", form=form, page=page)


# --- new, edit, delete -------------------------------------------------------------------------


@bp.get("/sources/new")
def new():
    """The empty source form."""
    return render_template("sources/form.html", form=SourceForm(), source=None)


@bp.post("/sources/new")
def create():
    """Record a source; a URL already known opens the known source instead of making a duplicate."""
    session = get_session()
    form = SourceForm()
    if not form.validate():
        return render_invalid("sources/form.html", form, source=None)
    try:
        with saving(session):
            source = services.create_source(session, form.to_data())
    except DuplicateSourceError as error:
        shown_instead = _("It is shown here instead of being recorded twice.")
        flash(f"{error.message} {shown_instead!s}", "warning")
        return redirect(url_for("sources.detail", source_id=error.source_id))
    except TrackerError as error:
        return render_invalid("sources/form.html", form, error=error, source=None)
    flash(str(_("Source “%(title)s” recorded.", title=source.title)))
    return redirect(url_for("sources.detail", source_id=source.id))


@bp.get("/sources/<id:source_id>/edit")
def edit(source_id: int):
    """The source form, filled in."""
    source = get_or_404(get_session(), Source, source_id)
    form = SourceForm()
    form.fill_from(source)
    return render_template("sources/form.html", form=form, source=source)


@bp.post("/sources/<id:source_id>/edit")
def update(source_id: int):
    """Save changes to a source (its URL may not become another source's), unless saved meanwhile (409)."""
    session = get_session()
    source = get_or_404(session, Source, source_id)
    form = SourceForm()
    if not form.validate(extra_validators=EDITING):
        return render_invalid("sources/form.html", form, source=source)
    try:
        with saving(session):
            services.update_source(session, source, form.to_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("sources/form.html", form, error, source, source=source)
    except TrackerError as error:
        return render_invalid("sources/form.html", form, error=error, source=source)
    flash(str(_("Source “%(title)s” saved.", title=source.title)))
    return redirect(url_for("sources.detail", source_id=source.id))


def source_to_archive(source_id: int) -> tuple[Source, list[AgreementSource]]:
    """The source with the live agreements that cite it (none listed once it is archived), or 404."""
    session = get_session()
    source = queries.source_detail(session, source_id) or get_any_or_404(session, Source, source_id)
    return source, [] if source.is_archived else queries.sorted_links(source)


@bp.get("/sources/<id:source_id>/delete")
def delete(source_id: int):
    """Ask before archiving; changes nothing."""
    source, links = source_to_archive(source_id)
    form = ConfirmForm()
    if source.is_archived:
        return render_invalid("sources/delete.html", form, error=already_archived(source), source=source, links=links)
    return render_template("sources/delete.html", form=form, source=source, links=links)


@bp.post("/sources/<id:source_id>/delete")
def destroy(source_id: int):
    """Archive a source no live agreement cites; an admin can restore it."""
    session = get_session()
    source, links = source_to_archive(source_id)
    title = source.title
    form = ConfirmForm()  # CSRF is checked app-wide; the form only carries the refusal message
    try:
        with saving(session):
            services.archive_source(session, source)
    except TrackerError as error:
        return render_invalid("sources/delete.html", form, error=error, source=source, links=links)
    flash(str(_("Source “%(title)s” archived. An admin can restore it from the archive.", title=title)))
    return redirect(url_for("sources.index"))


# --- links -------------------------------------------------------------------------------------


def link_from_source_form() -> LinkFromSourceForm:
    """The form linking a source to an agreement, which looks the agreement up by number or title."""
    form = LinkFromSourceForm()
    form.agreement_id.find = lambda number, title: agreements_named(get_session(), number, title)
    form.agreement_id.search = agreement_choices
    return form


def link_from_source_context(source: Source) -> dict:
    """The page's source, and suggestions for the agreement field: the agreements updated last."""
    return {"source": source, "suggestions": queries.recent_agreement_suggestions(get_session())}


@bp.get("/sources/<id:source_id>/links/new")
def link_from_source(source_id: int):
    """Choose an agreement this source supports."""
    source = get_or_404(get_session(), Source, source_id)
    context = link_from_source_context(source)
    return render_template("sources/link_from_source.html", form=link_from_source_form(), **context)


@bp.post("/sources/<id:source_id>/links/new")
def save_link_from_source(source_id: int):
    """Link the source to the chosen agreement."""
    session = get_session()
    source = get_or_404(session, Source, source_id)
    form = link_from_source_form()
    if not form.validate():
        return render_invalid("sources/link_from_source.html", form, **link_from_source_context(source))
    agreement = get_or_404(session, Agreement, form.agreement_id.record_id)
    try:
        with saving(session):
            services.link_source(session, agreement, source, form.note.data or "")
    except TrackerError as error:
        context = link_from_source_context(source)
        return render_invalid("sources/link_from_source.html", form, error=error, **context)
    flash(str(_("Source linked to “%(title)s”.", title=agreement.title)))
    return redirect(url_for("sources.detail", source_id=source.id))


def link_to_agreement_form() -> LinkToAgreementForm:
    """The form adding a source to an agreement, which looks a recorded source up by number, address or title."""
    form = LinkToAgreementForm()
    form.source_id.find = lambda number, text: queries.sources_named(get_session(), number, text)
    form.source_id.search = source_choices
    return form


def link_to_agreement_context(agreement: Agreement) -> dict:
    """The page's agreement, and suggestions for the source field: the sources recorded last."""
    return {"agreement": agreement, "suggestions": queries.recent_source_suggestions(get_session())}


@bp.get("/agreements/<id:agreement_id>/sources/new")
def link_to_agreement(agreement_id: int):
    """Choose a recorded source, or describe a new one, to support this agreement."""
    agreement = get_or_404(get_session(), Agreement, agreement_id)
    context = link_to_agreement_context(agreement)
    return render_template("sources/link_to_agreement.html", form=link_to_agreement_form(), **context)


@bp.post("/agreements/<id:agreement_id>/sources/new")
def save_link_to_agreement(agreement_id: int):
    """Link the chosen source, or record the new one and link it; a known URL links the known source."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    form = link_to_agreement_form()
    if not form.validate():
        return render_invalid("sources/link_to_agreement.html", form, **link_to_agreement_context(agreement))
    note = form.note.data or ""
    try:
        with saving(session):
            if form.wants_new_source():
                link, known = services.link_new_source(session, agreement, form.to_data(), note)
            else:
                source = get_or_404(session, Source, form.source_id.record_id)
                link, known = services.link_source(session, agreement, source, note), False
    except TrackerError as error:
        context = link_to_agreement_context(agreement)
        return render_invalid("sources/link_to_agreement.html", form, error=error, **context)
    flash_link_made(link, known)
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


def flash_link_made(link: AgreementSource, known: bool) -> None:
    """Say what was linked, and when a known URL linked an existing source instead of a new one."""
    if known:
        message = _(
            "This URL is already known as source “%(title)s” (#%(id)s); that source was linked instead of a new one.",
            title=link.source.title,
            id=link.source.id,
        )
        flash(str(message), "warning")
    else:
        flash(str(_("Source “%(title)s” linked.", title=link.source.title)))


@bp.post("/agreements/<id:agreement_id>/sources/<id:source_id>/unlink")
def unlink(agreement_id: int, source_id: int):
    """Remove the link; `next=source` returns to the source's page, otherwise to the agreement's."""
    session = get_session()
    link = link_or_404(agreement_id, source_id)
    source_title, agreement_title = link.source.title, link.agreement.title
    try:
        with saving(session):
            services.unlink_source(session, link)
    except TrackerError as error:
        flash(str(error.message), "error")
        return redirect(back_to(agreement_id, source_id, return_page()))
    flash(str(_("Source “%(source)s” unlinked from “%(agreement)s”.", source=source_title, agreement=agreement_title)))
    return redirect(back_to(agreement_id, source_id, return_page()))


@bp.get("/agreements/<id:agreement_id>/sources/<id:source_id>/edit")
def edit_link(agreement_id: int, source_id: int):
    """The note of a link, for editing."""
    link = link_or_404(agreement_id, source_id)
    form = NoteForm(data={"note": link.note})
    return render_template("sources/edit_link.html", form=form, link=link, next=return_page())


@bp.post("/agreements/<id:agreement_id>/sources/<id:source_id>/edit")
def save_link_note(agreement_id: int, source_id: int):
    """Save the note of a link."""
    session = get_session()
    link = link_or_404(agreement_id, source_id)
    form = NoteForm()
    if not form.validate():
        return render_invalid("sources/edit_link.html", form, link=link, next=return_page())
    try:
        with saving(session):
            services.update_link_note(session, link, form.note.data or "")
    except TrackerError as error:
        return render_invalid("sources/edit_link.html", form, error=error, link=link, next=return_page())
    flash(str(_("Note saved.")))
    return redirect(back_to(agreement_id, source_id, return_page()))
