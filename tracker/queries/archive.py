"""Reads on archived records: the archive page, and who archived a record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.archiving import WITH_ARCHIVED
from tracker.models import Agreement, ArchivableMixin, Document, Party, Sector, Source, User


@dataclass
class ArchiveListing:
    """Every archived record by kind, most recently archived first, and the users who archived them."""

    agreements: list[Agreement]
    parties: list[Party]
    sources: list[Source]
    sectors: list[Sector]
    documents: list[Document] = field(default_factory=list)
    archivers: dict[int, User] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Whether nothing is archived."""
        return not (self.agreements or self.parties or self.sources or self.sectors or self.documents)


def archived(session: Session, model: type[ArchivableMixin], *options: Any) -> list:
    """The archived records of one kind, most recently archived first (with what `options` load)."""
    newest_first = (model.archived_at.desc(), model.id.desc())  # type: ignore[attr-defined]
    statement = select(model).where(model.archived_at.is_not(None)).order_by(*newest_first).options(*options)
    return list(session.scalars(statement, execution_options=WITH_ARCHIVED))


def archivers(session: Session, records: Iterable[ArchivableMixin]) -> dict[int, User]:
    """The users who archived `records`, by id (records archived outside the app have none)."""
    ids = {record.archived_by_id for record in records if record.archived_by_id is not None}
    if not ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}


def archive_listing(session: Session) -> ArchiveListing:
    """What the archive page shows."""
    listing = ArchiveListing(
        agreements=archived(session, Agreement),
        parties=archived(session, Party),
        sources=archived(session, Source),
        sectors=archived(session, Sector),
        # With their agreements (archived ones too), which the page names.
        documents=archived(session, Document, joinedload(Document.agreement)),
    )
    every = [*listing.agreements, *listing.parties, *listing.sources, *listing.sectors, *listing.documents]
    listing.archivers = archivers(session, every)
    return listing


def archiver(session: Session, record: ArchivableMixin) -> User | None:
    """Who archived the record, for its page's banner; None when it is live or was archived outside the app."""
    return session.get(User, record.archived_by_id) if record.archived_by_id is not None else None
