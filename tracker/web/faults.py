"""The 503 answer for a database that is busy, full, read-only or gone (tracker/faults.py says which is which).

The answer must come out whatever state the database is in, so nothing on its way queries: the session is closed
without a rollback round trip, and the page shows the signed-in user as noted at the start of the request (a failed
flush expires every loaded object, and reading one again would ask the database), or nobody when the fault came
before the user could be loaded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, g, render_template, request
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from tracker import faults, logs
from tracker.db import SAFE_METHODS
from tracker.http import problems
from tracker.models import User, UserRole

log = logging.getLogger("tracker.db")
# What base.html and the language choice read of the signed-in user, kept under this key of `g`.
SHOWN_USER_FIELDS = frozenset({"id", "email", "role", "locale"})
SHOWN_USER_KEY = "tracker_shown_user"


def database_fault(error: Exception):
    """Nothing was saved: a 503 page (problem+json under /api/) with Retry-After; any other error stays a 500."""
    fault = faults.classify(error)
    if fault is None:
        raise error
    answer_without_database(fault, error)
    writing = request.method not in SAFE_METHODS
    headers = {"Retry-After": str(fault.retry_after)}
    if problems.is_api_path():
        response = problems.from_fault(fault, writing)
        response.headers.update(headers)
        return response
    page = render_template("try_again.html", title=fault.title, message=fault.message(writing))
    return page, 503, headers


def answer_without_database(fault: faults.Fault, error: Exception) -> None:
    """Log the fault, end the request's transaction and make sure nothing on the way out queries again."""
    level = logging.WARNING if fault.kind == "busy" else logging.ERROR
    what = f"{request.method} {logs.request_path()}"  # a calendar feed's path holds its secret token
    log.log(level, "database %s (%s) on %s: %s", fault.kind, fault.reason, what, faults.driver_message(error))
    faults.release(g.get("db_session"), fault)
    user = g.get("_login_user")
    if isinstance(user, User) and inspect(user).unloaded & SHOWN_USER_FIELDS:
        # A failed flush rolls back and expires every loaded object: show the user as they were at the start.
        g._login_user = g.get(SHOWN_USER_KEY)
    if g.get("_login_user") is None:
        # Not loaded yet (the fault came first): show the page as to nobody rather than let Flask-Login or the
        # template ask the database again.
        g._login_user = AnonymousUserMixin()


@dataclass(frozen=True)
class ShownUser(UserMixin):
    """What a page shows of the signed-in user, kept apart from the session so that a rollback cannot expire it."""

    id: int
    email: str
    role: UserRole
    locale: str | None


def remember_shown_user() -> None:
    """Note the signed-in user's shown fields once loaded (by the access check, so this costs no query)."""
    user = g.get("_login_user")
    if isinstance(user, User):
        g.setdefault(SHOWN_USER_KEY, ShownUser(user.id, user.email, user.role, user.locale))


def init_app(app: Flask) -> None:
    """Answer database faults, and full or read-only disks under the app's own files, on every page and the API."""
    app.before_request(remember_shown_user)  # after tracker.auth's access check, which loads the user
    app.register_error_handler(DBAPIError, database_fault)
    app.register_error_handler(OSError, database_fault)
