"""What a calendar feed says: each agreement's date as an all-day event, and review reminders before it.

An agreement's date is the one the expiring list goes by (queries/expiring.py `dated_entry`): the decision date of
its current term (the last day to give notice) where its terms give a notice period, else its end; the event says
which ("Decision due: notice must be given by …" or "Ends: …"), and the reminders count back from it. An end known
only to the year or the month is shown on its earliest possible day (as the expiring list counts it), and every
text says so: a reader must not take 1 January for the real day.

UIDs: an agreement without terms keeps `agreement-<id>-end`; with terms, its events are those of its current term
(`agreement-<id>-term-<n>`), so an edit of the agreement or its notice updates the same events in calendar apps
(SEQUENCE is the agreement's version), and the next term's events are new ones once it is current.

A feed holds what falls within its horizon (queries/calendars.py `Horizon`), at most so many agreements and actions:
when the horizon holds more, an event the day after the last one shown says how many more there are and links to
the query in the tracker (`more_event`), and the calendar's description says so too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale

from tracker.dates import PartialDate, Precision, add_months
from tracker.formatting import full_date, partial_date
from tracker.i18n import _, _n
from tracker.ics import AllDayEvent
from tracker.labels import label
from tracker.models import FollowUpAction
from tracker.queries.expiring import ExpiringAgreement
from tracker.termwords import term_end_text

# Builds the absolute URL of an agreement's page from its id.
LinkBuilder = Callable[[int], str]


def shown_on(day: date) -> str:
    """A day without its year, as the locale writes it: "1 Jan"."""
    return format_skeleton("MMMd", day, locale=get_locale())


def end_wording(end: PartialDate, day: date | None = None) -> str:
    """The end at its precision, saying which day stands for it (`day`, else its earliest possible day):
    "2018 (year only: shown on 1 Jan)"."""
    shown = day or end.value
    if end.precision is Precision.YEAR:
        return str(_("%(date)s (year only: shown on %(day)s)", date=partial_date(end), day=shown_on(shown)))
    if end.precision is Precision.MONTH:
        return str(_("%(date)s (month only: shown on %(day)s)", date=partial_date(end), day=shown_on(shown)))
    return partial_date(end)


def date_line(entry: ExpiringAgreement) -> str:
    """Which date the agreement's events go by: "Decision due: notice must be given by 1 July 2018; current term
    ends 31 December 2018", or "Ends: 31 October 2018"."""
    if entry.notice_due:
        assert entry.term is not None  # a notice is due only before a term's end
        return str(
            _(
                "Decision due: notice must be given by %(day)s; current term ends %(end)s",
                day=full_date(entry.day),
                end=term_end_text(entry.term),
            )
        )
    return str(_("Ends: %(when)s", when=end_wording(entry.end, entry.day)))


# Phrases already translated while writing one feed, by what they depend on: a feed of a thousand agreements says
# "Status: In force" a thousand times, and each translation looks up the locale and the catalogue afresh.
Phrases = dict[tuple, str]


def phrase(memo: Phrases, key: tuple, make: Callable[[], object]) -> str:
    """The phrase for `key`, translated once per feed."""
    if key not in memo:
        memo[key] = str(make())
    return memo[key]


def facts(entry: ExpiringAgreement, memo: Phrases | None = None) -> list[str]:
    """The lines every event of an agreement opens with: its title, date, parties, status, renewal (written once per
    agreement: its end and each reminder share them)."""
    agreement, memo = entry.agreement, {} if memo is None else memo
    status, renewal = agreement.status, agreement.renewal_intent
    return [
        agreement.title,
        date_line(entry),
        str(_("Parties: %(names)s", names="; ".join(party.name for party in entry.parties) or "—")),
        phrase(memo, ("status", status), lambda: _("Status: %(status)s", status=label(status))),
        phrase(memo, ("renewal", renewal), lambda: _("Renewal: %(renewal)s", renewal=label(renewal))),
    ]


def description(entry: ExpiringAgreement, url: str, reminder: str | None = None, known: list[str] | None = None) -> str:
    """The lines every event of an agreement carries (`known`: its `facts` when already written), then the reminder
    if any, then the link."""
    return "\n".join([*(known if known is not None else facts(entry)), *([reminder] if reminder else []), url])


def end_summary(entry: ExpiringAgreement) -> str:
    """ "AITEC cooperation ends", "... ends 2018 (year only: shown on 1 Jan)" when the day is not known, or
    "Decision due: AITEC cooperation" on a decision date."""
    title = entry.agreement.title
    if entry.notice_due:
        return str(_("Decision due: %(title)s", title=title))
    if entry.end.precision is Precision.DAY:
        return str(_("%(title)s ends", title=title))
    return str(_("%(title)s ends %(when)s", title=title, when=end_wording(entry.end, entry.day)))


