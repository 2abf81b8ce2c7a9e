"""The API blueprint: its error handlers (everything answers problem+json) and the OpenAPI document.

Database faults (busy, full, read-only, gone) are answered by the app's handler in tracker/web/faults.py, as
problem+json under /api/, so that the pages and the API classify them alike.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.api import problems
from tracker.api.helpers import json_response
from tracker.api.openapi import document
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.http.problems import from_http_exception, problem
from tracker.i18n import _

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(problems.ApiError)
def api_error(error: problems.ApiError):
    """A refusal of the boundary: 400, 401, 403, 415, 422, 428, 412."""
    get_session().rollback()
    return problems.from_api_error(error)


@bp.errorhandler(TrackerError)
def tracker_error(error: TrackerError):
    """A domain error from a service: its own status (a version conflict is a 412)."""
    get_session().rollback()
    return problems.from_tracker_error(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """404, 405, 413 and friends as problem details."""
    get_session().rollback()
    return from_http_exception(error)


@bp.errorhandler(IntegrityError)
def integrity_error(_error: IntegrityError):
    """A unique key taken by a change saved at the same moment: nothing was saved."""
    get_session().rollback()
    message = _("This change conflicts with one saved at the same moment, so nothing was saved. Try again.")
    return problem(409, str(message))


@bp.errorhandler(StaleDataError)
def stale_error(_error: StaleDataError):
    """A versioned save that lost a race."""
    get_session().rollback()
    message = _("Someone else changed this record at the same moment, so nothing was saved.")
    return problem(412, str(message))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API; public, as it holds no data."""
    return json_response(document())
