"""When the page was published: the first date found in order of trust, with its time and zone when given."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.ingest.extract.text import clean

DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "parsely-pub-date", "sailthru.date",
)  # fmt: skip
ISO_DATETIME = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)


def parse_published(value: Any) -> datetime | date | None:
    """An aware datetime (time and zone given), a naive one (time without zone), a date, or None."""
    text = clean(value)
    if not text:
        return None
    parsed: datetime | date | None = None
    match = ISO_DATETIME.match(text)
    try:
        if match:
            parsed = _from_iso(match)
        elif re.search(r"\d{1,2}:\d{2}", text):
            parsed = parsedate_to_datetime(text)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    return parsed if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _from_iso(match: re.Match[str]) -> datetime | date:
    """The value of an ISO 8601 match."""
    year, month, day, hour, minute, second, zone = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day))
    tzinfo = None
    if zone and zone.upper() in ("Z", "UTC", "GMT"):
        tzinfo = UTC
    elif zone:
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        tzinfo = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tzinfo)


def _is_moment(value: datetime | date) -> bool:
    """Whether the value is a time of day with its zone."""
    return isinstance(value, datetime) and value.tzinfo is not None


def _local_day(value: datetime | date) -> date:
    """The day in the page's own time."""
    return value.date() if isinstance(value, datetime) else value


def publication(candidates: Iterable[Any]) -> tuple[date | None, datetime | None, int | None]:
    """(published_on, published_at in UTC, offset in minutes) from the first date found, in order of trust.

    A date without time is completed by a later candidate that gives the time on the same day.
    """
    parsed = [value for value in (parse_published(candidate) for candidate in candidates) if value is not None]
    if not parsed:
        return None, None, None
    first = parsed[0]
    if not _is_moment(first):
        first = next((v for v in parsed if _is_moment(v) and _local_day(v) == _local_day(first)), first)
    if not isinstance(first, datetime) or first.tzinfo is None:
        return _local_day(first), None, None
    offset = first.utcoffset() or timedelta(0)
    return first.date(), first.astimezone(UTC), int(offset.total_seconds() // 60)
