"""RFC 9457 problem details (application/problem+json): how every failure under /api/ is answered.

The API's own refusals are in tracker/api/problems.py; the pages use this module for what fails under /api/ before
any API view runs (no route, a database fault).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from tracker.faults import Fault
from tracker.i18n import _

log = logging.getLogger("tracker.api")

PROBLEM_TYPE = "application/problem+json"
# Every API URL starts here; errors raised before routing (unknown URL, wrong method) are recognised by it.
API_PREFIX = "/api/"
# Problem types are anchors of the API page, which explains each one.
TYPE_BASE = "/api#problem-"
SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "version-mismatch",
    413: "too-large",
    415: "unsupported-media-type",
    422: "validation",
    428: "version-required",
    500: "server-error",
    503: "busy",
}
TITLES = {
    400: _("The request is not valid"),
    401: _("A valid API token is needed"),
    403: _("Your role does not allow this"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    412: _("The record has changed"),
    413: _("The request is too large"),
    415: _("The body must be JSON"),
    422: _("The data is not valid"),
    428: _("If-Match is required"),
    500: _("Something went wrong on the server"),
    503: _("The database is busy"),
}


def is_api_path() -> bool:
    """Whether the current request is for the JSON API (also when no route matched)."""
    return request.path.startswith(API_PREFIX)


def problem(status: int, detail: str = "", slug: str | None = None, **members: Any) -> Response:
    """A problem+json response; extra members (such as `errors`) are added as given."""
    body = {
        "type": TYPE_BASE + (slug or SLUGS.get(status, "error")),
        "title": str(TITLES.get(status) or HTTP_STATUS_CODES.get(status, "Error")),
        "status": status,
        "detail": str(detail or TITLES.get(status) or HTTP_STATUS_CODES.get(status, "")),
        "instance": request.path,
        **members,
    }
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)


def from_fault(fault: Fault, writing: bool) -> Response:
    """The problem for a database fault: 503, typed "busy" or "unavailable" (Retry-After is the caller's)."""
    return problem(503, fault.message(writing), fault.kind, title=fault.title)


def from_http_exception(error: HTTPException) -> Response:
    """The problem for an HTTP error raised by Flask, Werkzeug or `abort()`, keeping its headers (Allow...)."""
    status = error.code or 500
    detail = TITLES.get(status) or error.description
    if status >= 500:
        log.error("API %s %s answered %s", request.method, request.path, status)
    response = problem(status, str(detail or ""))
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
