"""Conflicting reports (issue 17): what each text linked to an agreement says about its facts, compared with the
record and with each other. Pure: the record and the texts' readings come in as data, disagreements go out as data.

Articles leave things out, so silence never disagrees. A text disagrees about the parties only when, for a country
among the record's parties, it names none of the record's parties of that country (nor their parent or unit) but
names another recorded party of that country (AITEC on the record, KITECH in the article); a state named beside a
company is the country, not a counterpart. Dates disagree only where both sides know them, compared at the coarser
precision (a text's "2006" agrees with a start of 15 March 2006). Cues count only in paragraphs about this
agreement (a line naming one of its parties, or a counterpart a text puts in their place), and only their stronger words
("MoU", "telah diperpanjang"; not "kerja sama", "continue"): an article mentions other plans too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tracker.dates import PartialDate
from tracker.ingest.suggest.cues import INSTRUMENT_CUES, RENEWAL_CUES, STATUS_CUES, Cue, find_cues
from tracker.ingest.suggest.periods import find_periods
from tracker.models import AgreementStatus, CitedFact, InstrumentType, PartyKind, RenewalIntent

RECORD = "record"
SOURCE = "source"
DOCUMENT = "document"
# The facts a text's reading gives a value for, in the order a page lists conflicts.
FACTS: tuple[CitedFact, ...] = tuple(CitedFact)

# Only cues of this strength or more are claims: "kerja sama" or "continue" say nothing about the instrument.
STRONG = 2
# The more advanced of two renewal cues in one text is what it says ("perpanjangan … telah diperpanjang").
RENEWAL_ORDER = (RenewalIntent.RENEWED, RenewalIntent.IN_NEGOTIATION, RenewalIntent.INTENDED)
# What a record value is consistent with, for each value a text can give. A text's "agreement" is the common word
# for any instrument, so it disagrees with none; "signed" fits every status after signing.
SIGNED_OR_LATER = frozenset(AgreementStatus) - {
    AgreementStatus.ANNOUNCED,
    AgreementStatus.UNDER_NEGOTIATION,
    AgreementStatus.CANCELLED,
}
STATUS_FITS: dict[Enum, frozenset[Enum]] = {AgreementStatus.SIGNED: frozenset(SIGNED_OR_LATER)}
RENEWAL_FITS: dict[Enum, frozenset[Enum]] = {
    RenewalIntent.INTENDED: frozenset({RenewalIntent.INTENDED, RenewalIntent.IN_NEGOTIATION}),
    RenewalIntent.IN_NEGOTIATION: frozenset({RenewalIntent.INTENDED, RenewalIntent.IN_NEGOTIATION}),
    RenewalIntent.RENEWED: frozenset({RenewalIntent.RENEWED}),
}
# Extracted pages keep one paragraph per line; a pasted text wrapped mid-sentence then loses a cue, never adds one.
_PARAGRAPH_BREAK = re.compile(r"\n+")


@dataclass(frozen=True)
class PartyFacts:
    """A recorded party as the comparison needs it: `lineage` is its id and its parents' ids."""

    id: int
    name: str
    country: str | None
    kind: PartyKind
    lineage: frozenset[int] = frozenset()

    def related(self, other: PartyFacts) -> bool:
        """Whether one is the other, or part of it (a unit of a ministry)."""
        return self.id in other.lineage or other.id in self.lineage


@dataclass(frozen=True)
class RecordFacts:
    """What the agreement's record says."""

    parties: tuple[PartyFacts, ...]
    signed: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    instrument: InstrumentType | None = None
    status: AgreementStatus | None = None
    renewal: RenewalIntent = RenewalIntent.NOT_RECORDED


@dataclass(frozen=True)
class Reading:
    """What one text says about the agreement; None where it says nothing."""

    origin: str
    id: int
    label: str
    parties: tuple[PartyFacts, ...] = ()  # the record's parties and the counterparts it names instead
    counterparts: tuple[PartyFacts, ...] = ()  # those named instead of the record's (empty: no disagreement)
    start: PartialDate | None = None
    end: PartialDate | None = None
    instrument: InstrumentType | None = None
    status: AgreementStatus | None = None
    renewal: RenewalIntent | None = None


@dataclass(frozen=True)
class Cited:
    """A citation whose passage says something other than the record, in the words of who cited it."""

    origin: str
    id: int
    label: str
    fact: CitedFact
    says: str


