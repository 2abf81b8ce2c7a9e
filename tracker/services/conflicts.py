"""Conflicting reports (issue 17): detecting where an agreement's evidence disagrees with its record or with itself,
kept as `conflict` rows, and resolving them.

Detection runs inside the services that change the evidence or the record (a source linked or unlinked, a new
snapshot of a linked source, a citation written, a document attached or archived, the agreement edited), in their
transaction: explicit calls, so imports and bulk jobs, which call none of them, pay nothing. Its cost per agreement is
bounded: the party directory (three queries), the agreement, its first MAX_SOURCES live sources with their latest
snapshots (one query each), its first MAX_DOCUMENTS live documents, its citations that differ, its conflicts; the
texts are read by the suggester's own matching (tracker/conflicts.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, undefer

from tracker import conflicts as rules
from tracker.errors import StateError, ValidationError
from tracker.i18n import _
from tracker.ingest.suggest.phrases import PhraseIndex
from tracker.ingest.suggest.words import suggestion_text, tokens
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    Citation,
    CitationStance,
    Conflict,
    ConflictState,
    Document,
    Party,
    Source,
    SourceSnapshot,
    utcnow,
)
from tracker.queries.suggestions import party_index

# At most this many sources and documents of one agreement are read at each detection (the first linked).
MAX_SOURCES = 20
MAX_DOCUMENTS = 20
REASON_MAX = 2000


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


def detect_conflicts(session: Session, agreement_ids: Iterable[int]) -> None:
    """Compare the evidence of these agreements with their records again and keep what disagrees."""
    ids = sorted(set(agreement_ids))
    if not ids:
        return
    session.flush()
    directory = PartyDirectory(session)
    for agreement_id in ids:
        agreement = session.scalar(
            select(Agreement)
            .where(Agreement.id == agreement_id)
            .options(selectinload(Agreement.party_links).selectinload(AgreementParty.party))
        )
        if agreement is not None:  # archived agreements keep the conflicts they had
            _detect(session, agreement, directory)


def detect_for_source(session: Session, source_id: int) -> None:
    """Detect again for the agreements a source is linked to (a new snapshot, its text changed)."""
    linked = select(AgreementSource.agreement_id).where(AgreementSource.source_id == source_id)
    detect_conflicts(session, session.scalars(linked))


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


def _detect(session: Session, agreement: Agreement, directory: PartyDirectory) -> None:
    """Keep the agreement's disagreements: found again (current), new (open), or no longer found (not current)."""
    record = record_facts(agreement, directory)
    found = rules.disagreements(
        record, readings(session, agreement.id, record, directory), cited_claims(session, agreement.id)
    )
    existing = {
        (row.fact, row.fingerprint): row
        for row in session.scalars(select(Conflict).where(Conflict.agreement_id == agreement.id))
    }
    now = utcnow()
    seen = set()
    for disagreement in found:
        key = (disagreement.fact.value, disagreement.fingerprint)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            _add(session, agreement.id, disagreement, now)
        else:
            row.claims, row.current = disagreement.claims, True
    for key, row in existing.items():
        if key not in seen and row.current:
            row.current = False
    session.flush()


def _add(session: Session, agreement_id: int, disagreement: rules.Disagreement, now: datetime) -> None:
    """A new open conflict; one another transaction has just added is left to it."""
    row = Conflict(
        agreement_id=agreement_id,
        fact=disagreement.fact.value,
        fingerprint=disagreement.fingerprint,
        claims=disagreement.claims,
        state=ConflictState.OPEN,
        detected_at=now,
        current=True,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        pass  # the same disagreement found at the same moment by another request, which keeps it


# --- resolving -------------------------------------------------------------------------------------------------


def claim_key(claim: dict) -> str:
    """How a claim is chosen as the preferred one: "record", "source:<id>" or "document:<id>"."""
    return rules.RECORD if claim["origin"] == rules.RECORD else f"{claim['origin']}:{claim['id']}"


def claim_keys(conflict: Conflict) -> list[str]:
    """The claims one may prefer, each once, in the conflict's order."""
    return list(dict.fromkeys(claim_key(claim) for claim in conflict.claims))


def resolve_conflict(session: Session, conflict: Conflict, preferred: str, reason: str) -> Conflict:
    """Resolve the conflict: which claim is preferred and why, by whom and when; the agreement's history says so."""
    if conflict.state is ConflictState.RESOLVED:
        raise StateError(str(_("This conflict is already resolved.")))
    reason = (reason or "").strip()
    if preferred not in claim_keys(conflict):
        raise ValidationError(str(_("Choose one of the claims.")), field="preferred")
    if not reason:
        raise ValidationError(str(_("Say why this claim is preferred.")), field="reason")
    if len(reason) > REASON_MAX:
        message = _("At most %(num)d characters.", num=REASON_MAX)
        raise ValidationError(str(message), field="reason")
    conflict.state = ConflictState.RESOLVED
    conflict.preferred = preferred
    conflict.reason = reason
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = session.info.get("actor_id")
    session.flush()
    session.expire(conflict, ["resolved_by"])  # loaded as nobody by the page that read it
    return conflict


def preferred_label(conflict: Conflict) -> str | None:
    """The label of the preferred claim's origin; None for the record (the page words it) or when not resolved."""
    for claim in conflict.claims:
        if claim_key(claim) == conflict.preferred and claim["origin"] != rules.RECORD:
            return claim["label"]
    return None
