"""Form for the sector vocabulary."""

from __future__ import annotations

from typing import Any

from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional, Regexp

from tracker.forms.base import BaseForm
from tracker.forms.contract import form_field, limit
from tracker.i18n import _
from tracker.models import Sector
from tracker.records.fields import spec_of
from tracker.records.sector import SectorData, clean_keywords, keyword_problems

# Room for the most keywords allowed at their longest, with repeats and blank lines besides.
KEYWORDS_TEXT_MAX = spec_of(SectorData, "keywords").text_max


def keyword_lines(text: str | None) -> list[str]:
    """One keyword per line of the textarea, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SectorForm(BaseForm):
    """Create or edit a sector."""

    name = form_field(spec_of(SectorData, "name"))
    slug = StringField(
        _("Short name in links"),
        validators=[
            Optional(),
            limit(SectorData, "slug"),
            Regexp(r"^[a-z0-9-]+\Z", message=_("Use only lower-case letters a–z, digits and hyphens.")),
        ],
    )
    description = form_field(spec_of(SectorData, "description"))
    keywords = TextAreaField(_("Keywords"), validators=[Optional(), Length(max=KEYWORDS_TEXT_MAX)])

    def fill_from(self, sector: Sector) -> None:
        """Pre-fill the form from an existing sector (for GET of the edit page)."""
        self.name.data = sector.name
        self.slug.data = sector.slug
        self.description.data = sector.description
        self.keywords.data = sector.keywords

    def validate_keywords(self, field: Any) -> None:
        """The keywords follow the service's rules, reported next to the field."""
        problems = keyword_problems(clean_keywords(keyword_lines(field.data)))
        if problems:
            raise ValidationError(str(problems[0].message))

    def to_data(self) -> SectorData:
        """The validated input as the service's input type."""
        return SectorData(
            name=self.name.data,
            slug=self.slug.data or "",
            description=self.description.data or "",
            keywords=keyword_lines(self.keywords.data),
        )
