"""Forms of the import: the upload, the column mapping (a GET form: the preview is a link), the commit and
saving a mapping as a preset (POST forms carrying the same mapping)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, FieldList, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm, QueryForm, options
from tracker.i18n import _
from tracker.importing.catalogue import name_key
from tracker.importing.fields import OFFERED_NUMBERED, numbered, target_label, targets
from tracker.importing.mapping import Mapping
from tracker.importing.presets import NAME_MAX
from tracker.importing.reading import MAX_COLUMNS
from tracker.labels import choices
from tracker.models import AgreementStatus, InstrumentType

# The most names a preview may keep apart or leave without a parent (one per party of a large file is plenty).
MAX_NAMES = 500
FORMAT_CHOICES = (("", _("From the file name")), ("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))


class UploadForm(BaseForm):
    """The file to import and the preset to map its columns with."""

    file = FileField(
        _("File"),
        validators=[FileRequired(message=_("Choose a file to import."))],
        description=_("CSV, XLSX or JSON, one agreement per row."),
    )
    format = SelectField(_("Format"), choices=options(FORMAT_CHOICES), default="")
    preset = SelectField(_("Column mapping"), default="")

    def set_choices(self, presets: list[tuple[str, str]]) -> None:
        """Offer automatic mapping and every preset."""
        self.preset.choices = options([("", _("Automatic, from the column headers")), *presets])


class NameListField(Field):
    """Names given as a repeated parameter (keep_apart=BKPM&keep_apart=IBC), as written; at most MAX_NAMES."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Every non-blank value, in order, without repeats."""
        self.data = list(dict.fromkeys(value.strip() for value in valuelist if value.strip()))[:MAX_NAMES]

    def _value(self) -> str:
        """Never drawn as one input: the preview draws a checkbox per name."""
        return ""


class MappingFields:
    """The mapping's fields, shared by the GET form of the preview and the POST forms that carry it on."""

    columns = FieldList(SelectField(), min_entries=0, max_entries=MAX_COLUMNS)
    home_state = BooleanField(_("Add the home country's state to every agreement as a signatory"))
    instrument_from_title = BooleanField(_("When no instrument is given, read it from the title"))
    create_sectors = BooleanField(_("Add the sectors the file names that the sector list lacks"))
    default_instrument = SelectField(_("Instrument when none is given"), default="")
    default_status = SelectField(_("Status when none is given"), default="")
    # Readings of names the person importing refused on the preview (Mapping.kept_apart / not_units).
    keep_apart = NameListField(default=list)
    not_unit = NameListField(default=list)

    def set_headers(self, headers: list[str]) -> None:
        """One choice of field per column of the file, and the choices of the defaults."""
        highest = max(
            [OFFERED_NUMBERED, *(parts[1] for entry in self.columns if (parts := numbered(entry.data or "")))]
        )
        field_choices = options([("", _("— ignore this column —")), *((t, target_label(t)) for t in targets(highest))])
        while len(self.columns) < len(headers):
            self.columns.append_entry("")
        for entry, header in zip(self.columns, [*headers, *[""] * len(self.columns)], strict=False):
            entry.choices = field_choices  # also for entries beyond the file's columns, which validation refuses
            entry.label.text = header
        self.default_instrument.choices = options([("", _("— none: the file gives it —")), *choices(InstrumentType)])
        self.default_status.choices = options([("", _("— none: the file gives it —")), *choices(AgreementStatus)])

    def validate_columns(self, field: Any) -> None:
        """Each field is filled from one column at most, and the file's columns are all there."""
        chosen = [entry.data for entry in field if entry.data]
        repeated = sorted({target for target in chosen if chosen.count(target) > 1})
        if repeated:
            names = ", ".join(target_label(target) for target in repeated)
            raise ValidationError(_("Choose each field for one column only: %(fields)s.", fields=names))
        if len(field) != len(self.headers):
            raise ValidationError(_("The mapping does not fit the file's columns; start again."))

    def fill(self, mapping: Mapping, headers: list[str]) -> None:
        """Show a mapping (a preset's or the automatic one) on the form."""
        bound = {header: target for target, header in mapping.bind(headers).items()}
        while self.columns.entries:
            self.columns.pop_entry()
        for header in headers:
            self.columns.append_entry(bound.get(header, ""))
        self.home_state.data = mapping.home_state
        self.instrument_from_title.data = mapping.instrument_from_title
        self.create_sectors.data = mapping.create_sectors
        self.default_instrument.data = mapping.default_instrument.value if mapping.default_instrument else ""
        self.default_status.data = mapping.default_status.value if mapping.default_status else ""
        self.set_headers(headers)

    def chosen_columns(self) -> dict[str, str]:
        """Field -> the file's column, as chosen (whether or not the form is valid)."""
        return {entry.data: header for entry, header in zip(self.columns, self.headers, strict=False) if entry.data}

    def mapping(self) -> Mapping:
        """The validated form as a mapping."""
        return Mapping(
            columns=self.chosen_columns(),
            home_state=bool(self.home_state.data),
            instrument_from_title=bool(self.instrument_from_title.data),
            create_sectors=bool(self.create_sectors.data),
            default_instrument=InstrumentType(self.default_instrument.data) if self.default_instrument.data else None,
            default_status=AgreementStatus(self.default_status.data) if self.default_status.data else None,
            kept_apart=frozenset(map(name_key, self.keep_apart.data or [])),
            not_units=frozenset(map(name_key, self.not_unit.data or [])),
        )

    def params(self) -> list[tuple[str, str]]:
        """The mapping as (name, value) pairs: the preview's query string and the hidden fields that repeat it."""
        pairs = [(entry.name, entry.data or "") for entry in self.columns]
        pairs += [
            (name, "y")
            for name in ("home_state", "instrument_from_title", "create_sectors")
            if getattr(self, name).data
        ]
        pairs += [(name, getattr(self, name).data or "") for name in ("default_instrument", "default_status")]
        pairs += [(name, value) for name in ("keep_apart", "not_unit") for value in getattr(self, name).data or []]
        return pairs

    def refusing(self) -> list[tuple[str, str]]:
        """`params()` without the refused readings: the preview's form for them draws its own checkboxes."""
        return [(name, value) for name, value in self.params() if name not in ("keep_apart", "not_unit")]


class MappingForm(MappingFields, QueryForm):
    """The mapping screen, submitted by GET to the preview."""

    def __init__(self, headers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.set_headers(headers)


class CommitForm(MappingFields, BaseForm):
    """Import the previewed file with this mapping (checked again on the server)."""

    def __init__(self, headers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.set_headers(headers)


class PresetForm(CommitForm):
    """Save the mapping under a name."""

    name = StringField(_("Preset name"), validators=[InputRequired(), Length(max=NAME_MAX)])
