"""Reads for calendar feeds: a feed by its secret token, a user's feeds, and the agreements a feed shows.

A feed is bounded to what a calendar needs (issue 19): the agreements whose date (the day the expiring list goes by:
the current term's decision date, else the end) falls within its `Horizon`, from PAST_DAYS before today to
AHEAD_MONTHS after, soonest first, at most MAX_AGREEMENTS of them; and the open actions due within it, at most
MAX_ACTIONS. What lies beyond is counted, and the feed says how many and where to find them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from sqlalchemy import Select, Subquery, func, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload

from tracker.dates import add_months
from tracker.models import ActionStatus, Agreement, AgreementTerm, CalendarFeed, FollowUpAction, User
from tracker.queries.agreements import AgreementFilters, filter_conditions
from tracker.queries.expiring import OPEN_STATUSES, ExpiringAgreement, _with_page_parties, dated_entry
from tracker.queries.planner import checked_only

# Tokens are 43 characters; anything much longer is not one of ours and is not worth hashing.
MAX_TOKEN_LENGTH = 128
# The horizon: a calendar looks back a season (a decision just missed is still worth seeing) and ahead three years
# (the longest notice periods and review reminders); an agreement years past its end is the expiring list's work.
PAST_DAYS = 90
AHEAD_MONTHS = 36
# At most this many agreements (each with its reminders) and actions: calendar apps slow down past a few thousand
# events, and the feed must stay cheap to write. The soonest are kept; the feed names how many more there are.
MAX_AGREEMENTS = 1000
MAX_ACTIONS = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class Horizon:
    """The days a feed shows (both included) and how many agreements and actions it holds at most."""

    since: date
    until: date
    max_agreements: int = MAX_AGREEMENTS
    max_actions: int = MAX_ACTIONS

    @classmethod
    def around(cls, today: date) -> Horizon:
        """The horizon of a feed fetched on `today`: it moves every day."""
        return cls(today - timedelta(days=PAST_DAYS), add_months(today, AHEAD_MONTHS), MAX_AGREEMENTS, MAX_ACTIONS)


@dataclass(frozen=True)
class Bounded(Generic[T]):
    """The first rows of a feed's list within its horizon, and how many the horizon holds in all."""

    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        """How many the horizon holds beyond the rows shown."""
        return self.total - len(self.rows)


def hash_token(token: str) -> str:
    """SHA-256 of a feed token: tokens are long and random, so a fast hash is enough to look them up."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_by_token(session: Session, token: str) -> CalendarFeed | None:
    """The feed a secret token opens, with its owner; None when unknown, revoked or the owner is deactivated."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    statement = (
        select(CalendarFeed)
        .join(CalendarFeed.user)
        .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None), User.active.is_(True))
        .options(joinedload(CalendarFeed.user))
    )
    return session.scalar(statement)


def feeds_of(session: Session, user_id: int) -> list[CalendarFeed]:
    """The user's feeds that still work, newest first."""
    statement = (
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at.desc(), CalendarFeed.id.desc())
    )
    return list(session.scalars(statement))


def feed_actions(session: Session, filters: AgreementFilters, horizon: Horizon) -> Bounded[FollowUpAction]:
    """The open follow-up actions of the agreements matching the filters that are due within the horizon, by due
    date, at most `horizon.max_actions`, and how many there are."""
    conditions = (
        *filter_conditions(session, filters),
        FollowUpAction.status == ActionStatus.OPEN,
        FollowUpAction.due_on >= horizon.since,
        FollowUpAction.due_on <= horizon.until,
    )
    statement = (
        select(FollowUpAction)
        .join(FollowUpAction.agreement)
        .where(*conditions)
        .order_by(FollowUpAction.due_on, FollowUpAction.id)
        .limit(horizon.max_actions)
        .options(joinedload(FollowUpAction.agreement), joinedload(FollowUpAction.assignee))
    )
    rows = list(session.scalars(statement))
    if len(rows) < horizon.max_actions:
        return Bounded(rows, len(rows))
    counted = select(func.count()).select_from(FollowUpAction).join(FollowUpAction.agreement).where(*conditions)
    return Bounded(rows, session.scalar(counted) or 0)


