"""API: the links between an agreement and its sources — list, read, create, change the note, unlink."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.helpers import (
    json_response,
    load,
    no_content,
    not_found,
    page_args,
    page_of_list,
    require_if_match,
)
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import content_etag, link_json, page_json
from tracker.db import get_session
from tracker.i18n import _
from tracker.models import Agreement, AgreementSource, Source
from tracker.queries.agreements import agreement_detail
from tracker.queries.links import link_to_change
from tracker.queries.sources import agreement_link
from tracker.services import sources as service


@bp.get("/agreements/<id:agreement_id>/sources")
def list_links(agreement_id: int):
    """The agreement's links to sources, oldest first, one page with the total."""
    page, per_page = page_args()
    agreement = load(get_session(), agreement_detail, agreement_id)
    result = page_of_list(list(agreement.source_links), page, per_page)
    return json_response(page_json(result, [link_json(link) for link in result.items]))


@bp.post("/agreements/<id:agreement_id>/sources")
def create_link(agreement_id: int):
    """Link a live source to a live agreement, with a note; a second link between them is a 409."""
    session = get_session()
    agreement = live(session, Agreement, agreement_id)
    body = read_input("LinkInput")
    source = session.get(Source, int(body["source_id"]))
    if source is None:
        message = _("There is no such source.")
        raise ApiError(422, str(message), [field_error("source_id", message)])
    link = service.link_source(session, agreement, source, body.get("note", ""))
    session.commit()
    location = url_for(".get_link", agreement_id=agreement.id, source_id=source.id)
    return link_response(link, status=201, location=location)


@bp.get("/agreements/<id:agreement_id>/sources/<id:source_id>")
def get_link(agreement_id: int, source_id: int):
    """One link and its note."""
    link = agreement_link(get_session(), agreement_id, source_id)
    if link is None:
        raise not_found()
    return link_response(link)


@bp.route("/agreements/<id:agreement_id>/sources/<id:source_id>", methods=["PUT", "PATCH"])
def update_link(agreement_id: int, source_id: int):
    """Change what the link says the source supports, if the link is as If-Match names it."""
    session = get_session()
    link = locked_link(session, agreement_id, source_id)
    require_if_match(content_etag(link_json(link)))
    current = {"note": link.note}
    body = read_patch(current, "LinkUpdate") if request.method == "PATCH" else read_input("LinkUpdate")
    service.update_link_note(session, link, body.get("note", ""))
    session.commit()
    return link_response(link)


@bp.delete("/agreements/<id:agreement_id>/sources/<id:source_id>")
def delete_link(agreement_id: int, source_id: int):
    """Unlink: the agreement and the source stay, and the history keeps the link."""
    session = get_session()
    link = locked_link(session, agreement_id, source_id)
    require_if_match(content_etag(link_json(link)))
    service.unlink_source(session, link)
    session.commit()
    return no_content()


def live(session: Session, model: type, record_id: int):
    """A live record by id, or 404."""
    record = session.get(model, record_id)
    if record is None:
        raise not_found()
    return record


def locked_link(session: Session, agreement_id: int, source_id: int) -> AgreementSource:
    """The live link, locked for the change, or 404."""
    link = link_to_change(session, agreement_id, source_id)
    if link is None:
        raise not_found()
    return link


def link_response(link: AgreementSource, status: int = 200, location: str | None = None):
    """The link's representation with its ETag (a digest of it: links carry no version)."""
    data = link_json(link)
    return json_response(data, status, etag=content_etag(data), location=location)
