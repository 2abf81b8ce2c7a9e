"""Form for the sector vocabulary."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from tracker.forms.base import BaseForm
from tracker.i18n import _
from tracker.models import Sector
from tracker.services.sectors import NAME_MAX, SLUG_MAX, SectorData

DESCRIPTION_MAX = 5000


class SectorForm(BaseForm):
    """Create or edit a sector."""

    name = StringField(_("Name"), validators=[InputRequired(), Length(max=NAME_MAX)])
    slug = StringField(
        _("Short name in links"),
        validators=[
            Optional(),
            Length(max=SLUG_MAX),
            Regexp(r"^[a-z0-9-]+\Z", message=_("Use only lower-case letters a–z, digits and hyphens.")),
        ],
    )
    description = TextAreaField(_("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])

    def fill_from(self, sector: Sector) -> None:
        """Pre-fill the form from an existing sector (for GET of the edit page)."""
        self.name.data = sector.name
        self.slug.data = sector.slug
        self.description.data = sector.description

    def to_data(self) -> SectorData:
        """The validated input as the service's input type."""
        return SectorData(
            name=self.name.data,
            slug=self.slug.data or "",
            description=self.description.data or "",
        )
