"""An agreement's terms: when its current term ends, and by when a decision about it is due (the decision date).

Pure: dates in, dates out. "In force for five years, automatically renewed for further periods of five years unless
either party gives six months' notice" is a duration of 60 months, automatic renewal every 60 months and a notice of
6 months. The first term ends the day before the duration's anniversary of the start; an auto-renewing agreement
rolls forward term by term (each a renewal period, or the duration when none is given) until a term ends on or after
the day asked about. The decision date is the last day notice can be given: the notice period before the day after
the end ("6 months before 31 December 2018" is 1 July 2018). A new agreement recorded as renewing one runs that
one's next term (`next_term`): from the day after its end, for one renewal period, at the end's precision (after
"2006–2018" with five-year renewals comes "2019–2023").

Month ends (issue 15): a term of N months ends the day before the same day of the month N months on, or, when that
month has no such day, on that month's last day — as a contract reads "for one month from 31 May": to 30 June, not
29 June; 29 February 2024 for a year runs to 28 February 2025. Every term of an auto-renewing agreement is counted
from the original start (term k ends N + (k-1)·R months on), never from the previous term's end, so the terms keep
the start's day and never drift: monthly from 31 January 2024 they end 29 February, 30 March, 30 April, 30 May,
30 June..., each the day before the 31st, or the month's last day when it has none; they follow on without gap or
overlap. The decision date needs no rule of its own: going back the notice period from the day after the end (to
that month's last day when it has no such day) gives exactly the last day from which a notice period, counted by
the same rule, still ends by the term's end. Six months' notice for a term ending 30 June is due by 1 January
(1 January to 30 June is six months), not 31 December; for a term ending 30 August 2024 by 29 February 2024.

Precision: dates known only to the year or month are taken at their earliest possible day, as everywhere in the
tracker (an end known to the year counts from its first possible day). A start known to the year gives an end known
only to the year, and a decision day that is safe wherever in that year the start falls ("by 1 July 2018 at the
latest"). A recorded end is the agreement's final end: terms never run past it; without a duration (or a start),
the recorded end is the one term's end, exactly as before terms existed.

Why terms are stored (model AgreementTerm, kept by services/terms.py on every write): an auto-renewing agreement's
current term depends on the day asked about, and the expiring view asks about any day (as of 2017-10-04). Month
arithmetic differs between SQLite and PostgreSQL and cannot use an index, so each term's end and decision date is
written out up to HORIZON (at most a few hundred rows for a monthly renewal); the view then finds the current term
as of any day with one indexed range condition on both engines, and nothing goes stale as days pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker.dates import MAX_YEAR, PartialDate, Precision, add_months

# Terms are written out up to this day; nothing in the tracker looks further.
HORIZON = date(MAX_YEAR, 12, 31)
MONTHS = "months"
DAYS = "days"


@dataclass(frozen=True)
class Terms:
    """What an agreement records of its terms; every part optional. `notice_unit` is "months" or "days"."""

    start: PartialDate | None = None
    end: PartialDate | None = None
    duration_months: int | None = None
    auto_renewal: bool = False
    renewal_months: int | None = None
    notice_period: int | None = None
    notice_unit: str = MONTHS

    @property
    def has_terms(self) -> bool:
        """Whether anything beyond a recorded end decides the end or a decision date."""
        return bool(self.duration_months or self.notice_period)


@dataclass(frozen=True)
class Term:
    """One term: its number (1 first), its end at the precision known and the last day notice can be given."""

    number: int
    end: PartialDate
    end_on: date  # the earliest day the term can end
    decision_on: date

    @property
    def approximate(self) -> bool:
        """Whether the end is known only to the year or month."""
        return self.end.precision is not Precision.DAY


def terms_of(record: Any) -> Terms:
    """What an agreement, or its data (anything with its fields), records of its terms."""
    return Terms(
        start=record.start,
        end=record.end,
        duration_months=record.duration_months,
        auto_renewal=record.auto_renewal.value == "yes",
        renewal_months=record.renewal_months,
        notice_period=record.notice_period,
        notice_unit=record.notice_unit.value,
    )


def renewal_period(terms: Terms) -> int | None:
    """The months each further term runs: the renewal period when the agreement renews for a period other than its
    first duration, else the duration again; None when neither is recorded."""
    return terms.renewal_months or terms.duration_months


def term_end(start: date, months: int) -> date:
    """The last day of a term of `months` starting on `start`: the day before the same day `months` on, or that
    month's last day when it has no such day (31 May + 1 month ends on 30 June, not 29 June)."""
    anniversary = add_months(start, months)
    if anniversary.day < start.day:  # clamped: the month has no such day, so the term runs to its end
        return anniversary
    return anniversary - timedelta(days=1)


def decision_day(end_on: date, terms: Terms) -> date:
    """The last day notice can be given for a term ending on `end_on` (the end itself without a notice period)."""
    if not terms.notice_period:
        return end_on
    after = end_on + timedelta(days=1)
    if terms.notice_unit == DAYS:
        return after - timedelta(days=terms.notice_period)
    return add_months(after, -terms.notice_period)


def all_terms(terms: Terms) -> Iterator[Term]:
    """Every term in order, up to HORIZON (one when the agreement does not renew itself)."""
    if not (terms.duration_months and terms.start):
        if terms.end is not None and terms.notice_period:
            yield Term(1, terms.end, terms.end.earliest, decision_day(terms.end.earliest, terms))
        return
    precision, months, number = terms.start.precision, terms.duration_months, 1
    renewal = renewal_period(terms)
    while True:
        end_on = term_end(terms.start.earliest, months)
        if terms.end is not None and not terms.end.earliest > end_on:  # the recorded end is the final one
            yield Term(number, terms.end, terms.end.earliest, decision_day(terms.end.earliest, terms))
            return
        if end_on > HORIZON:
            return
        yield Term(number, _at(end_on, precision), end_on, decision_day(end_on, terms))
        if not terms.auto_renewal:
            return
        months, number = months + renewal, number + 1


def current_term(terms: Terms, as_of: date) -> Term | None:
    """The term running on `as_of`: the first ending on or after it, else the last one (already ended)."""
    last = None
    for term in all_terms(terms):
        if term.end_on >= as_of:
            return term
        last = term
    return last


def _at(day: date, precision: Precision) -> PartialDate:
    """`day` as a partial date at `precision` (its year, or its month, when that is all that is known)."""
    if precision is Precision.YEAR:
        return PartialDate(date(day.year, 1, 1), precision)
    if precision is Precision.MONTH:
        return PartialDate(date(day.year, day.month, 1), precision)
    return PartialDate(day, precision)


def next_term(terms: Terms, as_of: date) -> tuple[PartialDate | None, PartialDate | None]:
    """The period of a new agreement renewing one with these terms: from the day after its end (the recorded one,
    else its current term's as of `as_of`) for one renewal period. (None, None) when no end is known."""
    end = terms.end
    if end is None:
        term = current_term(terms, as_of)
        end = term.end if term else None
    return period_after(end, renewal_period(terms)) if end is not None else (None, None)


def period_after(end: PartialDate, months: int | None) -> tuple[PartialDate | None, PartialDate | None]:
    """The period that follows one ending on `end`: from the day after it, at its precision (after "2018" comes
    "2019"), for `months` when given (else the end stays open); None past the last year."""
    if end.latest >= HORIZON:
        return None, None
    start = _at(end.latest + timedelta(days=1), end.precision)
    if not months:
        return start, None
    end_on = term_end(start.earliest, months)
    return start, _at(end_on, start.precision) if end_on <= HORIZON else None
