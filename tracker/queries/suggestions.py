"""Suggestions for the review screen: what an article's text matches (tracker/ingest/suggest) among the recorded
parties, sectors and agreements, which are loaded here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Float, Row, Select, String, and_, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.functions import GenericFunction

from tracker.dates import PartialDate
from tracker.ingest.suggest.cues import INSTRUMENT_CUES, RENEWAL_CUES, STATUS_CUES, CueSuggestion, find_cues
from tracker.ingest.suggest.periods import PeriodSuggestion, find_periods
from tracker.ingest.suggest.phrases import PhraseIndex
from tracker.ingest.suggest.quotes import best_quote
from tracker.ingest.suggest.scoring import (
    WEIGHT_DATE,
    WEIGHT_OVERLAP,
    WEIGHT_PARTY,
    WEIGHT_SECTOR,
    Candidate,
    rank,
)
from tracker.ingest.suggest.words import Token, suggestion_text, tokens
from tracker.models import Agreement, AgreementParty, Party, PartyAlias, Sector, agreement_sector

# How many ranked agreements are fetched at a time: ranking usually stops within the first page.
CANDIDATE_PAGE = 200


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
    result = session.execute(_ranked(party_ids, [suggestion.sector.id for suggestion in sectors], periods))
    try:
        rows = iter(result)
        first = next(rows, None)
        names = {suggestion.party.id: suggestion.party.name for suggestion in parties}
        sector_names = {suggestion.sector.id: suggestion.sector.name for suggestion in sectors}
        ranked = (_candidate(row) for row in chain([first] if first else [], rows))
        top = rank(ranked, names, sector_names, periods, text_words, ordered=True)
    finally:
        result.close()  # ranking stops early: the rest of the ranked rows is never read
    agreements = _load_agreements(session, [candidate.id for _score, _reasons, candidate in top])
    found = [AgreementSuggestion(agreements[c.id], score, reasons) for score, reasons, c in top if c.id in agreements]
    return found, first.total if first else 0


def _ranked(party_ids: list[int], sector_ids: list[int], periods: list[PeriodSuggestion]) -> Select[Any]:
    """The live agreements the parties hold, in the order `rank` reads them: most shared parties and sectors, plus
    the most their dates can add, first; each with the parties and sectors found among its own and how many there
    are in all. Streamed: ranking reads a few pages of a ministry's 50,000, not every agreement-party row.
    """
    held = AgreementParty.__table__
    parties = (
        select(
            held.c.agreement_id,
            func.count(held.c.party_id.distinct()).label("shared"),
            func.aggregate_strings(cast(held.c.party_id, String), ",").label("party_ids"),
        )
        .where(held.c.party_id.in_(party_ids))
        .group_by(held.c.agreement_id)
        .subquery("held")
    )
    filed = (
        select(
            agreement_sector.c.agreement_id,
            func.count().label("sectors"),
            func.aggregate_strings(cast(agreement_sector.c.sector_id, String), ",").label("sector_ids"),
        )
        .where(agreement_sector.c.sector_id.in_(sector_ids or [-1]))
        .group_by(agreement_sector.c.agreement_id)
        .subquery("filed")
    )
    value = parties.c.shared * WEIGHT_PARTY + func.coalesce(filed.c.sectors, 0) * WEIGHT_SECTOR
    dates = _period_bound(periods)
    return (
        select(
            Agreement.id,
            Agreement.title,
            Agreement.title_local,
            Agreement.start_on,
            Agreement.start_precision,
            Agreement.end_on,
            Agreement.end_precision,
            parties.c.party_ids,
            filed.c.sector_ids,
            dates.label("period_bound"),
            func.count().over().label("total"),
        )
        .join(parties, parties.c.agreement_id == Agreement.id)
        .outerjoin(filed, filed.c.agreement_id == Agreement.id)
        .order_by((value + dates).desc(), Agreement.id)
        .execution_options(yield_per=CANDIDATE_PAGE)
    )


def _period_bound(periods: list[PeriodSuggestion]) -> ColumnElement[float]:
    """The most an agreement's dates can add for the text's periods (scoring._period_part), from the years alone:
    a start or end matches only in its year; periods overlap only if the agreement starts before one ends and ends
    in or after the year it starts."""
    bounds = [_one_period_bound(period) for period in periods]
    if not bounds:
        return literal(0.0)
    return bounds[0] if len(bounds) == 1 else greatest(*bounds)


def _one_period_bound(period: PeriodSuggestion) -> ColumnElement[float]:
    """The most an agreement's dates can add for one period of the text."""
    matched: ColumnElement[float] = literal(0.0)
    for column, end in ((Agreement.start_on, period.start), (Agreement.end_on, period.end)):
        if end is not None:
            in_year = column.between(date(end.value.year, 1, 1), date(end.value.year, 12, 31))
            matched = matched + case((in_year, WEIGHT_DATE), else_=0.0)
    if period.start is None or period.end is None:
        return matched
    overlaps = and_(Agreement.start_on <= period.end.latest, Agreement.end_on >= date(period.start.value.year, 1, 1))
    return case((matched > 0, matched), (overlaps, WEIGHT_OVERLAP), else_=0.0)


class greatest(GenericFunction[float]):  # named as the SQL function it renders
    """The largest of its arguments: GREATEST on PostgreSQL, the many-argument scalar max() on SQLite."""

    type = Float()
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_on_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"  # max(a) alone would be the aggregate: 2+ args


def _candidate(row: Row[Any]) -> Candidate:
    """A ranked agreement as scoring reads it."""
    start = PartialDate.from_columns(row.start_on, row.start_precision)
    end = PartialDate.from_columns(row.end_on, row.end_precision)
    party_ids, sector_ids = _ids(row.party_ids), _ids(row.sector_ids)
    return Candidate(row.id, (row.title, row.title_local), start, end, party_ids, sector_ids, row.period_bound)


def _ids(joined: str | None) -> set[int]:
    """The ids of a comma-joined list (a party in two roles comes twice)."""
    return {int(part) for part in joined.split(",")} if joined else set()


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
