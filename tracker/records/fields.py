"""How a record's writable fields are declared once: the spec every entry path reads its rules from.

A record's data class (`AgreementData` …) declares each writable field with one of the functions below, e.g.
`title: str = text(_("Title"), _("title"), max_length=500, required=True)`. The spec rides in the dataclass
field's metadata, so `specs(AgreementData)` lists them in declaration order; the forms, the API's schemas and
codec, the importer, the exporter and the history read them from there. Labels are lazy strings: they are
translated where they are shown, so this package needs no application or request.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any


class Kind(enum.Enum):
    """What a field holds, which decides its input widget, its JSON schema and how a file cell is read."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs: a text area; not compared by an import (too large to load for all)
    CHOICE = "choice"  # a member of `choices`, written as its value
    PARTIAL_DATE = "partial_date"  # YYYY, YYYY-MM or YYYY-MM-DD
    DAY = "day"  # YYYY-MM-DD
    COUNTRY = "country"  # ISO 3166-1 alpha-2, or none
    URL = "url"  # http(s), or none
    SLUG = "slug"  # lower-case letters, digits and hyphens
    LANGUAGE = "language"  # a BCP 47 tag such as id, en-GB
    LINES = "lines"  # a list of short texts (aliases, keywords)
    REFERENCE = "reference"  # the id of another record, or none
    RELATION = "relation"  # links to other records, handled by the record's own code
    NUMBER = "number"  # a whole number from `minimum` to `maximum` (months, days), or none


# A BCP 47-ish tag: primary language, then subtags for script, region or variant ("id", "en-GB", "zh-Hant").
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SLUG_PATTERN = re.compile(r"[a-z0-9-]+")

# The kinds an entry path handles without code of the record's own: a value held in the record's row.
PLAIN_KINDS = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE, Kind.PARTIAL_DATE, Kind.NUMBER})


@dataclass(frozen=True)
class Spec:
    """One writable field: its rules and its names in the interface, the history and files."""

    kind: Kind
    label: Any  # as a form shows it: "Title in the local language"
    noun: Any  # as the history names it in a sentence: "local title"
    required: bool = False
    max_length: int | None = None
    choices: type[enum.Enum] | None = None
    column: str | None = None  # its key in import and export files, when that differs from the name
    default: Any = None  # the value when none is given (a choice's default member)
    max_items: int | None = None  # for lists
    text_max: int | None = None  # a list typed one item per line: the longest text accepted
    synonyms: tuple[str, ...] = ()  # other headers an import recognises for the field's column
    minimum: int | None = None  # for numbers
    maximum: int | None = None
    name: str = ""  # set by `specs` from the dataclass field

    @property
    def file_key(self) -> str:
        """The key of the field's column in import and export files."""
        return self.column or self.name

    @property
    def plain(self) -> bool:
        """Whether the field is a value of the record's own row, handled by every path without extra code."""
        return self.kind in PLAIN_KINDS


def _field(spec: Spec, default: Any = dataclasses.MISSING, factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field carrying its spec."""
    return dataclasses.field(default=default, default_factory=factory, metadata={"spec": spec})


def text(
    label: Any, noun: Any, *, max_length: int, required: bool = False, long: bool = False, synonyms: tuple = ()
) -> Any:
    """A text field; blank is "" (a required one has no default, so every caller names it)."""
    kind = Kind.LONG_TEXT if long else Kind.TEXT
    spec = Spec(kind, label, noun, required=required, max_length=max_length, synonyms=synonyms)
    return _field(spec) if required else _field(spec, default="")


def choice(
    enum_class: type[enum.Enum], label: Any, noun: Any, *, default: Any = None, column: str = "", synonyms: tuple = ()
) -> Any:
    """One member of an enumeration; required unless it has a default."""
    spec = Spec(
        Kind.CHOICE,
        label,
        noun,
        required=default is None,
        choices=enum_class,
        column=column or None,
        default=default,
        synonyms=synonyms,
    )
    return _field(spec) if default is None else _field(spec, default=default)


def partial_date(label: Any, noun: Any, *, synonyms: tuple = ()) -> Any:
    """A date known to the year, month or day; None when unknown."""
    return _field(Spec(Kind.PARTIAL_DATE, label, noun, synonyms=synonyms), default=None)


def number(label: Any, noun: Any, *, minimum: int, maximum: int, synonyms: tuple = ()) -> Any:
    """A whole number from `minimum` to `maximum`; None when not given."""
    return _field(Spec(Kind.NUMBER, label, noun, minimum=minimum, maximum=maximum, synonyms=synonyms), default=None)


def value(kind: Kind, label: Any, noun: Any, *, max_length: int | None = None, default: Any = None) -> Any:
    """A field of a kind the record's own code reads and writes (a day, a country, a URL, a slug, a reference)."""
    return _field(Spec(kind, label, noun, max_length=max_length), default=default)


def lines(
    label: Any, noun: Any, *, max_length: int, text_max: int, max_items: int = 200, default: Any = dataclasses.MISSING
) -> Any:
    """A list of short texts (an empty list by default); typed one per line, in at most `text_max` characters."""
    spec = Spec(Kind.LINES, label, noun, max_length=max_length, max_items=max_items, text_max=text_max)
    return _field(spec, factory=list) if default is dataclasses.MISSING else _field(spec, default=default)


def relation(label: Any, noun: Any, *, column: str = "") -> Any:
    """Links to other records (an empty list by default); the record's own code resolves them."""
    return _field(Spec(Kind.RELATION, label, noun, column=column or None), factory=list)


@cache
def specs(data_class: type) -> tuple[Spec, ...]:
    """The specs of a data class's fields, in declaration order, each with its name."""
    return tuple(
        dataclasses.replace(item.metadata["spec"], name=item.name)
        for item in dataclasses.fields(data_class)
        if "spec" in item.metadata
    )


def spec_of(data_class: type, name: str) -> Spec:
    """The spec of one field."""
    return next(spec for spec in specs(data_class) if spec.name == name)


@cache
def plain_specs(data_class: type) -> tuple[Spec, ...]:
    """The specs of the fields held in the record's own row, which every path handles alike."""
    return tuple(spec for spec in specs(data_class) if spec.plain)


@cache
def reference_specs(data_class: type) -> tuple[Spec, ...]:
    """The specs of the fields that hold another record's id (an agreement's responsible officer and unit)."""
    return tuple(spec for spec in specs(data_class) if spec.kind is Kind.REFERENCE)


def max_length(data_class: type, name: str) -> int:
    """A text field's maximum length, for code that must cut or check a value of that field."""
    limit = spec_of(data_class, name).max_length
    if limit is None:
        raise TypeError(f"{data_class.__name__}.{name} has no maximum length")
    return limit


def plain_values(record: Any, data_class: type) -> Iterator[tuple[Spec, Any]]:
    """Each plain field's spec with the record's (or data's) value of it."""
    for spec in plain_specs(data_class):
        yield spec, getattr(record, spec.name)


def json_value(spec: Spec, value: Any) -> Any:
    """A plain value as JSON and files write it: an enum by its value, a partial date as text, else itself."""
    if value is None:
        return None
    if spec.kind is Kind.CHOICE:
        return value.value
    if spec.kind is Kind.PARTIAL_DATE:
        return value.iso()
    return value