@dataclass
class Disagreement:
    """One fact on which the evidence disagrees, with every claim about it (the record's first)."""

    fact: CitedFact
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the record's value and the disagreeing claims: the same disagreement found again."""
        record = [claim["value"] for claim in self.claims if claim["origin"] == RECORD]
        differing = sorted(
            json.dumps([c["origin"], c["id"], c.get("cited", False), c["value"]], sort_keys=True)
            for c in self.claims
            if c["origin"] != RECORD and not c["agrees"]
        )
        payload = json.dumps([self.fact.value, record, differing], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- reading a text ----------------------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (one per line), non-empty."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def read(
    origin: str,
    record_id: int,
    label: str,
    text: str,
    record: RecordFacts,
    named_in: Callable[[str], Sequence[PartyFacts]],
) -> Reading:
    """What the text says about the agreement whose record is given; `named_in` finds the recorded parties a
    paragraph names (the suggester's party index)."""
    parts = [(part, list(named_in(part))) for part in paragraphs(text)]
    named = _unique(party for _part, found in parts for party in found)
    counterparts = counterparts_named(record.parties, named)
    ours = [p for p in named if any(p.related(r) for r in record.parties)] + list(counterparts)
    about = "\n\n".join(part for part, found in parts if any(p in ours for p in found))
    period = next(iter(find_periods(about)), None) if about else None
    return Reading(
        origin,
        record_id,
        label,
        parties=tuple(_unique(ours)),
        counterparts=counterparts,
        start=period.start if period else None,
        end=period.end if period else None,
        instrument=_instrument(about),
        status=_first(find_cues(about, _strong(STATUS_CUES))),
        renewal=_renewal(about),
    )


def counterparts_named(recorded: Sequence[PartyFacts], named: Sequence[PartyFacts]) -> tuple[PartyFacts, ...]:
    """The parties a text names in place of the record's: for each country of the record's parties of which the
    text names none (nor a party related to one), the other parties of that country it names; states only in place
    of a state, and of the same kind as the record's when the text names one of that kind."""
    found: list[PartyFacts] = []
    for country in _unique(party.country for party in recorded if party.country):
        mine = [party for party in recorded if party.country == country]
        if any(p.related(m) for p in named for m in mine):
            continue
        others = [
            p
            for p in named
            if p.country == country
            and not any(p.related(r) for r in recorded)
            and (p.kind is not PartyKind.STATE or any(m.kind is PartyKind.STATE for m in mine))
        ]
        same_kind = [p for p in others if any(p.kind is m.kind for m in mine)]
        found.extend(same_kind or others)
    return tuple(_unique(found))


def _strong(cues: Sequence[Cue]) -> list[Cue]:
    """The cues strong enough to be a claim."""
    return [cue for cue in cues if cue.strength >= STRONG]


def _first(found: list[Any]) -> Any:
    """The value of the best cue found, or None."""
    return found[0].value if found else None


def _instrument(text: str) -> InstrumentType | None:
    """The instrument the text names: a specific one (MoU, letter of intent …) before the common word."""
    values = [cue.value for cue in find_cues(text, _strong(INSTRUMENT_CUES))] if text else []
    specific = [value for value in values if value is not InstrumentType.AGREEMENT]
    return (specific or values or [None])[0]


def _renewal(text: str) -> RenewalIntent | None:
    """The most advanced renewal the text speaks of."""
    values = {cue.value for cue in find_cues(text, _strong(RENEWAL_CUES))} if text else set()
    return next((value for value in RENEWAL_ORDER if value in values), None)


def _unique(items: Any) -> list[Any]:
    """The items without repeats, in order."""
    return list(dict.fromkeys(items))


# --- comparing -----------------------------------------------------------------------------------------------


def same_date(first: PartialDate, second: PartialDate) -> bool:
    """Whether two dates can be the same, compared at the coarser precision."""
    coarser = min(first.precision, second.precision, key=lambda precision: precision.rank)
    return first.truncated(coarser) == second.truncated(coarser)


def _date_value(value: PartialDate | None) -> str | None:
    """A partial date as stored in a claim ("2006", "2006-03")."""
    return value.iso() if value is not None else None


def _agrees(fact: CitedFact, recorded: Any, said: Any) -> bool:
    """Whether what a text says about a fact fits the record's value."""
    if fact in (CitedFact.START, CitedFact.END, CitedFact.SIGNED):
        return same_date(recorded, said)
    if fact is CitedFact.INSTRUMENT:
        return said is InstrumentType.AGREEMENT or said is recorded
    if fact is CitedFact.STATUS:
        return recorded in STATUS_FITS.get(said, frozenset({said}))
    return recorded in RENEWAL_FITS.get(said, frozenset({said}))


