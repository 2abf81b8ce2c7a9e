"""The dashboard's figures: totals, counts by status, sector and partner country, and decisions and ends per quarter,
in SQL."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, String, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.charts.quarters import QUARTERS_AHEAD, Quarter, count_by_quarter, window_end
from tracker.dates import add_months
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Change,
    Conflict,
    ImplementationStatus,
    KeptCount,
    Party,
    Sector,
    Source,
    SourceCheck,
    agreement_sector,
)
from tracker.queries.actions import overdue_count
from tracker.queries.conflicts import open_count
from tracker.queries.expiring import (
    ATTENTION_GROUPS,
    DECISION_PASSED,
    DEFAULT_MONTHS,
    OVERDUE_RENEWAL,
    STALE,
    ExpiringAgreement,
    by_end,
    deciding_count,
    expiring_count,
    expiring_entries,
    first_expiring_ids,
    group_count,
    term_decisions,
)
from tracker.queries.link_health import problems
from tracker.queries.planner import checked_only
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
    # Conflicting reports open and still found (issue 17), counted with the others.
    open_conflicts: int = 0


@dataclass(frozen=True)
class SectorCount:
    """A sector and how many agreements it covers."""

    slug: str
    name: str
    count: int


def totals(session: Session) -> Totals:
    """Counts of agreements, parties and sources, in one statement."""
    return totals_and_attention(session, None)[0]


def kept_total(*rows: ColumnElement[bool]) -> ColumnElement[int]:
    """The sum of the kept counts (`KeptCount`) of `rows`: live agreements and sources are counted by the database's
    triggers as they are written (counting them took 19 ms at 100,000 agreements and 276,000 sources)."""
    return select(func.coalesce(func.sum(KeptCount.total), 0)).where(*rows).scalar_subquery()


def totals_and_attention(
    session: Session, as_of: date | None, months: int = DEFAULT_MONTHS
) -> tuple[Totals, int, int, int, dict[str, int], int]:
    """The totals and, given `as_of`, how many agreements need attention, how many end within `months`, how many
    follow-up actions are overdue, how many agreements each group of needs attention holds and how many source links
    are to look at (tracker/queries/link_health.py): one statement."""
    none = select(0).scalar_subquery()
    groups = [group_count(as_of, group).scalar_subquery() if as_of else none for group in ATTENTION_GROUPS]
    ending = expiring_count(as_of, months).scalar_subquery() if as_of else none
    overdue = overdue_count(as_of).scalar_subquery() if as_of else none
    links = select(func.count()).select_from(problems().order_by(None).subquery()).scalar_subquery() if as_of else none
    row = session.execute(
        select(
            kept_total(KeptCount.kind == "status"),
            select(func.count()).select_from(Party).scalar_subquery(),
            kept_total(KeptCount.kind == "total", KeptCount.key == "source"),
            ending,
            overdue,
            links,
            open_count().scalar_subquery(),
            *groups,
        )
    ).one()
    # The groups never overlap (tracker/queries/expiring.py), so their counts add up to the agreements needing it.
    by_group = dict(zip(ATTENTION_GROUPS, (int(count) for count in row[7:]), strict=True))
    return Totals(*row[:3], open_conflicts=row[6]), sum(by_group.values()), row[3], row[4], by_group, row[5]


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


def _sector_totals() -> Select:
    """(slug, name, count) of each live sector covering at least one live agreement."""
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
    return (
        select(Sector.slug, Sector.name, count)
        .join(per_sector, sector_id == Sector.id)
        .where(Sector.archived_at.is_(None))
    )


@dataclass(frozen=True)
class CountryImplementation:
    """A partner country, how many live agreements are with it and how many of them are implemented."""

    country: str
    agreements: int
    implemented: int


def _foreign(home_country: str) -> tuple:
    """Conditions on a party: live, with a country, and not of `home_country`."""
    return (
        Party.archived_at.is_(None),
        Party.country_code.is_not(None),
        Party.country_code != home_country.upper(),
    )


def _country_implemented(home_country: str) -> Select:
    """(country code, count) of the live implemented agreements of live foreign parties.

    Starts from the implemented live agreements, their ids read from ix_agreement_implementation alone (0021), then
    their links and parties. Joined to `agreement` instead, SQLite at 100,000 agreements went from every foreign
    party's links to their agreements' rows (a tenth of them implemented) and read the table for them.
    """
    implemented = select(Agreement.id).where(
        Agreement.implementation == ImplementationStatus.IMPLEMENTED, Agreement.archived_at.is_(None)
    )
    count = func.count(AgreementParty.agreement_id.distinct())
    return (
        select(Party.country_code, count)
        .join(AgreementParty, AgreementParty.party_id == Party.id)
        .where(*_foreign(home_country), AgreementParty.agreement_id.in_(implemented))
        .group_by(Party.country_code)
    )


def _country_totals(home_country: str) -> Select:
    """(country code, count) of the agreements of live foreign parties (any country but `home_country`)."""
    foreign = _foreign(home_country)
    # An agreement is archived or not, so its distinct count splits cleanly into the two parts.
    count = func.count(AgreementParty.agreement_id.distinct())
    links = select(Party.country_code, count).join(AgreementParty, AgreementParty.party_id == Party.id).where(*foreign)
    return _live_totals(
        links.group_by(Party.country_code),
        links.join(Agreement, Agreement.id == AgreementParty.agreement_id).where(ARCHIVED).group_by(Party.country_code),
    )


def _as_rows(statement: Select, kind: str) -> Select:
    """A (key, count) statement as the union's (key, name, count, kind) rows."""
    key, count = statement.selected_columns[:2]
    return statement.with_only_columns(key, literal(None).label("name"), count).add_columns(literal(kind).label("kind"))


