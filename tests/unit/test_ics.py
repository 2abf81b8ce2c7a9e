"""The feed's own iCalendar writer writes byte for byte what the icalendar library writes for the same events."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from tracker.ics import REFRESH, AllDayEvent, calendar_bytes, one_line, plain_lines


def library_event(event: AllDayEvent) -> icalendar.Event:
    """The VEVENT as the feed built it through the library before issue 19."""
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", event.modified)
    component.add("last-modified", event.modified)
    component.add("sequence", event.sequence)
    component.add("dtstart", event.day)
    component.add("dtend", event.day + timedelta(days=1))
    component.add("summary", one_line(event.summary))
    component.add("description", plain_lines(event.description))
    component.add("url", event.url)
    component.add("transp", "TRANSPARENT")
    return component


def library_bytes(name: str, description: str, events: list[AllDayEvent]) -> bytes:
    """The VCALENDAR as the library wrote it before issue 19: the reference the writer must match."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Cooperation Tracker//Expiry alerts//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", icalendar.vText(one_line(name)))
    calendar.add("x-wr-calname", icalendar.vText(one_line(name)))
    calendar.add("description", plain_lines(description))
    calendar.add("x-wr-caldesc", icalendar.vText(plain_lines(description)))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for event in events:
        calendar.add_component(library_event(event))
    return calendar.to_ical()


# Characters that matter to escaping and folding: escapes, separators, line breaks, 2-, 3- and 4-octet UTF-8.
ALPHABET = 'ab ,;\\^:"\n\r\té한—😀x' + "abcdefghij" * 3


def random_text(rng: random.Random, longest: int) -> str:
    """A text of up to `longest` characters drawn from ALPHABET."""
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def random_event(rng: random.Random, number: int) -> AllDayEvent:
    """An event with random texts and a random day and time."""
    return AllDayEvent(
        uid=f"agreement-{number}-term-{rng.randint(1, 9)}@localhost",
        day=date(2000, 1, 1) + timedelta(days=rng.randint(0, 20000)),
        summary=random_text(rng, 200),
        description=random_text(rng, 400),
        url=f"http://localhost/agreements/{number}" + "?a=b" * rng.randint(0, 30),
        modified=datetime(2018, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**9), microseconds=7),
        sequence=rng.randint(0, 50),
    )


@pytest.mark.parametrize("seed", range(20))
def test_the_writer_writes_what_the_library_writes(seed):
    rng = random.Random(seed)
    events = [random_event(rng, number) for number in range(30)]
    name, description = random_text(rng, 150), random_text(rng, 600)
    written = calendar_bytes(name, description, events)
    assert written == library_bytes(name, description, events)
    parsed = icalendar.Calendar.from_ical(written)
    assert [str(event["UID"]) for event in parsed.walk("VEVENT")] == [event.uid for event in events]


@pytest.mark.parametrize("length", range(60, 160))
def test_folding_at_every_length_around_the_limit(length):
    for filler in ("x", "한", "\\", "^", ";", "😀"):
        event = random_event(random.Random(length), length)
        event = AllDayEvent(
            **{**event.__dict__, "summary": (filler * length)[:length], "description": "é" + "x" * length}
        )
        written = calendar_bytes("Feed", "", [event])
        assert written == library_bytes("Feed", "", [event])
        assert all(len(line) <= 75 for line in written.split(b"\r\n"))
