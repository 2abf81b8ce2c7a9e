"""What a record contract's checks answer: problems that name their field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.records.fields import Kind, Spec, specs


@dataclass(frozen=True)
class Problem:
    """Why one field's value is not accepted; `message` is translated when shown."""

    field: str
    message: Any


class InvalidRecord(ValidationError):
    """Data that breaks its record's rules: the first problem is the error's message, `problems` has them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


def check_fields(values: Mapping[str, Any], data_class: type, missing: Mapping[str, Any]) -> list[Problem]:
    """Every rule of the single fields: required ones given, texts within their lengths, choices of their list.

    `values` holds the fields by name (a data object's `vars()`, or an import row's values); a field absent from it
    is not checked. `missing` gives a field's own message when it is required and blank.
    """
    problems: list[Problem] = []
    for spec in specs(data_class):
        if spec.name in values:
            problem = _field_problem(spec, values[spec.name], missing)
            if problem is not None:
                problems.append(Problem(spec.name, problem))
    return problems


def _field_problem(spec: Spec, value: Any, missing: Mapping[str, Any]) -> Any:
    """The message for one field's value, or None when it is fine."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return missing.get(spec.name, _("This field is required.")) if spec.required else None
    if spec.max_length is not None and isinstance(value, str) and len(value) > spec.max_length:
        return _("At most %(max)s characters (this has %(count)s).", max=spec.max_length, count=len(value))
    if spec.kind is Kind.CHOICE and not isinstance(value, spec.choices):  # type: ignore[arg-type]
        return _("Choose one of the list.")
    if spec.kind is Kind.LINES:
        too_long = next((item for item in value if len(item) > (spec.max_length or 0)), None)
        if too_long is not None:
            return _("At most %(max)s characters (this has %(count)s).", max=spec.max_length, count=len(too_long))
    return None


def raise_problems(problems: list[Problem]) -> None:
    """Refuse data with problems (the services' way of applying a contract's check)."""
    if problems:
        raise InvalidRecord(problems)
