"""Conflicting reports (issue 17) as the pages and the API read them: an agreement's, the list, the dashboard's few.

Open conflicts come first, those still found before those no longer found, newest first; resolved ones follow.
Conflicts of archived agreements are left out with their agreements (the join to Agreement applies the filter).
"""

from __future__ import annotations

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from tracker.models import Conflict, ConflictState
from tracker.queries.pagination import Page, paginate

# How many open conflicts the dashboard lists.
DASHBOARD_CONFLICTS = 5


def _ordered(statement: Select) -> Select:
    """Open before resolved, found now before no longer found, newest first."""
    is_open = case((Conflict.state == ConflictState.OPEN, 0), else_=1)
    is_current = case((Conflict.current.is_(True), 0), else_=1)
    return statement.order_by(is_open, is_current, Conflict.detected_at.desc(), Conflict.id.desc())


def in_page_order(conflicts: list[Conflict]) -> list[Conflict]:
    """An agreement's conflicts as loaded with it, in the order of the lists: open first, found now first, newest
    first."""

    def key(conflict: Conflict) -> tuple:
        return (conflict.state is not ConflictState.OPEN, not conflict.current, -conflict.detected_at.timestamp())

    return sorted(conflicts, key=lambda conflict: (key(conflict), -conflict.id))


def open_count() -> Select:
    """SQL: how many conflicts of live agreements are open and still found (the dashboard's figures)."""
    return (
        select(func.count())
        .select_from(Conflict)
        .join(Conflict.agreement)
        .where(Conflict.state == ConflictState.OPEN, Conflict.current.is_(True))
    )


def _listing(state: ConflictState | None, agreement_id: int | None) -> Select:
    """The conflicts of live agreements, filtered, with their agreement and who resolved each."""
    statement = (
        select(Conflict)
        .join(Conflict.agreement)
        .options(contains_eager(Conflict.agreement), selectinload(Conflict.resolved_by))
    )
    if state is not None:
        statement = statement.where(Conflict.state == state)
    if agreement_id is not None:
        statement = statement.where(Conflict.agreement_id == agreement_id)
    return _ordered(statement)


def conflict_page(
    session: Session, page: int, per_page: int, state: ConflictState | None = None, agreement_id: int | None = None
) -> Page[Conflict]:
    """One page of the conflicts list."""
    return paginate(session, _listing(state, agreement_id), page, per_page)


def conflict_detail(session: Session, conflict_id: int) -> Conflict | None:
    """One conflict of a live agreement, with its agreement and who resolved it."""
    return session.scalars(_listing(None, None).where(Conflict.id == conflict_id)).first()


def open_conflicts(session: Session, limit: int = DASHBOARD_CONFLICTS) -> list[Conflict]:
    """The newest few open conflicts still found, with their agreements (the dashboard asks only when its figures
    count some)."""
    statement = (
        select(Conflict)
        .join(Conflict.agreement)
        .options(contains_eager(Conflict.agreement))
        .where(Conflict.state == ConflictState.OPEN, Conflict.current.is_(True))
        .order_by(Conflict.detected_at.desc(), Conflict.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
