"""Form for making a personal API token."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import Length, Optional

from tracker.forms.base import BaseForm
from tracker.i18n import _
from tracker.services.tokens import NAME_MAX


class TokenForm(BaseForm):
    """Name a new token, so that its owner can tell it apart (e.g. "import script")."""

    name = StringField(
        _("Name"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_("What the token is for, for example “nightly import script”."),
    )
