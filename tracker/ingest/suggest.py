"""Suggestions from an article's text (Indonesian and English): parties, agreements, period, cues, sectors.

Names, aliases and sector keywords are compared as words: accents dropped, case folded, punctuation read as
a word break ("AITEC Co.Ltd" and "AITEC Co., Ltd" are the same three words), so "dies" is never found in
"studies". Periods and cues are regular expressions over the text with its accents dropped.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.dates import PartialDate, PartialDateError
from tracker.i18n import _
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    InstrumentType,
    Party,
    PartyAlias,
    RenewalIntent,
    Sector,
    agreement_sector,
)
from tracker.services.parties import normalise_name

# Suggestions come from the start of very long documents: the scan stays fast whatever is pasted.
MAX_TEXT = 200_000
MAX_AGREEMENTS = 10
# Names longer than this many words are still matched, up to this many words (no real name is longer).
MAX_PHRASE_WORDS = 30

# How much each kind of evidence adds to an agreement's score; a shared party weighs most.
WEIGHT_PARTY = 2.0
WEIGHT_SECTOR = 1.0
WEIGHT_DATE = 1.5
WEIGHT_OVERLAP = 0.5
WEIGHT_TITLE = 2.0


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
class PeriodSuggestion:
    """A period the text gives, with either end possibly unknown, and the words it came from."""

    start: PartialDate | None
    end: PartialDate | None
    phrase: str


@dataclass
class CueSuggestion:
    """An instrument type, status or renewal intent the text points to, with the words it came from."""

    value: Enum
    phrase: str


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


def suggest(session: Session, title: str, text: str) -> Suggestions:
    """What the title and text suggest, matched against the recorded parties, agreements and sectors."""
    content = unicodedata.normalize("NFC", "\n\n".join(part for part in (title, text) if part))[:MAX_TEXT]
    words = tokens(content)
    parties = _party_suggestions(session, content, words)
    sectors = _sector_suggestions(session, content, words)
    periods = find_periods(content)
    return Suggestions(
        parties=parties,
        agreements=_agreement_suggestions(session, parties, sectors, periods, {word.key for word in words}),
        periods=periods,
        instruments=find_cues(content, INSTRUMENT_CUES),
        statuses=find_cues(content, STATUS_CUES),
        renewals=find_cues(content, RENEWAL_CUES),
        sectors=sectors,
    )


# --- words and phrases ----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+|&")


@dataclass(frozen=True)
class Token:
    """A word of a text in comparison form, with where it stands in the text."""

    key: str
    start: int
    end: int


def fold(word: str) -> str:
    """A word's comparison form: accents dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def tokens(text: str) -> list[Token]:
    """The words of an NFC text; punctuation separates words, and "&" reads as "and"."""
    return [
        Token("and" if match.group() == "&" else fold(match.group()), match.start(), match.end())
        for match in _WORD.finditer(text)
    ]


def phrase_key(phrase: str) -> str:
    """The comparison key of a name or keyword: its folded words joined by single spaces."""
    return " ".join(token.key for token in tokens(unicodedata.normalize("NFC", phrase)))


@lru_cache(maxsize=4096)
def _plain_char(char: str) -> str:
    """The character without its accent, when that leaves exactly one character."""
    base = [part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)]
    return base[0] if len(base) == 1 else char


def plain_text(text: str) -> str:
    """The text without accents, character for character, so that regex spans point into the original."""
    return "".join(_plain_char(char) for char in text)


