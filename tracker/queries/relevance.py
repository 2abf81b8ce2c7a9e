"""How much a news item concerns what the tracker records, and why: the review screen's suggester (parties and their
aliases, sector keywords, agreements) plus the search glossary, as a score and reasons the inbox words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.ingest.suggest.phrases import PhraseIndex
from tracker.ingest.suggest.words import phrase_key, suggestion_text, tokens
from tracker.models import GlossaryEntry
from tracker.queries.expiring import OPEN_STATUSES
from tracker.queries.suggestions import Suggestions, suggest
from tracker.text import normalise_name

# What each kind of evidence adds: a recorded party (or its alias) weighs most; a glossary phrase or sector keyword
# adds a little, and only so many count; an open agreement of the parties named adds more when two of its parties are.
WEIGHT_PARTY = 2.0
WEIGHT_PHRASE = 1.0
MAX_PHRASES = 3
# Phrases named as reasons (glossary first, then sector keywords): enough to see why, few enough to read.
MAX_PHRASE_REASONS = 5
WEIGHT_AGREEMENT = 1.0
WEIGHT_AGREEMENT_PARTIES = 2.0
MAX_AGREEMENTS = 3


@dataclass
class Relevance:
    """An item's score and its reasons, as data ({"kind": "party", "name": …}) worded by the inbox page."""

    score: float = 0.0
    reasons: list[dict[str, Any]] = field(default_factory=list)


def relevance(session: Session, title: str, text: str) -> Relevance:
    """What the title and text match among the recorded parties, glossary, sectors and open agreements."""
    found = suggest(session, title, text)
    parties = party_reasons(found)
    phrases = phrase_reasons(session, found, suggestion_text(title, text))
    agreements, agreement_score = agreement_reasons(found)
    counted = {phrase_key(reason["phrase"]) for reason in phrases}
    phrases = phrases[:MAX_PHRASE_REASONS]
    named = len({reason["name"] for reason in parties})
    score = WEIGHT_PARTY * named + WEIGHT_PHRASE * min(MAX_PHRASES, len(counted)) + agreement_score
    return Relevance(round(score, 3), [*parties, *phrases, *agreements])


def party_reasons(found: Suggestions) -> list[dict[str, Any]]:
    """Each party named: by its name when the text uses it, else by the first alias found."""
    reasons = []
    for suggestion in found.parties:
        name = suggestion.party.name
        if any(normalise_name(label) == normalise_name(name) for label in suggestion.matched):
            reasons.append({"kind": "party", "name": name})
        else:
            reasons.append({"kind": "alias", "alias": suggestion.matched[0], "name": name})
    return reasons


def phrase_reasons(session: Session, found: Suggestions, content: str) -> list[dict[str, Any]]:
    """Glossary phrases the text contains (with what their entry means), then sector keywords not said already."""
    index = PhraseIndex()
    rows = session.execute(select(GlossaryEntry.id, GlossaryEntry.phrases))
    entries = {entry_id: [line for line in phrases.splitlines() if line.strip()] for entry_id, phrases in rows}
    for entry_id, phrases in entries.items():
        for phrase in phrases:
            index.add(entry_id, phrase.strip())
    reasons: list[dict[str, Any]] = []
    said = set()
    for entry_id, matched in index.find(content, tokens(content)).items():
        # One reason per entry: the phrase found first, and what it stands for (the entry's first other phrase).
        others = [phrase.strip() for phrase in entries[entry_id] if phrase_key(phrase) != phrase_key(matched[0])]
        reasons.append({"kind": "glossary", "phrase": matched[0], "meaning": next(iter(others), "")})
        said.update(phrase_key(phrase) for phrase in matched)
    for sector in found.sectors:
        for keyword in sector.matched:
            if phrase_key(keyword) not in said:
                said.add(phrase_key(keyword))
                reasons.append({"kind": "sector", "phrase": keyword, "name": sector.sector.name})
    return reasons


def agreement_reasons(found: Suggestions) -> tuple[list[dict[str, Any]], float]:
    """The open agreements the item may concern — the best suggested, and any other with two parties named (a few) —
    and what they add to the score."""
    named = {suggestion.party.id for suggestion in found.parties}
    reasons, score = [], 0.0
    for suggestion in found.agreements:
        agreement = suggestion.agreement
        if agreement.status not in OPEN_STATUSES:
            continue
        shared = len(named & {link.party_id for link in agreement.party_links})
        score = max(score, WEIGHT_AGREEMENT_PARTIES if shared >= 2 else WEIGHT_AGREEMENT)
        if len(reasons) < MAX_AGREEMENTS and (not reasons or shared >= 2):
            reasons.append({"kind": "agreement", "id": agreement.id, "title": agreement.title})
    return reasons, score
