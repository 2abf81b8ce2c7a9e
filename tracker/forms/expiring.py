"""GET forms of the dashboard and the expiring page: a reference date and a window in months."""

from __future__ import annotations

from typing import Any

from flask import current_app
from wtforms import DateField, IntegerField, ValidationError

from tracker.clock import local_today
from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.forms.base import QueryForm, clean_text
from tracker.i18n import _
from tracker.queries.expiring import DEFAULT_MONTHS, MAX_MONTHS, MIN_MONTHS


def default_months() -> int:
    """The configured window of the expiring list."""
    return current_app.config.get("TRACKER_EXPIRING_MONTHS", DEFAULT_MONTHS)


class BlankKeepsDefault:
    """Field mixin: a blank value in the query string (an emptied box) keeps the default instead of failing."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        values = [clean_text(value) for value in valuelist]
        if not values or values[0] in ("", None):
            return
        super().process_formdata(values)  # type: ignore[misc]


class AsOfField(BlankKeepsDefault, DateField):
    """A YYYY-MM-DD reference date, today when not given."""


class MonthsField(BlankKeepsDefault, IntegerField):
    """A whole number of months."""


def year_in_range(form: Any, field: AsOfField) -> None:
    """Keep reference dates where the tracker's dates live, so month arithmetic never leaves the calendar."""
    if field.data is not None and not MIN_YEAR <= field.data.year <= MAX_YEAR:
        raise ValidationError(_("Choose a date between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR))


def months_in_range(form: Any, field: MonthsField) -> None:
    """A window from one month to twenty years; an unreadable number already has its own message."""
    if field.data is not None and not MIN_MONTHS <= field.data <= MAX_MONTHS:
        raise ValidationError(
            _("Choose a whole number of months from %(low)s to %(high)s.", low=MIN_MONTHS, high=MAX_MONTHS)
        )


class AsOfForm(QueryForm):
    """`?as_of=YYYY-MM-DD`: the day the page is seen from."""

    as_of = AsOfField(
        _("As of"),
        default=local_today,
        validators=[year_in_range],
        invalid_value_message=_("Enter a date as YYYY-MM-DD, for example 2017-10-04."),
    )


class ExpiringForm(AsOfForm):
    """`?months=N&as_of=YYYY-MM-DD`: agreements ending within N months of the reference date."""

    months = MonthsField(
        _("Ending within (months)"),
        default=default_months,
        validators=[months_in_range],
        invalid_value_message=_("Enter a whole number of months, for example 12."),
    )
