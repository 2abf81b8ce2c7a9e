"""API: the news inbox (issue 17) for editors — list the items by state, read one, dismiss it, or link it to an
agreement with a note; through the services the inbox page and its review use (tracker/services/inbox.py)."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input
from tracker.api.helpers import json_response, not_found, page_args
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import page_json, timestamp
from tracker.db import get_session
from tracker.http.inbox import reasons_in_words
from tracker.i18n import _
from tracker.models import InboxItem, InboxState
from tracker.queries.inbox import inbox_page
from tracker.services import inbox as service

PATH = "/inbox"
ITEM = PATH + "/<id:item_id>"


def item_json(item: InboxItem) -> dict[str, Any]:
    """An inbox item as the API shows it: where it came from, its score and the reasons in the reader's language."""
    return {
        "id": item.id,
        "feed": {"id": item.feed.id, "name": item.feed.name} if item.feed else None,
        "url": item.url,
        "canonical_url": item.canonical_url,
        "title": item.title,
        "outlet": item.outlet,
        "published_at": timestamp(item.published_at),
        "language": item.language,
        "excerpt": str(item.page.get("excerpt") or ""),
        "score": item.score,
        "reasons": reasons_in_words(item.reasons),
        "state": item.state.value,
        "found_at": timestamp(item.found_at),
        "triaged_at": timestamp(item.triaged_at),
        "source_id": item.source_id,
    }


def states_arg() -> list[InboxState]:
    """The `state` query parameters (repeatable; "new" when none); 400 naming one that is not a state."""
    given = [value.strip() for value in request.args.getlist("state") if value.strip()]
    known = {state.value: state for state in InboxState}
    unknown = [value for value in given if value not in known]
    if unknown:
        message = _("Use one of: %(values)s.", values=", ".join(known))
        raise ApiError(400, str(message), [field_error("state", message)])
    return [known[value] for value in dict.fromkeys(given)] or [InboxState.NEW]


def one_item(item_id: int) -> InboxItem:
    """The item; or 404."""
    item = get_session().get(InboxItem, item_id)
    if item is None:
        raise not_found()
    return item


@bp.get(PATH, endpoint="list_inbox")
def list_inbox() -> Response:
    """The items in the states asked for (those waiting by default), best first, one page."""
    page, per_page = page_args()
    result = inbox_page(get_session(), states_arg(), page, per_page)
    return json_response(page_json(result, [item_json(item) for item in result.items]))


@bp.get(ITEM, endpoint="get_inbox_item")
def get_inbox_item(item_id: int) -> Response:
    """One item, whatever its state."""
    return json_response(item_json(one_item(item_id)))


@bp.post(ITEM + "/dismiss", endpoint="dismiss_inbox_item")
def dismiss_inbox_item(item_id: int) -> Response:
    """Leave the waiting item out for good; 409 when it was triaged already."""
    session = get_session()
    item = one_item(item_id)
    service.dismiss_item(session, item)
    session.commit()
    return json_response(item_json(item))


@bp.post(ITEM + "/link", endpoint="link_inbox_item")
def link_inbox_item(item_id: int) -> Response:
    """Record the waiting item's page as a source linked to the agreement with the note; the item, now linked, with
    its source's id."""
    session = get_session()
    item = one_item(item_id)
    body = read_input("InboxLinkInput")
    source = service.link_item(session, item, int(body["agreement_id"]), body.get("note", ""))
    session.commit()
    location = url_for(".get_link", agreement_id=int(body["agreement_id"]), source_id=source.id)
    return json_response(item_json(item), location=location)
