"""What a calendar feed says: each agreement's end as an all-day event, and review reminders before it.

An end known only to the year or the month is shown on its earliest possible day (as the expiring list
counts it), and every text says so: a reader must not take 1 January for the real day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale

from tracker.dates import PartialDate, Precision
from tracker.formatting import partial_date
from tracker.i18n import _, _n
from tracker.ics import AllDayEvent
from tracker.labels import label
from tracker.models import FollowUpAction
from tracker.queries.calendars import FeedEntry
from tracker.queries.expiring import add_months

# Builds the absolute URL of an agreement's page from its id.
LinkBuilder = Callable[[int], str]


def shown_on(day: date) -> str:
    """A day without its year, as the locale writes it: "1 Jan"."""
    return format_skeleton("MMMd", day, locale=get_locale())


def end_wording(end: PartialDate) -> str:
    """The end at its precision, saying which day stands for it: "2018 (year only: shown on 1 Jan)"."""
    if end.precision is Precision.YEAR:
        return str(_("%(date)s (year only: shown on %(day)s)", date=partial_date(end), day=shown_on(end.value)))
    if end.precision is Precision.MONTH:
        return str(_("%(date)s (month only: shown on %(day)s)", date=partial_date(end), day=shown_on(end.value)))
    return partial_date(end)


def description(entry: FeedEntry, url: str, reminder: str | None = None) -> str:
    """The lines every event of an agreement carries: end, parties, status, renewal, link."""
    agreement = entry.agreement
    lines = [
        agreement.title,
        str(_("Ends: %(when)s", when=end_wording(entry.end))),
        str(_("Parties: %(names)s", names="; ".join(party.name for party in entry.parties) or "—")),
        str(_("Status: %(status)s", status=label(agreement.status))),
        str(_("Renewal: %(renewal)s", renewal=label(agreement.renewal_intent))),
    ]
    if reminder:
        lines.append(reminder)
    lines.append(url)
    return "\n".join(lines)


def end_summary(entry: FeedEntry) -> str:
    """ "AITEC cooperation ends", or "... ends 2018 (year only: shown on 1 Jan)" when the day is not known."""
    title = entry.agreement.title
    if entry.end.precision is Precision.DAY:
        return str(_("%(title)s ends", title=title))
    return str(_("%(title)s ends %(when)s", title=title, when=end_wording(entry.end)))


def review_summary(entry: FeedEntry, months: int) -> str:
    """ "Review: AITEC cooperation ends in 6 months", with the end's precision when the day is not known."""
    text = str(
        _n(
            "Review: %(title)s ends in %(num)d month",
            "Review: %(title)s ends in %(num)d months",
            months,
            title=entry.agreement.title,
        )
    )
    if entry.end.precision is Precision.DAY:
        return text
    return str(_("%(review)s; ends %(when)s", review=text, when=end_wording(entry.end)))


def end_event(entry: FeedEntry, link: LinkBuilder, domain: str) -> AllDayEvent:
    """The all-day event on the agreement's end (its earliest possible day)."""
    agreement = entry.agreement
    url = link(agreement.id)
    return AllDayEvent(
        uid=f"agreement-{agreement.id}-end@{domain}",
        day=entry.end.value,
        summary=end_summary(entry),
        description=description(entry, url),
        url=url,
        modified=agreement.updated_at,
        sequence=agreement.version,
    )


def review_event(entry: FeedEntry, months: int, link: LinkBuilder, domain: str) -> AllDayEvent:
    """A reminder `months` before the end, to review the agreement while there is time to renew it."""
    agreement = entry.agreement
    url = link(agreement.id)
    reminder = str(
        _n("Review reminder: %(num)d month before the end.", "Review reminder: %(num)d months before the end.", months)
    )
    return AllDayEvent(
        uid=f"agreement-{agreement.id}-review-{months}m@{domain}",
        day=add_months(entry.end.value, -months),
        summary=review_summary(entry, months),
        description=description(entry, url, reminder),
        url=url,
        modified=agreement.updated_at,
        sequence=agreement.version,
    )


def due_wording(due: PartialDate) -> str:
    """The due date at its precision, saying which day stands for it, as `end_wording` does for an end."""
    return end_wording(due)


def action_event(action: FollowUpAction, link: LinkBuilder, domain: str) -> AllDayEvent:
    """An open follow-up action on its due date (its earliest possible day, as an end)."""
    due = action.due
    assert due is not None  # the feed shows dated actions only
    url = link(action.agreement_id)
    who = action.assignee.name or action.assignee.email if action.assignee else "—"
    lines = [
        action.title,
        str(_("Agreement: %(title)s", title=action.agreement.title)),
        str(_("Due: %(when)s", when=due_wording(due))),
        str(_("Assigned to: %(who)s", who=who)),
        *([action.note] if action.note else []),
        url,
    ]
    summary = str(_("Action: %(title)s (%(agreement)s)", title=action.title, agreement=action.agreement.title))
    return AllDayEvent(
        uid=f"action-{action.id}@{domain}",
        day=due.value,
        summary=summary,
        description="\n".join(lines),
        url=url,
        modified=action.updated_at,
        sequence=action.version,
    )


def action_events(actions: list[FollowUpAction], link: LinkBuilder, domain: str) -> list[AllDayEvent]:
    """The open follow-up actions of a feed's agreements, each on its due date."""
    return [action_event(action, link, domain) for action in actions]


def feed_events(entries: list[FeedEntry], lead_months: list[int], link: LinkBuilder, domain: str) -> list[AllDayEvent]:
    """The end of each agreement and its review reminders, in the order of the entries."""
    events: list[AllDayEvent] = []
    for entry in entries:
        events.append(end_event(entry, link, domain))
        events.extend(review_event(entry, months, link, domain) for months in lead_months)
    return events
