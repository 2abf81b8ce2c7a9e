"""The form that attaches a document to an agreement."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from tracker.datewords import MAX_DATE_LENGTH
from tracker.forms.base import BaseForm, PartialDateValidator, VersionField, options, partial_date_or_none
from tracker.forms.contract import DATE_HINT
from tracker.forms.sources import language_validators
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import DocumentKind
from tracker.records.source import normalize_language
from tracker.services.documents import DocumentData


class DocumentForm(BaseForm):
    """A file with what it is: its kind, language and date."""

    file = FileField(
        _("File"),
        description=_("A PDF, a Word document (.docx), a scan (PNG, JPEG, TIFF) or a text file."),
    )
    kind = SelectField(_("Kind of document"), choices=options(choices(DocumentKind)), default="signed_text")
    language = StringField(
        _("Language"),
        filters=[normalize_language],
        validators=language_validators(),
        description=_("A language code such as id (Indonesian), en (English) or ko (Korean)."),
    )
    dated = StringField(
        _("Date of the document"),
        validators=[Optional(), Length(max=MAX_DATE_LENGTH), PartialDateValidator()],
        description=DATE_HINT,
    )

    def to_data(self) -> DocumentData:
        """The validated input as the service's input type."""
        return DocumentData(DocumentKind(self.kind.data), self.language.data or "", partial_date_or_none(self.dated))


class FillForm(BaseForm):
    """Fill in what the agreement lacks from its document: the version of the agreement as the page showed it."""

    version = VersionField()
