"""Recorded agreements of the parties a text names, scored against what else the text says, with the reasons."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.dates import PartialDate
from tracker.i18n import _
from tracker.ingest.suggest.periods import PeriodSuggestion
from tracker.ingest.suggest.words import tokens

MAX_AGREEMENTS = 10
# How much each kind of evidence adds to an agreement's score; a shared party weighs most.
WEIGHT_PARTY = 2.0
WEIGHT_SECTOR = 1.0
WEIGHT_DATE = 1.5
WEIGHT_OVERLAP = 0.5
WEIGHT_TITLE = 2.0
# Words that say nothing about which agreement a title names.
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "on", "in", "for", "with", "between", "to", "by", "at", "from", "its"),
        *("dan", "dengan", "di", "ke", "dari", "yang", "untuk", "antara", "pada", "atau", "tentang"),
        *("co", "ltd", "inc", "pt", "tbk"),
    }
)


@dataclass
class Candidate:
    """What scoring needs of an agreement held by a party found in the text."""

    id: int
    titles: tuple[str, str]  # in English, then in the local language
    start: PartialDate | None
    end: PartialDate | None
    party_ids: set[int] = field(default_factory=set)
    sector_ids: set[int] = field(default_factory=set)


def rank(
    candidates: Iterable[Candidate],
    party_names: dict[int, str],
    sector_names: dict[int, str],
    periods: list[PeriodSuggestion],
    text_words: set[str],
) -> list[tuple[float, list[str], Candidate]]:
    """The best MAX_AGREEMENTS candidates with their scores and reasons, best first (then by English title and id)."""
    scored = [(*score_candidate(c, party_names, sector_names, periods, text_words), c) for c in candidates]
    scored.sort(key=lambda item: (-item[0], item[2].titles[0].casefold(), item[2].id))
    return scored[:MAX_AGREEMENTS]


def score_candidate(
    candidate: Candidate,
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


def _party_part(candidate: Candidate, party_names: dict[int, str]) -> tuple[float, list[str]]:
    """Each party of the text that holds the agreement counts most."""
    names = sorted((party_names[pid] for pid in candidate.party_ids), key=str.casefold)
    if len(names) == 1:
        reason = _("%(party)s is a party", party=names[0])
    elif len(names) == 2:
        reason = _("Both %(first)s and %(second)s are parties", first=names[0], second=names[1])
    else:
        reason = _("%(parties)s and %(last)s are parties", parties=", ".join(names[:-1]), last=names[-1])
    return WEIGHT_PARTY * len(names), [str(reason)]


def _sector_part(candidate: Candidate, sector_names: dict[int, str]) -> tuple[float, list[str]]:
    """Each sector the text mentions that the agreement is filed under."""
    names = sorted((sector_names[sid] for sid in candidate.sector_ids), key=str.casefold)
    return WEIGHT_SECTOR * len(names), [str(_("Sector %(sector)s mentioned", sector=name)) for name in names]


def _same(first: PartialDate, second: PartialDate) -> bool:
    """Equal at the coarser of the two precisions: "2018" and "2018-10" are the same year."""
    return not first.is_before(second) and not second.is_before(first)


def _period_part(candidate: Candidate, period: PeriodSuggestion) -> tuple[float, list[str]]:
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


def _periods_overlap(candidate: Candidate, period: PeriodSuggestion) -> bool:
    """Both periods known at both ends, and sharing some time."""
    if not (candidate.start and candidate.end and period.start and period.end):
        return False
    return candidate.start.earliest <= period.end.latest and period.start.earliest <= candidate.end.latest


def _title_words(title: str) -> list[str]:
    """The telling words of a title, in order, once each."""
    words = [token.key for token in tokens(unicodedata.normalize("NFC", title))]
    return list(dict.fromkeys(word for word in words if len(word) >= 3 and word not in _STOPWORDS))


def _title_part(candidate: Candidate, text_words: set[str]) -> tuple[float, list[str]]:
    """The share of the title's words (English or local title, the better) that the text contains."""
    best: tuple[float, list[str]] = (0.0, [])
    for title in candidate.titles:
        words = _title_words(title)
        found = [word for word in words if word in text_words]
        if words and found and len(found) / len(words) > best[0]:
            best = (len(found) / len(words), found)
    share, found = best
    if not found:
        return 0.0, []
    return WEIGHT_TITLE * share, [str(_("Words of its title in the text: %(words)s", words=", ".join(found)))]
