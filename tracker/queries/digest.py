"""Reads for the e-mail digest: who gets one, and the expiring report for each window asked for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import User
from tracker.queries.expiring import ExpiringReport, expiring_report

MIN_DIGEST_MONTHS = 1
MAX_DIGEST_MONTHS = 24


def digest_recipients(session: Session) -> list[User]:
    """Active users who asked for the digest, by e-mail address; deactivated accounts never get mail."""
    statement = select(User).where(User.active.is_(True), User.digest_opt_in.is_(True)).order_by(User.email)
    return list(session.scalars(statement))


def digest_window(user: User) -> int:
    """The user's window in months, kept within the allowed range whatever the database holds."""
    return max(MIN_DIGEST_MONTHS, min(MAX_DIGEST_MONTHS, user.digest_months))


def reports_by_window(session: Session, as_of: date, users: list[User]) -> dict[int, ExpiringReport]:
    """One expiring report per window the users chose: users sharing a window share its report."""
    return {months: expiring_report(session, as_of, months) for months in sorted({digest_window(u) for u in users})}
