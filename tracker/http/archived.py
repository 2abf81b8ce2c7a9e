"""Who sees archived records: editors and admins open them, on the pages and through the API; viewers get 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from tracker.auth import can

R = TypeVar("R")


def sees_archived() -> bool:
    """Whether the current user may open archived records: whoever may open the archive page."""
    return can("archive.index")


def live_or_archived(
    session: Session, load: Callable[..., R | None], record_id: int, archived_too: bool = True
) -> R | None:
    """A record by a detail query: live for everyone, archived too (if asked) for those who see the archive."""
    record = load(session, record_id)
    if record is None and archived_too and sees_archived():
        # Loaded apart, so that an archived record shows everything it links to, archived or not.
        record = load(session, record_id, include_archived=True)
    return record