class PhraseIndex:
    """Names, aliases or keywords of owners (party or sector ids), found in texts as whole words."""

    def __init__(self) -> None:
        self._labels: dict[str, list[tuple[Hashable, str]]] = defaultdict(list)
        self._first_words: set[str] = set()
        self._longest = 0

    def add(self, owner: Hashable, label: str) -> None:
        """Index `label` as a way to refer to `owner`; labels without letters or digits are ignored."""
        key = phrase_key(label)
        if not key:
            return
        words = key.split(" ")[:MAX_PHRASE_WORDS]
        key = " ".join(words)
        self._labels[key].append((owner, label))
        self._first_words.add(words[0])
        self._longest = max(self._longest, len(words))

    def find(self, text: str, words: Sequence[Token]) -> dict[Hashable, list[str]]:
        """Owner -> labels found, in the order they first occur; longer phrases win over words inside them."""
        found: dict[Hashable, list[str]] = {}
        for first, last, key in self._occurrences(words):
            seen = normalise_name(text[words[first].start : words[last - 1].end])
            for owner, label in self._labels_by_owner(key, seen):
                labels = found.setdefault(owner, [])
                if label not in labels:
                    labels.append(label)
        return found

    def _occurrences(self, words: Sequence[Token]) -> list[tuple[int, int, str]]:
        """Non-overlapping (first word, past last word, key), longest first, then returned in text order."""
        keys = [word.key for word in words]
        candidates = [
            (first, first + length, " ".join(keys[first : first + length]))
            for first in range(len(keys))
            if keys[first] in self._first_words
            for length in range(1, min(self._longest, len(keys) - first) + 1)
        ]
        candidates = [candidate for candidate in candidates if candidate[2] in self._labels]
        taken = [False] * len(keys)
        kept = []
        for first, last, key in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if not any(taken[first:last]):
                taken[first:last] = [True] * (last - first)
                kept.append((first, last, key))
        return sorted(kept)

    def _labels_by_owner(self, key: str, seen: str) -> list[tuple[Hashable, str]]:
        """One label per owner for a key: the one spelled as in the text when there is one."""
        chosen: dict[Hashable, str] = {}
        for owner, label in self._labels[key]:
            if owner not in chosen or normalise_name(label) == seen:
                chosen[owner] = label
        return list(chosen.items())


# --- parties and sectors --------------------------------------------------------------------------


def _party_index(session: Session) -> PhraseIndex:
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
    found = _party_index(session).find(text, words)
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


# --- periods --------------------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "january": 1, "februari": 2, "february": 2, "maret": 3, "march": 3, "april": 4,
    "mei": 5, "may": 5, "juni": 6, "june": 6, "juli": 7, "july": 7, "agustus": 8, "august": 8,
    "september": 9, "oktober": 10, "october": 10, "november": 11, "nopember": 11, "desember": 12, "december": 12,
}  # fmt: skip


def _date(name: str) -> str:
    """A year, perhaps after a month name and a day; a year inside "4/10/2017" is a dateline's, never a period's."""
    months = "|".join(sorted(MONTHS, key=len, reverse=True))
    day_month = rf"\b(?:(?P<{name}_day>\d{{1,2}})\s+)?(?P<{name}_month>{months})\s+"
    return rf"(?:{day_month})?(?<![\d/])(?P<{name}_year>\d{{4}})(?![\d/])"


# Words that may stand between a cue and its year: "berakhir pada 2018", "ends in 2018", "until the end of 2018".
_FILLER = r"(?:pada|tahun|dengan|akhir|awal|in|on|at|of|the|end|year)"
_START = r"(?:sejak|semenjak|mulai|dimulai|dari|since|from|starting|started|starts|began|begun|beginning|commenced)"
_END = (
    r"(?:berakhir|berakhirnya|habis|selesai|hingga|sampai|s\.\s?d\.?|until|till|through|ends?|ended|ending"
    r"|expires?|expired|expiring|expiry)"
)
_CONNECTOR = r"(?:[-–—]|\bs\.\s?d\.?|\b(?:sampai(?:\s+dengan)?|hingga|to|until|till|through)\b)"

