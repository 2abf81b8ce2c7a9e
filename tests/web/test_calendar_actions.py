"""Calendar feeds with follow-up actions: the option adds the open dated actions of the feed's agreements."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import sign_in_client
from tracker.dates import PartialDate
from tracker.models import ActionStatus, CalendarFeed, FollowUpAction, UserRole
from tracker.services.calendars import FeedData, create_feed


@pytest.fixture(autouse=True)
def in_2027(feed_today):
    """The feeds here are fetched on 1 January 2027: their horizon runs to 1 January 2030."""
    feed_today(date(2027, 1, 1))


def feed_of(session, user, query: str = "", include_actions: bool = True) -> str:
    """A committed feed of the user; returns its token."""
    data = FeedData(name="Work", query=query, lead_months=[], include_actions=include_actions)
    _feed, token = create_feed(session, user, data)
    session.commit()
    return token


def events(app, token: str) -> dict[str, icalendar.Event]:
    """The feed's events by UID."""
    response = app.test_client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200, response.text
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def action(session, agreement, title: str, due: str | None, **fields) -> FollowUpAction:
    """A committed action."""
    made = FollowUpAction(agreement=agreement, title=title, **fields)
    made.due = PartialDate.parse(due) if due else None
    session.add(made)
    session.commit()
    return made


def test_the_option_adds_open_dated_actions_on_their_due_dates(app, session, make_agreement, make_user):
    officer = make_user(UserRole.VIEWER, email="officer@kemenperin.example")
    agreement = make_agreement(title="AITEC technology cooperation", end="2030")
    meeting = action(session, agreement, "Joint working group meeting", "2027-03-15", assignee=officer)
    report = action(session, agreement, "Annual report", "2027-06")
    action(session, agreement, "Some day", None)
    action(session, agreement, "Done already", "2027-01-01", status=ActionStatus.DONE)
    found = events(app, feed_of(session, officer))
    host = "localhost"
    assert set(found) == {
        f"agreement-{agreement.id}-end@{host}",
        f"action-{meeting.id}@{host}",
        f"action-{report.id}@{host}",
    }
    event = found[f"action-{meeting.id}@{host}"]
    assert event["DTSTART"].dt == date(2027, 3, 15)
    assert "Joint working group meeting" in str(event["SUMMARY"]) and "AITEC" in str(event["SUMMARY"])
    assert "officer@kemenperin.example" in str(event["DESCRIPTION"])
    month_only = found[f"action-{report.id}@{host}"]
    assert month_only["DTSTART"].dt == date(2027, 6, 1) and "month only" in str(month_only["DESCRIPTION"])
    assert set(events(app, feed_of(session, officer, include_actions=False))) == {
        f"agreement-{agreement.id}-end@{host}"
    }


def test_actions_outside_the_horizon_stay_out_and_beyond_the_limit_are_counted(
    app, session, make_agreement, make_user, monkeypatch
):
    monkeypatch.setattr("tracker.queries.calendars.MAX_ACTIONS", 2)
    officer = make_user(UserRole.VIEWER)
    agreement = make_agreement(title="AITEC technology cooperation", end="2029")
    due = [action(session, agreement, f"Step {n}", f"2027-0{n + 1}-10") for n in range(4)]
    action(session, agreement, "Long overdue", "2026-09-01")  # more than 90 days before 1 January 2027
    action(session, agreement, "Far ahead", "2030-02-01")  # more than three years ahead
    found = events(app, feed_of(session, officer))
    assert {uid for uid in found if uid.startswith("action-")} == {f"action-{made.id}@localhost" for made in due[:2]}
    [more] = [event for uid, event in found.items() if "-more-actions@" in uid]
    assert str(more["SUMMARY"]) == "2 more actions in the tracker" and more["DTSTART"].dt == date(2027, 2, 11)


def test_owner_me_in_a_feed_is_the_feed_owner(app, session, make_agreement, make_user):
    officer = make_user(UserRole.VIEWER)
    mine = make_agreement(title="Mine", end="2030", owner=officer)
    make_agreement(title="Not mine", end="2030")
    assert set(events(app, feed_of(session, officer, query="owner=me"))) == {f"agreement-{mine.id}-end@localhost"}


def test_the_new_calendar_form_offers_the_option(app, session, make_user):
    user = make_user(UserRole.VIEWER)
    client = sign_in_client(app.test_client(), user)
    response = client.post(
        "/account/calendars/new", data={"name": "Work", "query": "", "lead_months": "6", "include_actions": "y"}
    )
    assert response.status_code == 200
    session.rollback()
    assert session.scalars(select(CalendarFeed.include_actions)).one() is True
