"""Bulk actions on the agreement list (issue 18): the rows ticked, the page, or all the query matches; change their
status, renewal, officer or sectors, archive them, or export them.

GET /agreements/bulk changes nothing: it asks for the value when the action needs one, then states what will happen
("Change the status of 200 agreements to Expired?"); an export goes straight to the export of the selection. The
confirmation is POSTed and made in one transaction by services/bulk_changes.py, all or nothing. Ticked rows carry
the version the list showed: if one changed since, nothing is saved and the confirmation is shown again over the
agreements as they are now (409). "All matching" is taken as the query matches when confirmed; if it then matches
another number of agreements than the confirmation said, nothing is saved and the new count is confirmed again.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker import jobs
from tracker.auth import can
from tracker.db import get_session
from tracker.errors import NotFoundError, TrackerError, ValidationError
from tracker.forms.bulk import ACTION_LABELS, ALL, EXPORT, PAGE, BulkChoiceForm, BulkConfirmForm, BulkFields
from tracker.history.recorder import ACTOR
from tracker.http.agreements import all_matching
from tracker.i18n import _, ngettext
from tracker.models import Job
from tracker.queries.sectors import sector_id_choices
from tracker.queries.users import user_choices
from tracker.services.bulk_changes import (
    BulkAction,
    BulkChange,
    StaleSelectionError,
    apply_change,
    bulk_change,
    matching_versions,
)
from tracker.web.jobs import submit_job

bp = Blueprint("bulk_actions", __name__, url_prefix="/agreements/bulk")

# Who may do what: the endpoint whose rule (tracker/access.py) each action follows, as for one agreement.
RULE_OF = {EXPORT: "exports.agreements", BulkAction.ARCHIVE.value: "agreements.delete"}
CHANGE_RULE = "agreements.update"


def allowed(action: str) -> bool:
    """Whether the signed-in user may do this action to agreements."""
    return can(RULE_OF.get(action, CHANGE_RULE))


def offered_actions() -> list[tuple[str, str]]:
    """The actions the list page offers this user (a viewer: export only)."""
    return [(value, label) for value, label in ACTION_LABELS.items() if allowed(value)]


class Selection:
    """The agreements a bulk form names: id → version seen (None: as they are), and the count."""

    def __init__(self, versions: dict[int, int | None]) -> None:
        self.versions = versions

    @property
    def count(self) -> int:
        """How many agreements."""
        return len(self.versions)


def selection_of(session: Session, form: BulkFields) -> Selection:
    """The ticked rows, the page's rows, or every agreement the list's query matches; a ValidationError when none."""
    if form.scope.data == ALL:
        versions = matching_versions(all_matching(session, form.query.data or ""))
    else:
        rows = form.listed.data if form.scope.data == PAGE else form.selected.data
        versions = {int(key): int(version) for key, version in (row.split(":") for row in rows or [])}
    if not versions:
        raise ValidationError(_("Tick at least one agreement, or choose the whole page or all matching."), "selected")
    return Selection(versions)


def value_text(form: BulkFields) -> str:
    """The chosen value as the page words it."""
    return next((str(choice.label) for choice in form.value.choices if choice.value == str(form.value.data)), "")


def question(action: str, count: int, value: str) -> str:
    """What will happen, as the confirmation asks it."""
    if action == BulkAction.SET_STATUS.value:
        text = ngettext(
            "Change the status of %(num)s agreement to “%(value)s”?",
            "Change the status of %(num)s agreements to “%(value)s”?",
            count,
            value=value,
        )
    elif action == BulkAction.SET_RENEWAL.value:
        text = ngettext(
            "Change the renewal of %(num)s agreement to “%(value)s”?",
            "Change the renewal of %(num)s agreements to “%(value)s”?",
            count,
            value=value,
        )
    elif action == BulkAction.ASSIGN_OWNER.value:
        text = ngettext(
            "Make “%(value)s” the responsible officer of %(num)s agreement?",
            "Make “%(value)s” the responsible officer of %(num)s agreements?",
            count,
            value=value,
        )
    elif action == BulkAction.ADD_SECTOR.value:
        text = ngettext(
            "File %(num)s agreement under the sector “%(value)s”?",
            "File %(num)s agreements under the sector “%(value)s”?",
            count,
            value=value,
        )
    elif action == BulkAction.REMOVE_SECTOR.value:
        text = ngettext(
            "Take %(num)s agreement out of the sector “%(value)s”?",
            "Take %(num)s agreements out of the sector “%(value)s”?",
            count,
            value=value,
        )
    else:
        text = ngettext(
            "Archive %(num)s agreement? An admin can restore it from the archive.",
            "Archive %(num)s agreements? An admin can restore them from the archive.",
            count,
        )
    return text


def list_url(query: str) -> str:
    """The list page the selection was made on."""
    return url_for("agreements.index") + (f"?{query}" if query else "")


def render(form: BulkFields, selection: Selection | None, status: int = 200, stage: str = "choose"):
    """The bulk page: the value to choose, the question to confirm, or what is wrong."""
    context = {
        "form": form,
        "selection": selection,
        "stage": stage,
        "question": question(form.action.data, selection.count, value_text(form)) if stage == "confirm" else "",
        "back": list_url(form.query.data or ""),
        "action_label": ACTION_LABELS.get(form.action.data, ""),
        "in_background": stage == "confirm" and in_background(form, selection),
    }
    return render_template("agreements/bulk.html", **context), status


def prepared(form: BulkFields) -> BulkFields:
    """The form with the chosen action's values to offer."""
    session = get_session()
    form.set_value_choices(user_choices(session), sector_id_choices(session))
    return form


