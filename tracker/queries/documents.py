"""Reads of documents attached to agreements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer

from tracker.archiving import WITH_ARCHIVED
from tracker.models import Agreement, Document


def live_documents(agreement: Agreement) -> list[Document]:
    """The agreement's documents as its page and the API list them: live ones only, also on an archived agreement's
    page (loaded with everything it links to); `agreement_detail` loads them."""
    return [document for document in agreement.documents if not document.is_archived]


def document_of(
    session: Session, document_id: int, agreement_id: int | None = None, include_archived: bool = False
) -> Document | None:
    """A document with its agreement (of `agreement_id` when given), archived ones too if asked, its text loaded."""
    # Joined, so that a live document of an archived agreement is hidden with its agreement (tracker/archiving.py).
    statement = (
        select(Document)
        .join(Document.agreement)
        .where(Document.id == document_id)
        .options(joinedload(Document.agreement))
    )
    if agreement_id is not None:
        statement = statement.where(Document.agreement_id == agreement_id)
    options = WITH_ARCHIVED if include_archived else {}
    return session.scalars(statement.options(undefer(Document.text)), execution_options=options).first()
