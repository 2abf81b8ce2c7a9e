"""Reads for calendar feeds: a feed by its secret token, a user's feeds, and the agreements a feed shows."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from tracker.models import ActionStatus, Agreement, AgreementTerm, CalendarFeed, FollowUpAction, User
from tracker.queries.agreements import AgreementFilters, filter_conditions
from tracker.queries.expiring import OPEN_STATUSES, ExpiringAgreement, _with_parties, dated_entry

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


def feed_agreements(session: Session, filters: AgreementFilters, as_of: date) -> list[ExpiringAgreement]:
    """Agreements matching the filters that are still open (archived ones never show) and have an end or terms,
    each dated as of `as_of` as the expiring list dates it (its current term's decision date, else its end), by
    that date."""
    dated = or_(Agreement.end_on.is_not(None), Agreement.id.in_(select(AgreementTerm.agreement_id)))
    statement = _with_parties(
        select(Agreement).where(*filter_conditions(session, filters), Agreement.status.in_(OPEN_STATUSES), dated)
    )
    entries = [dated_entry(agreement, as_of) for agreement in session.scalars(statement)]
    return sorted((entry for entry in entries if entry), key=lambda entry: (entry.day, entry.agreement.id))
