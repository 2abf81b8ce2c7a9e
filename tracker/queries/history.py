"""Reads on the history: one record's changes, the activity feed, and what changed since a version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.history import LABEL_ATTRIBUTES, MODELS
from tracker.models import Change, GlossaryEntry, User
from tracker.queries.pagination import Page, paginate


@dataclass(frozen=True)
class ActivityFilters:
    """What the activity feed is narrowed to; None means "any".

    `date_from` and `date_to` are whole days, both included, in `timezone` (the app's TRACKER_TIMEZONE);
    changes are stored in UTC and compared against the days' bounds converted to UTC.
    """

    user_id: int | None = None
    record_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    timezone: str = "UTC"


def record_history(session: Session, record_type: str, record_id: int) -> Sequence[Change]:
    """Every change of one record, newest first, with who made it."""
    statement = (
        select(Change)
        .where(Change.record_type == record_type, Change.record_id == record_id)
        .order_by(Change.id.desc())
        .options(joinedload(Change.user))
    )
    return session.scalars(statement).all()


def changes_since(session: Session, record_type: str, record_id: int, version: int) -> Sequence[Change]:
    """The changes of one record that left it at a version after `version`, oldest first, with who made them.

    For the conflict page: what others saved since the user loaded `version`. Links made or removed in
    between carry the version the record had then, so they appear when an edit followed them.
    """
    statement = (
        select(Change)
        .where(Change.record_type == record_type, Change.record_id == record_id, Change.version > version)
        .order_by(Change.id)
        .options(joinedload(Change.user))
    )
    return session.scalars(statement).all()


def activity(session: Session, filters: ActivityFilters, page: int = 1, per_page: int = 50) -> Page[Change]:
    """One page of every change matching `filters`, newest first, with who made each."""
    statement: Select = (
        select(Change)
        .where(*activity_conditions(filters))
        .order_by(Change.occurred_at.desc(), Change.id.desc())
        .options(joinedload(Change.user))
    )
    result = paginate(session, statement, page, per_page)
    if result.page > result.pages:
        # A page past the end (an old link) shows the last page rather than nothing.
        result = paginate(session, statement, result.pages, per_page)
    return result


def activity_conditions(filters: ActivityFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters that are set."""
    conditions: list[ColumnElement[bool]] = []
    if filters.user_id is not None:
        conditions.append(Change.user_id == filters.user_id)
    if filters.record_type:
        conditions.append(Change.record_type == filters.record_type)
    if filters.date_from is not None:
        conditions.append(Change.occurred_at >= day_start(filters.date_from, filters.timezone))
    if filters.date_to is not None:
        conditions.append(Change.occurred_at < day_start(filters.date_to + timedelta(days=1), filters.timezone))
    return conditions


def day_start(day: date, timezone: str) -> datetime:
    """Midnight at the start of `day` in `timezone`, as a UTC time."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def record_labels(session: Session, changes: Sequence[Change]) -> dict[tuple[str, int], str]:
    """(record type, id) -> the record's current title or name, archived records included; one query per type."""
    wanted: dict[str, set[int]] = {}
    for change in changes:
        wanted.setdefault(change.record_type, set()).add(change.record_id)
    labels: dict[tuple[str, int], str] = {}
    for record_type, ids in wanted.items():
        model = MODELS.get(record_type)
        if model is None:
            continue
        label = getattr(model, LABEL_ATTRIBUTES[model])
        statement = select(model.id, label).where(model.id.in_(ids)).execution_options(**{INCLUDE_ARCHIVED: True})
        labels.update({(record_type, record_id): text for record_id, text in session.execute(statement)})
    return _glossary_labels(changes, labels)


def _glossary_labels(changes: Sequence[Change], labels: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    """Each glossary entry named on one line (its phrases are stored one per line); a deleted one, which is gone
    from its table, by the phrases its history recorded."""
    entries: dict[int, list[Change]] = {}
    for change in changes:
        if change.record_type == "glossary_entry":
            entries.setdefault(change.record_id, []).append(change)
    for entry_id, recorded in entries.items():
        phrases = labels.get(("glossary_entry", entry_id))
        found = GlossaryEntry.label_of(phrases.splitlines()) if phrases is not None else recorded_label(recorded)
        labels[("glossary_entry", entry_id)] = found
    return labels


def recorded_label(changes: Sequence[Change]) -> str:
    """A glossary entry named by the phrases its newest change recorded (after, or before a deletion)."""
    for change in changes:
        before, after = change.changes.get("phrases", [None, None])
        if after or before:
            return GlossaryEntry.label_of(after or before)
    return f"#{changes[0].record_id}" if changes else ""


def user_choices(session: Session) -> list[tuple[int, str]]:
    """(id, e-mail) of every user, for the feed's filter."""
    return [(row.id, row.email) for row in session.execute(select(User.id, User.email).order_by(User.email))]
