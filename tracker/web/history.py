"""History pages: each record's History tab, and the admins' activity feed over every record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import format_date, format_datetime

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.countries import country_name
from tracker.dates import PartialDate, PartialDateError
from tracker.db import get_session
from tracker.formatting import language_name, partial_date
from tracker.forms.history import RECORD_TYPE_CHOICES, ActivityQueryForm
from tracker.history import LABEL_ATTRIBUTES, MODELS, field_label, is_deletion
from tracker.http.archived import sees_archived
from tracker.http.paging import page_size
from tracker.i18n import _
from tracker.labels import label
from tracker.models import (
    ActionStatus,
    Change,
    CitedFact,
    Document,
    DocumentKind,
    GlossaryEntry,
    PartyKind,
    SourceKind,
)
from tracker.queries import history as queries
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, plain_specs
from tracker.termwords import months_text

bp = Blueprint("history", __name__)

# Status for a feed whose query string does not parse: the filters are shown again with messages.
INVALID_QUERY_STATUS = 400
# Recorded enum values shown by their labels, per record type and field.
ENUM_FIELDS: dict[tuple[str, str], Any] = {
    # Every choice of the agreement's contract: instrument, status, renewal, terms, ratification, implementation.
    **{("agreement", spec.name): spec.choices for spec in plain_specs(AgreementData) if spec.kind is Kind.CHOICE},
    ("party", "kind"): PartyKind,
    ("source", "kind"): SourceKind,
    ("action", "status"): ActionStatus,
    ("document", "kind"): DocumentKind,
    # A conflicting report resolved names its fact (issue 17).
    ("agreement", "conflict"): CitedFact,
}
RECORD_TYPE_LABELS = dict(RECORD_TYPE_CHOICES)
# Recorded as ISO text at their precision ("2006", "2006-03"), shown like everywhere else ("Mar 2006").
PARTIAL_DATE_FIELDS = frozenset({"signed", "start", "end", "in_force", "implementation_as_of", "due", "dated"})
# Recorded as ISO times, shown in the reader's format.
TIME_FIELDS = frozenset({"archived_at", "deleted_at"})
# The terms' spans, recorded in months, shown as the agreement's page says them ("5 years", "1 year 6 months").
MONTH_SPAN_FIELDS = frozenset({"duration_months", "renewal_months"})


@bp.get("/agreements/<id:agreement_id>/history")
def agreement(agreement_id: int):
    """Every change of one agreement."""
    return render_record("agreement", agreement_id)


@bp.get("/parties/<id:party_id>/history")
def party(party_id: int):
    """Every change of one party."""
    return render_record("party", party_id)


@bp.get("/sources/<id:source_id>/history")
def source(source_id: int):
    """Every change of one source."""
    return render_record("source", source_id)


@bp.get("/sectors/<id:sector_id>/history")
def sector(sector_id: int):
    """Every change of one sector."""
    return render_record("sector", sector_id)


@bp.get("/glossary/<id:entry_id>/history")
def glossary_entry(entry_id: int):
    """Every change of one glossary entry; a deleted entry's too, for those who may see the archive."""
    session = get_session()
    entry = session.get(GlossaryEntry, entry_id)
    changes = queries.record_history(session, "glossary_entry", entry_id)
    if entry is None and (not changes or not sees_archived()):
        abort(404)
    return render_template(
        "history/record.html",
        record_type="glossary_entry",
        title=entry.label if entry is not None else queries.recorded_label(changes),
        back=url_for("glossary.index"),
        back_text=_("Back to the search glossary"),
        notice=None if entry is not None else _("This entry has been deleted; its history is kept."),
        changes=changes,
        **helpers(),
    )


@bp.get("/actions/<id:action_id>/history")
def action(action_id: int):
    """Every change of one follow-up action."""
    return render_record("action", action_id)


@bp.get("/documents/<id:document_id>/history")
def document(document_id: int):
    """Every change of one attached document."""
    return render_record("document", document_id)


