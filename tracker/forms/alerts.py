"""Forms of the expiry alerts: a new calendar feed, and the e-mail digest settings."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from tracker.errors import TrackerError
from tracker.forms.base import BaseForm, options
from tracker.i18n import _, _n
from tracker.queries.digest import MAX_DIGEST_MONTHS, MIN_DIGEST_MONTHS
from tracker.services.calendars import parse_lead_months

DEFAULT_LEAD_MONTHS = "12, 6, 3"
DEFAULT_DIGEST_MONTHS = 3


class CalendarFeedForm(BaseForm):
    """A new calendar: its name, the agreement query it follows, and the review reminders."""

    name = StringField(
        _("Name"),
        validators=[InputRequired(), Length(max=100)],
        description=_("So that you can tell your calendars apart, for example “EV agreements with Korea”."),
    )
    query = StringField(
        _("Agreement query"),
        validators=[Optional(), Length(max=2000)],
        description=_(
            "The filters of the agreement query page, for example sector=electric-vehicles&country=KR, "
            "or that page's address. Leave it empty for every agreement."
        ),
    )
    lead_months = StringField(
        _("Review reminders, in months before the decision date or end"),
        default=DEFAULT_LEAD_MONTHS,
        validators=[Length(max=100)],
        description=_("Whole months from 1 to 60, separated by commas. Leave it empty for no reminders."),
    )

    include_actions = BooleanField(
        _("Include follow-up actions"),
        description=_("The open follow-up actions of these agreements, on their due dates."),
    )

    def validate_lead_months(self, field: Any) -> None:
        """A list of whole months the service accepts."""
        try:
            parse_lead_months(field.data)
        except TrackerError as error:
            raise ValidationError(str(error.message)) from error

    def chosen_lead_months(self) -> list[int]:
        """The validated lead times, longest first."""
        return parse_lead_months(self.lead_months.data)


def month_choices() -> list[tuple[int, Any]]:
    """ "1 month" to "24 months", for the digest's window."""
    return [
        (months, _n("%(num)d month", "%(num)d months", months))
        for months in range(MIN_DIGEST_MONTHS, MAX_DIGEST_MONTHS + 1)
    ]


class DigestForm(BaseForm):
    """Whether to get the e-mail digest, and how far ahead it looks."""

    opt_in = BooleanField(_("Send me the e-mail digest of expiring agreements"))
    owner_digest = BooleanField(
        _("Tell me about the agreements I am responsible for and my follow-up actions"),
        description=_(
            "Their ends within the window, overdue agreements and the actions due or overdue, in the same e-mail."
        ),
    )
    months = SelectField(
        _("List agreements ending within"),
        coerce=int,
        choices=options(month_choices()),
        default=DEFAULT_DIGEST_MONTHS,
        invalid_choice_message=_("Choose a window from the list."),
    )
