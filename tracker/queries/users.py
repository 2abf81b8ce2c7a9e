"""Reads for the user administration pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import User


def all_users(session: Session) -> list[User]:
    """Every account, active ones first, then by e-mail address."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))


def user_choices(session: Session, keep: int | None = None) -> list[tuple[int, str]]:
    """(id, "Name <e-mail>") of the active users (and the user `keep`, e.g. an owner since deactivated)."""
    statement = select(User.id, User.name, User.email).where((User.active.is_(True)) | (User.id == keep))
    rows = session.execute(statement.order_by(User.name, User.email))
    return [(row.id, f"{row.name} <{row.email}>" if row.name else row.email) for row in rows]


def owner_filter_choices(session: Session, chosen: str) -> list[tuple[int, str]]:
    """The user a list query names as responsible officer (by id), to show it chosen; no query otherwise, so the
    list page costs no statement for a list of every user ("anyone" and "me" need none)."""
    if not chosen.isdigit() or len(chosen) > 9:
        return []
    user = session.get(User, int(chosen))
    return [(user.id, user.name or user.email)] if user else []