@bp.get("")
def confirm():
    """Ask for the value if needed, then state what will happen; an export goes to the selection's file."""
    form = prepared(BulkChoiceForm(request.args))
    valid = form.validate()
    if not valid and set(form.errors) != {"value"}:
        return render(form, None, 422, "invalid")
    if not allowed(form.action.data):
        abort(403)
    try:
        selection = selection_of(get_session(), form)
    except TrackerError as error:
        form.form_errors.append(error.message)
        return render(form, None, error.status_code, "invalid")
    if not valid:  # a value not offered: asked again, the message next to it
        return render(form, selection, 422, "choose")
    if form.action.data != BulkAction.ARCHIVE.value and not form.value_given():
        return render(form, selection, stage="choose")
    if form.action.data == EXPORT:
        return redirect(export_url(form, selection))
    return render(form, selection, stage="confirm")


def export_url(form: BulkFields, selection: Selection) -> str:
    """The export of the selection: the list's query for all matching, else the agreements by id."""
    if form.scope.data == ALL:
        args = MultiDict(parse_qsl(form.query.data or "", keep_blank_values=True))
        for name in ("page", "per_page", "format"):
            args.poplist(name)
        return url_for("exports.agreements", **args.to_dict(flat=False), format=form.value.data)
    return url_for("exports.agreements", id=list(selection.versions), format=form.value.data, sort="title")


@bp.post("")
def apply():
    """Make the confirmed change to every selected agreement in one transaction, or to none."""
    form = prepared(BulkConfirmForm(request.form))
    if not form.validate() or form.action.data == EXPORT:
        return render(form, None, 422, "invalid")
    if not allowed(form.action.data):
        abort(403)
    session = get_session()
    try:
        selection = selection_of(session, form)
        change = bulk_change(session, form.action.data, form.value.data)
        refuse_another_count(form, selection)
        if in_background(form, selection):
            session.rollback()
            return submit_job(BULK_CHANGE, job_parameters(form, selection))
        outcome = apply_change(session, change, selection.versions)
    except StaleSelectionError as error:
        session.rollback()
        return reconfirm(form, error)
    except NotFoundError as error:
        session.rollback()
        form.form_errors.append(error.message)
        return render(form, None, 409, "invalid")
    except TrackerError as error:
        session.rollback()
        form.form_errors.append(error.message)
        return render(form, None, error.status_code, "invalid")
    session.commit()
    flash(done_message(change, len(outcome.changed), len(outcome.unchanged)), "success")
    return redirect(list_url(form.query.data or ""))


def in_background(form: BulkFields, selection: Selection) -> bool:
    """Whether the change is made by a job: "all matching" of more than TRACKER_BULK_JOB_ROWS agreements."""
    return form.scope.data == ALL and selection.count > current_app.config["TRACKER_BULK_JOB_ROWS"]


