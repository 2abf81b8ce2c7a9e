"""Recorded agreements of the parties a text names, scored against what else the text says, with the reasons."""

from __future__ import annotations

import heapq
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
    # The most its dates can add for the text's periods, when the database worked it out (from the years alone).
    period_bound: float | None = None


def rank(
    candidates: Iterable[Candidate],
    party_names: dict[int, str],
    sector_names: dict[int, str],
    periods: list[PeriodSuggestion],
    text_words: set[str],
    ordered: bool = False,
) -> list[tuple[float, list[str], Candidate]]:
    """The best MAX_AGREEMENTS candidates with their scores and reasons, best first (then by English title and id).

    A party found in the text may hold tens of thousands of agreements (a ministry): they are taken most shared
    parties and sectors first, and a candidate is scored only while it could still beat the tenth best (what the
    period and title can add is bounded); only the best are worded with their reasons. `ordered` says the
    candidates already come most shared parties and sectors first (then they are read only as far as needed).
    """
    best = sorted(best_scores(candidates, periods, text_words, ordered), key=lambda item: _order(item[0], item[1]))
    scored = [(*score_candidate(c, party_names, sector_names, periods, text_words), c) for _score, c in best]
    scored.sort(key=lambda item: _order(item[0], item[2]))
    return scored[:MAX_AGREEMENTS]


def _order(score: float, candidate: Candidate) -> tuple[float, str, int]:
    """Best first, then by English title and id."""
    return -score, candidate.titles[0].casefold(), candidate.id


def best_scores(
    candidates: Iterable[Candidate], periods: list[PeriodSuggestion], text_words: set[str], ordered: bool = False
) -> list[tuple[float, Candidate]]:
    """The MAX_AGREEMENTS best (score, candidate), unordered, as `score_candidate` scores them, scoring as few as the
    bounds allow: a candidate whose shared parties and sectors plus the most a period and a title can add stay below
    the tenth best score so far (ties kept: the title decides them) is not scored further, nor any after it.
    `ordered`: the candidates come already in that order (by their shared parties and sectors plus their own
    `period_bound`, when they have one), and none after the stop is read."""
    most_period = max((_period_value_bound(period) for period in periods), default=0.0)
    valued = ((_base_value(c), c) for c in candidates)
    kept: list[tuple[tuple[float, _Reversed, int], float, Candidate]] = []  # a heap of the best, worst on top
    for base, candidate in valued if ordered else sorted(valued, key=lambda item: -item[0]):
        floor = kept[0][1] if len(kept) == MAX_AGREEMENTS else None
        most = most_period if candidate.period_bound is None else candidate.period_bound
        if floor is not None and base + most + WEIGHT_TITLE < floor:
            break
        partial = base + max((_period_part(candidate, period)[0] for period in periods), default=0.0)
        if floor is not None and partial + WEIGHT_TITLE < floor:
            continue
        score = round(partial + _title_part(candidate, text_words)[0], 3)
        entry = (_worst_first(score, candidate), score, candidate)
        if len(kept) < MAX_AGREEMENTS:
            heapq.heappush(kept, entry)
        elif entry[0] > kept[0][0]:
            heapq.heapreplace(kept, entry)
    return [(score, candidate) for _key, score, candidate in kept]


def _worst_first(score: float, candidate: Candidate) -> tuple[float, _Reversed, int]:
    """A heap key whose smallest is the worst of the kept candidates (lowest score, then last by title and id)."""
    return score, _Reversed(candidate.titles[0].casefold()), -candidate.id


@dataclass(frozen=True, order=False)
class _Reversed:
    """A string compared the other way round (a later title is "smaller": it is dropped first among equal scores)."""

    text: str

    def __lt__(self, other: _Reversed) -> bool:
        return self.text > other.text

    def __gt__(self, other: _Reversed) -> bool:
        return self.text < other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.text == other.text


def _base_value(candidate: Candidate) -> float:
    """What the shared parties and sectors add, without wording the reasons."""
    return WEIGHT_PARTY * len(candidate.party_ids) + WEIGHT_SECTOR * len(candidate.sector_ids)


def _period_value_bound(period: PeriodSuggestion) -> float:
    """The most a period of the text can add: its start and end both matched."""
    return WEIGHT_DATE * (bool(period.start) + bool(period.end)) or WEIGHT_OVERLAP


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
    reasons = [str(reason) for _score, part_reasons in parts for reason in part_reasons]
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
        reasons.append(_("Starts in %(date)s, as the text says", date=candidate.start.iso()))
    if candidate.end and period.end and _same(candidate.end, period.end):
        score += WEIGHT_DATE
        reasons.append(_("Ends in %(date)s, as the text says", date=candidate.end.iso()))
    if not reasons and _periods_overlap(candidate, period):
        score += WEIGHT_OVERLAP
        reasons.append(_("Runs during the text's period, %(period)s", period=_span(period)))
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
    return WEIGHT_TITLE * share, [_("Words of its title in the text: %(words)s", words=", ".join(found))]
