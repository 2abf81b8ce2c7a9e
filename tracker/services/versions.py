"""Optimistic locking for records several people edit: a save applies only over the version the user loaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.errors import ConflictError
from tracker.i18n import _
from tracker.models import VersionedMixin, utcnow


def conflict_error() -> ConflictError:
    """The error saying that someone else saved first and nothing of this save was kept."""
    return ConflictError(str(_("Someone else saved this record after you opened it, so your changes were not saved.")))


def check_version(record: VersionedMixin, expected: int | None) -> None:
    """Refuse to save over a version the user has not seen; None (no form, e.g. a script) skips this check."""
    if expected is not None and record.version != expected:
        raise conflict_error()


@contextmanager
def versioned_update(session: Session, record: VersionedMixin, expected_version: int | None) -> Iterator[None]:
    """Check the version, let the block change the record, flush; an UPDATE that lost a race is a conflict.

    The save is one UPDATE of the record's row, which checks and bumps its version, also when only its links
    (parties, sectors, aliases) changed.
    """
    check_version(record, expected_version)
    loaded_version = record.version
    try:
        with session.no_autoflush:  # one UPDATE at the end, not one per query the checks make
            yield
        if record.version == loaded_version:  # the block did not flush an UPDATE of the row itself
            # Link-only changes would not touch the row, and so would neither check nor bump the version.
            record.updated_at = utcnow()
        session.flush()
    except StaleDataError as exc:
        # The UPDATE ... WHERE version = ? matched no row: someone committed between our read and our write.
        raise conflict_error() from exc
