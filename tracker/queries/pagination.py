"""One page of a longer result, with the total count: the shape every list page uses."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items of page `page` (1-based) out of `total` items, `per_page` at a time; with `total_is_lower_bound`, more
    than `total` match and only the first `total` are on the pages; with `ordered_by_update`, a search too common to
    rank lists them by last update instead of relevance."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int
    total_is_lower_bound: bool = False
    ordered_by_update: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are; at least one, so "page 1 of 1" reads right when empty."""
        return max(1, math.ceil(self.total / self.per_page))

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last and `around` either side of this one; None where numbers
        are left out (an ellipsis). A page past the end links the last few."""
        current = min(self.page, self.pages)
        shown = {1, self.pages, *range(max(1, current - around), min(self.pages, current + around) + 1)}
        numbers: list[int | None] = []
        for number in sorted(shown):
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def paginate(session: Session, statement: Select, page: int, per_page: int, total: int | None = None) -> Page:
    """Run `statement` for one page of ORM entities, with the total count from a COUNT query of its own, which an
    index often answers alone (unless the caller counted already: `total`)."""
    offset = (page - 1) * per_page
    total = count_of(session, statement) if total is None else total
    items = session.scalars(statement.limit(per_page).offset(offset)).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def count_of(session: Session, statement: Select, limit: int | None = None) -> int:
    """How many rows the statement selects; at most `limit` when given (the count stops reading there)."""
    statement = statement.order_by(None)
    if limit is not None:
        statement = statement.limit(limit)
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0