def render_record(record_type: str, record_id: int):
    """The History tab of a record; an archived record's only for those who may see the archive."""
    session = get_session()
    model = MODELS[record_type]
    record = session.get(model, record_id, execution_options={INCLUDE_ARCHIVED: True})
    # An action has no archive of its own: it is seen while its agreement is; a document while both are live.
    shown = record.agreement if record_type in ("action", "document") and record is not None else record
    if shown is None or (shown.is_archived and not sees_archived()) or hidden_document(record):
        abort(404)
    return render_template(
        "history/record.html",
        record_type=record_type,
        title=getattr(record, LABEL_ATTRIBUTES[model]),
        back=back_url(record_type, record),
        changes=queries.record_history(session, record_type, record_id),
        **helpers(),
    )


@bp.get("/activity")
def activity():
    """Every change by anyone, newest first, filtered by user, record type and days."""
    session = get_session()
    form = ActivityQueryForm(formdata=request.args)
    form.set_choices(queries.user_choices(session))
    if not form.validate():
        return render_template("history/activity.html", form=form, page=None, **helpers()), INVALID_QUERY_STATUS
    filters = form.filters(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    page = queries.activity(session, filters, page=form.page.data or 1, per_page=page_size())
    labels = queries.record_labels(session, page.items)
    return render_template("history/activity.html", form=form, page=page, labels=labels, **helpers())


def hidden_document(record: Any) -> bool:
    """An archived document, for those who may not see the archive."""
    return isinstance(record, Document) and record.is_archived and not sees_archived()


def back_url(record_type: str, record: Any) -> str:
    """Where the History tab leads back to: the record's page, a sector's list, an action's agreement."""
    if record_type == "sector":
        return url_for("sectors.index")
    if record_type in ("action", "document"):
        return record_url("agreement", record.agreement_id)
    return record_url(record_type, record.id)


def helpers() -> dict[str, Any]:
    """What the history templates use to show records, fields and values."""
    return {
        "field_label": field_label,
        "show": show_value,
        "record_url": record_url,
        "record_type_label": lambda record_type: RECORD_TYPE_LABELS.get(record_type, record_type),
        "action_label": action_label,
    }


def record_url(record_type: str, record_id: int) -> str:
    """The page of a record; sectors and glossary entries have none of their own, so their History tab stands in."""
    endpoints = {
        "agreement": ("agreements.detail", "agreement_id"),
        "party": ("parties.detail", "party_id"),
        "source": ("sources.detail", "source_id"),
        "sector": ("history.sector", "sector_id"),
        "glossary_entry": ("history.glossary_entry", "entry_id"),
        "action": ("history.action", "action_id"),
        "document": ("history.document", "document_id"),
    }
    endpoint, argument = endpoints[record_type]
    return url_for(endpoint, **{argument: record_id})


def action_label(change: Change) -> str:
    """What a change did, as its heading says: "Deleted" for a recorded deletion, else the action's label."""
    return str(_("Deleted")) if is_deletion(change.changes) else str(label(change.action))


def show_value(record_type: str, field: str, value: Any) -> str:
    """A recorded value as the page shows it: enums by label, countries and languages by name, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(show_value(record_type, field, item) for item in value)
    enum_class = ENUM_FIELDS.get((record_type, field))
    if enum_class is not None and value in {member.value for member in enum_class}:
        return str(label(enum_class(value)))
    if field == "country_code":
        return country_name(value)
    if field == "language":
        return language_name(value)
    if field in MONTH_SPAN_FIELDS and isinstance(value, int):
        return months_text(value)
    return show_text(field, value)


def show_text(field: str, value: Any) -> str:
    """Dates and times in the reader's format; a value that does not parse is shown as stored."""
    try:
        if field in PARTIAL_DATE_FIELDS:
            return partial_date(PartialDate.parse(value))
        if field == "published_on":
            return format_date(date.fromisoformat(value), "medium")
        if field in TIME_FIELDS:
            return format_datetime(datetime.fromisoformat(value), "medium")
    except (TypeError, ValueError, PartialDateError):
        pass
    return str(value)
