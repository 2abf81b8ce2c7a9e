"""Calendar quarters, and ends counted per quarter for the dashboard's "expiries per quarter" chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Eight quarters: the one holding the reference day and the seven after it, about two years.
QUARTERS_AHEAD = 8


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: `number` 1 (January–March) to 4 (October–December) of `year`."""

    year: int
    number: int

    @property
    def first_day(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The quarter's last day."""
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        """The quarter after this one."""
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: date) -> Quarter:
    """The quarter a day falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarters_from(as_of: date, count: int = QUARTERS_AHEAD) -> list[Quarter]:
    """`count` quarters, starting with the one holding `as_of`."""
    quarters = [quarter_of(as_of)]
    while len(quarters) < count:
        quarters.append(quarters[-1].next())
    return quarters


def window_end(as_of: date, count: int = QUARTERS_AHEAD) -> date:
    """The last day counted: the end of the last of the `count` quarters."""
    return quarters_from(as_of, count)[-1].last_day


def count_by_quarter(
    ends: Iterable[tuple[date, int]], as_of: date, count: int = QUARTERS_AHEAD
) -> list[tuple[Quarter, int]]:
    """(quarter, how many end in it) for the `count` quarters from `as_of`; ends before `as_of` are over, not due.

    `ends` are (end day, number of agreements) pairs; an end known only to the year or month is given by its
    earliest day, as everywhere else (so "2018" falls in the first quarter of 2018).
    """
    last = window_end(as_of, count)
    counts: Counter[Quarter] = Counter()
    for day, number in ends:
        if as_of <= day <= last:
            counts[quarter_of(day)] += number
    return [(quarter, counts[quarter]) for quarter in quarters_from(as_of, count)]
