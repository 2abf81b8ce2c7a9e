"""Calendar feeds by decision date (issue 15): an agreement whose terms give a notice period is on the last day to
give notice in its current term, says so, and counts its reminders back from it; UIDs stay per agreement and term."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest

from tracker.feeds import feed_events
from tracker.models import AutoRenewal, NoticeUnit
from tracker.queries.agreements import AgreementFilters
from tracker.queries.calendars import Horizon, feed_agreements
from tracker.services.calendars import FeedData, create_feed
from tracker.services.terms import sync_terms

MOU = "Nota Kesepahaman kerja sama industri; MoU on industrial cooperation"


@pytest.fixture
def termed(session, make_agreement):
    """An agreement with terms, written out as every save writes them: termed(start="2014-01-01", ...)."""

    def make(title: str = MOU, **fields):
        agreement = make_agreement(title=title, **fields)
        sync_terms(session, agreement)
        session.commit()
        return agreement

    return make


def feed(app, session, user, lead_months: list[int]) -> dict[str, icalendar.Event]:
    """The events of a new feed of every agreement, fetched as a calendar app fetches it, by UID."""
    _feed, token = create_feed(session, user, FeedData(name="Decisions", query="", lead_months=lead_months))
    session.commit()
    response = app.test_client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200, response.text
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def as_of(app, session, day: date, lead_months: list[int] = ()) -> dict[str, icalendar.Event]:
    """The events a feed of every agreement holds when fetched on `day`, by UID (rendered as the view does)."""
    with app.test_request_context():
        entries = feed_agreements(session, AgreementFilters(), day, Horizon.around(day)).rows
        events = feed_events(entries, list(lead_months), lambda key: f"http://localhost/agreements/{key}", "localhost")
    return {event.uid: event for event in events}


def lines(event) -> list[str]:
    """The description's lines."""
    return str(event["DESCRIPTION"] if isinstance(event, icalendar.Event) else event.description).splitlines()


def test_a_notice_deadline_is_the_event_and_says_which_date_it_is(
    app, session, termed, make_agreement, make_user, feed_today
):
    feed_today(date(2018, 1, 1))
    # "Ends 31 December 2018 unless six months' notice": the last day to give notice is 1 July 2018, whatever today is.
    mou = termed(end="2018-12-31", notice_period=6, duration_months=None)
    plain = make_agreement(title="Technology development cooperation", end="2018")
    found = feed(app, session, make_user(), lead_months=[6])
    event = found[f"agreement-{mou.id}-term-1@localhost"]
    assert event["DTSTART"].dt == date(2018, 7, 1)
    assert str(event["SUMMARY"]) == f"Decision due: {MOU}"
    assert lines(event)[1] == "Decision due: notice must be given by 1 July 2018; current term ends 31 December 2018"
    reminder = found[f"agreement-{mou.id}-term-1-review-6m@localhost"]
    assert reminder["DTSTART"].dt == date(2018, 1, 1)  # counted back from the decision date, not the end
    assert str(reminder["SUMMARY"]) == f"Review: decision on {MOU} due in 6 months"
    assert "Review reminder: 6 months before the decision date." in lines(reminder)
    # An agreement without terms is on its end, as before, under the same UIDs.
    assert lines(found[f"agreement-{plain.id}-end@localhost"])[1] == "Ends: 2018 (year only: shown on 1 Jan)"
    assert f"agreement-{plain.id}-review-6m@localhost" in found


def test_an_auto_renewing_agreement_without_a_recorded_end_is_in_the_feed(app, session, termed, make_user, feed_today):
    feed_today(date(2033, 1, 1))  # the decision in 2034 is within the three years ahead
    mou = termed(
        start="2030-01-01",
        duration_months=60,
        auto_renewal=AutoRenewal.YES,
        notice_period=90,
        notice_unit=NoticeUnit.DAYS,
    )
    found = feed(app, session, make_user(), lead_months=[])
    event = found[f"agreement-{mou.id}-term-1@localhost"]
    assert event["DTSTART"].dt == date(2034, 10, 3)  # 90 days before the day after 31 December 2034
    assert lines(event)[1] == "Decision due: notice must be given by 3 October 2034; current term ends 31 December 2034"


def test_each_term_has_its_own_events_and_an_edit_updates_them(app, session, termed):
    mou = termed(start="2014-01-01", duration_months=60, auto_renewal=AutoRenewal.YES, notice_period=6)
    first = as_of(app, session, date(2018, 1, 1), lead_months=[3])
    assert {uid: event.day for uid, event in first.items()} == {
        f"agreement-{mou.id}-term-1@localhost": date(2018, 7, 1),
        f"agreement-{mou.id}-term-1-review-3m@localhost": date(2018, 4, 1),
    }
    # The term still runs after its decision date: the same event stays, the decision now overdue.
    assert set(as_of(app, session, date(2018, 9, 29))) == {f"agreement-{mou.id}-term-1@localhost"}
    # More than 90 days overdue, it leaves the calendar's horizon (the expiring list still has it).
    assert set(as_of(app, session, date(2018, 12, 31))) == set()
    # Once the second term is current, its events are new ones: a calendar keeps the first term's as history.
    assert set(as_of(app, session, date(2019, 1, 1))) == set()  # its decision is more than three years ahead
    second = as_of(app, session, date(2020, 8, 1))
    assert {uid: event.day for uid, event in second.items()} == {
        f"agreement-{mou.id}-term-2@localhost": date(2023, 7, 1)
    }
    assert lines(second[f"agreement-{mou.id}-term-2@localhost"])[1] == (
        "Decision due: notice must be given by 1 July 2023; current term ends 31 December 2023"
    )
    # A shorter notice moves the decision: the same UID, a higher SEQUENCE, so calendar apps update the event.
    mou.notice_period = 3
    sync_terms(session, mou)
    session.commit()
    moved = as_of(app, session, date(2018, 1, 1))[f"agreement-{mou.id}-term-1@localhost"]
    assert moved.day == date(2018, 10, 1) and moved.sequence > first[f"agreement-{mou.id}-term-1@localhost"].sequence


def test_a_term_known_to_the_year_says_so(app, session, termed):
    # Started "2014" for five years: the term ends in 2018 at the earliest; notice is due by 1 July 2018 wherever
    # in 2014 it started.
    with_notice = termed(title="Kerja sama teknologi", start="2014", duration_months=60, notice_period=6)
    without = termed(title="Textile LoI", start="2014", duration_months=60)
    found = as_of(app, session, date(2017, 10, 4))
    decision = found[f"agreement-{with_notice.id}-term-1@localhost"]
    assert decision.day == date(2018, 7, 1)
    assert lines(decision)[1] == (
        "Decision due: notice must be given by 1 July 2018; current term ends 2018; end known only to the year"
    )
    # Without a notice period the term's end is the event, shown on its earliest possible day and saying so.
    end = found[f"agreement-{without.id}-term-1@localhost"]
    assert end.day == date(2018, 12, 31)
    assert end.summary == "Textile LoI ends 2018 (year only: shown on 31 Dec)"
    assert lines(end)[1] == "Ends: 2018 (year only: shown on 31 Dec)"