def job_parameters(form: BulkFields, selection: Selection) -> dict:
    """What the job needs to make the change as confirmed, in the user's language."""
    return {
        "query": form.query.data or "",
        "action": form.action.data,
        "value": form.value.data,
        "count": selection.count,
        "locale": str(get_locale()),
    }


BULK_CHANGE = "agreement_bulk_change"


@jobs.kind(BULK_CHANGE)
def bulk_change_job(job: Job, progress: jobs.Progress) -> str:
    """The confirmed change to all a large query matches, by a worker: the change and the job's "done" commit
    together; a refusal (the query now matches another count, a value gone) changes nothing and is the outcome."""
    parameters = job.parameters
    with current_app.test_request_context("/agreements/bulk", method="POST"), force_locale(parameters["locale"]):
        session = jobs.job_session()
        with session:
            session.info[ACTOR] = job.user_id
            progress.in_file = session.get_bind().dialect.name == "sqlite"  # the change holds the write lock
            progress.start(parameters["count"])
            report = change_in_job(session, job, parameters)
            progress.step(report.get("changed", 0) + report.get("unchanged", 0))
            relative = jobs.write_result(job, "outcome.json", [json.dumps(report, ensure_ascii=False).encode()])
            jobs.finish_in(session, progress, relative)
            session.commit()
    return relative


def change_in_job(session: Session, job: Job, parameters: dict) -> dict:
    """Make the change in the job's transaction; what it did, or why nothing was done (rolled back)."""
    try:
        ids = all_matching(session, parameters["query"], me=job.user_id)
        if len(ids) != parameters["count"]:
            raise another_count(len(ids), parameters["count"])
        change = bulk_change(session, parameters["action"], parameters["value"])
        outcome = apply_change(session, change, matching_versions(ids))
    except TrackerError as error:
        session.rollback()
        return {"error": str(error.message)}
    return {"action": change.action.value, "changed": len(outcome.changed), "unchanged": len(outcome.unchanged)}


def refuse_another_count(form: BulkConfirmForm, selection: Selection) -> None:
    """All matching: the query must still match the number of agreements the person confirmed."""
    if form.scope.data == ALL and form.count.data is not None and form.count.data != selection.count:
        raise another_count(selection.count, form.count.data)


def another_count(count: int, confirmed: int) -> StaleCount:
    """The refusal of a change confirmed for another number of agreements than the query now matches."""
    message = ngettext(
        "The query now matches %(num)s agreement, not %(confirmed)s as confirmed; nothing was changed.",
        "The query now matches %(num)s agreements, not %(confirmed)s as confirmed; nothing was changed.",
        count,
        confirmed=confirmed,
    )
    return StaleCount(message)


class StaleCount(TrackerError):
    """The query of "all matching" matches another number of agreements than was confirmed."""

    status_code = 409


def reconfirm(form: BulkConfirmForm, error: StaleSelectionError):
    """The confirmation again, over the agreements as they are now, saying which changed (409)."""
    form.selected.data = refreshed(form.selected.data, error.stale)
    form.listed.data = refreshed(form.listed.data, error.stale)
    form.form_errors.append(error.message)
    return render(form, selection_of(get_session(), form), 409, "confirm")


def refreshed(rows: list[str] | None, stale: dict[int, int]) -> list[str]:
    """Rows "id:version" with the current versions of the agreements that changed since."""
    pairs = (row.split(":") for row in rows or [])
    return [f"{key}:{stale.get(int(key), version)}" for key, version in pairs]


def done_message(change: BulkChange, changed: int, unchanged: int) -> str:
    """What the flash says was done."""
    if change.action is BulkAction.ARCHIVE:
        text = ngettext("%(num)s agreement archived.", "%(num)s agreements archived.", changed)
    else:
        text = ngettext("%(num)s agreement changed.", "%(num)s agreements changed.", changed)
    if unchanged:
        text += " " + ngettext(
            "%(num)s already was so and was left as it was.",
            "%(num)s already were so and were left as they were.",
            unchanged,
        )
    return text
