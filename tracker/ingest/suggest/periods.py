"""The periods a text gives: explicit ranges, and start and end cues paired within a sentence."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tracker.dates import PartialDate, PartialDateError
from tracker.ingest.suggest.words import overlaps, plain_text


@dataclass
class PeriodSuggestion:
    """A period the text gives, with either end possibly unknown, and the words it came from."""

    start: PartialDate | None
    end: PartialDate | None
    phrase: str


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
            if overlaps(match.span(), claimed):
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
        if when is not None and not overlaps(match.span(), claimed):
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
