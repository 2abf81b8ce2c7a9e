"""Reads for the e-mail digest: who gets one, and the expiring report for each window asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tracker.dates import add_months
from tracker.models import ActionStatus, Agreement, FollowUpAction, SavedQuery, User
from tracker.queries.actions import my_work
from tracker.queries.expiring import ExpiringAgreement, ExpiringReport, expiring_report

MIN_DIGEST_MONTHS = 1
MAX_DIGEST_MONTHS = 24


def digest_recipients(session: Session) -> list[User]:
    """Active users who asked for the digest, or whose digest follows a saved query, or who own agreements or have
    open actions and did not opt out of hearing about them, by e-mail address; deactivated accounts never get mail."""
    owners = select(Agreement.owner_id).where(Agreement.owner_id.is_not(None))
    assignees = select(FollowUpAction.assignee_id).where(
        FollowUpAction.assignee_id.is_not(None), FollowUpAction.status == ActionStatus.OPEN
    )
    responsible = and_(User.owner_digest.is_(True), or_(User.id.in_(owners), User.id.in_(assignees)))
    following = User.id.in_(select(SavedQuery.owner_id).where(SavedQuery.in_digest.is_(True)))
    statement = select(User).where(User.active.is_(True), or_(User.digest_opt_in.is_(True), following, responsible))
    return list(session.scalars(statement.order_by(User.email)))


@dataclass(frozen=True)
class OwnWork:
    """What a digest tells a user about what they answer for: their agreements ending within the window or past
    their end while still open, and their open actions due within the window or overdue."""

    agreements: list[ExpiringAgreement]
    actions: list[FollowUpAction]
    as_of: date | None = None

    def __bool__(self) -> bool:
        return bool(self.agreements or self.actions)


def own_work(session: Session, user: User, as_of: date) -> OwnWork:
    """The user's part of the digest as of `as_of` (empty when they opted out of it)."""
    if not user.owner_digest:
        return OwnWork([], [], as_of)
    until = add_months(as_of, digest_window(user))
    work = my_work(session, user.id, as_of)
    agreements = [row.dated for row in work.agreements if row.dated and row.open and row.dated.day <= until]
    actions = [action for action in work.actions if action.due is not None and action.due.earliest <= until]
    return OwnWork(agreements, actions, as_of)


def digest_window(user: User) -> int:
    """The user's window in months, kept within the allowed range whatever the database holds."""
    return max(MIN_DIGEST_MONTHS, min(MAX_DIGEST_MONTHS, user.digest_months))


def reports_by_window(
    session: Session, as_of: date, users: list[User], followers: frozenset[int] = frozenset()
) -> dict[int, ExpiringReport]:
    """One expiring report per window the opted-in users (and those whose digest follows a saved query, `followers`:
    its section narrows the report) chose: users sharing a window share its report."""
    windows = sorted({digest_window(user) for user in users if user.digest_opt_in or user.id in followers})
    return {months: expiring_report(session, as_of, months) for months in windows}
