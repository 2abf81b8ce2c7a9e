"""Citing an agreement's facts to its sources and documents, and keeping its evidence level (issue 17)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, exists, select, update
from sqlalchemy.orm import Session

from tracker.errors import DuplicateError, StateError, ValidationError
from tracker.i18n import _
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    Citation,
    CitationStance,
    Document,
    EvidenceLevel,
    Source,
)
from tracker.queries.snapshots import latest_snapshot
from tracker.records import citation as contract
from tracker.records.citation import CitationData
from tracker.records.problems import raise_problems
from tracker.services.conflicts import detect_conflicts
from tracker.text import contains_quote


def cite(session: Session, agreement: Agreement, data: CitationData) -> Citation:
    """Cite one fact of the live agreement to one of its sources or documents; its evidence level follows."""
    if agreement.is_archived:
        raise StateError(str(_("An archived agreement takes no new citations.")))
    data = _checked(session, agreement, data)
    _refuse_duplicate(session, agreement, data)
    citation = Citation(agreement_id=agreement.id, created_by_id=session.info.get("actor_id"))
    _apply(session, citation, data)
    session.add(citation)
    session.flush()
    refresh_evidence(session, [agreement.id])
    detect_conflicts(session, [agreement.id])
    return citation


def update_citation(session: Session, citation: Citation, data: CitationData) -> Citation:
    """Change what a citation cites, quotes or says; its agreement's evidence level follows."""
    agreement = session.get_one(Agreement, citation.agreement_id)
    data = _checked(session, agreement, data)
    _refuse_duplicate(session, agreement, data, exclude_id=citation.id)
    _apply(session, citation, data)
    session.flush()
    refresh_evidence(session, [agreement.id])
    detect_conflicts(session, [agreement.id])
    return citation


def remove_citation(session: Session, citation: Citation) -> None:
    """Take a citation away (the history keeps it); its agreement's evidence level follows."""
    agreement_id = citation.agreement_id
    session.delete(citation)
    session.flush()
    refresh_evidence(session, [agreement_id])
    detect_conflicts(session, [agreement_id])


def _checked(session: Session, agreement: Agreement, data: CitationData) -> CitationData:
    """The cleaned data, its rules checked, and what it names belonging to the agreement."""
    data = contract.cleaned(data)
    raise_problems(contract.check(data))
    if data.source_id is not None and not _source_linked(session, agreement.id, data.source_id):
        raise ValidationError(str(_("Link the source to this agreement before citing it.")), field="source_id")
    if data.document_id is not None and not _document_attached(session, agreement.id, data.document_id):
        raise ValidationError(str(_("Choose a document attached to this agreement.")), field="document_id")
    if data.party_id is not None and not _party_named(session, agreement.id, data.party_id):
        raise ValidationError(str(_("Choose a party the record names.")), field="party_id")
    return data


def _source_linked(session: Session, agreement_id: int, source_id: int) -> bool:
    """Whether the live source is linked to the agreement."""
    linked = (
        select(AgreementSource)
        .join(Source)
        .where(AgreementSource.agreement_id == agreement_id, AgreementSource.source_id == source_id)
    )
    return session.scalar(select(exists(linked))) or False


def _document_attached(session: Session, agreement_id: int, document_id: int) -> bool:
    """Whether the document is a live one of the agreement."""
    document = session.get(Document, document_id)
    return document is not None and document.agreement_id == agreement_id and not document.is_archived


def _party_named(session: Session, agreement_id: int, party_id: int) -> bool:
    """Whether the record names the party, in any role."""
    named = select(AgreementParty).where(
        AgreementParty.agreement_id == agreement_id, AgreementParty.party_id == party_id
    )
    return session.scalar(select(exists(named))) or False


