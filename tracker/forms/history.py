"""The activity feed's filters (GET): who, which kind of record, from and to which day."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, IntegerField, SelectField, ValidationError
from wtforms.validators import NumberRange, Optional

from tracker.forms.base import QueryForm, optional_id, options
from tracker.forms.expiring import BlankKeepsDefault, year_in_range
from tracker.i18n import _
from tracker.models import MAX_ID
from tracker.queries.history import ActivityFilters

# The kinds of record the history covers, as the feed's filter names them.
RECORD_TYPE_CHOICES = [
    ("agreement", _("Agreements")),
    ("party", _("Parties")),
    ("source", _("Sources")),
    ("sector", _("Sectors")),
    ("glossary_entry", _("Glossary entries")),
    ("action", _("Follow-up actions")),
    ("document", _("Documents")),
]
DAY_MESSAGE = _("Enter a date as YYYY-MM-DD, for example 2017-10-04.")


class DayField(BlankKeepsDefault, DateField):
    """A YYYY-MM-DD day; blank means no limit."""


class ActivityQueryForm(QueryForm):
    """`?user=3&record_type=agreement&date_from=2024-01-01&date_to=2024-01-31&page=2`."""

    user = SelectField(_("Who"), coerce=optional_id, default=None)
    record_type = SelectField(_("Record type"), choices=options([("", _("Any")), *RECORD_TYPE_CHOICES]), default="")
    date_from = DayField(_("From"), validators=[Optional(), year_in_range], invalid_value_message=DAY_MESSAGE)
    date_to = DayField(_("To"), validators=[Optional(), year_in_range], invalid_value_message=DAY_MESSAGE)
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def set_choices(self, users: list[tuple[int, str]]) -> None:
        """Offer every user."""
        self.user.choices = options([("", _("Anyone")), *users])

    def validate_date_to(self, field: Any) -> None:
        """The last day may not come before the first."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The last day comes before the first."))

    def filters(self, timezone: str) -> ActivityFilters:
        """The validated filters as the query's input type; days are read in `timezone`."""
        return ActivityFilters(
            user_id=self.user.data,
            record_type=self.record_type.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            timezone=timezone,
        )
