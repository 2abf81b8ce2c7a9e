"""Reads on snapshots: a source's snapshots with what changed between them, and the latest one's text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from tracker.models import SourceSnapshot, User


@dataclass(frozen=True)
class SnapshotEntry:
    """One snapshot in a source's list (its text not loaded) and how it compares with the one before."""

    snapshot: SourceSnapshot
    # Whether the text differs from the previous snapshot's; None for the first snapshot.
    changed: bool | None
    # Who retrieved it: the user's name, else e-mail address; "" when nobody signed in did (CLI).
    retrieved_by: str = ""


def snapshots_of(session: Session, source_id: int) -> list[SnapshotEntry]:
    """The source's snapshots, newest first, each marked changed or not against the one retrieved before it."""
    statement = (
        select(SourceSnapshot, User.name, User.email)
        .outerjoin(User, User.id == SourceSnapshot.retrieved_by_id)
        .where(SourceSnapshot.source_id == source_id)
        .order_by(SourceSnapshot.retrieved_at, SourceSnapshot.id)
        .options(defer(SourceSnapshot.text, raiseload=True))
    )
    entries: list[SnapshotEntry] = []
    previous: str | None = None
    for snapshot, name, email in session.execute(statement):
        changed = None if previous is None else snapshot.content_hash != previous
        entries.append(SnapshotEntry(snapshot, changed, name or email or ""))
        previous = snapshot.content_hash
    return entries[::-1]


def latest_snapshot(session: Session, source_id: int) -> SourceSnapshot | None:
    """The source's most recent snapshot with its text, or None when it has none."""
    statement = (
        select(SourceSnapshot)
        .where(SourceSnapshot.source_id == source_id)
        .order_by(SourceSnapshot.retrieved_at.desc(), SourceSnapshot.id.desc())
        .limit(1)
        # The list may have loaded this snapshot without its text: load it in full here.
        .execution_options(populate_existing=True)
    )
    return session.scalar(statement)


def snapshot_of(session: Session, source_id: int, snapshot_id: int) -> SourceSnapshot | None:
    """One snapshot of the source, with its text, or None when the source has no such snapshot."""
    statement = select(SourceSnapshot).where(SourceSnapshot.id == snapshot_id, SourceSnapshot.source_id == source_id)
    # The source's page may have loaded it without its text: load it in full.
    return session.scalar(statement.execution_options(populate_existing=True))
