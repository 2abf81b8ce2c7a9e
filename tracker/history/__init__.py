"""The history of every change, written by session listeners so that no service has to remember it.

After each flush, the records (agreements, parties, sources, sectors) inserted or changed, and the links and
relations made or removed, become pending entries. Just before the transaction commits, the entries are merged
per record (one save may flush several times: lazy loads autoflush half-way through a service) and inserted
as `Change` rows with one statement. A rolled-back transaction or savepoint drops its entries.

A service whose save is an operation of its own (recording a renewal, a termination) names it with `note_summary`:
the record's entry then reads "Renewal recorded: …" instead of the generic "Edited status, renewal". The listeners
still record every field; only the summary is the service's.

Values are JSON-friendly: dates as ISO text, partial dates at their precision ("2006"), enums by value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, SessionTransaction, object_session

from tracker.history.recorder import (
    DELETIONS_RECORDED,
    LABEL_ATTRIBUTES,
    MODELS,
    RECORD_TYPES,
    SKIPPED_COLUMNS,
    Entry,
    Recorder,
    archive_action,
    blank,
    is_deletion,
)
from tracker.history.text import field_label, summarize
from tracker.models import AgreementRelation, AgreementSource, Change, ChangeAction, Citation, Conflict, Document

__all__ = [
    "LABEL_ATTRIBUTES",
    "MODELS",
    "RECORD_TYPES",
    "RecordedSession",
    "field_label",
    "is_deletion",
    "note_summary",
]

# Keys in `Session.info`.
PENDING = "history.pending"  # entries waiting for the commit
LINKS = "history.links"  # link rows the current flush writes, noted by mapper events
NOTES = "history.notes"  # summaries services gave their saves: ((record type, id), summary, savepoint)

# --- merging and writing ---------------------------------------------------------------------------


MERGEABLE = (ChangeAction.CREATE, ChangeAction.UPDATE)


def merge(entries: list[Entry]) -> list[Entry]:
    """One entry per record and save: later UPDATEs fold into the record's CREATE or first UPDATE (not a deletion)."""
    kept: list[Entry] = []
    open_entries: dict[tuple[str, int, int | None], Entry] = {}
    for entry in entries:
        key = (entry.record_type, entry.record_id, entry.user_id)
        target = open_entries.get(key)
        deletion = is_deletion(entry.changes)
        if entry.action is ChangeAction.UPDATE and target is not None and not deletion:
            fold(target, entry)
            continue
        kept.append(entry)
        if entry.action in MERGEABLE and not deletion:
            open_entries[key] = entry
        elif entry.action in (ChangeAction.ARCHIVE, ChangeAction.RESTORE) or deletion:
            open_entries.pop(key, None)  # later edits are a new step after the archiving
    return [entry for entry in kept if entry.changes or entry.action is not ChangeAction.UPDATE]


def fold(target: Entry, later: Entry) -> None:
    """Fold a later UPDATE of the same record into `target`: first before, last after."""
    created = target.action is ChangeAction.CREATE
    for key, (before, after) in later.changes.items():
        first = target.changes[key][0] if key in target.changes else None if created else before
        target.changes[key] = [first, after]
    if created:
        settled = [key for key, (_first, after) in target.changes.items() if blank(after)]
    else:
        settled = [key for key, (before, after) in target.changes.items() if before == after]
    for key in settled:
        del target.changes[key]
    target.version = later.version if later.version is not None else target.version
    target.subject = target.subject or later.subject


def write(session: Session, entries: list[Entry]) -> None:
    """Insert the entries as Change rows with one statement."""
    rows = [
        {
            "user_id": entry.user_id,
            "record_type": entry.record_type,
            "record_id": entry.record_id,
            "action": entry.action,
            "version": entry.version,
            "summary": summarize(entry),
            "changes": entry.changes,
        }
        for entry in entries
    ]
    session.connection().execute(insert(Change), rows)


def note_summary(session: Session, record: Any, summary: object) -> None:
    """Say what this transaction's save of `record` is ("Renewal recorded: …"): its created or changed entry is
    summarised so instead of "Edited …". The record must have its id (be flushed); the summary is translated when
    the transaction commits, like every summary."""
    key = (RECORD_TYPES[type(record)], record.id)
    session.info.setdefault(NOTES, []).append((key, summary, session.get_nested_transaction()))


def apply_notes(entries: list[Entry], notes: list[tuple[tuple[str, int], object, Any]]) -> None:
    """Give each noted record's created or changed entry the summary its service noted (the last one noted)."""
    summaries = {key: summary for key, summary, _tag in notes}
    for entry in entries:
        key = (entry.record_type, entry.record_id)
        if entry.action in MERGEABLE and key in summaries:
            entry.summary = summaries.pop(key)