def sector_and_country_counts(
    session: Session, home_country: str
) -> tuple[list[SectorCount], list[tuple[str, int]], list[CountryImplementation]]:
    """Sectors that cover live agreements and partner countries of live agreements, each most used first, and each
    country's implemented agreements: one statement for all (the dashboard's statements stay within the bound
    tests/web/test_statement_counts.py sets)."""
    sectors = _sector_totals().add_columns(literal("sector").label("kind"))
    countries = _as_rows(_country_totals(home_country), "country")
    implemented = _as_rows(_country_implemented(home_country), "implemented")
    by_sector, by_country, done = [], [], {}
    statement = union_all(sectors, countries, implemented).execution_options(**WITH_ARCHIVED)
    for key, name, total, kind in session.execute(statement):
        if kind == "sector":
            by_sector.append(SectorCount(key, name, int(total)))
        elif kind == "country":
            by_country.append((key, int(total)))
        else:
            done[key] = int(total)
    by_sector.sort(key=lambda sector: (-sector.count, sector.name))
    by_country.sort(key=lambda row: (-row[1], row[0]))
    implementation = [CountryImplementation(code, total, done.get(code, 0)) for code, total in by_country]
    return by_sector, by_country, implementation


@dataclass(frozen=True)
class KeptFigures:
    """The figures the database keeps (`KeptCount`): agreements per status, sector and partner country, and each
    country's implemented ones, as `status_counts` and `sector_and_country_counts` count them."""

    by_status: list[tuple[AgreementStatus, int]]
    by_sector: list[SectorCount]
    by_country: list[tuple[str, int]]
    implementation_by_country: list[CountryImplementation]


def kept_figures(session: Session, home_country: str) -> KeptFigures:
    """The counts the database's triggers keep up to date (migration 0036): a few dozen rows read from the table's
    key with each counted sector's name, in one statement, current in every transaction (no cache to go stale)."""
    sector_row = and_(KeptCount.kind == "sector", KeptCount.key == cast(Sector.id, String))
    statement = (
        select(KeptCount.kind, KeptCount.key, KeptCount.total, Sector.slug, Sector.name, Sector.archived_at)
        .outerjoin(Sector, sector_row)
        .where(KeptCount.kind.in_(["status", "sector", "country", "implemented"]), KeptCount.total > 0)
        .execution_options(**WITH_ARCHIVED)
    )
    rows = session.execute(statement).all()
    home = home_country.upper()
    found: dict[str, dict[str, int]] = {"status": {}, "country": {}, "implemented": {}}
    by_sector = []
    for kind, key, total, slug, name, sector_archived in rows:
        if kind == "sector":
            # An archived sector's links stay counted; the chart leaves it out as the recount did.
            if slug is not None and sector_archived is None:
                by_sector.append(SectorCount(slug, name, total))
        elif kind == "status" or key != home:
            found[kind][key] = total
    by_sector.sort(key=lambda sector: (-sector.count, sector.name))
    by_country = sorted(found["country"].items(), key=lambda row: (-row[1], row[0]))
    statuses = [
        (status, found["status"][status.value]) for status in AgreementStatus if status.value in found["status"]
    ]
    implemented = found["implemented"]
    implementation = [CountryImplementation(code, total, implemented.get(code, 0)) for code, total in by_country]
    return KeptFigures(statuses, by_sector, by_country, implementation)


