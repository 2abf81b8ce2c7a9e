"""Small tools shared by the API views: JSON answers, If-Match, pagination parameters, loading records."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Response, json, request
from sqlalchemy.orm import Session

from tracker.api.problems import ApiError, field_error
from tracker.forms.agreements import PER_PAGE_CHOICES
from tracker.http.archived import live_or_archived
from tracker.http.paging import page_size
from tracker.i18n import _
from tracker.queries.pagination import Page

T = TypeVar("T")
MAX_PAGE = 100000


def json_response(data: Any, status: int = 200, etag: str | None = None, location: str | None = None) -> Response:
    """A JSON answer, with the record's ETag and, for a new record, its URL."""
    response = Response(json.dumps(data), status=status, mimetype="application/json")
    if etag:
        response.headers["ETag"] = etag
    if location:
        response.headers["Location"] = location
    return response


def no_content() -> Response:
    """204: done, nothing to say."""
    return Response(status=204)


def opaque(tag: str) -> str:
    """An entity tag without its weakness marker and quotes: W/"3" and "3" both give 3."""
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag[1:-1] if len(tag) >= 2 and tag[0] == tag[-1] == '"' else tag


def require_if_match(current_etag: str) -> None:
    """428 without If-Match; 412 unless it names the current ETag (weak and strong forms alike, or *)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        message = _("Send If-Match with the ETag of the record as you last read it.")
        raise ApiError(428, str(message))
    tags = [opaque(part) for part in header.split(",")]
    if "*" not in tags and opaque(current_etag) not in tags:
        message = _("The record changed since you read it (now %(etag)s). Read it again.", etag=current_etag)
        raise ApiError(412, str(message))


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within bounds; 400 otherwise."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        message = _("Give a whole number between %(low)s and %(high)s.", low=low, high=high)
        raise ApiError(400, str(message), [field_error(name, message)])
    return int(raw)


def page_args() -> tuple[int, int]:
    """`page` and `per_page` from the query string (per_page one of 10, 25, 50, 100)."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", page_size(), 1, max(PER_PAGE_CHOICES))
    if request.args.get("per_page", "").strip() and per_page not in PER_PAGE_CHOICES:
        message = _("Use one of: %(values)s.", values=", ".join(map(str, PER_PAGE_CHOICES)))
        raise ApiError(400, str(message), [field_error("per_page", message)])
    return page, per_page


def form_problem(form: Any) -> ApiError:
    """400 naming each query parameter that did not validate."""
    errors = [field_error(name, message) for name, messages in form.errors.items() for message in messages]
    return ApiError(400, str(_("Some query parameters are not valid.")), errors)


def requested_page(page: Page, requested: int) -> Page:
    """The page asked for: lists that show the last page for one past the end answer an empty page instead."""
    if page.page == requested:
        return page
    return Page(items=[], total=page.total, page=requested, per_page=page.per_page)


def page_of_list(items: list[T], page: int, per_page: int) -> Page:
    """One page of a list already loaded in full (small vocabularies, one agreement's links)."""
    start = (page - 1) * per_page
    return Page(items=items[start : start + per_page], total=len(items), page=page, per_page=per_page)


def not_found() -> ApiError:
    """404 for a record that does not exist (or that this user may not see archived)."""
    return ApiError(404, str(_("There is no such record.")))


def load(session: Session, load_live: Any, record_id: int, archived_too: bool = True) -> Any:
    """A record by a detail query: live for everyone, archived too for those who see the archive; or 404."""
    record = live_or_archived(session, load_live, record_id, archived_too)
    if record is None:
        raise not_found()
    return record
