"""Dates known only to a year, a month or a day ("2006", "2006-03", "2006-03-15")."""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date

from tracker.i18n import _

MIN_YEAR = 1900
MAX_YEAR = 2100

_PATTERN = re.compile(r"^\s*([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?\s*$")


class Precision(enum.Enum):
    """How much of a date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"

    @property
    def rank(self) -> int:
        """Coarse to fine: year 0, month 1, day 2."""
        return _RANKS[self]  # looked up, not searched: ranking suggestions compares thousands of dates


_RANKS = {precision: number for number, precision in enumerate(Precision)}


class PartialDateError(ValueError):
    """The text is not a date at year, month or day precision, or the date does not exist."""


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date with the precision it is known at; `value` is the earliest day it could be."""

    value: date
    precision: Precision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD"; refuse impossible or out-of-range dates."""
        match = _PATTERN.match(text or "")
        if not match:
            raise PartialDateError(_("Use YYYY, YYYY-MM or YYYY-MM-DD."))
        year, month, day = (int(part) if part else None for part in match.groups())
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PartialDateError(_("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR))
        if month is not None and not 1 <= month <= 12:
            raise PartialDateError(_("The month must be between 01 and 12."))
        if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise PartialDateError(_("That day does not exist in that month."))
        if day is not None:
            return cls(date(year, month, day), Precision.DAY)
        if month is not None:
            return cls(date(year, month, 1), Precision.MONTH)
        return cls(date(year, 1, 1), Precision.YEAR)

    @classmethod
    def from_columns(cls, value: date | None, precision: Precision | None) -> PartialDate | None:
        """Rebuild from the two stored columns; None when no date is recorded."""
        if value is None or precision is None:
            return None
        return cls(value, precision)

    @property
    def earliest(self) -> date:
        """The first day this date could be."""
        return self.value

    @property
    def latest(self) -> date:
        """The last day this date could be."""
        if self.precision is Precision.YEAR:
            return date(self.value.year, 12, 31)
        if self.precision is Precision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return date(self.value.year, self.value.month, last)
        return self.value

    def truncated(self, precision: Precision) -> tuple[int, ...]:
        """The date as a tuple cut to `precision` (never finer than it is known)."""
        parts = (self.value.year, self.value.month, self.value.day)
        return parts[: min(precision.rank, self.precision.rank) + 1]

    def is_before(self, other: PartialDate) -> bool:
        """True only when self is surely before other, compared at the coarser precision."""
        coarser = min(self.precision, other.precision, key=lambda p: p.rank)
        return self.truncated(coarser) < other.truncated(coarser)

    def iso(self) -> str:
        """The canonical text form at the known precision."""
        if self.precision is Precision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    def __str__(self) -> str:
        return self.iso()


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
