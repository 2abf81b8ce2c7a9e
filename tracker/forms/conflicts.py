"""Forms of conflicting reports: resolving one, and the list's filter."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.forms.base import BaseForm, QueryForm, options
from tracker.i18n import _
from tracker.models import MAX_ID
from tracker.services.conflicts import REASON_MAX


class ResolveForm(BaseForm):
    """Which claim is preferred, and why; its choices are the conflict's claims."""

    preferred = SelectField(_("Preferred claim"), choices=[])
    reason = TextAreaField(
        _("Why this claim"),
        validators=[InputRequired(message=_("Say why this claim is preferred.")), Length(max=REASON_MAX)],
        description=_("What settles it: the signed text, a later or official report, a call to the partner."),
    )

    def offer(self, choices: list[tuple[str, str]]) -> ResolveForm:
        """Offer these claims (key, words) to choose from."""
        self.preferred.choices = options(choices)
        return self


STATES = (("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All")))


class ConflictFilterForm(QueryForm):
    """`?state=open|resolved|all&agreement=<id>&page=N` of the conflicts list."""

    state = SelectField(_("Show"), choices=options(STATES), default="open")
    agreement = IntegerField(_("Agreement"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
