"""Reads for saved queries (issue 18): those a user sees, how many agreements one matches, and what the digest says
of one (its agreements ending soon and its new ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from tracker.models import Agreement, SavedQuery
from tracker.queries.agreements import AgreementFilters, filter_conditions
from tracker.queries.expiring import ExpiringAgreement, expiring_statement, first_expiring

# Saved queries the dashboard lists with their counts; the saved queries page lists them all.
DASHBOARD_SHOWN = 8
# A digest's sections of saved queries, and the agreements each lists (the rest are counted and linked).
DIGEST_QUERIES = 5
DIGEST_ROWS = 10
# "New" in a digest: recorded within this many days before its day.
NEW_DAYS = 7


def visible_saved_queries(session: Session, user_id: int, limit: int | None = None) -> list[SavedQuery]:
    """The user's saved queries, then those others share, each by name; with their owners."""
    mine = case((SavedQuery.owner_id == user_id, 0), else_=1)
    statement = (
        select(SavedQuery)
        .where(or_(SavedQuery.owner_id == user_id, SavedQuery.shared.is_(True)))
        .order_by(mine, func.lower(SavedQuery.name), SavedQuery.id)
        .options(joinedload(SavedQuery.owner))
    )
    return list(session.scalars(statement.limit(limit) if limit else statement))


def digest_queries(session: Session, user_id: int) -> list[SavedQuery]:
    """The user's own saved queries their digest follows, by name, at most DIGEST_QUERIES."""
    statement = (
        select(SavedQuery)
        .where(SavedQuery.owner_id == user_id, SavedQuery.in_digest.is_(True))
        .order_by(func.lower(SavedQuery.name), SavedQuery.id)
        .limit(DIGEST_QUERIES)
    )
    return list(session.scalars(statement))


def digest_followers(session: Session) -> list[int]:
    """Ids of the users whose digest follows a saved query."""
    return list(session.scalars(select(SavedQuery.owner_id).where(SavedQuery.in_digest.is_(True)).distinct()))


def matching_count(session: Session, filters: AgreementFilters) -> int:
    """How many live agreements match the filters (the list's total)."""
    statement = select(func.count()).select_from(Agreement).where(*filter_conditions(session, filters))
    return session.scalar(statement) or 0


@dataclass(frozen=True)
class QuerySection:
    """What a digest says of one saved query: its matches ending within the window (the first DIGEST_ROWS of
    `ending_total`) and those recorded within NEW_DAYS (the first DIGEST_ROWS of `new_total`); or why the query no
    longer works."""

    saved: SavedQuery
    ending: list[ExpiringAgreement] = field(default_factory=list)
    ending_total: int = 0
    new: list[Agreement] = field(default_factory=list)
    new_total: int = 0
    problem: str = ""

    def __bool__(self) -> bool:
        return bool(self.ending or self.new or self.problem)


def query_section(
    session: Session, saved: SavedQuery, filters: AgreementFilters, as_of: date, months: int
) -> QuerySection:
    """The section of a saved query: its matches ending within `months` of `as_of` in the expiring list's order, and
    its new matches, each the first DIGEST_ROWS read with their number (counted only when there are more)."""
    conditions = filter_conditions(session, filters)
    ending = first_expiring(session, as_of, months, DIGEST_ROWS, conditions)
    ending_total = len(ending)
    if ending_total == DIGEST_ROWS:
        counted = expiring_statement(as_of, months).where(*conditions).subquery()
        ending_total = session.scalar(select(func.count()).select_from(counted)) or 0
    since = datetime.combine(as_of - timedelta(days=NEW_DAYS - 1), time(0), tzinfo=UTC)
    until = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)
    recorded = [Agreement.created_at >= since, Agreement.created_at < until]  # the NEW_DAYS days up to `as_of`
    recent = select(Agreement).where(*conditions, *recorded)
    total = select(func.count()).select_from(recent.subquery())
    new = list(session.scalars(recent.order_by(Agreement.created_at.desc(), Agreement.id.desc()).limit(DIGEST_ROWS)))
    new_total = len(new) if len(new) < DIGEST_ROWS else session.scalar(total) or 0
    return QuerySection(saved, ending, ending_total, new, new_total)
