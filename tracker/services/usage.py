"""Naming what still uses a record, for refusals such as "cannot be archived: agreements use it"."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracker.i18n import _

# How many names a refusal lists before it says "and N more".
NAMED_IN_MESSAGE = 5


def named_list(names: Sequence[str], total: int) -> str:
    """ "“A”, “B”, “C”" or "“A”, “B”, “C” and 4 more" when only the first few of `total` are named."""
    listed = ", ".join(f"“{name}”" for name in names)
    if total > len(names):
        return str(_("%(names)s and %(count)s more", names=listed, count=total - len(names)))
    return listed


def named_rows(session: Session, names: Select) -> str | None:
    """The first few names `names` selects (in its order) and how many more there are; None if none."""
    count = select(func.count()).select_from(names.order_by(None).subquery())
    # The count keeps the statement's options, so that names chosen among archived records are counted too.
    total = session.scalar(count.execution_options(**names.get_execution_options())) or 0
    if not total:
        return None
    return named_list(session.scalars(names.limit(NAMED_IN_MESSAGE)).all(), total)
