"""Agreements nearing their end, and those past it that are still recorded as binding."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, subqueryload

from tracker.dates import PartialDate
from tracker.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyRole,
    RenewalIntent,
)

DEFAULT_MONTHS = 12
MIN_MONTHS = 1
MAX_MONTHS = 240
QUICK_MONTHS = (3, 6, 12, 24)

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


def _distinct_parties(agreement: Agreement) -> tuple[Party, ...]:
    """Each party once, signatories first, then by name; a party may hold several roles."""
    role_rank = {role: rank for rank, role in enumerate(PartyRole)}
    links = sorted(agreement.party_links, key=lambda link: (role_rank[link.role], link.party.name.casefold()))
    seen: dict[int, Party] = {}
    for link in links:
        seen.setdefault(link.party.id, link.party)
    return tuple(seen.values())


def _entry(agreement: Agreement, as_of: date) -> ExpiringAgreement:
    """Wrap an agreement with its distance from `as_of`; the end counts from its earliest possible day."""
    end_on = agreement.end_on
    months = whole_months_between(as_of, end_on) if end_on >= as_of else whole_months_between(end_on, as_of)
    return ExpiringAgreement(
        agreement=agreement,
        end=agreement.end,
        parties=_distinct_parties(agreement),
        days_left=(end_on - as_of).days,
        months_apart=months,
    )


def expiring_agreements(session: Session, as_of: date, months: int = DEFAULT_MONTHS) -> list[ExpiringAgreement]:
    """Open agreements ending from `as_of` to `months` later, both days included, soonest first."""
    until = add_months(as_of, months)
    statement = _with_parties(
        select(Agreement)
        .where(Agreement.status.in_(OPEN_STATUSES), Agreement.end_on >= as_of, Agreement.end_on <= until)
        .order_by(Agreement.end_on, Agreement.title, Agreement.id)
    )
    return [_entry(agreement, as_of) for agreement in session.scalars(statement)]


def _needs_attention(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """Past its end, still recorded as signed or in force, and no renewal recorded: the record is likely stale."""
    return (
        Agreement.status.in_(LIVE_STATUSES),
        Agreement.renewal_intent == RenewalIntent.NONE,
        Agreement.end_on < as_of,
    )


def agreements_needing_attention(session: Session, as_of: date) -> list[ExpiringAgreement]:
    """Agreements whose end passed before `as_of` while they still claim to bind, longest overdue first."""
    statement = _with_parties(
        select(Agreement).where(*_needs_attention(as_of)).order_by(Agreement.end_on, Agreement.title, Agreement.id)
    )
    return [_entry(agreement, as_of) for agreement in session.scalars(statement)]


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