def _refuse_duplicate(
    session: Session, agreement: Agreement, data: CitationData, exclude_id: int | None = None
) -> None:
    """One citation per fact (and party) per source or document: a second one is an edit of the first."""
    same = select(Citation.id).where(
        Citation.agreement_id == agreement.id,
        Citation.fact == data.fact,
        Citation.party_id.is_(None) if data.party_id is None else Citation.party_id == data.party_id,
        Citation.source_id.is_(None) if data.source_id is None else Citation.source_id == data.source_id,
        Citation.document_id.is_(None) if data.document_id is None else Citation.document_id == data.document_id,
    )
    if exclude_id is not None:
        same = same.where(Citation.id != exclude_id)
    if session.scalar(same.limit(1)) is not None:
        message = _("This source or document is already cited for this fact: change that citation instead.")
        raise DuplicateError(str(message), field="source_id")


def _apply(session: Session, citation: Citation, data: CitationData) -> None:
    """Set the citation's fields, the snapshot its quote is read against, and whether the quote is found there."""
    for name in ("fact", "party_id", "source_id", "document_id", "quote", "stance", "says"):
        setattr(citation, name, getattr(data, name))
    citation.snapshot_id, text = _evidence_text(session, data)
    citation.quote_found = bool(data.quote) and contains_quote(text, data.quote)


def _evidence_text(session: Session, data: CitationData) -> tuple[int | None, str]:
    """The text the quote should be in: the source's latest snapshot (or its excerpt), or the document's text."""
    if data.document_id is not None:
        return None, session.get_one(Document, data.document_id).text
    snapshot = latest_snapshot(session, data.source_id)  # type: ignore[arg-type]
    if snapshot is not None:
        return snapshot.id, snapshot.text
    return None, session.get_one(Source, data.source_id).excerpt


# --- the evidence level ---------------------------------------------------------------------------


def _supporting(*conditions: object) -> object:
    """SQL: the agreement has a supporting citation meeting the conditions."""
    return exists().where(
        Citation.agreement_id == Agreement.id, Citation.stance == CitationStance.SUPPORTS, *conditions
    )


def _from_documents(level: EvidenceLevel) -> object:
    """SQL: a supporting citation from a live document of a kind worth `level`."""
    kinds = [kind for kind, worth in contract.DOCUMENT_EVIDENCE.items() if worth is level]
    found = select(Document.id).where(
        Document.id == Citation.document_id, Document.archived_at.is_(None), Document.kind.in_(kinds)
    )
    return _supporting(exists(found)) if kinds else None


def _from_sources(level: EvidenceLevel) -> object:
    """SQL: a supporting citation from a live source of a kind worth `level`."""
    kinds = [kind for kind, worth in contract.SOURCE_EVIDENCE.items() if worth is level]
    found = select(Source.id).where(
        Source.id == Citation.source_id, Source.archived_at.is_(None), Source.kind.in_(kinds)
    )
    return _supporting(exists(found)) if kinds else None


def evidence_level_sql() -> object:
    """SQL: the agreement's evidence level, strongest first, from its supporting citations' origins."""
    whens = []
    for level in reversed(EvidenceLevel):
        for condition in (_from_documents(level), _from_sources(level)):
            if condition is not None:
                whens.append((condition, level.value))
    return case(*whens, else_=EvidenceLevel.NONE.value)


def refresh_evidence(session: Session, agreement_ids: Iterable[int]) -> None:
    """Recompute the evidence level of these agreements in one statement. A derived value: neither their version
    nor their last-updated time moves, and the history records nothing."""
    ids = sorted(set(agreement_ids))
    if not ids:
        return
    table = Agreement.__table__
    statement = (
        update(table)
        .where(and_(table.c.id.in_(ids), table.c.evidence != evidence_level_sql()))
        # Core applies `onupdate` defaults: the last-updated time is named to keep it.
        .values(evidence=evidence_level_sql(), updated_at=table.c.updated_at)
    )
    session.execute(statement)
    for agreement_id in ids:
        loaded = session.identity_map.get((Agreement, (agreement_id,), None))
        if loaded is not None:
            session.expire(loaded, ["evidence"])


def citing_agreements(session: Session, *, source_id: int | None = None, document_id: int | None = None) -> list[int]:
    """The agreements citing a source or a document, whose evidence level moves with its kind or archiving."""
    column, value = (Citation.source_id, source_id) if source_id is not None else (Citation.document_id, document_id)
    return list(session.scalars(select(Citation.agreement_id).where(column == value).distinct()))
