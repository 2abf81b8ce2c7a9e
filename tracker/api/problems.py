"""The API's own refusals and domain errors as problem details (tracker/http/problems.py writes the document)."""

from __future__ import annotations

from typing import Any

from flask import Response

from tracker.errors import ConflictError, DuplicateError, InUseError, StateError, TrackerError, ValidationError
from tracker.http.problems import problem

# Domain errors whose kind says more than their status.
ERROR_SLUGS: dict[type[TrackerError], str] = {
    DuplicateError: "duplicate",
    InUseError: "in-use",
    StateError: "state",
    ValidationError: "validation",
}


class ApiError(Exception):
    """A refusal of the API boundary itself: status, detail and the fields at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def field_error(field: str | None, message: Any) -> dict[str, str]:
    """One entry of a problem's `errors`: the field at fault ("" for the whole body) and what is wrong."""
    return {"field": field or "", "message": str(message)}


def from_api_error(error: ApiError) -> Response:
    """The problem for a refusal of the boundary."""
    members: dict[str, Any] = {}
    if error.errors or error.status in (400, 422):
        members["errors"] = error.errors
    response = problem(error.status, error.detail, **members)
    response.headers.update(error.headers)
    return response


def from_tracker_error(error: TrackerError) -> Response:
    """The problem for a domain error; a version conflict is a failed precondition (412)."""
    if isinstance(error, ConflictError):
        return problem(412, error.message)
    status = error.status_code
    slug = next((slug for kind, slug in ERROR_SLUGS.items() if isinstance(error, kind)), None)
    members: dict[str, Any] = {}
    if error.field or status == 422:
        members["errors"] = [field_error(error.field, error.message)]
    existing = getattr(error, "source_id", None)
    if existing is not None:
        members["existing_id"] = existing
    return problem(status, error.message, slug, **members)
