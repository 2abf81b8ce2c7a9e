"""The periods a text gives: explicit ranges, and start and end cues paired within a sentence."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tracker.dates import MAX_YEAR, PartialDate, PartialDateError, Precision
from tracker.ingest.suggest.words import overlaps, plain_text
from tracker.terms import term_end


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
# "sejak tanggal 15 Maret 2006", "berlaku pada tanggal …": an agreement's own text names the day it starts so.
_FILLER = r"(?:pada|tahun|dengan|akhir|awal|tanggal|tgl\.?|in|on|at|of|the|end|year|date)"
# "enter into force on", "come into effect on", "mulai berlaku pada": the start of an agreement's own text.
_START = (
    r"(?:sejak|semenjak|mulai|dimulai|dari|berlaku|since|from|starting|started|starts|began|begun|beginning"
    r"|commenced|force|effect|effective)"
)
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
# A term after a start, in an agreement's own words: "selama 12 (dua belas) tahun", "for a period of twelve (12)
# years", "for 5 years", "untuk jangka waktu 6 (enam) bulan" — the figure in digits, before or after the words.
_COUNT = r"(?:(?P<digits>\d{1,3})(?:\s*\([^()\d]{1,40}\))?|[^\W\d_]+(?:[\s-][^\W\d_]+)?\s*\((?P<words>\d{1,3})\))"
_DURATION = re.compile(
    rf"\b(?:selama|(?:untuk\s+)?jangka\s+waktu|for(?:\s+a\s+(?:period|term)\s+of)?)\s+{_COUNT}\s+"
    r"(?P<unit>tahun|years?|bulan|months?)\b",
    re.IGNORECASE,
)
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
    found.extend(_pair_in_sentences(text, starts, ends, _durations(plain)))
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


@dataclass(frozen=True)
class _Duration:
    """A term in months found in the text, and where."""

    months: int
    start: int
    end: int


def _durations(plain: str) -> list[_Duration]:
    """The terms the text gives in years or months ("selama 12 (dua belas) tahun")."""
    found = []
    for match in _DURATION.finditer(plain):
        count = int(match.group("digits") or match.group("words"))
        months = count * 12 if match.group("unit").lower().startswith(("tahun", "year")) else count
        if 0 < months <= 100 * 12:
            found.append(_Duration(months, *match.span()))
    return found


def _ended(start: PartialDate, months: int) -> PartialDate | None:
    """The end of a term of `months` from `start`, at the start's precision (a term from 2006 of 12 years: 2017)."""
    last = term_end(start.earliest, months)
    if last.year > MAX_YEAR:
        return None
    shown = {Precision.YEAR: f"{last.year}", Precision.MONTH: f"{last:%Y-%m}"}.get(start.precision, last.isoformat())
    return PartialDate.parse(shown)


def _pair_in_sentences(
    text: str, starts: list[_Dated], ends: list[_Dated], durations: list[_Duration] = ()
) -> list[tuple[int, PeriodSuggestion]]:
    """Each start with the first later end of its sentence ("sejak 2006 … berakhir 2018"), else with the first later
    term of its sentence ("sejak 15 Maret 2006 … selama 12 tahun"); the rest alone."""
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
            found.append((begin.start, PeriodSuggestion(begin.date, partner.date, text[begin.start : partner.end])))
            continue
        term = next(
            (term for term in durations if term.start > begin.start and sentence(term.start) == sentence(begin.start)),
            None,
        )
        end = _ended(begin.date, term.months) if term else None
        last = term.end if end is not None else begin.end
        found.append((begin.start, PeriodSuggestion(begin.date, end, text[begin.start : last])))
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