# --- listeners -------------------------------------------------------------------------------------


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Start noting the link rows this flush writes; load what a recorded deletion keeps, while it can be loaded."""
    session.info[LINKS] = []
    for obj in session.deleted:
        if type(obj) in DELETIONS_RECORDED:
            state = inspect(obj)
            if state.unloaded:
                session.refresh(obj, [key for key in state.unloaded if key in state.mapper.column_attrs])


def after_flush(session: Session, _context: Any) -> None:
    """Turn what the flush wrote into pending entries."""
    recorder = Recorder(session)
    for obj in session.new:
        if type(obj) in RECORD_TYPES:
            recorder.created(obj)
        if isinstance(obj, Document):
            recorder.document(obj, None)
    for obj in session.dirty:
        if type(obj) in RECORD_TYPES:
            recorder.updated(obj)
        if isinstance(obj, Document) and archive_action(inspect(obj)) is not None:
            recorder.document(obj, archive_action(inspect(obj)))
        if isinstance(obj, Conflict):
            recorder.conflict(obj)
    for obj in session.deleted:
        if type(obj) in DELETIONS_RECORDED:
            recorder.deleted(obj)
    for kind, row in session.info.pop(LINKS, []):
        if isinstance(row, AgreementSource):
            recorder.source_link(kind, row)
        elif isinstance(row, Citation):
            recorder.citation(kind, row)
        else:
            recorder.relation(kind, row)
    entries = recorder.finish()
    tag = session.get_nested_transaction()
    for entry in entries:
        entry.tag = tag
    session.info.setdefault(PENDING, []).extend(entries)


def before_commit(session: Session) -> None:
    """Write the pending entries when the whole transaction commits (not when a savepoint is released)."""
    if session.in_nested_transaction():
        return
    session.flush()
    entries = merge(session.info.pop(PENDING, []))
    apply_notes(entries, session.info.pop(NOTES, []))
    if entries:
        write(session, entries)


def after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """Drop the entries of a rolled-back savepoint, or all of them when the whole transaction rolls back."""
    if not previous.nested:
        session.info.pop(PENDING, None)
        session.info.pop(NOTES, None)
        return
    pending = session.info.get(PENDING, [])
    session.info[PENDING] = [entry for entry in pending if not inside(entry.tag, previous)]
    notes = session.info.get(NOTES, [])
    session.info[NOTES] = [note for note in notes if not inside(note[2], previous)]


def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """Nothing pending outlives its transaction."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(NOTES, None)


def inside(tag: SessionTransaction | None, transaction: SessionTransaction) -> bool:
    """Whether `tag` is `transaction` or a savepoint within it."""
    while tag is not None:
        if tag is transaction:
            return True
        tag = tag.parent
    return False


def note_link(kind: str) -> Callable[[Any, Any, Any], None]:
    """A mapper listener noting a link row the flush inserts, updates or deletes (orphans included)."""

    def listener(_mapper: Any, _connection: Any, row: Any) -> None:
        session = object_session(row)
        if session is not None and LINKS in session.info:
            session.info[LINKS].append((kind, row))

    return listener


SESSION_LISTENERS: dict[str, Callable[..., None]] = {
    "before_flush": before_flush,
    "after_flush": after_flush,
    "before_commit": before_commit,
    "after_soft_rollback": after_soft_rollback,
    "after_transaction_end": after_transaction_end,
}


def keep_replaced_value(*_event: Any) -> None:
    """Attribute listener registered only for its `active_history`: see ACTIVE_HISTORY."""


# Setting an attribute that is not loaded (a rollback expired it) would lose the value it replaces, and with
# it the change's "before"; an attribute listener with active_history makes the ORM load that value first.
ACTIVE_HISTORY = [
    getattr(model, attribute.key)
    for model in RECORD_TYPES
    for attribute in inspect(model).column_attrs
    if attribute.key not in SKIPPED_COLUMNS or attribute.key == "archived_at"
] + [AgreementSource.note, Citation.quote, Citation.stance, Citation.says]
for _attribute in ACTIVE_HISTORY:
    event.listen(_attribute, "set", keep_replaced_value, active_history=True)

# Link rows are noted by mapper events, which also see the rows a delete-orphan cascade removes.
LINK_LISTENERS = {
    name: note_link(name.removeprefix("after_")) for name in ("after_insert", "after_update", "after_delete")
}
for _model in (AgreementSource, AgreementRelation, Citation):
    for _name, _listener in LINK_LISTENERS.items():
        event.listen(_model, _name, _listener)


class RecordedSession(Session):
    """A session whose every write records its Change rows: the listeners are set once, on this class.

    Not per session factory: SQLAlchemy's event registry keys a listener by the id() of its target, so asking
    whether a new factory "already had" the listeners was answered yes for a factory allocated at the address of
    a freed one whose sessions were still alive, and that factory's sessions recorded nothing.
    """


for _name, _listener in SESSION_LISTENERS.items():
    event.listen(RecordedSession, _name, _listener)
