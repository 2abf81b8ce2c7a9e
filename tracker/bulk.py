"""Many rows into one table in one executemany, with SQLAlchemy's own conversions but without its per-row work.

`connection.execute(insert(table), rows)` compiles once but then builds, checks and converts the parameters of
every row through the statement's general machinery; for the importer's hundreds of thousands of rows that was a
fifth of the whole import. Here each column's conversion (the type's bind processor: enums to their values,
dates to text on SQLite, JSON to text, time zones) is looked up once and applied in a plain loop, Python-side
defaults are filled as SQLAlchemy would fill them, and the driver's executemany gets ready values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the rows (dicts by column name, all with the same keys) into the table."""
    if not rows:
        return
    defaults = {name: make() for name, make in python_defaults(table, set(rows[0])).items()}
    names = [*rows[0], *defaults]
    dialect = connection.dialect
    compiled = insert(table).values({name: bindparam(name) for name in names}).compile(dialect=dialect)
    order = list(compiled.positiontup or []) if dialect.positional else names
    converters = [(name, converter(table, name, dialect)) for name in order]
    # Column by column: one map() per column costs far less than a test per value.
    columns = []
    for name, convert in converters:
        cells = [defaults[name]] * len(rows) if name in defaults else [row[name] for row in rows]
        columns.append(converted(cells, convert) if convert else cells)
    values = list(zip(*columns, strict=True))
    parameters = values if dialect.positional else [dict(zip(order, row, strict=True)) for row in values]
    connection.exec_driver_sql(str(compiled), parameters)


def converted(cells: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """The column's cells converted; converted once when every cell is the same object (a batch's one time of
    writing, a default: formatting a time for SQLite once per row was 3 % of an import)."""
    first = cells[0]
    if all(cell is first for cell in cells):
        return [convert(first)] * len(cells)
    return list(map(convert, cells))


def python_defaults(table: Table, given: set[str]) -> dict[str, Callable[[], Any]]:
    """Column name -> a maker of the value SQLAlchemy would insert, for the columns not given that have one."""
    makers: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if getattr(default, "is_callable", False):
            makers[column.name] = lambda default=default: default.arg(None)  # SQLAlchemy's wrapped callable
        elif getattr(default, "is_scalar", False):
            makers[column.name] = lambda default=default: default.arg
    return makers


def converter(table: Table, name: str, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's conversion of a Python value for the driver, if any."""
    return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
