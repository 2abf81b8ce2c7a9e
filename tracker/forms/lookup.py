"""The query of a picker's look-up (`?q=kemenp&limit=10`)."""

from __future__ import annotations

from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from tracker.forms.base import QueryForm
from tracker.i18n import _
from tracker.queries.lookup import DEFAULT_LIMIT, MAX_LIMIT


class LookupForm(QueryForm):
    """What was typed, and how many records to offer at most."""

    q = StringField(_("Text"), validators=[Optional(), Length(max=200)])
    limit = IntegerField(
        _("How many"),
        default=DEFAULT_LIMIT,
        validators=[Optional(), NumberRange(1, MAX_LIMIT, message=_("Give a number between %(min)s and %(max)s."))],
    )
