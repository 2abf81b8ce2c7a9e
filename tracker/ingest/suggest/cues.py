"""Words pointing to an instrument type, a status or a renewal intent; a stronger cue wins."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from tracker.ingest.suggest.words import overlaps, plain_text
from tracker.models import AgreementStatus, InstrumentType, RenewalIntent


@dataclass
class CueSuggestion:
    """An instrument type, status or renewal intent the text points to, with the words it came from."""

    value: Enum
    phrase: str


@dataclass(frozen=True)
class Cue:
    """Words pointing to a value; a stronger cue comes first, and earlier cues hide later ones they overlap."""

    value: Enum
    pattern: re.Pattern[str]
    strength: int


def _cue(value: Enum, pattern: str, strength: int = 2) -> Cue:
    """A cue whose pattern is matched case-insensitively on word boundaries."""
    return Cue(value, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), strength)


_INSTRUMENT_WORDS = (
    r"memorandum\s+of\s+understanding|memorandum\s+saling\s+pengertian|nota\s+kesepahaman|mou|perjanjian"
    r"|agreement|kesepakatan|letter\s+of\s+intent|loi|memorandum"
)
INSTRUMENT_CUES = (
    _cue(
        InstrumentType.MOU,
        r"memorandum\s+of\s+understanding|memorandum\s+saling\s+pengertian|nota\s+kesepahaman|mou",
        3,
    ),
    _cue(InstrumentType.LETTER_OF_INTENT, r"letter\s+of\s+intent|surat\s+pernyataan\s+minat|loi", 3),
    _cue(InstrumentType.JOINT_STATEMENT, r"joint\s+(?:statement|declaration)|pernyataan\s+bersama", 3),
    _cue(InstrumentType.IMPLEMENTING_ARRANGEMENT, r"implementing\s+arrangements?|pengaturan\s+pelaksanaan", 3),
    _cue(InstrumentType.CONTRACT, r"kontrak|contracts?"),
    _cue(InstrumentType.AGREEMENT, r"perjanjian(?:nya)?|agreements?|kesepakatan"),
    # Cooperation is what every such article is about, so it only weakly says "agreement".
    _cue(InstrumentType.AGREEMENT, r"kerja\s*sama(?:nya)?|bekerja\s*sama|co-?operation|collaboration", 1),
)
# Plans come before signatures: "akan menandatangani" must not count as "menandatangani" (signed).
STATUS_CUES = (
    _cue(
        AgreementStatus.ANNOUNCED,
        r"(?:akan|segera|berencana|rencana(?:nya)?|hendak|ingin)\s+(?:segera\s+)?"
        r"(?:menandatangani|ditandatangani|meneken|diteken|penandatanganan)",
    ),
    _cue(
        AgreementStatus.ANNOUNCED,
        r"(?:(?:kita|kami)\s+)?(?:menyiapkan|mempersiapkan|siapkan|persiapkan|disiapkan|dipersiapkan)"
        rf"\b[^.!?\n]{{0,60}}?\b(?:{_INSTRUMENT_WORDS})",
    ),
    _cue(AgreementStatus.ANNOUNCED, rf"preparing\b[^.!?\n]{{0,60}}?\b(?:{_INSTRUMENT_WORDS}|to\s+sign)"),
    _cue(
        AgreementStatus.ANNOUNCED,
        r"(?:plans?|planning|planned|intends?|intending|expects?|expected|set|aims?|going|will|shall|would)"
        r"\s+to\s+(?:be\s+)?sign(?:ed)?|(?:will|shall|would)\s+(?:soon\s+)?(?:be\s+)?sign(?:ed)?|to\s+be\s+signed",
    ),
    _cue(AgreementStatus.ANNOUNCED, r"belum\s+(?:ditandatangani|menandatangani)|not\s+(?:yet\s+)?(?:been\s+)?signed"),
    _cue(AgreementStatus.SIGNED, r"menandatangani|ditandatangani|meneken|diteken|signed|inked"),
    _cue(AgreementStatus.SIGNED, r"penandatanganan|signing", 1),
    _cue(
        AgreementStatus.UNDER_NEGOTIATION,
        r"negotiating|negotiations?|merundingkan|dirundingkan|perundingan|negosiasi",
        1,
    ),
)
RENEWAL_CUES = (
    _cue(
        RenewalIntent.RENEWED,
        r"(?:telah|sudah)\s+diperpanjang|(?:has|have|had|was|were)\s+(?:been\s+)?(?:renewed|extended)",
    ),
    _cue(
        RenewalIntent.IN_NEGOTIATION,
        r"(?:negosiasi|perundingan)\s+perpanjangan|(?:renewal|extension)\s+(?:talks|negotiations?)"
        r"|negotiat\w*\s+(?:the\s+|an?\s+)?(?:renewal|extension)",
    ),
    _cue(
        RenewalIntent.INTENDED,
        r"memperpanjang|perpanjangan|perpanjang|diperpanjang|(?:will|to)\s+be\s+(?:renewed|extended)"
        r"|extend|extends|extending|extension|renew|renews|renewing|renewal",
    ),
    # "Continue" is the weakest sign of renewal: many things continue.
    _cue(RenewalIntent.INTENDED, r"melanjutkan|lanjutkan|dilanjutkan|continue|continues|continuing", 1),
)


def find_cues(text: str, cues: Sequence[Cue]) -> list[CueSuggestion]:
    """One suggestion per value: its strongest, earliest phrase; strongest values first."""
    plain = plain_text(text)
    claimed: list[tuple[int, int]] = []
    best: dict[Enum, tuple[int, int, str]] = {}
    for cue in cues:
        for match in cue.pattern.finditer(plain):
            if overlaps(match.span(), claimed):
                continue
            claimed.append(match.span())
            candidate = (-cue.strength, match.start(), text[match.start() : match.end()])
            if cue.value not in best or candidate < best[cue.value]:
                best[cue.value] = candidate
    ranked = sorted(best.items(), key=lambda item: item[1][:2])
    return [CueSuggestion(value, phrase) for value, (_strength, _position, phrase) in ranked]
