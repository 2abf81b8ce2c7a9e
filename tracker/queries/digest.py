"""Reads for the e-mail digest: who gets one, and the expiring report for each window asked for.

A digest names the first DIGEST_ROWS of each list and how many it holds, with a link to the whole list in the app
(issue 19): at 100,000 agreements, rendering every ending and needs-attention agreement for every user took 23-33 s.
Each list is read with a LIMIT and counted only when it is full, so a user's digest costs a fixed number of statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tracker.dates import add_months
from tracker.models import ActionStatus, Agreement, FollowUpAction, SavedQuery, User
from tracker.queries.actions import my_work
from tracker.queries.expiring import (
    AttentionGroup,
    ExpiringAgreement,
    attention_groups,
    expiring_count,
    first_expiring,
)

MIN_DIGEST_MONTHS = 1
MAX_DIGEST_MONTHS = 24
# The rows of each list a digest shows; the rest are counted and one link away.
DIGEST_ROWS = 20


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


@dataclass(frozen=True)
class DigestReport:
    """The expiring part of a digest: the first agreements ending within the window and how many end in it, and each
    group of needs attention with its first rows and its total."""

    as_of: date
    months: int
    until: date
    expiring: list[ExpiringAgreement]
    expiring_total: int
    groups: list[AttentionGroup]

    @property
    def needs_attention(self) -> list[ExpiringAgreement]:
        """The rows of needs attention shown, group after group."""
        return [row for group in self.groups for row in group.rows]

    @property
    def attention_total(self) -> int:
        """How many agreements need attention, every group."""
        return sum(group.total for group in self.groups)


def digest_report(
    session: Session, as_of: date, months: int, groups: list[AttentionGroup] | None = None
) -> DigestReport:
    """The first DIGEST_ROWS agreements ending within `months` of `as_of` and their number, and the groups of needs
    attention (`groups`, when already read for another window: they do not depend on it)."""
    rows = first_expiring(session, as_of, months, DIGEST_ROWS)
    total = len(rows) if len(rows) < DIGEST_ROWS else session.scalar(expiring_count(as_of, months)) or 0
    groups = groups if groups is not None else attention_groups(session, as_of, limit=DIGEST_ROWS)
    return DigestReport(as_of, months, add_months(as_of, months), rows, total, groups)


def reports_by_window(session: Session, as_of: date, users: list[User]) -> dict[int, DigestReport]:
    """One report per window the opted-in users chose: users sharing a window share its report, and every window the
    groups of needs attention (a saved query's section reads its own rows)."""
    windows = sorted({digest_window(user) for user in users if user.digest_opt_in})
    reports: dict[int, DigestReport] = {}
    for months in windows:
        shared = next(iter(reports.values())).groups if reports else None
        reports[months] = digest_report(session, as_of, months, shared)
    return reports