def review_summary(entry: ExpiringAgreement, months: int) -> str:
    """ "Review: AITEC cooperation ends in 6 months", with the end's precision when the day is not known, or
    "Review: decision on AITEC cooperation due in 6 months"."""
    title = entry.agreement.title
    if entry.notice_due:
        return str(
            _n(
                "Review: decision on %(title)s due in %(num)d month",
                "Review: decision on %(title)s due in %(num)d months",
                months,
                title=title,
            )
        )
    text = str(
        _n("Review: %(title)s ends in %(num)d month", "Review: %(title)s ends in %(num)d months", months, title=title)
    )
    if entry.end.precision is Precision.DAY:
        return text
    return str(_("%(review)s; ends %(when)s", review=text, when=end_wording(entry.end, entry.day)))


def uid_stem(entry: ExpiringAgreement) -> str:
    """ "agreement-7", or "agreement-7-term-3" for the events of an agreement's current term."""
    stem = f"agreement-{entry.agreement.id}"
    return f"{stem}-term-{entry.term.number}" if entry.term else stem


def end_event(entry: ExpiringAgreement, link: LinkBuilder, domain: str, known: list[str] | None = None) -> AllDayEvent:
    """The all-day event on the agreement's date: its decision date, or its end (its earliest possible day)."""
    agreement = entry.agreement
    url = link(agreement.id)
    return AllDayEvent(
        uid=f"{uid_stem(entry)}@{domain}" if entry.term else f"{uid_stem(entry)}-end@{domain}",
        day=entry.day,
        summary=end_summary(entry),
        description=description(entry, url, known=known),
        url=url,
        modified=agreement.updated_at,
        sequence=agreement.version,
    )


def review_event(
    entry: ExpiringAgreement,
    months: int,
    link: LinkBuilder,
    domain: str,
    known: list[str] | None = None,
    memo: Phrases | None = None,
) -> AllDayEvent:
    """A reminder `months` before the agreement's date, to review it while there is time to decide or renew."""
    agreement = entry.agreement
    url = link(agreement.id)
    reminder = phrase(
        {} if memo is None else memo, ("reminder", months, entry.notice_due), lambda: reminder_note(entry, months)
    )
    return AllDayEvent(
        uid=f"{uid_stem(entry)}-review-{months}m@{domain}",
        day=add_months(entry.day, -months),
        summary=review_summary(entry, months),
        description=description(entry, url, reminder, known),
        url=url,
        modified=agreement.updated_at,
        sequence=agreement.version,
    )


def reminder_note(entry: ExpiringAgreement, months: int) -> object:
    """ "Review reminder: 6 months before the end." (or before the decision date)."""
    if entry.notice_due:
        return _n(
            "Review reminder: %(num)d month before the decision date.",
            "Review reminder: %(num)d months before the decision date.",
            months,
        )
    return _n(
        "Review reminder: %(num)d month before the end.", "Review reminder: %(num)d months before the end.", months
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


def feed_events(
    entries: list[ExpiringAgreement], lead_months: list[int], link: LinkBuilder, domain: str
) -> list[AllDayEvent]:
    """The date of each agreement and its review reminders, in the order of the entries."""
    events: list[AllDayEvent] = []
    memo: Phrases = {}
    for entry in entries:
        known = facts(entry, memo)
        events.append(end_event(entry, link, domain, known))
        events.extend(review_event(entry, months, link, domain, known, memo) for months in lead_months)
    return events


def more_event(uid: str, summary: str, after: date, url: str, today: date) -> AllDayEvent:
    """The event the day after the last one shown saying how many more the tracker holds, linking to them: a feed
    that stops at its limit must not look complete."""
    note = str(_("The calendar shows only the first ones; the tracker lists all."))
    return AllDayEvent(
        uid=uid,
        day=after + timedelta(days=1),
        summary=summary,
        description="\n".join([summary, note, url]),
        url=url,
        modified=datetime.combine(today, time(0), tzinfo=UTC),
    )


def more_agreements_summary(count: int) -> str:
    """ "12 more agreements in the tracker"."""
    return str(_n("%(num)d more agreement in the tracker", "%(num)d more agreements in the tracker", count))


def more_actions_summary(count: int) -> str:
    """ "3 more actions in the tracker"."""
    return str(_n("%(num)d more action in the tracker", "%(num)d more actions in the tracker", count))
