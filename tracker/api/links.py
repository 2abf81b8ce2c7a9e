"""API: the links between an agreement and its sources — list, read, create under a live agreement, change the
note, unlink (deleted for good: the agreement and the source stay, and the history keeps the link)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tracker.api.helpers import load, not_found, page_args, page_of_list
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import content_etag, link_json
from tracker.api.resources import register
from tracker.i18n import _
from tracker.models import Agreement, AgreementSource, Source
from tracker.queries.agreements import agreement_detail
from tracker.queries.links import link_to_change
from tracker.queries.pagination import Page
from tracker.queries.sources import agreement_link
from tracker.services import sources as service


class Links:
    """The kit's steps for links: keyed by agreement and source, no version (the ETag is a digest), no archive."""

    name, plural = "link", "links"
    path = "/agreements/<id:agreement_id>/sources"
    item_path = path + "/<id:source_id>"
    schema, update_schema = "LinkInput", "LinkUpdate"
    delete_verb = "delete"
    restorable = False

    def list_page(self, session: Session, agreement_id: int) -> tuple[Page, list[dict[str, Any]]]:
        """The agreement's links to sources, oldest first, one page."""
        page, per_page = page_args()
        agreement = load(session, agreement_detail, agreement_id)
        result = page_of_list(list(agreement.source_links), page, per_page)
        return result, [link_json(link) for link in result.items]

    def read(self, session: Session, agreement_id: int, source_id: int) -> AgreementSource:
        """One link; or 404."""
        link = agreement_link(session, agreement_id, source_id)
        if link is None:
            raise not_found()
        return link

    def for_change(self, session: Session, agreement_id: int, source_id: int) -> AgreementSource:
        """The live link, locked for the change; or 404."""
        link = link_to_change(session, agreement_id, source_id)
        if link is None:
            raise not_found()
        return link

    for_removal = for_change

    def parent(self, session: Session, agreement_id: int) -> Agreement:
        """The live agreement a new link starts from; or 404."""
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            raise not_found()
        return agreement

    def create(self, session: Session, body: dict[str, Any], agreement: Agreement) -> AgreementSource:
        """Link a live source, with a note; a second link between them is a 409."""
        source = session.get(Source, int(body["source_id"]))
        if source is None:
            message = _("There is no such source.")
            raise ApiError(422, str(message), [field_error("source_id", message)])
        return service.link_source(session, agreement, source, body.get("note", ""))

    def update(self, session: Session, link: AgreementSource, body: dict[str, Any]) -> None:
        """Change what the link says the source supports."""
        service.update_link_note(session, link, body.get("note", ""))

    def delete(self, session: Session, link: AgreementSource) -> None:
        """Unlink."""
        service.unlink_source(session, link)

    def represent(self, link: AgreementSource) -> dict[str, Any]:
        """The link's representation."""
        return link_json(link)

    def current_input(self, link: AgreementSource) -> dict[str, Any]:
        """The note, the one thing a PUT or PATCH changes."""
        return {"note": link.note}

    def etag(self, link: AgreementSource) -> str:
        """A digest of the representation: links carry no version."""
        return content_etag(link_json(link))

    def key(self, link: AgreementSource) -> dict[str, int]:
        """The link's URL arguments."""
        return {"agreement_id": link.agreement_id, "source_id": link.source_id}


register(Links())
