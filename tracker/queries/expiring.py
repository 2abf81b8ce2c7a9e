"""Agreements nearing their end, and those past it that are still recorded as binding.

Where an agreement has terms (tracker/terms.py), the expiring list goes by the decision date of its current term as
of the reference day — the last day notice can be given — and by the term's end otherwise: it lists an agreement
whose current term's decision date falls in the window, or has passed while the term still runs (the decision is
then overdue, and the end is near). The current term as of any day is found in SQL from `agreement_term`, the terms
written out on every write: only the terms deciding by the window's end that run on the day, one range read of its
decision index on both engines (`expiring_days`); an agreement without a running term is listed by its recorded end,
exactly as before. Each row says which date it goes by (`ExpiringAgreement.decision`).

"Needs attention" is three groups of agreements still recorded as signed or in force (and existing on the day), each
with its reason (issue 15): past the end with no renewal under way (STALE), a renewal intended or in negotiation
whose end has passed (OVERDUE_RENEWAL), and a current term whose decision date has passed, while the term runs, with
no renewal intent recorded (DECISION_PASSED). A term never runs past the recorded end, so the groups never overlap
and their counts add up; overdue follow-up actions are the fourth group (tracker/queries/actions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, Subquery, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload, subqueryload
from sqlalchemy.sql.expression import FunctionElement

from tracker.dates import PartialDate, add_months
from tracker.models import (
    LIVE_STATUSES,
    UNDECIDED_RENEWALS,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementTerm,
    KeptCount,
    Party,
    PartyRole,
    RenewalIntent,
)
from tracker.queries.pagination import Page, count_of
from tracker.queries.planner import checked_only
from tracker.terms import Term, current_term, terms_of

DEFAULT_MONTHS = 12
MIN_MONTHS = 1
MAX_MONTHS = 240
QUICK_MONTHS = (3, 6, 12, 24)
# The most rows one page of the expiring view shows ("show all for printing" asks for this many).
MAX_PER_PAGE = 500
# Rows of "needs attention" shown under the expiring list; the rest are one link away.
ATTENTION_PREVIEW = 10

# Statuses after which an end date no longer matters: such agreements are history, not work to do.
TERMINAL_STATUSES = (
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
    AgreementStatus.SUPERSEDED,
    AgreementStatus.CANCELLED,
)
OPEN_STATUSES = tuple(status for status in AgreementStatus if status not in TERMINAL_STATUSES)


def whole_months_between(earlier: date, later: date) -> int:
    """How many whole calendar months fit between two dates (0 when `later` is not after `earlier`)."""
    if later <= earlier:
        return 0
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months if add_months(earlier, months) <= later else months - 1


@dataclass(frozen=True)
class ExpiringAgreement:
    """An agreement with its end and the time between the reference date and that end."""

    agreement: Agreement
    end: PartialDate
    parties: tuple[Party, ...]
    # Negative once the end has passed.
    days_left: int
    # Whole months between the reference date and the end, in either direction.
    months_apart: int
    # The current term's decision date when the agreement has terms: the row goes by it (days_left counts to it).
    decision: date | None = None
    term: Term | None = None
    # The group of needs attention the row is listed in (ATTENTION_GROUPS), if any: it gives the reason.
    group: str | None = None

    @property
    def day(self) -> date:
        """The day the row goes by: the current term's decision date where the agreement has terms, else the end's
        earliest possible day (`days_left` counts to it)."""
        return self.decision if self.decision is not None else self.end.earliest

    @property
    def notice_due(self) -> bool:
        """Whether the row goes by a deadline for giving notice, before the term's end (the terms give a notice
        period); without one a term's decision date is its end."""
        return self.term is not None and self.term.decision_on < self.term.end_on


@dataclass(frozen=True)
class ExpiringView:
    """One page of the expiring view: the window and a page of one of its two lists, plus the other list's size.

    `attention` says which list is paged: agreements ending in the window (False) or those needing attention (True).
    When the window is paged, `attention_preview` holds the first few agreements needing attention.
    """

    as_of: date
    months: int
    until: date
    attention: bool
    # The key of the group of needs attention paged (ATTENTION_GROUPS), or False when the window is paged.
    attention: bool | str
    page: Page[ExpiringAgreement]
    needs_attention: int
    attention_preview: list[ExpiringAgreement]
    # Each group of needs attention with its first rows, when the window is paged.
    groups: list[AttentionGroup]


