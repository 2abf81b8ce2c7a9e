"""The dashboard's figures: totals and counts by status, sector and partner country, all aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Agreement, AgreementParty, AgreementStatus, Party, Sector, Source, agreement_sector
from tracker.queries.expiring import (
    DEFAULT_MONTHS,
    ExpiringAgreement,
    count_needing_attention,
    expiring_agreements,
)
from tracker.queries.sources import recent_sources

RECENT_SOURCES = 5


@dataclass(frozen=True)
class Totals:
    """How many records of each main kind exist."""

    agreements: int
    parties: int
    sources: int


@dataclass(frozen=True)
class SectorCount:
    """A sector and how many agreements it covers."""

    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows."""

    as_of: date
    months: int
    totals: Totals
    by_status: list[tuple[AgreementStatus, int]]
    by_sector: list[SectorCount]
    by_country: list[tuple[str, int]]
    expiring: list[ExpiringAgreement]
    needs_attention: int
    recent_sources: list[Source]


def totals(session: Session) -> Totals:
    """Counts of agreements, parties and sources, in one statement."""
    row = session.execute(
        select(
            select(func.count()).select_from(Agreement).scalar_subquery(),
            select(func.count()).select_from(Party).scalar_subquery(),
            select(func.count()).select_from(Source).scalar_subquery(),
        )
    ).one()
    return Totals(*row)


def status_counts(session: Session) -> list[tuple[AgreementStatus, int]]:
    """Agreements per status, in the order statuses follow in an agreement's life; absent ones left out."""
    # .all(): a Result has keys(), which dict() would take for a mapping's.
    counts = dict(session.execute(select(Agreement.status, func.count()).group_by(Agreement.status)).all())
    return [(status, counts[status]) for status in AgreementStatus if status in counts]


def sector_counts(session: Session) -> list[SectorCount]:
    """Sectors that cover at least one live agreement, most used first."""
    # Joining `Agreement` (an entity, unlike the core link table) lets the archive filter leave archived ones out.
    count = func.count(Agreement.id)
    statement = (
        select(Sector.slug, Sector.name, count)
        .join(agreement_sector, agreement_sector.c.sector_id == Sector.id)
        .join(Agreement, Agreement.id == agreement_sector.c.agreement_id)
        .group_by(Sector.id, Sector.slug, Sector.name)
        .order_by(count.desc(), Sector.name)
    )
    return [SectorCount(slug, name, total) for slug, name, total in session.execute(statement)]


def partner_country_counts(session: Session, home_country: str) -> list[tuple[str, int]]:
    """Agreements per country of their foreign parties (any country but `home_country`), most first."""
    count = func.count(AgreementParty.agreement_id.distinct())
    statement = (
        select(Party.country_code, count)
        .join(AgreementParty, AgreementParty.party_id == Party.id)
        .where(Party.country_code.is_not(None), Party.country_code != home_country.upper())
        .group_by(Party.country_code)
        .order_by(count.desc(), Party.country_code)
    )
    return [(code, total) for code, total in session.execute(statement)]


def dashboard(session: Session, as_of: date, home_country: str, months: int = DEFAULT_MONTHS) -> Dashboard:
    """The dashboard as seen on `as_of`, with agreements ending within `months` of it."""
    return Dashboard(
        as_of=as_of,
        months=months,
        totals=totals(session),
        by_status=status_counts(session),
        by_sector=sector_counts(session),
        by_country=partner_country_counts(session, home_country),
        expiring=expiring_agreements(session, as_of, months),
        needs_attention=count_needing_attention(session, as_of),
        recent_sources=recent_sources(session),
    )
