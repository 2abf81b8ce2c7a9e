"""Writing iCalendar (RFC 5545) files: the one module that knows the format, through the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar

PRODUCT_ID = "-//Cooperation Tracker//Expiry alerts//EN"
# How often calendar apps should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and the older X- name).
REFRESH = timedelta(hours=12)


@dataclass(frozen=True)
class AllDayEvent:
    """One all-day event: a day, what to call it, and the link back to the record it is about."""

    uid: str
    day: date
    summary: str
    description: str
    url: str
    # When the record behind the event last changed, and how often it did: calendar apps update on these.
    modified: datetime
    sequence: int = 0


def one_line(text: str) -> str:
    """Text for a one-line property: a title holding line breaks would otherwise break the summary."""
    return " ".join(text.split())


def plain_lines(text: str) -> str:
    """Line breaks as bare LF, which the library escapes as \\n; a stray CR would survive as a raw byte."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def event_component(event: AllDayEvent) -> icalendar.Event:
    """The VEVENT of an all-day event: DTEND is the next day, since RFC 5545 ends are exclusive."""
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
    component.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it must not show the day as busy
    return component


def calendar_bytes(name: str, description: str, events: Iterable[AllDayEvent]) -> bytes:
    """A VCALENDAR holding the events, as the UTF-8 bytes a calendar app subscribes to."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # The library types only the properties it knows: the others are typed here, so that they are escaped.
    calendar.add("name", icalendar.vText(one_line(name)))
    calendar.add("x-wr-calname", icalendar.vText(one_line(name)))
    calendar.add("description", plain_lines(description))
    calendar.add("x-wr-caldesc", icalendar.vText(plain_lines(description)))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for event in events:
        calendar.add_component(event_component(event))
    return calendar.to_ical()