_RANGE = re.compile(
    rf"(?:\b{_START}(?:\s+{_FILLER}){{0,2}}\s+)?{_date('a')}\s*{_CONNECTOR}\s*(?:{_FILLER}\s+){{0,2}}{_date('b')}",
    re.IGNORECASE,
)
# "and" joins two years only after "between": "kerja sama 2006 dan 2018" lists two years.
_BETWEEN = re.compile(rf"\b(?:antara|between)\s+{_date('a')}\s+(?:dan|and)\s+{_date('b')}", re.IGNORECASE)
_STARTS = re.compile(rf"\b{_START}(?:\s+{_FILLER}){{0,3}}\s+{_date('a')}", re.IGNORECASE)
_ENDS = re.compile(rf"\b{_END}(?:\s+{_FILLER}){{0,3}}\s+{_date('a')}", re.IGNORECASE)
# A sentence ends at . ! ? before a capital, a digit or a quote, or at a blank line; "Co.Ltd" ends none, and
# neither does a line break alone, since pasted text may be wrapped mid-sentence.
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*\s+(?=[A-Z0-9“\"(])|\n\s*\n")


@dataclass(frozen=True)
class _Dated:
    """A date found after a start or end cue."""

    date: PartialDate
    start: int
    end: int


def _partial_date(match: re.Match[str], name: str) -> PartialDate | None:
    """The date captured under `name`, as precise as the text gives it; None outside 1900–2100 or impossible."""
    year, month, day = (match.group(f"{name}_{part}") for part in ("year", "month", "day"))
    text = f"{year}-{MONTHS[month.lower()]:02d}" if month else year
    try:
        return PartialDate.parse(f"{text}-{day}" if month and day else text)
    except PartialDateError:
        return None


def _in_order(start: PartialDate | None, end: PartialDate | None) -> bool:
    """Both dates known, and the start not after the end."""
    return start is not None and end is not None and not end.is_before(start)


def find_periods(text: str) -> list[PeriodSuggestion]:
    """The periods a text gives: ranges, and start and end cues paired within a sentence; complete ones first."""
    plain = plain_text(text)
    found, claimed = _ranges(text, plain)
    starts = _cued(plain, _STARTS, claimed)
    ends = _cued(plain, _ENDS, claimed)
    found.extend(_pair_in_sentences(text, starts, ends))
    return _tidy(found)


def _ranges(text: str, plain: str) -> tuple[list[tuple[int, PeriodSuggestion]], list[tuple[int, int]]]:
    """Explicit ranges ("2006–2018", "from 2006 to 2018"), and the spans they take, valid or not."""
    found, claimed = [], []
    for pattern in (_RANGE, _BETWEEN):
        for match in pattern.finditer(plain):
            if _overlaps(match.span(), claimed):
                continue
            claimed.append(match.span())
            start, end = _partial_date(match, "a"), _partial_date(match, "b")
            if _in_order(start, end):
                found.append((match.start(), PeriodSuggestion(start, end, text[match.start() : match.end()])))
    return found, claimed


def _cued(plain: str, pattern: re.Pattern[str], claimed: list[tuple[int, int]]) -> list[_Dated]:
    """Dates after a start or an end cue, outside the ranges already found."""
    dated = []
    for match in pattern.finditer(plain):
        when = _partial_date(match, "a")
        if when is not None and not _overlaps(match.span(), claimed):
            dated.append(_Dated(when, *match.span()))
    return dated


def _pair_in_sentences(text: str, starts: list[_Dated], ends: list[_Dated]) -> list[tuple[int, PeriodSuggestion]]:
    """Each start with the first later end of its sentence ("sejak 2006 … berakhir 2018"); the rest alone."""
    boundaries = [match.end() for match in _SENTENCE_END.finditer(text)]

    def sentence(position: int) -> int:
        return bisect.bisect_right(boundaries, position)

    found, unused = [], list(ends)
    for begin in starts:
        partner = next(
            (end for end in unused if end.start > begin.start and sentence(end.start) == sentence(begin.start)
             and _in_order(begin.date, end.date)),
            None,
        )  # fmt: skip
        if partner is not None:
            unused.remove(partner)
        last = partner.end if partner else begin.end
        phrase = text[begin.start : last]
        found.append((begin.start, PeriodSuggestion(begin.date, partner.date if partner else None, phrase)))
    found.extend((end.start, PeriodSuggestion(None, end.date, text[end.start : end.end])) for end in unused)
    return found


def _tidy(found: list[tuple[int, PeriodSuggestion]]) -> list[PeriodSuggestion]:
    """Drop repeats and halves of a complete period found too; complete periods first, then in text order."""
    complete = [period for _, period in found if period.start and period.end]
    starts = {period.start for period in complete}
    ends = {period.end for period in complete}
    kept: dict[tuple[PartialDate | None, PartialDate | None], tuple[int, PeriodSuggestion]] = {}
    for position, period in sorted(found, key=lambda item: item[0]):
        if (period.end is None and period.start in starts) or (period.start is None and period.end in ends):
            continue
        kept.setdefault((period.start, period.end), (position, period))
    ordered = sorted(kept.values(), key=lambda item: (not (item[1].start and item[1].end), item[0]))
    return [period for _, period in ordered]


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """Whether `span` shares a character with any of `spans`."""
    return any(span[0] < other[1] and other[0] < span[1] for other in spans)


# --- instrument, status and renewal cues ----------------------------------------------------------


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
            if _overlaps(match.span(), claimed):
                continue
            claimed.append(match.span())
            candidate = (-cue.strength, match.start(), text[match.start() : match.end()])
            if cue.value not in best or candidate < best[cue.value]:
                best[cue.value] = candidate
    ranked = sorted(best.items(), key=lambda item: item[1][:2])
    return [CueSuggestion(value, phrase) for value, (_strength, _position, phrase) in ranked]


# --- agreements -----------------------------------------------------------------------------------

# Words that say nothing about which agreement a title names.
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "on", "in", "for", "with", "between", "to", "by", "at", "from", "its"),
        *("dan", "dengan", "di", "ke", "dari", "yang", "untuk", "antara", "pada", "atau", "tentang"),
        *("co", "ltd", "inc", "pt", "tbk"),
    }
)


