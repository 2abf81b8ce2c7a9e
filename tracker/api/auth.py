"""Who an API request comes from: the user of its bearer token; the session cookie never counts here."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker import faults
from tracker.models import ApiToken, User, utcnow
from tracker.queries.tokens import live_token
from tracker.services import tokens

log = logging.getLogger("tracker.db")
# Longer than any token this app makes; longer headers are refused without a look-up.
MAX_TOKEN_LENGTH = 200


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    scheme, _sep, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > MAX_TOKEN_LENGTH:
        return None
    return value


def token_user(session: Session) -> User | None:
    """The active user whose live token the request presents, noting the token's use; None otherwise."""
    text = bearer_token()
    token = live_token(session, text) if text else None
    if token is None:
        return None
    now = utcnow()
    if tokens.needs_use_noted(token, now):
        note_use(session, token, now)
    return token.user


def note_use(session: Session, token: ApiToken, now: datetime) -> None:
    """Keep the token's "last used", unless the database cannot take it: a read must not fail for bookkeeping."""
    # The read ends before the write begins: on SQLite a read transaction cannot safely turn into a write.
    session.commit()
    try:
        tokens.note_use(session, token.id, now)
        session.commit()
    except DBAPIError as error:
        fault = faults.classify(error)
        if fault is None:
            raise
        # A connection that broke stays broken: the request's own statements will meet it and answer 503.
        session.rollback()
        log.warning("last use of API token %s not noted: database %s (%s)", token.id, fault.kind, fault.reason)
