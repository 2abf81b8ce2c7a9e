"""The language switch in every page's header."""

from __future__ import annotations

from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm, options
from tracker.i18n import _
from tracker.locale import LANGUAGES


class LanguageForm(BaseForm):
    """The chosen language and the page to return to."""

    locale = SelectField(_("Language"), choices=options(LANGUAGES.items()), validators=[InputRequired()])
    next = HiddenField(validators=[Length(max=2000)])