@dataclass
class _Candidate:
    """What scoring needs of an agreement held by a party found in the text."""

    id: int
    title: str
    title_local: str
    start: PartialDate | None
    end: PartialDate | None
    party_ids: set[int] = field(default_factory=set)
    sector_ids: set[int] = field(default_factory=set)


def _agreement_suggestions(
    session: Session,
    parties: list[PartySuggestion],
    sectors: list[SectorSuggestion],
    periods: list[PeriodSuggestion],
    text_words: set[str],
) -> list[AgreementSuggestion]:
    """The live agreements of the parties found, best first, at most MAX_AGREEMENTS."""
    party_ids = [suggestion.party.id for suggestion in parties]
    if not party_ids:
        return []
    candidates = _candidates(session, party_ids, [suggestion.sector.id for suggestion in sectors])
    names = {suggestion.party.id: suggestion.party.name for suggestion in parties}
    sector_names = {suggestion.sector.id: suggestion.sector.name for suggestion in sectors}
    scored = [(*_score(c, names, sector_names, periods, text_words), c) for c in candidates.values()]
    scored.sort(key=lambda item: (-item[0], item[2].title.casefold(), item[2].id))
    top = scored[:MAX_AGREEMENTS]
    agreements = _load_agreements(session, [candidate.id for _score, _reasons, candidate in top])
    return [AgreementSuggestion(agreements[c.id], score, reasons) for score, reasons, c in top if c.id in agreements]


def _candidates(session: Session, party_ids: list[int], sector_ids: list[int]) -> dict[int, _Candidate]:
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
    candidates: dict[int, _Candidate] = {}
    for agreement_id, title, title_local, start_on, start_p, end_on, end_p, party_id in rows:
        start, end = PartialDate.from_columns(start_on, start_p), PartialDate.from_columns(end_on, end_p)
        candidate = candidates.setdefault(agreement_id, _Candidate(agreement_id, title, title_local, start, end))
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


