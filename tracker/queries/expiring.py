"""Agreements nearing their end, and those past it that are still recorded as binding.

Where an agreement has terms (tracker/terms.py), the expiring list goes by the decision date of its current term as
of the reference day — the last day notice can be given — and by the term's end otherwise: it lists an agreement
whose current term's decision date falls in the window, or has passed while the term still runs (the decision is
then overdue, and the end is near). The current term as of any day is found in SQL from `agreement_term`, the terms
written out on every write (one grouped range read of its index on both engines); an agreement without terms is
listed by its recorded end, exactly as before. Each row says which date it goes by (`ExpiringAgreement.decision`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload, subqueryload

from tracker.dates import PartialDate
from tracker.models import (
    LIVE_STATUSES,
    UNDECIDED_RENEWALS,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementTerm,
    Party,
    PartyRole,
)
from tracker.queries.pagination import Page, paginate
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


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    page: Page[ExpiringAgreement]
    needs_attention: int
    attention_preview: list[ExpiringAgreement]


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


def _entry(agreement: Agreement, as_of: date, by_terms: bool = False) -> ExpiringAgreement:
    """Wrap an agreement with its distance from `as_of`; the end counts from its earliest possible day.

    `by_terms`: the distance is to the current term's decision date where the agreement has terms.
    """
    term = current_term(terms_of(agreement), as_of) if by_terms else None
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
    )


def current_terms(as_of: date) -> Subquery:
    """Per agreement with a term ending on or after `as_of`: the current term's decision date and end."""
    return (
        select(
            AgreementTerm.agreement_id,
            func.min(AgreementTerm.decision_on).label("decision_on"),
            func.min(AgreementTerm.end_on).label("end_on"),
        )
        .where(AgreementTerm.end_on >= as_of)
        .group_by(AgreementTerm.agreement_id)
        .subquery("current_term")
    )


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


def _ending_within(as_of: date, months: int, term: Subquery) -> tuple[ColumnElement[bool], ...]:
    """Open, existing on `as_of`, and its current term's decision date (else its end) by `months` later while the
    term (else the agreement) has not ended before `as_of`."""
    until = add_months(as_of, months)
    by_end = and_(term.c.agreement_id.is_(None), Agreement.end_on >= as_of, Agreement.end_on <= until)
    return (
        Agreement.status.in_(OPEN_STATUSES),
        or_(term.c.decision_on <= until, by_end),
        existing_on(as_of),
    )


def _expiring_from(statement: Select, as_of: date) -> tuple[Select, Subquery]:
    """`statement` over agreements joined to their current terms as of `as_of` (none for most)."""
    term = current_terms(as_of)
    return statement.outerjoin(term, term.c.agreement_id == Agreement.id), term


def expiring_agreements(session: Session, as_of: date, months: int = DEFAULT_MONTHS) -> list[ExpiringAgreement]:
    """Open agreements ending from `as_of` to `months` later, both days included, soonest first (all of them)."""
    statement = _with_parties(expiring_statement(as_of, months))
    return [_entry(agreement, as_of, by_terms=True) for agreement in session.scalars(statement)]


def expiring_statement(as_of: date, months: int) -> Select:
    """SELECT the agreements `expiring_agreements` lists, in its order, without eager loading."""
    statement, term = _expiring_from(select(Agreement), as_of)
    key = func.coalesce(term.c.decision_on, Agreement.end_on)
    return statement.where(*_ending_within(as_of, months, term)).order_by(key, Agreement.title, Agreement.id)


def first_expiring(session: Session, as_of: date, months: int, limit: int) -> list[ExpiringAgreement]:
    """The first `limit` agreements `expiring_agreements` would list (at most MAX_PER_PAGE)."""
    statement = _with_page_parties(expiring_statement(as_of, months).limit(min(limit, MAX_PER_PAGE)))
    return [_entry(agreement, as_of, by_terms=True) for agreement in session.scalars(statement)]


def expiring_count(as_of: date, months: int) -> Select:
    """SELECT the number of agreements `expiring_agreements` would list (for combining statements)."""
    statement, term = _expiring_from(select(func.count()).select_from(Agreement), as_of)
    return statement.where(*_ending_within(as_of, months, term))


def _needs_attention(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """Past its end, still recorded as signed or in force, and no renewal recorded: the record is likely stale."""
    return (
        Agreement.status.in_(LIVE_STATUSES),
        Agreement.renewal_intent.in_(UNDECIDED_RENEWALS),
        Agreement.end_on < as_of,
        existing_on(as_of),
    )


def attention_statement(as_of: date) -> Select:
    """SELECT the agreements `agreements_needing_attention` lists, in its order, without eager loading."""
    return select(Agreement).where(*_needs_attention(as_of)).order_by(Agreement.end_on, Agreement.title, Agreement.id)


def agreements_needing_attention(session: Session, as_of: date) -> list[ExpiringAgreement]:
    """Agreements whose end passed before `as_of` while they still claim to bind, longest overdue first."""
    return [_entry(agreement, as_of) for agreement in session.scalars(_with_parties(attention_statement(as_of)))]


def count_needing_attention(session: Session, as_of: date) -> int:
    """How many agreements `agreements_needing_attention` would list."""
    return session.scalar(needing_attention_count(as_of)) or 0


def needing_attention_count(as_of: date) -> Select:
    """SELECT the number of agreements `agreements_needing_attention` would list (for combining statements)."""
    return select(func.count()).select_from(Agreement).where(*_needs_attention(as_of))


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
    session: Session, statement: Select, as_of: date, page: int, per_page: int, by_terms: bool = False
) -> Page[ExpiringAgreement]:
    """One page of `statement`'s agreements with their parties, wrapped as expiring entries."""
    found = paginate(session, _with_page_parties(statement), page, min(per_page, MAX_PER_PAGE))
    items = [_entry(agreement, as_of, by_terms) for agreement in found.items]
    return Page(items=items, total=found.total, page=found.page, per_page=found.per_page)


def expiring_view(
    session: Session, as_of: date, months: int, page: int, per_page: int, attention: bool = False
) -> ExpiringView:
    """A page of the agreements ending within `months` of `as_of`, or (`attention`) of those needing attention."""
    if attention:
        listed = _entries_page(session, attention_statement(as_of), as_of, page, per_page)
        return ExpiringView(as_of, months, add_months(as_of, months), True, listed, listed.total, [])
    listed = _entries_page(session, expiring_statement(as_of, months), as_of, page, per_page, by_terms=True)
    preview_statement = _with_page_parties(attention_statement(as_of).limit(ATTENTION_PREVIEW))
    preview = [_entry(agreement, as_of) for agreement in session.scalars(preview_statement)]
    # The preview is the whole list when it is short; its count is only needed when it is not.
    total = len(preview) if len(preview) < ATTENTION_PREVIEW else count_needing_attention(session, as_of)
    return ExpiringView(as_of, months, add_months(as_of, months), False, listed, total, preview)
