"""When a schedule runs: "HH:MM" every day, "mon,thu HH:MM" on those days, "hourly :MM", or "off" — in the tracker's
time zone (TRACKER_TIMEZONE), read from the environment and checked at start (tracker/config.py).

Huey's crontab knows no time zone and its consumer asks with naive UTC minutes, so a schedule answers "is this UTC
minute one of mine?" by placing its local times on the calendar with zoneinfo. Around a clock change: a local time
the clock skips (02:30 on the spring-forward night in Europe/Amsterdam) runs when the clock has gone on by the gap
(03:30), a local time the clock passes twice (02:30 on the fall-back night) runs once, at the first; "hourly" runs
every real hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from babel.lists import format_list
from flask_babel import get_locale

from tracker.i18n import _

OFF = "off"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Python's weekday() order
FORMATS = "off, HH:MM (every day), mon HH:MM or mon,thu HH:MM (those days of the week), or hourly :MM"
AT_TIME = re.compile(r"(?:(?P<days>[a-z]+(?:\s*,\s*[a-z]+)*)\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})")
HOURLY = re.compile(r"hourly(?:\s+:(?P<minute>\d{2}))?")
MINUTE = timedelta(minutes=1)
WEEK = 7


@dataclass(frozen=True)
class Cadence:
    """Local times a schedule runs at: a minute of every hour, or a time of day on some (or all) days."""

    minute: int
    hour: int | None = None  # None: every hour
    days: frozenset[int] | None = None  # weekday numbers, Monday 0; None: every day


def zone(name: str) -> ZoneInfo:
    """The IANA time zone of that name; ValueError saying what to write otherwise."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(
            f"TRACKER_TIMEZONE must be an IANA time zone name such as Asia/Jakarta or Europe/Amsterdam, not {name!r}."
        ) from error


def parse(setting: str, text: str) -> Cadence | None:
    """The cadence `text` writes, None for "off"; ValueError naming the setting and the formats otherwise."""
    written = " ".join(text.strip().lower().split())
    if written == OFF:
        return None
    try:
        return _parsed(written)
    except ValueError as error:
        raise ValueError(f"{setting}={text!r} is not a schedule ({error}): write {FORMATS}.") from error


def _parsed(written: str) -> Cadence:
    """The cadence of a normalised text; ValueError saying what is wrong."""
    hourly = HOURLY.fullmatch(written)
    if hourly:
        return Cadence(minute=_number(hourly["minute"] or "0", 59, "minute"))
    at = AT_TIME.fullmatch(written)
    if not at:
        raise ValueError("unknown format")
    days = None
    if at["days"]:
        names = [name.strip() for name in at["days"].split(",")]
        unknown = [name for name in names if name not in DAYS]
        if unknown:
            raise ValueError(f"unknown day {unknown[0]!r}; days are {', '.join(DAYS)}")
        days = frozenset(DAYS.index(name) for name in names)
    return Cadence(minute=_number(at["minute"], 59, "minute"), hour=_number(at["hour"], 23, "hour"), days=days)


def _number(digits: str, highest: int, what: str) -> int:
    """A number from 0 to `highest`."""
    value = int(digits)
    if value > highest:
        raise ValueError(f"the {what} must be 0 to {highest}")
    return value


# --- the calendar ------------------------------------------------------------------------------------


def aware(moment: datetime) -> datetime:
    """The moment in UTC, to the minute; a naive moment (Huey's consumer) is UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(second=0, microsecond=0)


def runs_on(cadence: Cadence, day: date, where: tzinfo) -> datetime | None:
    """When, in UTC, a daily or weekly cadence runs on that local day, if it runs that day."""
    if cadence.days is not None and day.weekday() not in cadence.days:
        return None
    # fold=0: a skipped local time lands after the gap, a repeated one at its first occurrence.
    return datetime.combine(day, time(cadence.hour or 0, cadence.minute), tzinfo=where).astimezone(UTC)


def _runs_around(cadence: Cadence, moment: datetime, where: tzinfo, before: int, after: int) -> list[datetime]:
    """The runs of a daily or weekly cadence on the local days around `moment`, in order."""
    today = moment.astimezone(where).date()
    days = (today + timedelta(days=offset) for offset in range(-before, after + 1))
    return sorted(run for run in (runs_on(cadence, day, where) for day in days) if run is not None)


def is_due(cadence: Cadence, moment: datetime, where: tzinfo) -> bool:
    """Whether the cadence runs in the minute of `moment` (the check Huey's consumer makes every minute)."""
    minute = aware(moment)
    if cadence.hour is None:
        return minute.astimezone(where).minute == cadence.minute
    return minute in _runs_around(cadence, minute, where, 1, 1)


def next_run(cadence: Cadence, after: datetime, where: tzinfo) -> datetime:
    """The first run strictly after `after`, in UTC."""
    minute = aware(after)
    if cadence.hour is None:
        return next(minute + MINUTE * step for step in range(1, 61) if is_due(cadence, minute + MINUTE * step, where))
    return next(run for run in _runs_around(cadence, minute, where, 1, WEEK + 1) if run > after)


def last_run(cadence: Cadence, at: datetime, where: tzinfo) -> datetime:
    """The latest run at or before `at`, in UTC: the slot a run started at `at` belongs to."""
    minute = aware(at)
    if cadence.hour is None:
        return next(minute - MINUTE * step for step in range(60) if is_due(cadence, minute - MINUTE * step, where))
    return [run for run in _runs_around(cadence, minute, where, WEEK + 1, 1) if run <= minute][-1]


# --- in words -------------------------------------------------------------------------------------


def words(cadence: Cadence | None) -> str:
    """ "Every day at 02:30", "Every Monday and Thursday at 07:00", "Every hour at minute 15", "Off"."""
    if cadence is None:
        return str(_("Off"))
    if cadence.hour is None:
        return str(_("Every hour at minute %(minute)s", minute=f"{cadence.minute:02d}"))
    clock = f"{cadence.hour:02d}:{cadence.minute:02d}"
    if cadence.days is None or len(cadence.days) == WEEK:
        return str(_("Every day at %(time)s", time=clock))
    locale = get_locale() or "en"
    names = get_day_names("wide", locale=locale)
    days = format_list([names[day] for day in sorted(cadence.days)], locale=locale)
    return str(_("Every %(days)s at %(time)s", days=days, time=clock))