def horizon_days(as_of: date, horizon: Horizon) -> Subquery:
    """(agreement_id, day) of every agreement whose day as of `as_of` (as `dated_entry` reckons it) falls within the
    horizon, from three index ranges rather than every agreement's terms: those whose current term decides within it
    (the least decision of the terms not ended by `as_of` deciding by its end, as `expiring_days` finds them), those
    whose terms all ended, by their last term's decision (that term ends within the horizon's past), and those without
    terms by their end. The three never share an agreement. Reading each agreement's terms instead took 1-2 s at
    100,000 agreements, this 0.15-0.3 s (issue 19)."""
    since, until = horizon.since, horizon.until
    running = (
        select(AgreementTerm.agreement_id, func.min(AgreementTerm.decision_on).label("day"))
        .where(AgreementTerm.end_on >= as_of, AgreementTerm.decision_on <= until)
        .group_by(checked_only(AgreementTerm.agreement_id))
        .having(func.min(AgreementTerm.decision_on) >= since)
    )
    later = aliased(AgreementTerm)
    running_later = (
        select(later.agreement_id)
        .where(later.agreement_id == AgreementTerm.agreement_id, later.end_on >= as_of)
        .exists()
    )
    ended = (
        select(AgreementTerm.agreement_id, func.max(AgreementTerm.decision_on).label("day"))
        .where(AgreementTerm.end_on >= since, AgreementTerm.end_on < as_of, ~running_later)
        .group_by(checked_only(AgreementTerm.agreement_id))
        .having(func.max(AgreementTerm.decision_on) >= since)
    )
    termless = select(Agreement.id, Agreement.end_on).where(
        Agreement.status.in_(OPEN_STATUSES),
        Agreement.end_on >= since,
        Agreement.end_on <= until,
        ~select(AgreementTerm.agreement_id).where(AgreementTerm.agreement_id == Agreement.id).exists(),
    )
    return union_all(running, ended, termless).subquery("horizon_day")


def within_horizon(session: Session, filters: AgreementFilters, as_of: date, horizon: Horizon) -> Select:
    """SELECT (id, day) of the open agreements matching the filters whose day falls within the horizon."""
    days = horizon_days(as_of, horizon)
    return (
        select(days.c.agreement_id.label("id"), days.c.day)
        .join(Agreement, Agreement.id == days.c.agreement_id)
        .where(*filter_conditions(session, filters), Agreement.status.in_(OPEN_STATUSES))
    )


def feed_agreements(
    session: Session, filters: AgreementFilters, as_of: date, horizon: Horizon
) -> Bounded[ExpiringAgreement]:
    """Agreements matching the filters that are still open (archived ones never show) whose day as of `as_of` falls
    within the horizon, each dated as the expiring list dates it (its current term's decision date, else its end), by
    that day: the first `horizon.max_agreements`, and how many the horizon holds.

    The first ids and the total come in one statement (a window count), their agreements and parties in a fixed few
    more, whatever the number of matches."""
    dated = within_horizon(session, filters, as_of, horizon).subquery("within")
    first = select(dated.c.id, func.count().over()).order_by(dated.c.day, dated.c.id).limit(horizon.max_agreements)
    found = session.execute(first).all()
    if not found:
        return Bounded([], 0)
    ids = [row[0] for row in found]
    statement = _with_page_parties(select(Agreement).where(Agreement.id.in_(ids)))
    entries = [dated_entry(agreement, as_of) for agreement in session.scalars(statement)]
    rows = sorted((entry for entry in entries if entry), key=lambda entry: (entry.day, entry.agreement.id))
    return Bounded(rows, found[0][1])
