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
    """Items of page `page` (1-based) out of `total` items, `per_page` at a time."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are; at least one, so "page 1 of 1" reads right when empty."""
        return max(1, math.ceil(self.total / self.per_page))


def paginate(session: Session, statement: Select, page: int, per_page: int) -> Page:
    """Run `statement` for one page of ORM entities plus one COUNT query for the total."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    items = session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, total=total, page=page, per_page=per_page)
