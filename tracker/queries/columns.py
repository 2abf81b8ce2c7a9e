"""A record contract's plain fields as table columns: what bulk reads (exports, the import's catalogue) select.

A partial date is two columns, `<name>_on` and `<name>_precision`; every other plain field is the column of its
name. Reads that stream many rows select these columns rather than whole objects, to stay lean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from tracker.dates import PartialDate
from tracker.records.fields import Kind, Spec


def columns_of(model: type, specs: Sequence[Spec]) -> list[InstrumentedAttribute]:
    """The columns holding these fields, in order."""
    columns = []
    for spec in specs:
        if spec.kind is Kind.PARTIAL_DATE:
            columns += [getattr(model, f"{spec.name}_on"), getattr(model, f"{spec.name}_precision")]
        else:
            columns.append(getattr(model, spec.name))
    return columns


def values_of(row: Any, specs: Sequence[Spec]) -> dict[str, Any]:
    """The fields' values, by name, from a row selected with `columns_of`."""
    return {spec.name: value_of(row, spec) for spec in specs}


def values_reader(specs: Sequence[Spec], start: int = 0) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """`values_of` for rows read by position, the `columns_of` columns from `start` on: for reads of many rows,
    where looking each column up by name costs more than the rest of the row's work."""
    plan: list[tuple[str, int, int | None]] = []
    index = start
    for spec in specs:
        if spec.kind is Kind.PARTIAL_DATE:
            plan.append((spec.name, index, index + 1))
            index += 2
        else:
            plan.append((spec.name, index, None))
            index += 1

    def read(row: Sequence[Any]) -> dict[str, Any]:
        """The fields' values, by name."""
        return {
            name: row[first] if second is None else PartialDate.from_columns(row[first], row[second])
            for name, first, second in plan
        }

    return read


def value_of(row: Any, spec: Spec) -> Any:
    """One field's value from such a row."""
    if spec.kind is Kind.PARTIAL_DATE:
        return PartialDate.from_columns(getattr(row, f"{spec.name}_on"), getattr(row, f"{spec.name}_precision"))
    return getattr(row, spec.name)


def column_values(values: dict[str, Any], specs: Sequence[Spec]) -> dict[str, Any]:
    """The fields' values as a row's columns, for a bulk insert."""
    found: dict[str, Any] = {}
    for spec in specs:
        value = values[spec.name]
        if spec.kind is Kind.PARTIAL_DATE:
            found[f"{spec.name}_on"], found[f"{spec.name}_precision"] = (
                (value.value, value.precision) if value else (None, None)
            )
        else:
            found[spec.name] = value
    return found
