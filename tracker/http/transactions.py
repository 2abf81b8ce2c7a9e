"""Transactions the database gave up on: retried when that is safe, otherwise a clear 409 or 503, never a 500.

PostgreSQL may cancel a transaction with a serialization failure (SQLSTATE 40001) or as the victim of a
deadlock (40P01); SQLite answers "database is locked" once its busy timeout runs out. In each case the
database rolled the whole transaction back, so a view that has not committed yet is run again from the
start (at most ATTEMPTS times): every read, check and version comparison is made afresh. A view that did
commit is never repeated. When the attempts run out, or the failure came before the view (SQLite's write
lock is taken at a writing request's first statement, loading the signed-in user), the user gets a 503 page
saying nothing was saved (tracker/web/faults.py, which also answers a database that is full, read-only or gone).

The retry wraps the app's dispatch, not each view, so that it covers every blueprint whenever it was registered.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker.db import get_session
from tracker.faults import is_transient

log = logging.getLogger("tracker.db")

ATTEMPTS = 3
# Seconds to wait before the second and third attempt, so that the transactions that collided drift apart.
BACKOFF = (0.05, 0.2)
COMMITTED_KEY = "tracker.committed"


def retrying(dispatch: Callable[[], Any]) -> Callable[[], Any]:
    """Wrap the app's dispatch so that a transient database failure before any commit runs the view again."""

    @functools.wraps(dispatch)
    def wrapper() -> Any:
        if request.endpoint == "static":  # files: no database to retry
            return dispatch()
        for attempt in range(ATTEMPTS):
            session = get_session()
            session.info[COMMITTED_KEY] = False
            try:
                return dispatch()
            except DBAPIError as error:
                if not is_transient(error) or session.info[COMMITTED_KEY] or attempt == ATTEMPTS - 1:
                    raise
                log.info("retrying %s after %s", request.endpoint, error.orig.__class__.__name__)
                session.rollback()
                time.sleep(BACKOFF[attempt])
        raise AssertionError("unreachable")  # the loop returns or raises

    return wrapper


def mark_committed(session: Session) -> None:
    """Note that the request's work is saved, so that it is never repeated."""
    session.info[COMMITTED_KEY] = True


def init_app(app: Flask) -> None:
    """Run every view under the retry, those of blueprints registered later included."""
    event.listen(app.extensions["tracker.sessionmaker"], "after_commit", mark_committed)
    app.dispatch_request = retrying(app.dispatch_request)
