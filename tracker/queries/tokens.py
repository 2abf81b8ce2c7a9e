"""Reads on API tokens: a user's list, and the live token a request presents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.models import ApiToken, User


def token_hash(text: str) -> str:
    """The SHA-256 of a token's text, as stored: the token itself is never kept."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def user_tokens(session: Session, user_id: int) -> Sequence[ApiToken]:
    """A user's tokens, live ones first, newest first."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return session.scalars(statement).all()


def live_token(session: Session, text: str) -> ApiToken | None:
    """The unrevoked token with this text, of an active user, with its user loaded; None otherwise."""
    statement = (
        select(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.token_hash == token_hash(text), ApiToken.revoked_at.is_(None), User.active.is_(True))
        .options(joinedload(ApiToken.user))
    )
    return session.scalar(statement)
