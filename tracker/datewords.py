"""Dates as people write them, in English and Indonesian ("4 Oktober 2017", "Jakarta, 22-Apr-1992", "2017"), read
at the precision written: the one reading of the agreement form and the importer."""

from __future__ import annotations

import re

from tracker.dates import PartialDate, PartialDateError
from tracker.i18n import _

MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "peb", "februari", "pebruari", "february"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agus", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "nopember", "november"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_ISO_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-./]+([a-z]+)\.?[\s\-./,]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-./,]+(\d{4})$")
# Weekdays a place and date may carry between them ("Jakarta, Senin, 4 Oktober 2017"), apostrophes removed.
WEEKDAYS = frozenset(
    {"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
# The longest text read as a date: room for a place, a weekday and a month written out ("Nusa Dua, Bali, Indonesia,
# Rabu, 12 Oktober 2022"); a form refuses longer input before reading it, and a message quotes no more of it.
MAX_DATE_LENGTH = 80


def read_date(text: str) -> PartialDate | None:
    """The date the text spells, at its precision; None for blank; PartialDateError when it spells none.

    A place before a comma is dropped ("Jakarta, 22-Apr-1992"); a day-first number date is read day first
    ("22/04/1992"), as Indonesia and most of the world write it.
    """
    text = " ".join(text.split()).casefold()
    if not text:
        return None
    candidates = [text] + [text[index + 1 :].strip() for index, char in enumerate(text) if char == ","]
    for candidate in candidates:
        found = _date_in(candidate)
        if found is not None:
            return found
    raise PartialDateError(
        _("“%(text)s” is not a date: write 2006, 2006-03, 2006-03-15 or 15-Mar-2006.", text=text[:MAX_DATE_LENGTH])
    )


def place_before_date(text: str) -> str:
    """The place written before a date, as written ("Nusa Dua, Bali" of "Nusa Dua, Bali, Rabu, 12 Oktober 2022"),
    without the weekday; "" when the text starts with the date or spells none."""
    words = " ".join(text.split())
    for index, char in enumerate(words):
        if char != ",":
            continue
        try:
            found = _date_in(words[index + 1 :].strip().casefold())
        except PartialDateError:
            return ""
        if found is not None:
            parts = [part.strip() for part in words[:index].split(",")]
            return ", ".join(parts[:-1] if parts[-1].casefold().replace("'", "") in WEEKDAYS else parts)
    return ""


def _date_in(text: str) -> PartialDate | None:
    """The date the whole text spells, or None when it spells none; PartialDateError for an impossible date."""
    moment = _ISO_MOMENT.match(text)
    if moment:
        text = moment.group(1)
    if match := _ISO.match(text):
        return _checked(*(int(part) if part else None for part in match.groups()))
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        return _checked(year, month, day)
    if (match := _DAY_MONTH_YEAR.match(text)) and match.group(2) in MONTHS:
        return _checked(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    if (match := _MONTH_DAY_YEAR.match(text)) and match.group(1) in MONTHS:
        return _checked(int(match.group(3)), MONTHS[match.group(1)], int(match.group(2)))
    if (match := _MONTH_YEAR.match(text)) and match.group(1) in MONTHS:
        return _checked(int(match.group(2)), MONTHS[match.group(1)], None)
    return None


def _checked(year: int, month: int | None, day: int | None) -> PartialDate:
    """The partial date, refused with the date rules' own message (PartialDateError) when it does not exist."""
    text = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    return PartialDate.parse(text)