def expiries_by_quarter(session: Session, as_of: date, quarters: int = QUARTERS_AHEAD) -> list[tuple[Quarter, int]]:
    """Decisions and ends per quarter from `as_of` on: each term's decision date where the agreement has terms (one per
    term, so a yearly renewal deciding twice in the window counts in both quarters, as the expiring list of each
    quarter, which a bar links to, lists it), else its end; a decision already passed (overdue) is in no quarter.

    An end known to the year or month counts at its earliest day, so "2018" falls in the first quarter of 2018.
    Two parts, as the expiring count (queries/expiring.py says why): the ends from ix_agreement_status_end_on, the
    decision dates from a range of ix_agreement_term_decision_on; one statement.
    """
    ends, decisions = days_by_part(session, as_of, window_end(as_of, quarters))
    return count_by_quarter([*ends, *decisions], as_of, quarters)


def _ends_by_day(as_of: date, last: date) -> Select:
    """SELECT (end, how many) of the agreements without a current term ending from `as_of` to `last`."""
    # The ends grouped by `+end_on` on SQLite: grouping by the column itself lures it to the index on `end_on` alone,
    # in the group's order, which reads each agreement's row for its status and dates (7x slower at 100,000 than
    # counting from the (status, end, archived, signed, start) index and grouping its entries afterwards).
    return by_end(as_of, last, _day_counts).group_by(checked_only(Agreement.end_on))


def days_by_part(
    session: Session, as_of: date, last: date, decisions: bool = True
) -> tuple[list[tuple[date, int]], list[tuple[date, int]]]:
    """(day, how many) of the ends, and of the terms' decision dates (none unless `decisions`), from `as_of` to
    `last`, as `expiries_by_quarter` counts them: one statement."""
    ends = _ends_by_day(as_of, last).add_columns(literal(False).label("decision"))
    statement: Select = ends
    if decisions:
        deciding = term_decisions(as_of, last, _day_counts).add_columns(literal(True).label("decision"))
        statement = union_all(ends, deciding.group_by(deciding.selected_columns[0]))
    found: tuple[list, list] = ([], [])
    for day, count, is_decision in session.execute(statement):
        found[bool(is_decision)].append((day, count))
    return found


def _day_counts(day: ColumnElement[date]) -> tuple[ColumnElement[Any], ...]:
    """The day and how many agreements go by it (the statement groups by the day)."""
    return (day, func.count())


