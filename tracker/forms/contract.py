"""WTForms fields made from a record contract's specs (tracker/records/), so a form checks what every path checks."""

from __future__ import annotations

import enum
from typing import Any

from wtforms import Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.datewords import MAX_DATE_LENGTH
from tracker.forms.base import PartialDateValidator, options, partial_date_or_none
from tracker.i18n import _
from tracker.labels import choices
from tracker.records.fields import Kind, Spec, json_value, plain_specs, spec_of

DATE_HINT = _("Only as precise as is known: 2017, Oktober 2017, 4 October 2017 or 2017-10-04.")


def form_field(spec: Spec, *, required: bool | None = None, label: Any = None) -> UnboundField:
    """The input of one plain field; `required` and `label` override the spec's (a form that asks conditionally)."""
    label = label or spec.label
    presence = InputRequired() if (spec.required if required is None else required) else Optional()
    if spec.kind is Kind.CHOICE:
        default = spec.default.value if spec.default is not None else None
        return SelectField(label, choices=options(choices(spec.choices)), default=default, coerce=_choice_value)
    if spec.kind is Kind.PARTIAL_DATE:
        validators = [Optional(), Length(max=MAX_DATE_LENGTH), PartialDateValidator()]
        return StringField(label, validators=validators, description=DATE_HINT)
    if spec.kind is Kind.NUMBER:
        return IntegerField(label, validators=[Optional(), NumberRange(min=spec.minimum, max=spec.maximum)])
    field_class = TextAreaField if spec.kind is Kind.LONG_TEXT else StringField
    return field_class(label, validators=[presence, Length(max=spec.max_length)])


def _choice_value(value: Any) -> str:
    """A select's value: a member as its value, so a recorded member left out of a POST (an input added after the
    page was loaded, or a client posting only some fields) reads as what is recorded, not as an invalid choice."""
    return value.value if isinstance(value, enum.Enum) else str(value)


def contract_fields(data_class: type, prefix: str = "", **overrides: Any) -> dict[str, UnboundField]:
    """An input for each plain field of the contract, named `prefix + name`, in declaration order."""
    return {prefix + spec.name: form_field(spec, **overrides) for spec in plain_specs(data_class)}


def contract_form(base: type, data_class: type) -> type:
    """A form class with an input for every plain field of the contract, to subclass with the record's extras."""
    return type(f"{data_class.__name__}Fields", (base,), contract_fields(data_class))


def plain_data(form: Any, data_class: type, prefix: str = "") -> dict[str, Any]:
    """The validated input of the contract's plain fields, by name, as the data class takes them."""
    return {
        spec.name: _value(spec, form[prefix + spec.name])
        for spec in plain_specs(data_class)
        if prefix + spec.name in form
    }


def _value(spec: Spec, field: Field) -> Any:
    """One input's value as the data class holds it."""
    if spec.kind is Kind.CHOICE:
        return spec.choices(field.data)  # type: ignore[misc]
    if spec.kind is Kind.PARTIAL_DATE:
        return partial_date_or_none(field)
    if spec.kind is Kind.NUMBER:
        return field.data
    return field.data or ""


def fill_plain(form: Any, record: Any, data_class: type) -> None:
    """Show a recorded value in each plain input: choices by their value, partial dates as text.

    `obj=` would hand the selects enum members, which match none of their string options: the browser would then
    submit the first option and silently change the instrument, status or renewal.
    """
    for spec in plain_specs(data_class):
        if spec.kind in (Kind.CHOICE, Kind.PARTIAL_DATE):
            form[spec.name].data = json_value(spec, getattr(record, spec.name)) or ""
        elif spec.kind is Kind.NUMBER:
            form[spec.name].data = getattr(record, spec.name)


def limit(data_class: type, name: str) -> Length:
    """A Length validator at a contract field's maximum, for forms that take that field's value in their own way."""
    return Length(max=spec_of(data_class, name).max_length)
