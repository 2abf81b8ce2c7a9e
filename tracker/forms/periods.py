"""A span of whole months typed as years and months, "5 years 0 months": the terms' duration and renewal period, which
the record keeps (and the API and the files give) in months."""

from __future__ import annotations

import re
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value

from tracker.forms.base import clean_text
from tracker.i18n import _

PARTS = ("years", "months")
MONTHS_A_YEAR = 12
# A whole number as typed, its minus sign kept to say that it may not be negative.
WHOLE = re.compile(r"(-?)(\d+)")
# More digits than any span has: such a number is too long without being read (Python refuses thousands of digits).
MAX_DIGITS = 9


class YearsMonthsField(Field):
    """Two number inputs, `<name>-years` and `<name>-months`; `data` is the total in months, None when both are blank.

    Months past eleven count as typed ("0 years 18 months" is 18); a recorded span is shown in whole years and the
    months left ("1 year 6 months"). A submission without either input keeps the recorded value, as the form's other
    inputs do. Problems (not a whole number, negative, none at all, too long) are the field's errors, shown next to it.
    """

    def __init__(self, label: Any = None, validators: Any = None, *, minimum: int, maximum: int, **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.typed: tuple[str, str] | None = None

    @property
    def input_names(self) -> tuple[str, str]:
        """The names of the two inputs."""
        return (f"{self.name}-years", f"{self.name}-months")

    @property
    def max_years(self) -> int:
        """The most years the span may run."""
        return self.maximum // MONTHS_A_YEAR

    @property
    def shown(self) -> tuple[str, str]:
        """The years and months the inputs show: as typed, else the recorded span split, else blank."""
        if self.typed is not None:
            return self.typed
        if self.data is None:
            return ("", "")
        years, months = divmod(self.data, MONTHS_A_YEAR)
        return (str(years), str(months))

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """The recorded months (or the default), then the two inputs when the submission has them."""
        super().process(None, data, extra_filters)
        if formdata is None or not any(name in formdata for name in self.input_names):
            return
        self.typed = (
            clean_text(formdata.get(self.input_names[0], "")),
            clean_text(formdata.get(self.input_names[1], "")),
        )
        self.raw_data = list(self.typed)
        try:
            self.data = self.months_of(*self.typed)
        except ValueError as error:
            self.data = None
            self.process_errors.append(error.args[0])

    def months_of(self, years: str, months: str) -> int | None:
        """The span in months; None when both are blank; ValueError with the message to show otherwise."""
        if not years and not months:
            return None
        total = whole(years) * MONTHS_A_YEAR + whole(months)
        if total < self.minimum:
            raise ValueError(_("Give at least one month, or leave both blank."))
        if total > self.maximum:
            raise ValueError(_("At most %(years)s years.", years=self.max_years))
        return total


def whole(text: str) -> int:
    """A typed number of years or months: blank is 0; ValueError with the message to show for anything else."""
    if not text:
        return 0
    match = WHOLE.fullmatch(text)
    if match is None:
        raise ValueError(_("Give whole numbers of years and months, such as 5 and 0."))
    sign, digits = match.groups()
    if sign:
        raise ValueError(_("Years and months cannot be negative."))
    return int(digits) if len(digits) <= MAX_DIGITS else 10**MAX_DIGITS