def newest_sources(session: Session, limit: int = RECENT_SOURCES) -> list[Source]:
    """The sources added last, newest first; the dashboard shows only their own fields, so it loads nothing more."""
    # By id, which grows with every insert (sources are archived, never deleted): "created_at, id" made SQLite sort
    # every source sharing the newest timestamps (a bulk import gives thousands the same second).
    return list(session.scalars(select(Source).order_by(Source.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Figures:
    """The dashboard's counts: every one an aggregate over all the data, and all of them cached together."""

    totals: Totals
    needs_attention: int
    # How many agreements each group of needs attention holds, by key (tracker.queries.expiring.ATTENTION_GROUPS).
    attention_groups: dict[str, int]
    # How many agreements end within the dashboard's months.
    expiring_total: int
    # Open follow-up actions past their due date (an action's save is a Change, so the cache sees it).
    overdue_actions: int
    # Sources whose link was found gone, moved or failing (a check is written without history: `data_version` reads
    # the newest check's id).
    links_to_look_at: int
    by_status: list[tuple[AgreementStatus, int]]
    by_sector: list[SectorCount]
    by_country: list[tuple[str, int]]
    # Per partner country (most agreements first): its agreements and how many of them are implemented.
    implementation_by_country: list[CountryImplementation]
    # Open agreements' decision dates (one per term), else ends, per quarter from the one holding `as_of`: two years.
    by_quarter: list[tuple[Quarter, int]]
    # The first EXPIRING_SHOWN agreements ending within the months, in the list's order: finding them read ~5,000
    # agreements' ends and titles (23 ms at 100,000) on every view; kept with the counts, the rows are read by id.
    expiring_ids: tuple[int, ...]


@dataclass(frozen=True)
class Dashboard(Figures):
    """Everything the dashboard page shows: the figures, and the records it lists."""

    as_of: date
    months: int
    # The first EXPIRING_SHOWN agreements ending within `months`.
    expiring: list[ExpiringAgreement]
    recent_sources: list[Source]


@dataclass(frozen=True)
class DateFigures:
    """The figures that depend on the reference day and read only agreements and their terms: kept per (day, months)
    while the database's dates version (`dates_version`) stays the same."""

    needs_attention: int
    attention_groups: dict[str, int]
    expiring_total: int
    by_quarter: list[tuple[Quarter, int]]
    expiring_ids: tuple[int, ...]


@dataclass(frozen=True)
class TermFigures:
    """The parts of the date-dependent figures that read the agreements' terms and neither their ends nor their
    titles: kept per (day, months) under the database's terms version (`terms_version`, migration 0040), so that a
    write to an end or a title alone (an agreement without terms, a repair) recounts only the other parts: at
    100,000 agreements the terms' parts took half of the recount (every term deciding in two years, each checked
    against its agreement)."""

    # Agreements whose current term decides by the window's end (the expiring count's second part).
    deciding: int
    # The group of needs attention whose current term's decision has passed (DECISION_PASSED).
    decisions_passed: int
    # (day, how many terms decide on it) over the quarters shown.
    decisions_by_day: tuple[tuple[date, int], ...]


def date_counts(as_of: date, months: int, terms: bool = True) -> list[ScalarSelect]:
    """As scalar subqueries: the agreements ending within `months` of `as_of` without a current term, and the groups
    of needs attention past the end; with `terms`, the agreements whose current term decides by then and the group
    whose decision has passed (`TermFigures`). The expiring count is the sum of the two parts (`expiring_count`)."""
    until = add_months(as_of, months)
    counts = [
        by_end(as_of, until, lambda _day: (func.count(),)).scalar_subquery(),
        group_count(as_of, STALE).scalar_subquery(),
        group_count(as_of, OVERDUE_RENEWAL).scalar_subquery(),
    ]
    if terms:
        counts += [
            deciding_count(as_of, until).scalar_subquery(),
            group_count(as_of, DECISION_PASSED).scalar_subquery(),
        ]
    return counts


def date_figures(
    session: Session,
    as_of: date,
    months: int = DEFAULT_MONTHS,
    counts: Sequence[int] = (),
    terms: TermFigures | None = None,
) -> tuple[DateFigures, TermFigures]:
    """The date-dependent figures as seen on `as_of`, computed afresh but for `terms` when given (`counts`:
    `date_counts` when read already), and their terms' parts."""
    counts = counts or session.execute(select(*date_counts(as_of, months, terms is None))).one()
    ending, stale, overdue = (int(count) for count in counts[:3])
    ends, decisions = days_by_part(session, as_of, window_end(as_of, QUARTERS_AHEAD), terms is None)
    terms = terms or TermFigures(int(counts[3]), int(counts[4]), tuple(decisions))
    by_group = {STALE: stale, OVERDUE_RENEWAL: overdue, DECISION_PASSED: terms.decisions_passed}
    dates = DateFigures(
        # The groups never overlap (tracker/queries/expiring.py), so their counts add up to the agreements needing it.
        needs_attention=sum(by_group.values()),
        attention_groups={group: by_group[group] for group in ATTENTION_GROUPS},
        expiring_total=ending + terms.deciding,
        by_quarter=count_by_quarter([*ends, *terms.decisions_by_day], as_of, QUARTERS_AHEAD),
        expiring_ids=first_expiring_ids(session, as_of, months, EXPIRING_SHOWN),
    )
    return dates, terms


def other_figures(
    session: Session, as_of: date, months: int | None = None, terms: bool = True
) -> tuple[Totals, int, int, tuple]:
    """The totals, the follow-up actions overdue on `as_of` and the source links to look at, in one statement read
    from kept counts and small indexes (under 2 ms at 100,000 agreements): computed afresh when the data version moves.
    Given `months`, the same statement reads `date_counts` too, their terms' parts with `terms` (the dashboard's
    statements stay within the bound tests/web/test_statement_counts.py sets)."""
    links = select(func.count()).select_from(problems().order_by(None).subquery())
    row = session.execute(
        select(
            kept_total(KeptCount.kind == "status"),
            select(func.count()).select_from(Party).scalar_subquery(),
            kept_total(KeptCount.kind == "total", KeptCount.key == "source"),
            open_count().scalar_subquery(),
            overdue_count(as_of).scalar_subquery(),
            links.scalar_subquery(),
            *(date_counts(as_of, months, terms) if months is not None else ()),
        )
    ).one()
    return Totals(*row[:3], open_conflicts=row[3]), row[4], row[5], tuple(row[6:])


def figures(
    session: Session, as_of: date, home_country: str, months: int = DEFAULT_MONTHS, dates: DateFigures | None = None
) -> Figures:
    """The counts as seen on `as_of`, computed afresh (the date-dependent ones given as `dates` when kept)."""
    return figures_and_terms(session, as_of, home_country, months, dates)[0]


def figures_and_terms(
    session: Session,
    as_of: date,
    home_country: str,
    months: int = DEFAULT_MONTHS,
    dates: DateFigures | None = None,
    terms: TermFigures | None = None,
) -> tuple[Figures, TermFigures | None]:
    """`figures`, the terms' parts of the date-dependent ones given as `terms` when kept, and those parts (None when
    `dates` are given)."""
    counts, overdue, links, found = other_figures(session, as_of, None if dates else months, terms is None)
    if not dates:
        dates, terms = date_figures(session, as_of, months, found, terms)
    # Kept by the database (migration 0036): a recount of every agreement and link took 24 ms of SQL at 100,000.
    kept = kept_figures(session, home_country)
    return Figures(
        totals=counts,
        needs_attention=dates.needs_attention,
        attention_groups=dates.attention_groups,
        expiring_total=dates.expiring_total,
        overdue_actions=overdue,
        links_to_look_at=links,
        by_status=kept.by_status,
        by_sector=kept.by_sector,
        by_country=kept.by_country,
        implementation_by_country=kept.implementation_by_country,
        by_quarter=dates.by_quarter,
        expiring_ids=dates.expiring_ids,
    ), terms


def date_part(figures_now: Figures) -> DateFigures:
    """The date-dependent figures among `figures_now`."""
    return DateFigures(**{item.name: getattr(figures_now, item.name) for item in fields(DateFigures)})


# Moved on by the database's triggers with every write to what `date_figures` reads (migration 0038), whoever writes.
DATES_VERSION = select(KeptCount.total).where(KeptCount.kind == "version", KeptCount.key == "dates").scalar_subquery()
# Moved on by the database whenever a user's name or e-mail address changes (migration 0041): user edits write no
# history, and kept pages name officers.
PEOPLE_VERSION = select(KeptCount.total).where(KeptCount.kind == "version", KeptCount.key == "people").scalar_subquery()


# Moved on by the database's triggers with every write to what `TermFigures` read (migration 0040).
TERMS_VERSION = select(KeptCount.total).where(KeptCount.kind == "version", KeptCount.key == "terms").scalar_subquery()
# Moved on by the database's triggers with every write to what a party page's figures read (migration 0043,
# tracker/queries/parties.py `party_figures`).
PARTIES_VERSION = (
    select(KeptCount.total).where(KeptCount.kind == "version", KeptCount.key == "parties").scalar_subquery()
)


def dates_version(version: tuple) -> tuple:
    """The part of a data version (`data_version`) the date-dependent figures are kept under."""
    return version[-1:]


def terms_version(version: tuple) -> tuple:
    """The part of a data version (`data_version`) the terms' parts of the date-dependent figures are kept under."""
    return version[-2:-1]


def parties_version(version: tuple) -> tuple:
    """The part of a data version (`data_version`) the party pages' figures are kept under."""
    return version[-4:-3]


def data_version(session: Session) -> tuple:
    """A value that changes with every write the app makes, read from indexes in one statement.

    Every write through the app records a Change row (the history) and moves the largest change id; the other
    maxima catch rows written without history (bulk generation, imports from another tool). A link edited with
    raw SQL and nothing else is not seen: `FiguresCache` keeps figures for a few minutes at most for that case.
    """
    statement = select(
        select(func.max(Change.id)).scalar_subquery(),
        select(func.max(Agreement.id)).scalar_subquery(),
        select(func.max(Agreement.updated_at)).scalar_subquery(),
        select(func.max(Party.updated_at)).scalar_subquery(),
        select(func.max(Sector.updated_at)).scalar_subquery(),
        select(func.max(Source.id)).scalar_subquery(),
        select(func.max(SourceCheck.id)).scalar_subquery(),
        # A conflict found by a re-check of a source writes no history of its own.
        select(func.max(Conflict.id)).scalar_subquery(),
        # Fourth from last, as `parties_version` reads it: moved by the database on every write `party_figures` read.
        PARTIES_VERSION,
        PEOPLE_VERSION,
        # Next to last, as `terms_version` reads it: moved by the database on every write `TermFigures` read.
        TERMS_VERSION,
        # Last, as `dates_version` reads it: moved by the database on every write the date-dependent figures read.
        DATES_VERSION,
    ).execution_options(**WITH_ARCHIVED)
    return tuple(session.execute(statement).one())


class VersionedCache:
    """Values kept per key with the data version they were computed at (`data_version`): a value is current while
    the version stays the same, for `MAX_AGE` seconds at most (rows written without the app are seen then). One per
    process; the least recently stored go beyond `SIZE`."""

    MAX_AGE = 300.0
    SIZE = 16

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, tuple[tuple, float, Any]] = OrderedDict()

    def current(self, key: Any, version: tuple) -> tuple[bool, Any]:
        """(True, value) when a value for `key` is still current at `version`; (False, None) otherwise."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == version and self._clock() - entry[1] < self.MAX_AGE:
            return True, entry[2]
        return False, None

    def keep(self, key: Any, version: tuple, value: Any) -> Any:
        """Keep a value computed at `version`, and return it."""
        with self._lock:
            self._entries[key] = (version, self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return value


class FiguresCache(VersionedCache):
    """The dashboard's counts per (as_of, home country, months), kept while the data stays the same.

    At 100,000 agreements the counts take 0.1-0.2 s (each reads every agreement or link), while a page view costs
    one look-up of `data_version`. The date-dependent figures are kept apart, per (as_of, months), under the dates
    version alone: a write that changes none of what they read costs the other figures' 2 ms.
    """

    # Each key holds the whole figures and their date-dependent part.
    SIZE = 32

    def get(
        self, session: Session, as_of: date, home_country: str, months: int, version: tuple | None = None
    ) -> Figures:
        """The figures, from the cache when the data has not changed since they were computed (`version`: the data
        version when the caller has read it already)."""
        version = version if version is not None else data_version(session)
        key = (as_of, home_country, months)
        found, figures_then = self.current(key, version)
        if found:
            return figures_then
        # Most writes leave the date-dependent figures as they were (80 ms of SQL at 100,000 agreements to recount),
        # and many of those that do leave their terms' parts (half of it).
        dates_key, terms_key = ("dates", as_of, months), ("terms", as_of, months)
        found, dates = self.current(dates_key, dates_version(version))
        terms_found, terms = (False, None) if found else self.current(terms_key, terms_version(version))
        figures_now, terms = figures_and_terms(session, as_of, home_country, months, dates, terms)
        if not found:
            self.keep(dates_key, dates_version(version), date_part(figures_now))
        if not found and not terms_found:
            self.keep(terms_key, terms_version(version), terms)
        return self.keep(key, version, figures_now)


def dashboard(
    session: Session,
    as_of: date,
    home_country: str,
    months: int = DEFAULT_MONTHS,
    cache: FiguresCache | None = None,
    version: tuple | None = None,
) -> Dashboard:
    """The dashboard as seen on `as_of`, with agreements ending within `months` of it (counts from `cache` if given,
    checked against the data `version` if given)."""
    if cache:
        counts = cache.get(session, as_of, home_country, months, version)
    else:
        counts = figures(session, as_of, home_country, months)
    figures_now = {item.name: getattr(counts, item.name) for item in fields(Figures)}
    return Dashboard(
        **figures_now,
        as_of=as_of,
        months=months,
        expiring=expiring_entries(session, as_of, counts.expiring_ids),
        recent_sources=newest_sources(session),
    )