def _score(
    candidate: _Candidate,
    party_names: dict[int, str],
    sector_names: dict[int, str],
    periods: list[PeriodSuggestion],
    text_words: set[str],
) -> tuple[float, list[str]]:
    """The candidate's score and the reasons for it."""
    parts = [
        _party_part(candidate, party_names),
        _sector_part(candidate, sector_names),
        max((_period_part(candidate, period) for period in periods), key=lambda part: part[0], default=(0.0, [])),
        _title_part(candidate, text_words),
    ]
    reasons = [reason for _score, part_reasons in parts for reason in part_reasons]
    return round(sum(score for score, _reasons in parts), 3), reasons


def _party_part(candidate: _Candidate, party_names: dict[int, str]) -> tuple[float, list[str]]:
    """Each party of the text that holds the agreement counts most."""
    names = sorted((party_names[pid] for pid in candidate.party_ids), key=str.casefold)
    if len(names) == 1:
        reason = _("%(party)s is a party", party=names[0])
    elif len(names) == 2:
        reason = _("Both %(first)s and %(second)s are parties", first=names[0], second=names[1])
    else:
        reason = _("%(parties)s and %(last)s are parties", parties=", ".join(names[:-1]), last=names[-1])
    return WEIGHT_PARTY * len(names), [str(reason)]


def _sector_part(candidate: _Candidate, sector_names: dict[int, str]) -> tuple[float, list[str]]:
    """Each sector the text mentions that the agreement is filed under."""
    names = sorted((sector_names[sid] for sid in candidate.sector_ids), key=str.casefold)
    return WEIGHT_SECTOR * len(names), [str(_("Sector %(sector)s mentioned", sector=name)) for name in names]


def _same(first: PartialDate, second: PartialDate) -> bool:
    """Equal at the coarser of the two precisions: "2018" and "2018-10" are the same year."""
    return not first.is_before(second) and not second.is_before(first)


def _period_part(candidate: _Candidate, period: PeriodSuggestion) -> tuple[float, list[str]]:
    """A start or end the text gives too; failing that, a period overlapping the text's."""
    score, reasons = 0.0, []
    if candidate.start and period.start and _same(candidate.start, period.start):
        score += WEIGHT_DATE
        reasons.append(str(_("Starts in %(date)s, as the text says", date=candidate.start.iso())))
    if candidate.end and period.end and _same(candidate.end, period.end):
        score += WEIGHT_DATE
        reasons.append(str(_("Ends in %(date)s, as the text says", date=candidate.end.iso())))
    if not reasons and _periods_overlap(candidate, period):
        score += WEIGHT_OVERLAP
        reasons.append(str(_("Runs during the text's period, %(period)s", period=_span(period))))
    return score, reasons


def _span(period: PeriodSuggestion) -> str:
    """A period as "2006–2018", "2006–" or "–2018"."""
    return f"{period.start.iso() if period.start else ''}–{period.end.iso() if period.end else ''}"


def _periods_overlap(candidate: _Candidate, period: PeriodSuggestion) -> bool:
    """Both periods known at both ends, and sharing some time."""
    if not (candidate.start and candidate.end and period.start and period.end):
        return False
    return candidate.start.earliest <= period.end.latest and period.start.earliest <= candidate.end.latest


def _title_words(title: str) -> list[str]:
    """The telling words of a title, in order, once each."""
    words = [token.key for token in tokens(unicodedata.normalize("NFC", title))]
    return list(dict.fromkeys(word for word in words if len(word) >= 3 and word not in _STOPWORDS))


def _title_part(candidate: _Candidate, text_words: set[str]) -> tuple[float, list[str]]:
    """The share of the title's words (English or local title, the better) that the text contains."""
    best: tuple[float, list[str]] = (0.0, [])
    for title in (candidate.title, candidate.title_local):
        words = _title_words(title)
        found = [word for word in words if word in text_words]
        if words and found and len(found) / len(words) > best[0]:
            best = (len(found) / len(words), found)
    share, found = best
    if not found:
        return 0.0, []
    return WEIGHT_TITLE * share, [str(_("Words of its title in the text: %(words)s", words=", ".join(found)))]
