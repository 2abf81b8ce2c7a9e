"""Reads for the user administration pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import User


def all_users(session: Session) -> list[User]:
    """Every account, active ones first, then by e-mail address."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))
