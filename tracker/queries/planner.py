"""Hints to the query planner, where an engine cannot know the shape of the data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class checked_only(FunctionElement[int]):  # named as the function it reads as where it is used
    """The column, which a condition should check row by row rather than use to find rows (SQLite: `+column`).

    SQLite takes `id IN (subquery)` as a way in through the primary key and guesses the list small; for a list of
    thousands of ids that means thousands of random row reads. The unary plus keeps the term a plain check, so the
    planner starts from another index (status, dates, the order). PostgreSQL estimates the subquery from its
    statistics and chooses well by itself: there the column is left as it is.
    """

    type = Integer()
    inherit_cache = True
    name = "checked_only"


@compiles(checked_only)
def _as_is(element: checked_only, compiler: Any, **kw: Any) -> str:
    column: ColumnElement[Any] = next(iter(element.clauses))
    return compiler.process(column, **kw)


@compiles(checked_only, "sqlite")
def _unary_plus(element: checked_only, compiler: Any, **kw: Any) -> str:
    return "+" + _as_is(element, compiler, **kw)


class checked_day(checked_only):
    """`checked_only` for a date column, compared with days."""

    type = Date()
    inherit_cache = True
    name = "checked_day"
