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


class mostly_true(FunctionElement[bool]):  # named as the function it reads as where it is used
    """A condition known to hold for many rows, which the planner should check along another index's order rather
    than use to find rows (SQLite: `likely(condition)`).

    A search in more than 10,000 agreements lists them by last update (queries/agreements.py): with another filter,
    say a status, SQLite found the status's rows by its index and sorted all of them (63 ms at 100,000), where
    walking the last-update index meets a page's rows within a few hundred. PostgreSQL weighs the LIMIT itself.
    """

    inherit_cache = True
    name = "mostly_true"


@compiles(mostly_true)
def _condition_as_is(element: mostly_true, compiler: Any, **kw: Any) -> str:
    condition: ColumnElement[Any] = next(iter(element.clauses))
    return compiler.process(condition, **kw)


@compiles(mostly_true, "sqlite")
def _likely(element: mostly_true, compiler: Any, **kw: Any) -> str:
    return "likely(" + _condition_as_is(element, compiler, **kw) + ")"
