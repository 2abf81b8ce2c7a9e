"""What a record contract's checks answer: problems that name their field, and the rules every field kind has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.countries import is_country_code
from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.records.fields import LANGUAGE_PATTERN, SLUG_PATTERN, Kind, Spec, specs
from tracker.urls import InvalidURLError, normalize_url

# The message for a text (or, in a list, an item) longer than its field allows: (spec, the text) → message.
TooLong = Callable[[Spec, str], Any]


@dataclass(frozen=True)
class Problem:
    """Why one field's value is not accepted; `message` is translated when shown."""

    field: str
    message: Any


class InvalidRecord(ValidationError):
    """Data that breaks its record's rules: the first problem is the error's message, `problems` has them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0].message), field=problems[0].field)
        self.problems = problems


def at_most(spec: Spec, text: str) -> Any:
    """The usual message for a text longer than its field allows."""
    return _("At most %(max)s characters (this has %(count)s).", max=spec.max_length, count=len(text))


def check_fields(
    values: Mapping[str, Any], data_class: type, missing: Mapping[str, Any], too_long: TooLong = at_most
) -> list[Problem]:
    """Every rule of the single fields, in declaration order: required ones given, texts within their lengths,
    choices of their list, and the rules of each kind (a URL, a language tag, a country, a slug, a day's year).

    `values` holds the fields by name (a data object's `vars()`, or an import row's values); a field absent from it
    is not checked. `missing` gives a field's own message when it is required and blank.
    """
    problems: list[Problem] = []
    for spec in specs(data_class):
        if spec.name in values:
            problem = _field_problem(spec, values[spec.name], missing, too_long)
            if problem is not None:
                problems.append(Problem(spec.name, problem))
    return problems


def _field_problem(spec: Spec, value: Any, missing: Mapping[str, Any], too_long: TooLong) -> Any:
    """The message for one field's value, or None when it is fine."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return missing.get(spec.name, _("This field is required.")) if spec.required else None
    if spec.max_length is not None and isinstance(value, str) and len(value) > spec.max_length:
        return too_long(spec, value)
    if spec.kind is Kind.LINES:
        longest = next((item for item in value if len(item) > (spec.max_length or 0)), None)
        return too_long(spec, longest) if longest is not None else None
    rule = KIND_RULES.get(spec.kind)
    return rule(spec, value) if rule else None


def _choice(spec: Spec, value: Any) -> Any:
    """A member of the field's enumeration."""
    return None if isinstance(value, spec.choices) else _("Choose one of the list.")  # type: ignore[arg-type]


def _url(spec: Spec, value: str) -> Any:
    """An http(s) URL."""
    try:
        normalize_url(value)
    except InvalidURLError as error:
        return str(error)
    return None


def _language(spec: Spec, value: str) -> Any:
    """A language tag such as id, en-GB."""
    return None if LANGUAGE_PATTERN.fullmatch(value) else _("Use a language code such as id, en or ko.")


def _country(spec: Spec, value: str) -> Any:
    """A known ISO 3166-1 alpha-2 code."""
    return None if is_country_code(value) else _("“%(code)s” is not an ISO 3166-1 country code.", code=value)


def _slug(spec: Spec, value: str) -> Any:
    """Lower-case letters a–z, digits and hyphens."""
    return None if SLUG_PATTERN.fullmatch(value) else _("Use only lower-case letters a–z, digits and hyphens.")


def _day(spec: Spec, value: Any) -> Any:
    """A day in the years the tracker takes."""
    if MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return _("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR)


def _number(spec: Spec, value: Any) -> Any:
    """A whole number within the field's range."""
    if isinstance(value, int) and not isinstance(value, bool) and spec.minimum <= value <= spec.maximum:  # type: ignore[operator]
        return None
    return _("Give a whole number from %(low)s to %(high)s.", low=spec.minimum, high=spec.maximum)


KIND_RULES: dict[Kind, Callable[[Spec, Any], Any]] = {
    Kind.CHOICE: _choice,
    Kind.URL: _url,
    Kind.LANGUAGE: _language,
    Kind.COUNTRY: _country,
    Kind.SLUG: _slug,
    Kind.DAY: _day,
    Kind.NUMBER: _number,
}


def raise_problems(problems: list[Problem]) -> None:
    """Refuse data with problems (the services' way of applying a contract's check): the first is the message."""
    if problems:
        raise InvalidRecord(problems)
