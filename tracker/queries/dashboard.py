"""The dashboard's figures: totals, counts by status, sector and partner country, and ends per quarter, in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.charts.quarters import QUARTERS_AHEAD, Quarter, count_by_quarter, window_end
from tracker.models import Agreement, AgreementParty, AgreementStatus, Party, Sector, Source, agreement_sector
from tracker.queries.expiring import (
    DEFAULT_MONTHS,
    OPEN_STATUSES,
    ExpiringAgreement,
    expiring_count,
    first_expiring,
    needing_attention_count,
)
from tracker.queries.sources import recent_sources as recent_sources  # re-exported for older imports

RECENT_SOURCES = 5
# Agreements ending soon shown on the dashboard; the expiring view lists them all.
EXPIRING_SHOWN = 10


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
    # The first EXPIRING_SHOWN agreements ending within `months`, and how many end then in all.
    expiring: list[ExpiringAgreement]
    needs_attention: int
    recent_sources: list[Source]
    # Open agreements ending in each quarter, from the one holding `as_of` on, for about two years.
    by_quarter: list[tuple[Quarter, int]] = field(default_factory=list)
    expiring_total: int = 0


def totals(session: Session) -> Totals:
    """Counts of agreements, parties and sources, in one statement."""
    return totals_and_attention(session, None)[0]


def totals_and_attention(session: Session, as_of: date | None, months: int = DEFAULT_MONTHS) -> tuple[Totals, int, int]:
    """The totals and, given `as_of`, how many agreements need attention and end within `months`: one statement."""
    attention = needing_attention_count(as_of).scalar_subquery() if as_of else select(0).scalar_subquery()
    ending = expiring_count(as_of, months).scalar_subquery() if as_of else select(0).scalar_subquery()
    row = session.execute(
        select(
            select(func.count()).select_from(Agreement).scalar_subquery(),
            select(func.count()).select_from(Party).scalar_subquery(),
            select(func.count()).select_from(Source).scalar_subquery(),
            attention,
            ending,
        )
    ).one()
    return Totals(*row[:3]), row[3], row[4]


# Why the counts below add up "every row" and subtract "rows of archived agreements" instead of joining live ones:
# at 100,000 agreements, checking each row's agreement for `archived_at` reads the whole wide agreement table in
# index order (0.2 s per chart on SQLite), while "every row" is read from a covering index and archived agreements
# are few. The archive filter is switched off for these statements (WITH_ARCHIVED) and written out instead.
# "id IN (archived ids)", not "archived_at IS NOT NULL": SQLite would otherwise walk the GROUP BY column's index and
# read every row for its `archived_at`; this way it reads only the archived rows.
ARCHIVED = Agreement.id.in_(select(Agreement.id).where(Agreement.archived_at.is_not(None)))


def _live_totals(every: Select, archived: Select) -> Select:
    """(key, count) per key: `every` counts all rows per key, `archived` those of archived agreements, subtracted."""
    both = union_all(every, archived.with_only_columns(*archived.selected_columns[:1], -archived.selected_columns[1]))
    rows = both.subquery()
    key, count = rows.c
    total = func.sum(count)
    return select(key, total).group_by(key).having(total > 0).execution_options(**WITH_ARCHIVED)


def status_counts(session: Session) -> list[tuple[AgreementStatus, int]]:
    """Agreements per status, in the order statuses follow in an agreement's life; absent ones left out."""
    statement = _live_totals(
        select(Agreement.status, func.count()).group_by(Agreement.status),
        select(Agreement.status, func.count()).where(ARCHIVED).group_by(Agreement.status),
    )
    # .all(): a Result has keys(), which dict() would take for a mapping's.
    counts = {AgreementStatus(status): int(total) for status, total in session.execute(statement).all()}
    return [(status, counts[status]) for status in AgreementStatus if status in counts]


def sector_counts(session: Session) -> list[SectorCount]:
    """Sectors that cover at least one live agreement, most used first."""
    link = agreement_sector.c
    per_sector = _live_totals(
        select(link.sector_id, func.count()).group_by(link.sector_id),
        select(link.sector_id, func.count())
        .join(Agreement, Agreement.id == link.agreement_id)
        .where(ARCHIVED)
        .group_by(link.sector_id),
    ).subquery()
    sector_id, count = per_sector.c
    # The whole statement runs without the archive filter (it would reach into the subquery): sectors filtered here.
    statement = (
        select(Sector.slug, Sector.name, count)
        .join(per_sector, sector_id == Sector.id)
        .where(Sector.archived_at.is_(None))
        .order_by(count.desc(), Sector.name)
        .execution_options(**WITH_ARCHIVED)
    )
    return [SectorCount(slug, name, int(total)) for slug, name, total in session.execute(statement)]


def partner_country_counts(session: Session, home_country: str) -> list[tuple[str, int]]:
    """Agreements per country of their live foreign parties (any country but `home_country`), most first."""
    foreign = (
        Party.archived_at.is_(None),
        Party.country_code.is_not(None),
        Party.country_code != home_country.upper(),
    )
    # An agreement is archived or not, so its distinct count splits cleanly into the two parts.
    count = func.count(AgreementParty.agreement_id.distinct())
    links = select(Party.country_code, count).join(AgreementParty, AgreementParty.party_id == Party.id).where(*foreign)
    statement = _live_totals(
        links.group_by(Party.country_code),
        links.join(Agreement, Agreement.id == AgreementParty.agreement_id).where(ARCHIVED).group_by(Party.country_code),
    )
    rows = [(code, int(total)) for code, total in session.execute(statement)]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


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
    # By id, which grows with every insert (sources are archived, never deleted): "created_at, id" made SQLite sort
    # every source sharing the newest timestamps (a bulk import gives thousands the same second).
    return list(session.scalars(select(Source).order_by(Source.id.desc()).limit(limit)))


def dashboard(session: Session, as_of: date, home_country: str, months: int = DEFAULT_MONTHS) -> Dashboard:
    """The dashboard as seen on `as_of`, with agreements ending within `months` of it."""
    counts, needs_attention, ending = totals_and_attention(session, as_of, months)
    return Dashboard(
        as_of=as_of,
        months=months,
        totals=counts,
        by_status=status_counts(session),
        by_sector=sector_counts(session),
        by_country=partner_country_counts(session, home_country),
        expiring=first_expiring(session, as_of, months, EXPIRING_SHOWN),
        needs_attention=needs_attention,
        recent_sources=newest_sources(session),
        by_quarter=expiries_by_quarter(session, as_of),
        expiring_total=ending,
    )
