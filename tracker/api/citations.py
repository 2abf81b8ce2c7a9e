"""API: the citations of an agreement's facts — list, read, cite, replace or patch, and DELETE, which removes the
citation for good (the agreement's history keeps it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.api.codecs import decoded
from tracker.api.helpers import load, not_found, page_args, page_of_list
from tracker.api.representations import content_etag, timestamp
from tracker.api.resources import register
from tracker.models import Agreement, Citation
from tracker.queries.agreements import agreement_detail
from tracker.queries.pagination import Page
from tracker.records import citation as contract
from tracker.services import citations as service


def citation_json(citation: Citation) -> dict[str, Any]:
    """A citation with its agreement, its writable fields, the snapshot read and whether the quote is in it."""
    return {
        "id": citation.id,
        "agreement_id": citation.agreement_id,
        **contract.input_json(citation),
        "snapshot_id": citation.snapshot_id,
        "quote_found": citation.quote_found,
        "created_at": timestamp(citation.created_at),
        "updated_at": timestamp(citation.updated_at),
    }


class Citations:
    """The kit's steps for citations: under their agreement, unversioned (a content ETag, the row locked for a
    change), deleted for good."""

    name, plural = "citation", "citations"
    path = "/agreements/<id:agreement_id>/citations"
    item_path = path + "/<id:citation_id>"
    schema = update_schema = "CitationInput"
    delete_verb = "delete"
    restorable = False

    def list_page(self, session: Session, agreement_id: int) -> tuple[Page, list[dict[str, Any]]]:
        """The agreement's citations in the order they were made, one page."""
        page, per_page = page_args()
        agreement = load(session, agreement_detail, agreement_id)
        result = page_of_list(list(agreement.citations), page, per_page)
        return result, [citation_json(citation) for citation in result.items]

    def read(self, session: Session, agreement_id: int, citation_id: int) -> Citation:
        """One citation of an agreement the user may see; or 404."""
        load(session, agreement_detail, agreement_id)
        return self.of(session, agreement_id, citation_id)

    def for_change(self, session: Session, agreement_id: int, citation_id: int) -> Citation:
        """A citation of a live agreement, locked for the change; or 404."""
        return self.of(session, agreement_id, citation_id, live=True)

    for_removal = for_change

    def of(self, session: Session, agreement_id: int, citation_id: int, live: bool = False) -> Citation:
        """The citation if it belongs to the agreement (a live one when `live`); or 404."""
        statement = select(Citation).where(Citation.id == citation_id, Citation.agreement_id == agreement_id)
        if live:
            statement = statement.join(Citation.agreement).with_for_update(of=Citation)
        citation = session.scalars(statement).first()
        if citation is None:
            raise not_found()
        return citation

    def parent(self, session: Session, agreement_id: int) -> Agreement:
        """The live agreement whose fact is cited; or 404."""
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            raise not_found()
        return agreement

    def create(self, session: Session, body: dict[str, Any], agreement: Agreement) -> Citation:
        """Cite the fact the body gives."""
        return service.cite(session, agreement, decoded(contract.from_json, body))

    def update(self, session: Session, citation: Citation, body: dict[str, Any]) -> None:
        """Store the citation as the body gives it."""
        service.update_citation(session, citation, decoded(contract.from_json, body))

    def delete(self, session: Session, citation: Citation) -> None:
        """Remove the citation."""
        service.remove_citation(session, citation)

    def represent(self, citation: Citation) -> dict[str, Any]:
        """The citation's representation."""
        return citation_json(citation)

    def current_input(self, citation: Citation) -> dict[str, Any]:
        """The writable fields, as a PUT body gives them."""
        return contract.input_json(citation)

    def etag(self, citation: Citation) -> str:
        """A digest of the representation: citations carry no version."""
        return content_etag(citation_json(citation))

    def key(self, citation: Citation) -> dict[str, int]:
        """The citation's URL arguments."""
        return {"agreement_id": citation.agreement_id, "citation_id": citation.id}


register(Citations())
