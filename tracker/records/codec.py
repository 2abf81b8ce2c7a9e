"""A record contract's JSON reading: a request body that follows the API's input schema, as the record's data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tracker.dates import PartialDate, PartialDateError
from tracker.i18n import _
from tracker.records.fields import Kind, Spec, specs
from tracker.records.problems import InvalidRecord, Problem


def from_json(data_class: type, body: Mapping[str, Any], **links: Any) -> Any:
    """The data of a body (a missing optional field is empty, as PUT replaces every field); `links` are the
    record's relations, read by its own code. An impossible date is an InvalidRecord naming the field."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in specs(data_class):
        if spec.kind is Kind.RELATION:
            continue
        try:
            values[spec.name] = json_input(spec, body.get(spec.name))
        except ValueError as error:
            problems.append(Problem(spec.name, _day_message(spec, error)))
    if problems:
        raise InvalidRecord(problems)
    return data_class(**values, **links)


def json_input(spec: Spec, raw: Any) -> Any:
    """One field's value from its JSON (null and "" are empty); ValueError for a date that does not exist."""
    empty = raw in (None, "")
    readers = {
        Kind.CHOICE: lambda: spec.default if empty else spec.choices(raw),  # type: ignore[misc]
        Kind.PARTIAL_DATE: lambda: None if empty else PartialDate.parse(raw),
        Kind.DAY: lambda: None if empty else date.fromisoformat(raw),
        Kind.COUNTRY: lambda: None if empty else raw,
        Kind.REFERENCE: lambda: None if raw is None else int(raw),
        Kind.LINES: lambda: list(raw or []),
        Kind.NUMBER: lambda: None if empty else int(raw),
    }
    reader = readers.get(spec.kind)
    return reader() if reader else (raw or "")


def _day_message(spec: Spec, error: ValueError) -> Any:
    """What is wrong with a date: the partial date's own message, or a day that does not exist."""
    return str(error) if isinstance(error, PartialDateError) else _("That day does not exist.")
