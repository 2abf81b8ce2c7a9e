"""Base forms: every text input is stripped and cleaned of NUL bytes before validation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import Field, FieldList, FormField, IntegerField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Length, NumberRange, Optional, StopValidation
from wtforms.widgets import HiddenInput, Select

from tracker.countries import sorted_country_choices
from tracker.dates import PartialDate, PartialDateError
from tracker.datewords import read_date
from tracker.i18n import FormTranslations, _, current_language
from tracker.models import MAX_ID


def clean_text(value: Any) -> Any:
    """Strip surrounding whitespace and drop NUL bytes, which no database stores in text.

    Multiple choices lose their blank entries: `?status=` in a hand-written link means no filter.
    """
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    if isinstance(value, list):
        cleaned = (clean_text(item) for item in value)
        return [item for item in cleaned if item not in ("", None)]
    return value


class CleanMeta:
    """Form meta that adds `clean_text` in front of every field's own filters, and translates WTForms' messages."""

    def get_translations(self, form: Any) -> FormTranslations:
        return FormTranslations()

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        if issubclass(unbound_field.field_class, (FieldList, FormField)):
            return unbound_field.bind(form=form, **options)  # their inner fields are cleaned instead
        filters = [clean_text, *unbound_field.kwargs.get("filters", [])]
        return unbound_field.bind(form=form, filters=filters, **options)


class BaseForm(FlaskForm):
    """A POST form with CSRF protection and cleaned text."""

    class Meta(CleanMeta, FlaskForm.Meta):
        pass


class QueryForm(FlaskForm):
    """A GET form read from the query string: no CSRF token, so any query is a shareable link."""

    class Meta(CleanMeta, FlaskForm.Meta):
        csrf = False


class PageForm(QueryForm):
    """`?page=2` of a page that lists records in pages and has no other query."""

    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


def partial_date_or_none(field: Field) -> PartialDate | None:
    """The date a field spells as the importer reads it ("2017-10", "4 Oktober 2017"); blank means unknown."""
    try:
        return read_date(field.data or "")
    except PartialDateError as exc:
        raise ValidationError(str(exc)) from exc


class PartialDateValidator:
    """Field validator: the text, when given, is a valid partial date."""

    def __call__(self, form: Any, field: Field) -> None:
        partial_date_or_none(field)


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as select options; WTForms deprecates plain tuples."""
    return [SelectChoice(value=str(value), label=label) for value, label in pairs]


def country_options(blank: Any) -> list[SelectChoice]:
    """A country select's options: `blank` (the label of the empty value), then every country by name in the
    request's language."""
    return [SelectChoice(value="", label=blank), *countries_as_options(current_language())]


@cache
def countries_as_options(language: str) -> tuple[SelectChoice, ...]:
    """The countries as select options in `language`, made once: a form with party rows offers them in every row."""
    return tuple(options(sorted_country_choices(language)))


class LongSelect(Select):
    """A select of hundreds of options (parties, countries) rendered lean: WTForms' generic option rendering
    costs tens of milliseconds per page for lists this long. The HTML is the same."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> str:
        """One option, as WTForms writes it (attributes in name order)."""
        if choice.render_kw or kwargs or isinstance(choice.value, bool):
            return Select.render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return f'<option {selected}value="{escape(choice.value)}">{label}</option>'


def optional_id(value: Any) -> int | None:
    """A select value as an id; blank is None; anything else becomes -1, which is never a valid choice."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class VersionField(IntegerField):
    """The version of the record the user opened, sent back hidden so that a save can tell what changed since."""

    widget = HiddenInput()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validators=[version_in_range], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        # A submission without the field has no version: never fall back to the stored one (`obj=`),
        # which would make a stale form look current. A new record's form sends it blank.
        self.data = None
        if valuelist and valuelist[0] != "":
            super().process_formdata(valuelist)

    def reset(self, version: int) -> None:
        """Show `version` in the form again (the raw input would otherwise win when rendering)."""
        self.data = version
        self.raw_data = [str(version)]


def version_in_range(form: Any, field: Field) -> None:
    """Blank, or a version a record could have (a huge number must not reach the database)."""
    if field.data is not None and not 1 <= field.data <= MAX_ID:
        raise ValidationError(_("This form names a version no record has. Reload the page."))


def version_required(form: Any, field: Field) -> None:
    """Validator for edits: the form must say which version of the record the user opened."""
    if field.data is None and not field.errors:
        raise ValidationError(_("This form does not say which version of the record you opened. Reload the page."))


# Extra validators for `form.validate()` on an edit (a new record has no version yet).
EDITING = {"version": [version_required]}


# "123", "#123", or a suggestion's value "#123 Title": the record's number; anything else is its name.
REFERENCE = re.compile(r"#?(\d{1,18})(?:\s.*)?", re.DOTALL)


def reference_id(text: str) -> int | None:
    """The record number in "123", "#123" or "#123 Title" (a suggestion's value); None for a name."""
    match = REFERENCE.fullmatch(text)
    if match is None or (not text.startswith("#") and not text.isdigit()):
        return None
    return int(match.group(1))


Finder = Callable[[int | None, str], list[int]]
# The records a typed text could mean, best first, as (value to send back: "#id Title", label, detail).
Searcher = Callable[[str, int], list[tuple[str, str, str]]]
# How many records a "did you mean" list offers.
DID_YOU_MEAN = 8


class ReferenceField(StringField):
    """A record named by its number or its exact name, typed (with suggestions) rather than chosen from a select:
    the lists are too long to offer whole (100,000 agreements, hundreds of thousands of sources).

    The view gives `find(number, text)`, the ids of the live records that number or name points to; validation
    keeps the one found in `record_id`, or says that none, or several, match. Blank is allowed unless `required`.
    """

    def __init__(self, label: Any, *, not_found: Any, ambiguous: Any, required: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [Length(max=500)])
        super().__init__(label, **kwargs)
        self.not_found, self.ambiguous, self.required = not_found, ambiguous, required
        self.find: Finder | None = None
        # Given by the view: what an unknown or ambiguous text could mean (the "did you mean" list).
        self.search: Searcher | None = None
        self.record_id: int | None = None
        self.candidates: list[tuple[str, str, str]] = []

    def process_formdata(self, valuelist: list[Any]) -> None:
        """The text typed, or the record chosen from a "did you mean" list (`<name>-choice`, "#id Title")."""
        super().process_formdata(valuelist)
        choice = self.choice_data
        if choice is not None and reference_id(choice) is not None:
            self.data = choice

    @property
    def choice_name(self) -> str:
        """The name of the "did you mean" radios."""
        return f"{self.name}-choice"

    @property
    def choice_data(self) -> str | None:
        """The "did you mean" radio posted, if any."""
        formdata = getattr(self, "_formdata", None)
        return clean_text(formdata.get(self.choice_name)) if formdata is not None else None

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Keep the posted data so that `process_formdata` can read the "did you mean" choice."""
        self._formdata = formdata
        super().process(formdata, data, extra_filters)

    def pre_validate(self, form: Any) -> None:
        """Resolve the text to one record; else say why, with what it could mean."""
        text = " ".join((self.data or "").split())
        if not text:
            if self.required:
                raise StopValidation(str(self.required))
            return
        if self.find is None:
            return
        matches = self.find(reference_id(text), text)
        if len(matches) == 1:
            self.record_id = matches[0]
            return
        if self.search is not None and reference_id(text) is None:
            self.candidates = self.search(text, DID_YOU_MEAN)
        raise StopValidation(str(self.ambiguous if matches else self.not_found))
