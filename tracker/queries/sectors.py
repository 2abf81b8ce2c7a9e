"""Reads on the sector vocabulary."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Sector, agreement_sector
from tracker.queries.live import live_link_counts


def all_sectors(session: Session) -> Sequence[Sector]:
    """Every sector, by name."""
    return session.scalars(select(Sector).order_by(func.lower(Sector.name), Sector.id)).all()


def sector_choices(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every sector, by name, for filters that name sectors by slug."""
    return [(sector.slug, sector.name) for sector in all_sectors(session)]


def sector_id_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every sector, by name, for forms that store sector ids."""
    return [(sector.id, sector.name) for sector in all_sectors(session)]


def sectors_with_counts(session: Session) -> list[tuple[Sector, int]]:
    """Every sector, by name, with the number of live agreements filed under it."""
    # Not through `Agreement`, whose archive rule would probe each linked agreement's row (tracker/queries/live.py).
    counts = live_link_counts(agreement_sector, agreement_sector.c.sector_id)
    statement = (
        select(Sector, func.coalesce(counts.c.live, 0))
        .outerjoin(counts, counts.c.key == Sector.id)
        .order_by(func.lower(Sector.name), Sector.id)
    )
    return [(sector, total) for sector, total in session.execute(statement)]
