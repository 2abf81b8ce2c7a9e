"""Archiving and restoring: what "delete" does in the interface, and how an admin undoes it.

Type-specific rules (what may not be archived while live records use it, what must be restored first) live
with each record's services (`archive_party`, `restore_agreement`, ...) and are passed here as `check`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.errors import StateError
from tracker.i18n import _
from tracker.models import ArchivableMixin, utcnow
from tracker.services.versions import conflict_error

R = TypeVar("R", bound=ArchivableMixin)
# A rule that raises a TrackerError when the record may not change state (yet).
Check = Callable[[Session, R], None]


def record_label(record: ArchivableMixin) -> str:
    """What messages call a record: an agreement's or source's title, a party's or sector's name, a document's file."""
    return getattr(record, "title", None) or getattr(record, "name", None) or getattr(record, "filename", "")


def already_archived(record: ArchivableMixin) -> StateError:
    """The refusal to archive a record twice (also shown by the confirmation page, which changes nothing)."""
    return StateError(str(_("“%(name)s” is archived already.", name=record_label(record))))


def archive(session: Session, record: R, check: Check | None = None) -> None:
    """Mark the record archived now by the signed-in user (the session's actor); nothing is deleted."""
    mark_archived(session, record, check)
    _flush(session)


def mark_archived(session: Session, record: R, check: Check | None = None) -> None:
    """Archive as `archive` does, leaving the flush to the caller (a bulk change flushes its records at once)."""
    if record.is_archived:
        raise already_archived(record)
    # The check runs before the change: an autoflush inside it must not hide the record from its own check.
    if check is not None:
        check(session, record)
    record.archived_at = utcnow()
    record.archived_by_id = session.info.get("actor_id")


def restore(session: Session, record: R, check: Check | None = None) -> None:
    """Bring an archived record back into lists and queries."""
    if not record.is_archived:
        raise StateError(str(_("“%(name)s” is not archived.", name=record_label(record))))
    if check is not None:
        check(session, record)
    record.archived_at = None
    record.archived_by_id = None
    _flush(session)


def _flush(session: Session) -> None:
    """Write the change; a versioned record changed by someone else meanwhile is a conflict, not a crash."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise conflict_error() from exc