@dataclass(frozen=True)
class ExpiringReport:
    """What the expiring page shows: the window, the agreements ending in it, and those needing attention."""

    as_of: date
    months: int
    until: date
    expiring: list[ExpiringAgreement]
    needs_attention: list[ExpiringAgreement]


def _with_parties(statement: Select) -> Select:
    """Eager-load the parties the lists show (links and parties in one statement), so a page costs a fixed number.

    subqueryload rather than selectinload: the lists are not paged, and selectinload adds a statement per 500 rows.
    """
    return statement.options(subqueryload(Agreement.party_links).joinedload(AgreementParty.party))


def _with_page_parties(statement: Select) -> Select:
    """Eager-load a page's parties: selectinload costs one statement for up to 500 rows, hence MAX_PER_PAGE."""
    return statement.options(selectinload(Agreement.party_links).joinedload(AgreementParty.party))


def _distinct_parties(agreement: Agreement) -> tuple[Party, ...]:
    """Each party once, signatories first, then by name; a party may hold several roles."""
    role_rank = {role: rank for rank, role in enumerate(PartyRole)}
    links = sorted(agreement.party_links, key=lambda link: (role_rank[link.role], link.party.name.casefold()))
    seen: dict[int, Party] = {}
    for link in links:
        seen.setdefault(link.party.id, link.party)
    return tuple(seen.values())


def _entry(agreement: Agreement, as_of: date, by_terms: bool = False, group: str | None = None) -> ExpiringAgreement:
    """Wrap an agreement with its distance from `as_of`; the end counts from its earliest possible day.

    `by_terms`: the distance is to the current term's decision date where a term runs on `as_of`. As in the SQL
    that lists it, an agreement whose terms have all ended goes by its recorded end: a recorded end after its last
    term's (a non-renewing term with a later end recorded) was listed by that end yet shown by the ended term's
    decision date, years overdue, out of the list's order.
    """
    term = current_term(terms_of(agreement), as_of) if by_terms else None
    return _dated(agreement, as_of, term if term and term.end_on >= as_of else None, group)


def _dated(agreement: Agreement, as_of: date, term: Term | None, group: str | None = None) -> ExpiringAgreement:
    """The entry going by `term`'s decision date, or by the agreement's end without a term."""
    key = term.decision_on if term else agreement.end_on
    months = whole_months_between(as_of, key) if key >= as_of else whole_months_between(key, as_of)
    return ExpiringAgreement(
        agreement=agreement,
        end=term.end if term else agreement.end,
        parties=_distinct_parties(agreement),
        days_left=(key - as_of).days,
        months_apart=months,
        decision=term.decision_on if term else None,
        term=term,
        group=group,
    )


def dated_entry(agreement: Agreement, as_of: date, by_terms: bool = True) -> ExpiringAgreement | None:
    """The agreement with the day it goes by as of `as_of`, as the expiring list dates it: its current term's
    decision date where it has terms (`by_terms`), else its end; None when it has neither."""
    term = current_term(terms_of(agreement), as_of) if by_terms else None
    return _dated(agreement, as_of, term) if term or agreement.end_on else None


# The longest notice of any term in days, an upper bound kept by the database's triggers (migration 0040); NULL
# without its row.
NOTICE_BOUND = (
    select(KeptCount.total).where(KeptCount.kind == "bound", KeptCount.key == "notice days").scalar_subquery()
)


class days_before(FunctionElement[date]):  # named as the function it reads as where it is used
    """The day `days` (an integer expression) before a day, in SQL: each engine writes date arithmetic its own way
    (SQLite keeps dates as ISO text)."""

    type = Date()
    inherit_cache = True
    name = "days_before"


@compiles(days_before)
def _date_minus_days(element: days_before, compiler: Any, **kw: Any) -> str:
    day, days = element.clauses
    return f"(CAST({compiler.process(day, **kw)} AS DATE) - {compiler.process(days, **kw)})"


@compiles(days_before, "sqlite")
def _date_modifier(element: days_before, compiler: Any, **kw: Any) -> str:
    day, days = element.clauses
    return f"date({compiler.process(day, **kw)}, (-{compiler.process(days, **kw)}) || ' days')"


