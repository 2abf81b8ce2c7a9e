"""What an agreement's evidence says (issue 17): the record as the comparison reads it, each live source's latest
text and each live document's text read by the suggester's party index (tracker/conflicts.py), the citations that
differ; and what a page under review would add to that. Reads only; services/conflicts.py keeps the result.

Cost per agreement is bounded: the party directory (three queries, once per call), the first MAX_SOURCES live
sources with their latest snapshots (two queries), the first MAX_DOCUMENTS live documents, the differing citations.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, undefer

from tracker import conflicts as rules
from tracker.ingest.suggest.phrases import PhraseIndex
from tracker.ingest.suggest.words import suggestion_text, tokens
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    Citation,
    CitationStance,
    Document,
    Party,
    Source,
    SourceSnapshot,
)
from tracker.queries.suggestions import party_index

# At most this many sources and documents of one agreement are read at each detection (the first linked).
MAX_SOURCES = 20
MAX_DOCUMENTS = 20
# The origin of the page under review, which is no record yet.
PAGE = "page"


class PartyDirectory:
    """Every live party as the comparison needs it, and the suggester's index of their names and aliases."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Party.id, Party.name, Party.country_code, Party.kind, Party.parent_id)).all()
        parents = {row.id: row.parent_id for row in rows}
        self.parties = {
            row.id: rules.PartyFacts(row.id, row.name, row.country_code, row.kind, _lineage(row.id, parents))
            for row in rows
        }
        self.index: PhraseIndex = party_index(session)

    def named_in(self, text: str) -> list[rules.PartyFacts]:
        """The live parties the text names, in the order they first appear."""
        found = self.index.find(text, tokens(text))
        return [self.parties[party_id] for party_id in found if party_id in self.parties]


def _lineage(party_id: int, parents: dict[int, int | None]) -> frozenset[int]:
    """The party's id and its parents' ids (a cycle, which the services refuse, stops the walk)."""
    seen: list[int] = []
    current: int | None = party_id
    while current is not None and current not in seen:
        seen.append(current)
        current = parents.get(current)
    return frozenset(seen)


def record_facts(agreement: Agreement, directory: PartyDirectory) -> rules.RecordFacts:
    """The agreement's record as the comparison reads it."""
    parties = tuple(
        directory.parties.get(link.party_id)
        or rules.PartyFacts(link.party_id, link.party.name, link.party.country_code, link.party.kind)
        for link in agreement.party_links
    )
    return rules.RecordFacts(
        parties=tuple(dict.fromkeys(parties)),
        signed=agreement.signed,
        start=agreement.start,
        end=agreement.end,
        instrument=agreement.instrument_type,
        status=agreement.status,
        renewal=agreement.renewal_intent,
    )


def readings(
    session: Session, agreement_id: int, record: rules.RecordFacts, directory: PartyDirectory
) -> list[rules.Reading]:
    """What each live source (its latest snapshot, else its excerpt) and live document of the agreement says."""
    texts = [
        (rules.SOURCE, source.id, source_label(source), text) for source, text in _source_texts(session, agreement_id)
    ]
    documents = session.scalars(
        select(Document)
        .where(Document.agreement_id == agreement_id)
        .options(undefer(Document.text))
        .order_by(Document.id)
        .limit(MAX_DOCUMENTS)
    )
    texts += [(rules.DOCUMENT, document.id, document.filename, document.text) for document in documents]
    return [
        rules.read(origin, record_id, label, text, record, directory.named_in)
        for origin, record_id, label, text in texts
        if text.strip()
    ]


def _source_texts(session: Session, agreement_id: int) -> list[tuple[Source, str]]:
    """The first MAX_SOURCES live sources linked to the agreement, each with its title and latest kept text."""
    sources = list(
        session.scalars(
            select(Source)
            .join(AgreementSource, AgreementSource.source_id == Source.id)
            .where(AgreementSource.agreement_id == agreement_id)
            .order_by(AgreementSource.created_at, Source.id)
            .limit(MAX_SOURCES)
        )
    )
    if not sources:
        return []
    ranked = select(
        SourceSnapshot.id,
        func.row_number()
        .over(
            partition_by=SourceSnapshot.source_id,
            order_by=(SourceSnapshot.retrieved_at.desc(), SourceSnapshot.id.desc()),
        )
        .label("rank"),
    ).where(SourceSnapshot.source_id.in_([source.id for source in sources]))
    latest = ranked.subquery()
    rows = session.execute(
        select(SourceSnapshot.source_id, SourceSnapshot.title, SourceSnapshot.text)
        .join(latest, latest.c.id == SourceSnapshot.id)
        .where(latest.c.rank == 1)
    )
    kept = {source_id: suggestion_text(title, text) for source_id, title, text in rows}
    return [(source, kept.get(source.id) or suggestion_text(source.title, source.excerpt)) for source in sources]


def source_label(source: Source) -> str:
    """How a claim names a source: its outlet, else its title."""
    return source.outlet or source.title


def cited_claims(session: Session, agreement_id: int) -> list[rules.Cited]:
    """The agreement's citations whose passage says something else, in the words of who cited them."""
    found = session.scalars(
        select(Citation)
        .where(Citation.agreement_id == agreement_id, Citation.stance == CitationStance.DIFFERS)
        .options(selectinload(Citation.source), selectinload(Citation.document))
        .order_by(Citation.id)
    )
    claims = []
    for citation in found:
        if citation.document_id is not None and citation.document is not None:
            origin, origin_id, label = rules.DOCUMENT, citation.document_id, citation.document.filename
        elif citation.source is not None:
            origin, origin_id, label = rules.SOURCE, citation.source_id, source_label(citation.source)
        else:
            continue  # its origin is archived: no longer evidence
        claims.append(rules.Cited(origin, origin_id, label, citation.fact, citation.says))
    return claims


def agreement_to_compare(session: Session, agreement_id: int) -> Agreement | None:
    """The live agreement with its parties, as the comparison reads its record."""
    return session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(selectinload(Agreement.party_links).selectinload(AgreementParty.party))
    )


def disagreements_of(session: Session, agreement: Agreement, directory: PartyDirectory) -> list[rules.Disagreement]:
    """Where the agreement's evidence disagrees with its record or with itself now."""
    record = record_facts(agreement, directory)
    found = readings(session, agreement.id, record, directory)
    return rules.disagreements(record, found, cited_claims(session, agreement.id))


def page_disagreements(
    session: Session, agreement_ids: list[int], label: str, text: str
) -> list[tuple[Agreement, list[rules.Disagreement]]]:
    """For each agreement, where a page under review (not yet a source) would disagree with its record or its
    sources: only the disagreements the page takes part in."""
    directory = PartyDirectory(session)
    found = []
    for agreement_id in agreement_ids:
        agreement = agreement_to_compare(session, agreement_id)
        if agreement is None:
            continue
        record = record_facts(agreement, directory)
        page = rules.read(PAGE, 0, label, text, record, directory.named_in)
        evidence = [*readings(session, agreement.id, record, directory), page]
        every = rules.disagreements(record, evidence, cited_claims(session, agreement.id))
        mine = [d for d in every if any(c["origin"] == PAGE and not c["agrees"] for c in d.claims)]
        if mine:
            found.append((agreement, mine))
    return found