def _alike(fact: CitedFact, first: Any, second: Any) -> bool:
    """Whether two texts' values for a fact the record leaves empty fit each other."""
    return _agrees(fact, first, second) or _agrees(fact, second, first)


def _record_value(record: RecordFacts, fact: CitedFact) -> Any:
    """The record's value of a fact; None where it records none."""
    if fact is CitedFact.RENEWAL_INTENT:
        return None if record.renewal is RenewalIntent.NOT_RECORDED else record.renewal
    if fact is CitedFact.INSTRUMENT and record.instrument is InstrumentType.OTHER:
        return None  # "other" is a form the list does not name, or one not known yet: texts cannot contradict it
    return {
        CitedFact.SIGNED: record.signed,
        CitedFact.START: record.start,
        CitedFact.END: record.end,
        CitedFact.INSTRUMENT: record.instrument,
        CitedFact.STATUS: record.status,
    }.get(fact)


def _reading_value(reading: Reading, fact: CitedFact) -> Any:
    """What a text says of a fact; None where it says nothing."""
    return {
        CitedFact.START: reading.start,
        CitedFact.END: reading.end,
        CitedFact.INSTRUMENT: reading.instrument,
        CitedFact.STATUS: reading.status,
        CitedFact.RENEWAL_INTENT: reading.renewal,
    }.get(fact)


def stored(value: Any) -> Any:
    """A value as a claim keeps it: enums by value, dates in ISO form at their precision."""
    if isinstance(value, PartialDate):
        return _date_value(value)
    if isinstance(value, Enum):
        return value.value
    return value


def claim(origin: str, record_id: int | None, label: str, value: Any, agrees: bool, cited: bool = False) -> dict:
    """One claim as stored in a conflict."""
    found = {"origin": origin, "id": record_id, "label": label, "value": stored(value), "agrees": agrees}
    return found | {"cited": True} if cited else found


def disagreements(record: RecordFacts, readings: Sequence[Reading], cited: Sequence[Cited]) -> list[Disagreement]:
    """Every fact on which a text or a citation disagrees with the record, or texts with each other where the
    record says nothing; in the order of FACTS."""
    found = []
    for fact in FACTS:
        claims = _party_claims(record, readings) if fact is CitedFact.PARTY else _value_claims(fact, record, readings)
        notes = [claim(c.origin, c.id, c.label, c.says, False, cited=True) for c in cited if c.fact is fact]
        if notes and not claims:
            claims = [claim(RECORD, None, "", _record_text(record, fact), True)]
        claims += notes
        if any(not c["agrees"] for c in claims):
            found.append(Disagreement(fact, claims))
    return found


def _record_text(record: RecordFacts, fact: CitedFact) -> Any:
    """The record's value of a fact as a claim holds it (its parties by name)."""
    if fact is CitedFact.PARTY:
        return [party.name for party in record.parties]
    return _record_value(record, fact)


def _party_claims(record: RecordFacts, readings: Sequence[Reading]) -> list[dict]:
    """The record's parties and what each text naming parties says, if one names counterparts in their place."""
    said = [reading for reading in readings if reading.parties]
    if not any(reading.counterparts for reading in said):
        return []
    claims = [claim(RECORD, None, "", _record_text(record, CitedFact.PARTY), True)]
    for reading in said:
        names = [party.name for party in reading.parties]
        claims.append(claim(reading.origin, reading.id, reading.label, names, not reading.counterparts))
    return claims


def _value_claims(fact: CitedFact, record: RecordFacts, readings: Sequence[Reading]) -> list[dict]:
    """The record's value and each text's, when one disagrees with the record (or, with none recorded, with
    another text)."""
    recorded = _record_value(record, fact)
    said = [(reading, _reading_value(reading, fact)) for reading in readings]
    said = [(reading, value) for reading, value in said if value is not None]
    if recorded is not None:
        verdicts = [_agrees(fact, recorded, value) for _reading, value in said]
        if all(verdicts):
            return []
    else:
        values = [value for _reading, value in said]
        if all(_alike(fact, first, second) for first in values for second in values):
            return []
        verdicts = [False] * len(said)
    head = [claim(RECORD, None, "", recorded, True)]
    return head + [claim(r.origin, r.id, r.label, value, ok) for (r, value), ok in zip(said, verdicts, strict=True)]
