"""Suggestions for the review screen: what an article's text matches (tracker/ingest/suggest) among the recorded
parties, sectors and agreements, which are loaded here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.dates import PartialDate
from tracker.ingest.suggest.cues import INSTRUMENT_CUES, RENEWAL_CUES, STATUS_CUES, CueSuggestion, find_cues
from tracker.ingest.suggest.periods import PeriodSuggestion, find_periods
from tracker.ingest.suggest.phrases import PhraseIndex
from tracker.ingest.suggest.quotes import best_quote
from tracker.ingest.suggest.scoring import Candidate, rank
from tracker.ingest.suggest.words import Token, suggestion_text, tokens
from tracker.models import Agreement, AgreementParty, Party, PartyAlias, Sector, agreement_sector


@dataclass
class PartySuggestion:
    """A recorded party the text names, with the names or aliases found."""

    party: Party
    matched: list[str]


@dataclass
class AgreementSuggestion:
    """A recorded agreement of the parties found, with its score and the reasons, for people to read."""

    agreement: Agreement
    score: float
    reasons: list[str]


@dataclass
class SectorSuggestion:
    """A sector whose keywords the text contains."""

    sector: Sector
    matched: list[str]


@dataclass
class Suggestions:
    """Everything suggested from one text; each list is best first."""

    parties: list[PartySuggestion] = field(default_factory=list)
    agreements: list[AgreementSuggestion] = field(default_factory=list)
    periods: list[PeriodSuggestion] = field(default_factory=list)
    instruments: list[CueSuggestion] = field(default_factory=list)
    statuses: list[CueSuggestion] = field(default_factory=list)
    renewals: list[CueSuggestion] = field(default_factory=list)
    sectors: list[SectorSuggestion] = field(default_factory=list)
    # How many more agreements of the parties found there are than `agreements` shows (the best ones).
    more_agreements: int = 0

    def quote(self, text: str) -> str:
        """A note for the link: the first sentence of the text naming the period or a party found."""
        phrases = [p.phrase for p in self.periods] + [m for s in self.parties for m in s.matched]
        return best_quote(text, phrases)


def suggest(session: Session, title: str, text: str) -> Suggestions:
    """What the title and text suggest, matched against the recorded parties, agreements and sectors."""
    content = suggestion_text(title, text)
    words = tokens(content)
    parties = _party_suggestions(session, content, words)
    sectors = _sector_suggestions(session, content, words)
    periods = find_periods(content)
    agreements, candidates = _agreement_suggestions(session, parties, sectors, periods, {w.key for w in words})
    return Suggestions(
        parties=parties,
        agreements=agreements,
        more_agreements=max(0, candidates - len(agreements)),
        periods=periods,
        instruments=find_cues(content, INSTRUMENT_CUES),
        statuses=find_cues(content, STATUS_CUES),
        renewals=find_cues(content, RENEWAL_CUES),
        sectors=sectors,
    )


def party_index(session: Session) -> PhraseIndex:
    """Every live party's name and aliases (archived parties are left out by the session)."""
    index = PhraseIndex()
    for party_id, name in session.execute(select(Party.id, Party.name)):
        index.add(party_id, name)
    aliases = select(PartyAlias.party_id, PartyAlias.alias).join(PartyAlias.party).order_by(PartyAlias.id)
    for party_id, alias in session.execute(aliases):
        index.add(party_id, alias)
    return index


def _party_suggestions(session: Session, text: str, words: Sequence[Token]) -> list[PartySuggestion]:
    """The live parties named in the text, in the order they first appear."""
    found = party_index(session).find(text, words)
    if not found:
        return []
    parties = {party.id: party for party in session.scalars(select(Party).where(Party.id.in_(list(found))))}
    return [PartySuggestion(parties[pid], labels) for pid, labels in found.items() if pid in parties]


def _sector_suggestions(session: Session, text: str, words: Sequence[Token]) -> list[SectorSuggestion]:
    """The live sectors whose keywords the text contains, in the order they first appear."""
    sectors = {sector.id: sector for sector in session.scalars(select(Sector).order_by(Sector.name))}
    index = PhraseIndex()
    for sector in sectors.values():
        for keyword in sector.keywords.splitlines():
            index.add(sector.id, keyword.strip())
    return [SectorSuggestion(sectors[sid], labels) for sid, labels in index.find(text, words).items()]


def _agreement_suggestions(
    session: Session,
    parties: list[PartySuggestion],
    sectors: list[SectorSuggestion],
    periods: list[PeriodSuggestion],
    text_words: set[str],
) -> tuple[list[AgreementSuggestion], int]:
    """The live agreements of the parties found, best first, at most scoring.MAX_AGREEMENTS; and how many there
    are in all."""
    party_ids = [suggestion.party.id for suggestion in parties]
    if not party_ids:
        return [], 0
    candidates = _candidates(session, party_ids, [suggestion.sector.id for suggestion in sectors])
    names = {suggestion.party.id: suggestion.party.name for suggestion in parties}
    sector_names = {suggestion.sector.id: suggestion.sector.name for suggestion in sectors}
    top = rank(candidates.values(), names, sector_names, periods, text_words)
    agreements = _load_agreements(session, [candidate.id for _score, _reasons, candidate in top])
    found = [AgreementSuggestion(agreements[c.id], score, reasons) for score, reasons, c in top if c.id in agreements]
    return found, len(candidates)


def _candidates(session: Session, party_ids: list[int], sector_ids: list[int]) -> dict[int, Candidate]:
    """The agreements the parties hold, with the matched parties and suggested sectors of each (two queries)."""
    columns = select(
        Agreement.id,
        Agreement.title,
        Agreement.title_local,
        Agreement.start_on,
        Agreement.start_precision,
        Agreement.end_on,
        Agreement.end_precision,
        AgreementParty.party_id,
    )
    rows = session.execute(columns.join(Agreement.party_links).where(AgreementParty.party_id.in_(party_ids)))
    candidates: dict[int, Candidate] = {}
    for agreement_id, title, title_local, start_on, start_p, end_on, end_p, party_id in rows:
        candidate = candidates.get(agreement_id)
        if candidate is None:  # a ministry's agreements come once per party found: read the dates once
            start, end = PartialDate.from_columns(start_on, start_p), PartialDate.from_columns(end_on, end_p)
            candidate = candidates[agreement_id] = Candidate(agreement_id, (title, title_local), start, end)
        candidate.party_ids.add(party_id)
    if sector_ids and candidates:
        held = select(AgreementParty.agreement_id).where(AgreementParty.party_id.in_(party_ids))
        links = select(agreement_sector.c.agreement_id, agreement_sector.c.sector_id).where(
            agreement_sector.c.sector_id.in_(sector_ids), agreement_sector.c.agreement_id.in_(held)
        )
        for agreement_id, sector_id in session.execute(links):
            if agreement_id in candidates:
                candidates[agreement_id].sector_ids.add(sector_id)
    return candidates


def _load_agreements(session: Session, ids: list[int]) -> dict[int, Agreement]:
    """The chosen agreements with what a review page shows of them."""
    if not ids:
        return {}
    statement = (
        select(Agreement)
        .where(Agreement.id.in_(ids))
        .options(
            selectinload(Agreement.party_links).selectinload(AgreementParty.party), selectinload(Agreement.sectors)
        )
    )
    return {agreement.id: agreement for agreement in session.scalars(statement)}
