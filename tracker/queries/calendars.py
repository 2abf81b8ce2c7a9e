"""Reads for calendar feeds: a feed by its secret token, a user's feeds, and the agreements a feed shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.dates import PartialDate
from tracker.models import ActionStatus, Agreement, CalendarFeed, FollowUpAction, Party, User
from tracker.queries.agreements import AgreementFilters, filter_conditions
from tracker.queries.expiring import OPEN_STATUSES, _distinct_parties, _with_parties

# Tokens are 43 characters; anything much longer is not one of ours and is not worth hashing.
MAX_TOKEN_LENGTH = 128


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


@dataclass(frozen=True)
class FeedEntry:
    """An agreement in a feed, with its end and its parties (each once)."""

    agreement: Agreement
    end: PartialDate
    parties: tuple[Party, ...]


def feed_actions(session: Session, filters: AgreementFilters) -> list[FollowUpAction]:
    """The open follow-up actions with a due date of the agreements matching the filters, by due date."""
    statement = (
        select(FollowUpAction)
        .join(FollowUpAction.agreement)
        .where(
            *filter_conditions(session, filters),
            FollowUpAction.status == ActionStatus.OPEN,
            FollowUpAction.due_on.is_not(None),
        )
        .order_by(FollowUpAction.due_on, FollowUpAction.id)
        .options(joinedload(FollowUpAction.agreement), joinedload(FollowUpAction.assignee))
    )
    return list(session.scalars(statement))


def feed_agreements(session: Session, filters: AgreementFilters) -> list[FeedEntry]:
    """Agreements matching the filters that have an end and are still open (archived ones never show), by end."""
    statement = _with_parties(
        select(Agreement)
        .where(*filter_conditions(session, filters), Agreement.status.in_(OPEN_STATUSES), Agreement.end_on.is_not(None))
        .order_by(Agreement.end_on, Agreement.id)
    )
    return [
        FeedEntry(agreement=agreement, end=agreement.end, parties=_distinct_parties(agreement))
        for agreement in session.scalars(statement)
    ]
