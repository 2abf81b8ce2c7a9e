"""Reads on the sector vocabulary."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Agreement, Sector, agreement_sector


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
    # Counting `Agreement` rather than the core link table lets the archive filter leave archived agreements out.
    count = func.count(Agreement.id)
    statement = (
        select(Sector, count)
        .outerjoin(agreement_sector, agreement_sector.c.sector_id == Sector.id)
        .outerjoin(Agreement, Agreement.id == agreement_sector.c.agreement_id)
        .group_by(Sector.id)
        .order_by(func.lower(Sector.name), Sector.id)
    )
    return [(sector, total) for sector, total in session.execute(statement)]
