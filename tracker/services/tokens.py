"""Writes on personal API tokens: create (the text is returned once), revoke, note their use."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from tracker.errors import NotFoundError, StateError, ValidationError
from tracker.i18n import _
from tracker.models import ApiToken, User, utcnow
from tracker.queries.tokens import token_hash

# Tokens read "ctk_" plus 43 URL-safe characters (256 random bits); the marker helps secret scanners.
TOKEN_MARKER = "ctk_"
TOKEN_BYTES = 32
# What the list shows to tell tokens apart: the marker and the first few random characters.
PREFIX_LENGTH = 12
NAME_MAX = 100
# "Last used" is kept to this resolution, so that a busy script does not write on every request.
USE_RESOLUTION = timedelta(minutes=1)


def new_token_text() -> str:
    """A fresh random token."""
    return TOKEN_MARKER + secrets.token_urlsafe(TOKEN_BYTES)


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Give the user a new token; returns the record and the token's text, which is not stored."""
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError(_("Keep the name to %(max)s characters.", max=NAME_MAX), field="name")
    text = new_token_text()
    token = ApiToken(user=user, name=name, token_hash=token_hash(text), prefix=text[:PREFIX_LENGTH])
    session.add(token)
    session.flush()
    return token, text


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another user's token is as good as missing."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(_("There is no such token."))
    if token.revoked_at is not None:
        raise StateError(_("This token is revoked already."))
    token.revoked_at = utcnow()
    session.flush()
    return token


def needs_use_noted(token: ApiToken, now: datetime) -> bool:
    """Whether the token's "last used" is older than its resolution."""
    return token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION


def note_use(session: Session, token_id: int, now: datetime) -> None:
    """Record that the token was used now (one UPDATE, no ORM flush and no history entry)."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
