"""The dashboard's figures: totals, counts by status, sector and partner country, and ends per quarter, in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.charts.quarters import QUARTERS_AHEAD, Quarter, count_by_quarter, window_end
from tracker.models import Agreement, AgreementParty, AgreementStatus, Party, Sector, Source, agreement_sector
from tracker.queries.expiring import (
    DEFAULT_MONTHS,
    OPEN_STATUSES,
    ExpiringAgreement,
    expiring_agreements,
    needing_attention_count,
)
from tracker.queries.sources import recent_sources as recent_sources  # re-exported for older imports

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
    # Open agreements ending in each quarter, from the one holding `as_of` on, for about two years.
    by_quarter: list[tuple[Quarter, int]] = field(default_factory=list)


def totals(session: Session) -> Totals:
    """Counts of agreements, parties and sources, in one statement."""
    return totals_and_attention(session, None)[0]


def totals_and_attention(session: Session, as_of: date | None) -> tuple[Totals, int]:
    """The totals and, given `as_of`, how many agreements need attention on that day: one statement for both."""
    attention = needing_attention_count(as_of).scalar_subquery() if as_of else select(0).scalar_subquery()
    row = session.execute(
        select(
            select(func.count()).select_from(Agreement).scalar_subquery(),
            select(func.count()).select_from(Party).scalar_subquery(),
            select(func.count()).select_from(Source).scalar_subquery(),
            attention,
        )
    ).one()
    return Totals(*row[:3]), row[3]


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


def expiries_by_quarter(session: Session, as_of: date, quarters: int = QUARTERS_AHEAD) -> list[tuple[Quarter, int]]:
    """Open agreements ending in each quarter from `as_of` on, as the expiring list counts them (from `as_of`).

    An end known to the year or month counts at its earliest day, so "2018" falls in the first quarter of 2018.
    """
    count = func.count()
    statement = (
        select(Agreement.end_on, count)
        .where(
            Agreement.status.in_(OPEN_STATUSES),
            Agreement.end_on >= as_of,
            Agreement.end_on <= window_end(as_of, quarters),
        )
        .group_by(Agreement.end_on)
    )
    return count_by_quarter(session.execute(statement).all(), as_of, quarters)


def newest_sources(session: Session, limit: int = RECENT_SOURCES) -> list[Source]:
    """The sources added last, newest first; the dashboard shows only their own fields, so it loads nothing more."""
    return list(session.scalars(select(Source).order_by(Source.created_at.desc(), Source.id.desc()).limit(limit)))


def dashboard(session: Session, as_of: date, home_country: str, months: int = DEFAULT_MONTHS) -> Dashboard:
    """The dashboard as seen on `as_of`, with agreements ending within `months` of it."""
    counts, needs_attention = totals_and_attention(session, as_of)
    return Dashboard(
        as_of=as_of,
        months=months,
        totals=counts,
        by_status=status_counts(session),
        by_sector=sector_counts(session),
        by_country=partner_country_counts(session, home_country),
        expiring=expiring_agreements(session, as_of, months),
        needs_attention=needs_attention,
        recent_sources=newest_sources(session),
        by_quarter=expiries_by_quarter(session, as_of),
    )
