"""Form for the search glossary."""

from __future__ import annotations

from typing import Any

from wtforms import TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm
from tracker.i18n import _
from tracker.models import GlossaryEntry
from tracker.services.glossary import PHRASE_MAX, PHRASES_MAX, clean_phrases, phrase_problem

# Room for the most phrases at their longest, with blank lines besides.
PHRASES_TEXT_MAX = PHRASES_MAX * (PHRASE_MAX + 2)


class GlossaryForm(BaseForm):
    """Create or edit a glossary entry: its phrases, one per line."""

    phrases = TextAreaField(_("Phrases"), validators=[InputRequired(), Length(max=PHRASES_TEXT_MAX)])

    def fill_from(self, entry: GlossaryEntry) -> None:
        """Pre-fill the form from an existing entry (for GET of the edit page)."""
        self.phrases.data = entry.phrases

    def validate_phrases(self, field: Any) -> None:
        """The phrases follow the service's rules, reported next to the field."""
        problem = phrase_problem(clean_phrases(self.lines()))
        if problem:
            raise ValidationError(problem)

    def lines(self) -> list[str]:
        """The textarea's lines."""
        return (self.phrases.data or "").splitlines()
