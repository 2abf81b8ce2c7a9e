"""API: saved queries (issue 18) — one's own and the shared ones listed, read with their current count, saved,
replaced (PUT, the owner only) and deleted (the owner, or an admin for a shared one). They are not versioned: a PUT
replaces the record as given, without If-Match. `GET /agreements?saved=<id>` lists a saved query's agreements."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input
from tracker.api.helpers import json_response, no_content, page_args, page_of_list
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import page_json, timestamp
from tracker.db import get_session
from tracker.http.agreements import QueryError, checked_query
from tracker.http.saved_queries import counts_cache
from tracker.i18n import _
from tracker.models import SavedQuery, User
from tracker.queries.dashboard import data_version
from tracker.queries.saved_queries import visible_saved_queries
from tracker.services import saved_queries as service

PATH = "/saved-queries"
ITEM = PATH + "/<id:saved_id>"


def saved_json(saved: SavedQuery, count: int | None = None, counted: bool = False) -> dict[str, Any]:
    """A saved query; with `counted`, how many agreements it matches now (null when it no longer works)."""
    data = {
        "id": saved.id,
        "name": saved.name,
        "query": saved.query,
        "shared": saved.shared,
        "in_digest": saved.in_digest,
        "owner_id": saved.owner_id,
        "mine": saved.owner_id == current_user.id,
        "agreements_url": url_for(".list_agreements", saved=saved.id),
        "created_at": timestamp(saved.created_at),
        "updated_at": timestamp(saved.updated_at),
    }
    return {**data, "count": count} if counted else data


@bp.get(PATH, endpoint="list_saved_queries")
def list_saved_queries() -> Response:
    """One's own saved queries, then those others share, by name; one page."""
    page, per_page = page_args()
    result = page_of_list(visible_saved_queries(get_session(), current_user.id), page, per_page)
    return json_response(page_json(result, [saved_json(saved) for saved in result.items]))


@bp.post(PATH, endpoint="create_saved_query")
def create_saved_query() -> Response:
    """Save a query of the agreement list under a name; the query is checked as the list checks it (422)."""
    session = get_session()
    data = body_data(session)
    saved = service.create_saved_query(session, session.get(User, current_user.id), data)
    session.commit()
    location = url_for(".get_saved_query", saved_id=saved.id)
    return json_response(saved_json(saved), 201, location=location)


@bp.get(ITEM, endpoint="get_saved_query")
def get_saved_query(saved_id: int) -> Response:
    """One saved query the user sees, with how many agreements it matches now."""
    session = get_session()
    saved = service.seen(session, current_user, saved_id)
    count = counts_cache().counts(session, [saved], data_version(session))[saved.id]
    return json_response(saved_json(saved, count, counted=True))


@bp.put(ITEM, endpoint="update_saved_query")
def update_saved_query(saved_id: int) -> Response:
    """Replace one's own saved query: name, query, shared, in_digest (403 for someone else's shared one)."""
    session = get_session()
    service.seen(session, current_user, saved_id)  # 404 before reading the body, as for a record that is not there
    data = body_data(session)
    saved = service.update_saved_query(session, session.get(User, current_user.id), saved_id, data)
    session.commit()
    return json_response(saved_json(saved))


@bp.delete(ITEM, endpoint="delete_saved_query")
def delete_saved_query(saved_id: int) -> Response:
    """Delete one's own saved query, or (admins) a shared one."""
    session = get_session()
    service.delete_saved_query(session, session.get(User, current_user.id), saved_id)
    session.commit()
    return no_content()


def body_data(session: Session) -> service.SavedQueryData:
    """The body as the service takes it; a query the agreement list would refuse is a 422 on `query`."""
    body = read_input("SavedQueryInput")
    try:
        query = checked_query(session, service.kept_query(body.get("query", "")))
    except QueryError as error:
        message = _("This query does not work: %(problem)s", problem=str(error))
        raise ApiError(422, str(message), [field_error("query", message)]) from error
    return service.SavedQueryData(body["name"], query, body.get("shared", False), body.get("in_digest", False))
