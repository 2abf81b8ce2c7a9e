"""The citation's contract: a fact of an agreement cited to a source or document, and the rules needing no database."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tracker.i18n import _
from tracker.models import CitationStance, CitedFact, DocumentKind, EvidenceLevel, SourceKind
from tracker.records import codec
from tracker.records.fields import Kind, choice, text, value
from tracker.records.problems import Problem, check_fields

# The facts in the order the agreement page lists them.
FACTS: tuple[CitedFact, ...] = tuple(CitedFact)


@dataclass(frozen=True, kw_only=True)
class CitationData:
    """What a person says when citing a fact: which fact, where it is said, the passage, and whether it agrees."""

    fact: CitedFact = choice(CitedFact, _("Fact"), _("fact"))
    party_id: int | None = value(Kind.REFERENCE, _("Party"), _("party"))
    source_id: int | None = value(Kind.REFERENCE, _("Source"), _("source"))
    document_id: int | None = value(Kind.REFERENCE, _("Document"), _("document"))
    quote: str = text(_("Quote"), _("quote"), max_length=2000, long=True)
    stance: CitationStance = choice(
        CitationStance, _("What the passage says"), _("stance"), default=CitationStance.SUPPORTS
    )
    says: str = text(_("What it says instead"), _("what it says instead"), max_length=500)


def cleaned(data: CitationData) -> CitationData:
    """The data as stored: a party only on a party's citation, "says" only where the passage differs."""
    return dataclasses.replace(
        data,
        party_id=data.party_id if data.fact is CitedFact.PARTY else None,
        says=data.says if data.stance is CitationStance.DIFFERS else "",
    )


def check(data: CitationData) -> list[Problem]:
    """Every rule that needs no database, over cleaned data."""
    problems = check_fields(vars(data), CitationData, {"fact": _("Choose the fact this passage is evidence of.")})
    if (data.source_id is None) == (data.document_id is None):
        problems.append(Problem("source_id", _("Choose one source or one document.")))
    if data.fact is CitedFact.PARTY and data.party_id is None:
        problems.append(Problem("party_id", _("Choose the party this passage names.")))
    if data.stance is CitationStance.DIFFERS and not data.says:
        problems.append(Problem("says", _("Say what the passage says instead.")))
    return problems


# How strong each kind of origin is (issue 17: signed text > official statement > news report > none).
DOCUMENT_EVIDENCE: dict[DocumentKind, EvidenceLevel] = {
    DocumentKind.SIGNED_TEXT: EvidenceLevel.SIGNED_TEXT,
    DocumentKind.ANNEX: EvidenceLevel.OFFICIAL,
    DocumentKind.LETTER: EvidenceLevel.OFFICIAL,
    DocumentKind.OTHER: EvidenceLevel.OFFICIAL,
}
SOURCE_EVIDENCE: dict[SourceKind, EvidenceLevel] = {
    SourceKind.OFFICIAL_DOCUMENT: EvidenceLevel.OFFICIAL,
    SourceKind.PRESS_RELEASE: EvidenceLevel.OFFICIAL,
    SourceKind.NEWS_ARTICLE: EvidenceLevel.NEWS,
    SourceKind.OTHER: EvidenceLevel.NEWS,
}
RANK: dict[EvidenceLevel, int] = {level: rank for rank, level in enumerate(EvidenceLevel)}


def strongest(levels: Any) -> EvidenceLevel:
    """The strongest of the levels given, "none" for none."""
    return max(levels, key=RANK.__getitem__, default=EvidenceLevel.NONE)


def input_json(citation: Any) -> dict[str, Any]:
    """The writable fields of a recorded citation, as a PUT body would give them."""
    return {
        "fact": citation.fact.value,
        "party_id": citation.party_id,
        "source_id": citation.source_id,
        "document_id": citation.document_id,
        "quote": citation.quote,
        "stance": citation.stance.value,
        "says": citation.says,
    }


def from_json(body: Any) -> CitationData:
    """A body that follows the API's input schema as data."""
    return codec.from_json(CitationData, body)
