"""Browsers known to an account: a signed cookie, set at each sign-in, naming the accounts signed in from it.

It proves nothing by itself (the password is always checked) and is sent only to the sign-in page; it only lets
the lock-out per client address pass over colleagues who share that address (tracker/services/accounts.py sign_in).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.models import User

COOKIE = "tracker_device"
SALT = "tracker.known-device"
MAX_AGE = timedelta(days=180)
# A browser shared by a few people (a front-office computer) stays known to each of them.
MAX_ACCOUNTS = 5


def serializer() -> URLSafeTimedSerializer:
    """Signs with the app's secret key, under a salt of its own so no other signed value passes for it."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def known_accounts() -> list[int]:
    """Ids of the accounts this browser signed in to within MAX_AGE; none for a missing or forged cookie."""
    token = request.cookies.get(COOKIE)
    if not token:
        return []
    try:
        ids = serializer().loads(token, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:
        return []
    return [value for value in ids if isinstance(value, int)] if isinstance(ids, list) else []


def remember(response: Response, user: User) -> Response:
    """Add the account to the browser's known accounts, most recent first."""
    ids = [user.id, *(known for known in known_accounts() if known != user.id)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        serializer().dumps(ids),
        max_age=int(MAX_AGE.total_seconds()),
        path=url_for("auth.sign_in"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