def running_on(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """The terms that may run on `as_of`: not ended by then, and deciding no earlier than the longest notice before
    it (a term decides its notice before its end), so that a range of ix_agreement_term_decision_on starts there
    rather than at the first term ever (49,170 terms deciding by a year's window end at 100,000 agreements, 6,179
    from a year before its start). Without the kept bound, every term's decision."""
    earliest = func.coalesce(days_before(literal(as_of, Date), NOTICE_BOUND), literal(date.min, Date))
    return (AgreementTerm.end_on >= as_of, AgreementTerm.decision_on >= earliest)


def existing_on(as_of: date) -> ColumnElement[bool]:
    """Signed by `as_of` (or, its signing not known, started by then), or neither date known: a view of a past day
    leaves out what did not exist yet.

    The signing makes an agreement; its start is only the stand-in when the signing is not recorded, so one signed
    before `as_of` that starts later is shown, and one applied retroactively but signed after is not. A date known
    to the year or month is after `as_of` only when its earliest possible day is: "signed 2023" may be 1 January
    2023 and is shown as of that day, since leaving out what may have existed would hide work from the officer.
    """
    began = func.coalesce(Agreement.signed_on, Agreement.start_on)
    return or_(began.is_(None), began <= as_of)


def expiring_days(as_of: date, until: date | ColumnElement[date]) -> Subquery:
    """(agreement_id, day) of every agreement the expiring list shows for `as_of` to `until`, by the day it goes by.

    The count's two parts (see `expiring_count`), each with its day: those without a current term by their end
    (ix_agreement_status_end_on), and those whose current term decides by `until` with that decision date, grouped
    from the terms not ended by `as_of` that decide by `until` (a range of ix_agreement_term_decision_on). The least
    decision date among those terms is the current term's: the current term decides first, and it is among them when
    it decides by `until`. Joining every agreement to current terms grouped from every term not ended by `as_of` read
    the terms written out to 2100 (docs/benchmarks.md, issue 15). The two parts never share an agreement.
    """
    ended = by_end(as_of, until, lambda day: (Agreement.id.label("agreement_id"), day.label("day")))
    deciding = (
        select(AgreementTerm.agreement_id, func.min(AgreementTerm.decision_on).label("day"))
        .where(*running_on(as_of), AgreementTerm.decision_on <= until)
        # SQLite grouped by the column walks agreement_term's primary key, every term, for the group's order.
        .group_by(checked_only(AgreementTerm.agreement_id))
    )
    return union_all(ended, deciding).subquery("expiring_day")


def expiring_agreements(session: Session, as_of: date, months: int = DEFAULT_MONTHS) -> list[ExpiringAgreement]:
    """Open agreements ending from `as_of` to `months` later, both days included, soonest first (all of them)."""
    statement = _with_parties(expiring_statement(as_of, months))
    return [_entry(agreement, as_of, by_terms=True) for agreement in session.scalars(statement)]


def expiring_statement(as_of: date, months: int) -> Select:
    """SELECT the agreements `expiring_agreements` lists, in its order, without eager loading."""
    return _in_day_order(as_of, expiring_days(as_of, add_months(as_of, months)))


def _in_day_order(as_of: date, days: Subquery) -> Select:
    """SELECT the agreements listed with their `days` (`expiring_days`), in the list's order."""
    return (
        select(Agreement)
        .join(days, days.c.agreement_id == Agreement.id)
        .where(*_listed(as_of))
        .order_by(days.c.day, Agreement.title, Agreement.id)
    )


def _listed(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """What the expiring list asks of an agreement besides its day: open, and existing on `as_of`."""
    return (Agreement.status.in_(OPEN_STATUSES), existing_on(as_of))


def first_expiring_ids(session: Session, as_of: date, months: int, limit: int) -> tuple[int, ...]:
    """The ids of the first `limit` agreements `expiring_agreements` would list, in its order: what a view keeps per
    data version (the dashboard's figures), loading the rows by id (`expiring_entries`).

    Only the agreements going by a day up to the `limit`-th end of those without a current term are read with their
    titles (the order's second key): those agreements are all listed, so the list's `limit`-th day is no later.
    Sorting every agreement in the window by title read each one's row (5,000 at 100,000 agreements, 18 ms of
    SQLite's CPU; with the cut, the thousand whose decision is overdue and a few more).
    """
    limit = min(limit, MAX_PER_PAGE)
    until = add_months(as_of, months)
    ends = by_end(as_of, until, lambda day: (day,)).where(Agreement.archived_at.is_(None))
    nth_end = ends.order_by(Agreement.end_on).offset(limit - 1).limit(1).scalar_subquery()
    # The list up to that day is the list of a window ending then: its agreements' days are the same (a current
    # term's decision date is by the cut exactly when it is among the terms deciding by the cut). Fewer such
    # agreements than `limit`: no cut.
    listed = expiring_days(as_of, func.coalesce(nth_end, until))
    return tuple(session.scalars(_in_day_order(as_of, listed).with_only_columns(Agreement.id).limit(limit)))


def expiring_entries(session: Session, as_of: date, ids: Sequence[int]) -> list[ExpiringAgreement]:
    """The agreements with these ids as `first_expiring` lists them, in the order of `ids`; an id gone is left out."""
    by_id = _agreements_by_id(session, ids)
    return [_entry(by_id[agreement_id], as_of, by_terms=True) for agreement_id in ids if agreement_id in by_id]


def first_expiring(
    session: Session, as_of: date, months: int, limit: int, conditions: Sequence[ColumnElement[bool]] = ()
) -> list[ExpiringAgreement]:
    """The first `limit` agreements `expiring_agreements` would list (at most MAX_PER_PAGE), of those meeting the
    `conditions` if given."""
    statement = expiring_statement(as_of, months).where(*conditions).limit(min(limit, MAX_PER_PAGE))
    statement = _with_page_parties(statement)
    return [_entry(agreement, as_of, by_terms=True) for agreement in session.scalars(statement)]


def expiring_count(as_of: date, months: int) -> Select:
    """SELECT the number of agreements `expiring_agreements` would list (for combining statements).

    Counted in two parts (as the list now reads its rows, `expiring_days`) rather than over an outer join of agreements
    to current terms: an OR across the two tables keeps either engine from reading the end's index range, and at
    100,000 agreements it read every agreement. Those without a
    current term are counted from ix_agreement_status_end_on alone (a term-less agreement is checked against
    agreement_term's primary key; PostgreSQL's index includes the id for it, 0021), those with one from the terms
    whose decision falls in the window. The current term's decision date (the least of the terms not ended by
    `as_of`) is by `until` exactly when some term not ended by `as_of` decides by `until`: a range of
    ix_agreement_term_decision_on, mostly the past. Grouping every term not ended by `as_of` into current terms (as
    the list did) read the terms written out to 2100: 68 ms of SQLite's CPU at 100,000 agreements, against 19 for
    the whole count (docs/benchmarks.md, issue 15).
    """
    until = add_months(as_of, months)
    return select(by_end(as_of, until, _counted).scalar_subquery() + deciding_count(as_of, until).scalar_subquery())


# Keeps a value while the data stays the same: `keep(key, compute)` gives the value kept for `key` at the current data
# version, or computes and keeps it (http/counts.KeptCounts.keep).
Keeper = Callable[[Hashable, Callable[[], Any]], Any]


def _computed(_key: Hashable, compute: Callable[[], Any]) -> Any:
    """No keeping: the value computed anew."""
    return compute()


# What a part of a count selects, given the day it goes by (the end, or the current term's decision date).
DayColumns = Callable[[ColumnElement[date]], Sequence[ColumnElement[Any]]]


def _counted(_day: ColumnElement[date]) -> Sequence[ColumnElement[Any]]:
    """Only the number of rows."""
    return (func.count(),)


def by_end(as_of: date, until: date | ColumnElement[date], columns: DayColumns) -> Select:
    """SELECT `columns` of the open agreements existing on `as_of` without a current term whose end falls from
    `as_of` to `until`: a range of ix_agreement_status_end_on, each checked against agreement_term's primary key."""
    has_term = (
        select(AgreementTerm.agreement_id)
        .where(AgreementTerm.agreement_id == Agreement.id, AgreementTerm.end_on >= as_of)
        .exists()
    )
    return (
        select(*columns(Agreement.end_on))
        .select_from(Agreement)
        .where(
            Agreement.status.in_(OPEN_STATUSES),
            Agreement.end_on >= as_of,
            Agreement.end_on <= until,
            existing_on(as_of),
            ~has_term,
        )
    )


def term_decisions(as_of: date, until: date, columns: DayColumns) -> Select:
    """SELECT `columns` of every term's decision date from `as_of` to `until`, one row per term, of the open
    agreements existing on `as_of`: a range of ix_agreement_term_decision_on. A decision date already passed is not
    among them (the expiring list has it as overdue), while a later term's deciding in the window is, so an agreement
    renewing every year gives each decision it has in the window."""
    decision = AgreementTerm.decision_on
    return (
        select(*columns(decision))
        .select_from(AgreementTerm)
        .join(Agreement, Agreement.id == AgreementTerm.agreement_id)
        .where(decision >= as_of, decision <= until, Agreement.status.in_(OPEN_STATUSES), existing_on(as_of))
    )


def deciding_count(as_of: date, until: date) -> Select:
    """SELECT the number of open agreements existing on `as_of` whose current term decides by `until`: those with a
    term not ended by `as_of` that decides by `until` (the current term is the first such; see `expiring_count`)."""
    deciding = select(AgreementTerm.agreement_id).where(*running_on(as_of), AgreementTerm.decision_on <= until)
    return (
        select(func.count())
        .select_from(Agreement)
        .where(Agreement.status.in_(OPEN_STATUSES), Agreement.id.in_(deciding), existing_on(as_of))
    )


# The groups of "needs attention", each with its own rule and reason (issue 15); the keys are `?show=` values.
# Past the end, still recorded as live, no renewal under way: the record is likely stale.
STALE = "attention"
# Renewal intended or in negotiation, yet the end has passed: the renewal is overdue.
OVERDUE_RENEWAL = "renewals"
# The current term's decision date has passed while the term runs, and no decision is recorded.
DECISION_PASSED = "decisions"
ATTENTION_GROUPS = (STALE, OVERDUE_RENEWAL, DECISION_PASSED)
# A renewal is under way: intended or being negotiated, not yet done.
RENEWALS_UNDER_WAY = (RenewalIntent.INTENDED, RenewalIntent.IN_NEGOTIATION)


@dataclass(frozen=True)
class AttentionGroup:
    """One group of needs attention: its key (ATTENTION_GROUPS), its first rows and how many it holds."""

    key: str
    rows: list[ExpiringAgreement]
    total: int


def decision_passed_ids(as_of: date) -> Select:
    """SELECT the agreements with a term running on `as_of` whose decision date is before it.

    Any such term means the current one (the first ending on or after `as_of`) has its decision date passed too:
    decision dates follow the ends in order. One range read of agreement_term's (end, decision, agreement) index, or of
    its (decision, end, agreement) index (0021), whichever holds fewer terms in range.
    """
    return select(AgreementTerm.agreement_id).where(*running_on(as_of), AgreementTerm.decision_on < as_of)


def _attention_group(group: str, as_of: date) -> tuple[ColumnElement[bool], ...]:
    """The rule of one group of needs attention; the groups never overlap (a term never runs past the end)."""
    live = (Agreement.status.in_(LIVE_STATUSES), existing_on(as_of))
    if group == STALE:
        return (*live, Agreement.renewal_intent.in_(UNDECIDED_RENEWALS), Agreement.end_on < as_of)
    if group == OVERDUE_RENEWAL:
        return (*live, Agreement.renewal_intent.in_(RENEWALS_UNDER_WAY), Agreement.end_on < as_of)
    if group == DECISION_PASSED:
        return (
            *live,
            Agreement.renewal_intent == RenewalIntent.NOT_RECORDED,
            Agreement.id.in_(decision_passed_ids(as_of)),
        )
    raise ValueError(group)


def _current_decision(as_of: date) -> ColumnElement:
    """The decision date of the agreement's current term as of `as_of` (for ordering a few rows)."""
    return (
        select(func.min(AgreementTerm.decision_on))
        .where(AgreementTerm.agreement_id == Agreement.id, AgreementTerm.end_on >= as_of)
        .scalar_subquery()
    )


def _group_order(group: str, as_of: date) -> tuple[ColumnElement, ...]:
    """Longest overdue first: by the end, or for a passed decision by the decision date."""
    key = _current_decision(as_of) if group == DECISION_PASSED else Agreement.end_on
    return (key, Agreement.title, Agreement.id)


def attention_statement(as_of: date, group: str = STALE) -> Select:
    """SELECT the agreements of one group of needs attention, longest overdue first, without eager loading."""
    return select(Agreement).where(*_attention_group(group, as_of)).order_by(*_group_order(group, as_of))


def agreements_needing_attention(session: Session, as_of: date) -> list[ExpiringAgreement]:
    """Every agreement needing attention as of `as_of`, group after group (ATTENTION_GROUPS), longest overdue first."""
    return [row for group in attention_groups(session, as_of, limit=None) for row in group.rows]


def attention_groups(
    session: Session, as_of: date, limit: int | None = ATTENTION_PREVIEW, keep: Keeper | None = None
) -> list[AttentionGroup]:
    """Each group of needs attention with its first `limit` rows (all with None): their ids and totals (kept by
    `keep` when given, per data version), then the rows and their parties in two statements.

    At 100,000 agreements the ids and counts cost 20 ms of SQLite's CPU; a view of unchanged data reads 30 rows by
    id instead. The rows were once joined to the union of each group's ids, which the parties' subqueryload ran a
    second time.
    """
    keep = keep or _computed
    chosen: dict[str, tuple[tuple[int, ...], int]] = keep(
        ("attention groups", as_of, limit), lambda: attention_ids(session, as_of, limit)
    )
    loaded = _agreements_by_id(session, [key for ids, _total in chosen.values() for key in ids])
    groups = []
    for group, (ids, total) in chosen.items():
        rows = [_entry(loaded[key], as_of, group == DECISION_PASSED, group) for key in ids if key in loaded]
        rows.sort(key=lambda row: (row.days_left, row.agreement.title, row.agreement.id))
        groups.append(AttentionGroup(group, rows, total))
    return groups


def attention_ids(session: Session, as_of: date, limit: int | None) -> dict[str, tuple[tuple[int, ...], int]]:
    """Each group's first `limit` ids (all with None) in its order, and how many it holds: one statement for the
    ids (a union of each group's first), one for the counts only when a group has more rows than shown."""
    parts = []
    for group in ATTENTION_GROUPS:
        part = select(Agreement.id.label("id"), literal(group).label("grp")).where(*_attention_group(group, as_of))
        part = part.where(*_first_ends(group, as_of, limit)).order_by(*_group_order(group, as_of))
        parts.append(select(part.limit(limit).subquery() if limit else part.subquery()))
    found: dict[str, list[int]] = {group: [] for group in ATTENTION_GROUPS}
    for key, group in session.execute(union_all(*parts)):
        found[group].append(key)
    full = limit is not None and any(len(ids) >= limit for ids in found.values())
    totals = attention_counts(session, as_of) if full else {group: len(ids) for group, ids in found.items()}
    return {group: (tuple(found[group]), totals[group]) for group in ATTENTION_GROUPS}


def _first_ends(group: str, as_of: date, limit: int | None) -> tuple[ColumnElement[bool], ...]:
    """For a group ordered by the end: only the ends up to the `limit`-th earliest, read from
    ix_agreement_attention alone, so that only those rows are read and sorted by title (every row of the group was,
    a thousand and more at 100,000 agreements). The first `limit` rows in (end, title, id) order are among them."""
    if limit is None or group == DECISION_PASSED:
        return ()
    ends = select(Agreement.end_on).where(*_attention_group(group, as_of)).order_by(Agreement.end_on)
    # Fewer rows than `limit`: no cut (every end in the group is before `as_of`).
    return (Agreement.end_on <= func.coalesce(ends.offset(limit - 1).limit(1).scalar_subquery(), as_of),)


def _agreements_by_id(session: Session, ids: Sequence[int]) -> dict[int, Agreement]:
    """The agreements with these ids and their parties (one statement each), by id."""
    if not ids:
        return {}
    statement = select(Agreement).where(Agreement.id.in_(ids))
    statement = _with_page_parties(statement) if len(ids) <= MAX_PER_PAGE else _with_parties(statement)
    return {agreement.id: agreement for agreement in session.scalars(statement)}


def group_count(as_of: date, group: str) -> Select:
    """SELECT the number of agreements in one group of needs attention."""
    return select(func.count()).select_from(Agreement).where(*_attention_group(group, as_of))


def attention_counts(session: Session, as_of: date) -> dict[str, int]:
    """How many agreements each group of needs attention holds: one statement."""
    row = session.execute(select(*(group_count(as_of, group).scalar_subquery() for group in ATTENTION_GROUPS))).one()
    return dict(zip(ATTENTION_GROUPS, (int(value or 0) for value in row), strict=True))


def count_needing_attention(session: Session, as_of: date) -> int:
    """How many agreements `agreements_needing_attention` would list."""
    return session.scalar(needing_attention_count(as_of)) or 0


def needing_attention_count(as_of: date) -> Select:
    """SELECT the number of agreements needing attention, every group (for combining statements; they never
    overlap, so the counts add up)."""
    counts = [group_count(as_of, group).scalar_subquery() for group in ATTENTION_GROUPS]
    return select(counts[0] + counts[1] + counts[2])


def expiring_report(session: Session, as_of: date, months: int = DEFAULT_MONTHS) -> ExpiringReport:
    """Everything the expiring page shows for a reference date and a window of `months`."""
    return ExpiringReport(
        as_of=as_of,
        months=months,
        until=add_months(as_of, months),
        expiring=expiring_agreements(session, as_of, months),
        needs_attention=agreements_needing_attention(session, as_of),
    )


def _entries_page(
    session: Session,
    statement: Select,
    as_of: date,
    page: int,
    per_page: int,
    by_terms: bool = False,
    group: str | None = None,
    keep: Keeper | None = None,
    key: Hashable = None,
) -> Page[ExpiringAgreement]:
    """One page of `statement`'s agreements with their parties, wrapped as expiring entries; the count and the
    page's ids kept by `keep` under `key` (what the statement lists) when given.

    The page's ids come first, then the rows by id: sorting the window's rows by day and title read every row in it
    (5,000 at 100,000 agreements, 25 ms of SQLite's CPU), which a view of unchanged data need not repeat.
    """
    keep = keep or _computed
    per_page = min(per_page, MAX_PER_PAGE)
    total = keep(("count", key), lambda: count_of(session, statement))
    offset = (page - 1) * per_page
    ids_of_page = statement.with_only_columns(Agreement.id).limit(per_page).offset(offset)
    ids = keep(("ids", key, page, per_page), lambda: tuple(session.scalars(ids_of_page)))
    loaded = _agreements_by_id(session, ids)
    # An id gone since (written without the app, within VersionedCache.MAX_AGE) is left out.
    items = [_entry(loaded[key_], as_of, by_terms, group) for key_ in ids if key_ in loaded]
    return Page(items=items, total=total, page=page, per_page=per_page)


def expiring_view(
    session: Session,
    as_of: date,
    months: int,
    page: int,
    per_page: int,
    attention: bool | str = False,
    keep: Keeper | None = None,
) -> ExpiringView:
    """A page of the agreements ending within `months` of `as_of`, or (`attention`: a group's key, True for the
    first) of one group of those needing attention, with the first rows of each group otherwise; the counts and the
    ids shown kept by `keep` when given (per data version: http/counts.KeptCounts)."""
    until = add_months(as_of, months)
    if attention:
        group = attention if attention in ATTENTION_GROUPS else STALE
        statement = attention_statement(as_of, group)
        key = ("attention", as_of, group)
        listed = _entries_page(session, statement, as_of, page, per_page, group == DECISION_PASSED, group, keep, key)
        return ExpiringView(as_of, months, until, group, listed, listed.total, [], [])
    statement = expiring_statement(as_of, months)
    listed = _entries_page(session, statement, as_of, page, per_page, True, keep=keep, key=("expiring", as_of, months))
    groups = attention_groups(session, as_of, keep=keep)
    total = sum(group.total for group in groups)
    preview = [row for group in groups for row in group.rows]
    return ExpiringView(as_of, months, until, False, listed, total, preview, groups)
