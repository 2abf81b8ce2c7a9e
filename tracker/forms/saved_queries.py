"""The form of a saved query: its name, the agreement query it names, who sees it and whether the digest follows it."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, Optional

from tracker.forms.base import BaseForm
from tracker.http.agreements import MAX_QUERY_LENGTH
from tracker.i18n import _
from tracker.services.saved_queries import MAX_NAME_LENGTH


class SavedQueryForm(BaseForm):
    """Save, rename, re-point, share or unshare a query of the agreement list."""

    name = StringField(
        _("Name of the query"),
        validators=[InputRequired(), Length(max=MAX_NAME_LENGTH)],
        description=_("For example “EV agreements with Korea”."),
    )
    query = StringField(
        _("Agreement query"),
        validators=[Optional(), Length(max=MAX_QUERY_LENGTH)],
        description=_(
            "The filters of the agreement list, for example sector=electric-vehicles&country=KR, or the list's "
            "address. Leave it empty for every agreement."
        ),
    )
    shared = BooleanField(_("Share with everyone"), description=_("Others see it and its count, but cannot change it."))
    in_digest = BooleanField(
        _("Follow it in my e-mail digest"),
        description=_("A section of its agreements ending within your digest's window, and those added this week."),
    )
