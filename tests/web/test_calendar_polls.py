"""Calendar feeds at scale (issue 19): bounded to a horizon and a limit that the feed names, written by the small
writer exactly as the icalendar library writes it, and cheap to poll (ETag, Last-Modified, 304, a cached body)."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest
from sqlalchemy import func, select

from tests.unit.test_ics import library_bytes
from tracker.feeds import feed_events
from tracker.models import Agreement, AgreementTerm, AutoRenewal, PartyRole
from tracker.queries.agreements import AgreementFilters
from tracker.queries.calendars import Horizon, feed_agreements, horizon_days
from tracker.queries.expiring import OPEN_STATUSES
from tracker.services.calendars import FeedData, create_feed
from tracker.services.terms import sync_terms

TODAY = date(2018, 1, 1)


@pytest.fixture
def token(session, make_user, feed_today) -> str:
    """A feed of every agreement with one reminder, fetched on TODAY."""
    feed_today(TODAY)
    _feed, secret = create_feed(session, make_user(), FeedData(name="All, of them", query="", lead_months=[6]))
    session.commit()
    return secret


def fetch(app, token: str, **headers):
    """The feed as a calendar app polls it."""
    return app.test_client().get(f"/calendar/{token}.ics", headers=headers)


def uids(response) -> set[str]:
    """The UIDs of the feed's events, parsed back with the icalendar library."""
    assert response.status_code == 200, response.text
    return {str(event["UID"]) for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def test_the_horizon_runs_from_90_days_back_to_3_years_ahead(app, token, make_agreement):
    inside = [make_agreement(title=f"In {end}", end=end) for end in ("2017-10-03", "2018-06-30", "2021-01-01")]
    for end in ("2017-10-02", "2021-01-02", "2010"):
        make_agreement(title=f"Out {end}", end=end)
    response = fetch(app, token)
    assert {uid for uid in uids(response) if uid.endswith("-end@localhost")} == {
        f"agreement-{agreement.id}-end@localhost" for agreement in inside
    }
    description = str(icalendar.Calendar.from_ical(response.data)["DESCRIPTION"])
    assert "whose date falls from 3 October 2017 to 1 January 2021" in description


def test_beyond_the_limit_an_event_and_the_description_name_how_many_more(app, token, make_agreement, monkeypatch):
    monkeypatch.setattr("tracker.queries.calendars.MAX_AGREEMENTS", 3)
    made = [make_agreement(title=f"Agreement {n}", end=f"2018-0{n + 1}-15") for n in range(5)]
    response = fetch(app, token)
    calendar = icalendar.Calendar.from_ical(response.data)
    ends = {str(event["UID"]) for event in calendar.walk("VEVENT") if str(event["UID"]).endswith("-end@localhost")}
    assert ends == {f"agreement-{agreement.id}-end@localhost" for agreement in made[:3]}  # the soonest
    more = next(event for event in calendar.walk("VEVENT") if "-more-agreements@" in str(event["UID"]))
    assert str(more["SUMMARY"]) == "2 more agreements in the tracker"
    assert more["DTSTART"].dt == date(2018, 3, 16)  # the day after the last one shown
    assert str(more["URL"]) == "http://localhost/agreements/"
    assert "the first 3 of 5 agreements" in str(calendar["DESCRIPTION"])


def test_the_feed_is_what_the_icalendar_library_writes_for_its_events(app, session, token, make_agreement, make_party):
    party = make_party(name="현대자동차, Ltd; Korea")
    for n in range(4):
        title = f'Kerja sama teknologi, tahap {n}; "AITEC"\n한국 전기차 협력 양해각서 — {n}단계' * (n + 1)
        make_agreement(title=title, end=f"2018-1{n % 3}-0{n + 1}", parties=[(party, PartyRole.SIGNATORY)])
    response = fetch(app, token)
    written = icalendar.Calendar.from_ical(response.data)
    with app.test_request_context():
        rows = feed_agreements(session, AgreementFilters(), TODAY, Horizon.around(TODAY)).rows
        events = feed_events(rows, [6], lambda key: f"http://localhost/agreements/{key}", "localhost")
    assert len(events) == 8
    assert response.data == library_bytes("All, of them", str(written["DESCRIPTION"]), events)


def feed_day(as_of: date):
    """The day every agreement goes by as of `as_of`, as `dated_entry` reckons it, in SQL reading each agreement's
    terms: the plain rule `horizon_days` must agree with."""
    terms = select(func.min(AgreementTerm.decision_on)).where(AgreementTerm.agreement_id == Agreement.id)
    running = terms.where(AgreementTerm.end_on >= as_of).scalar_subquery()
    last = select(func.max(AgreementTerm.decision_on)).where(AgreementTerm.agreement_id == Agreement.id)
    return func.coalesce(running, last.scalar_subquery(), Agreement.end_on)


def test_the_horizon_is_read_from_index_ranges_as_each_agreements_day_says(session, make_agreement):
    for n, (start, months, renews, notice) in enumerate(
        [("2014-01-01", 60, AutoRenewal.YES, 6), ("2015-03-01", 24, AutoRenewal.NO, 3), ("2016", 36, AutoRenewal.NO, 0)]
    ):
        sync_terms(
            session,
            make_agreement(
                title=f"Termed {n}",
                start=start,
                duration_months=months,
                auto_renewal=renews,
                notice_period=notice or None,
            ),
        )
    for end in ("2016-05-01", "2017-12-31", "2019", "2020-02", "2023-06-30", None):
        make_agreement(title=f"Plain {end}", end=end)
    session.commit()
    for day in (date(2016, 1, 1), date(2017, 6, 1), date(2018, 1, 1), date(2018, 9, 1), date(2019, 2, 1)):
        horizon = Horizon.around(day)
        days = horizon_days(day, horizon)
        fast = set(
            session.execute(
                select(days.c.agreement_id, days.c.day)
                .join(Agreement, Agreement.id == days.c.agreement_id)
                .where(Agreement.status.in_(OPEN_STATUSES))
            )
        )
        dated = select(Agreement.id, feed_day(day).label("day")).where(Agreement.status.in_(OPEN_STATUSES)).subquery()
        plain = set(session.execute(select(dated).where(dated.c.day >= horizon.since, dated.c.day <= horizon.until)))
        assert fast == plain, day
        assert fast


def test_a_poll_with_the_etag_or_after_last_modified_gets_304(app, token, make_agreement):
    make_agreement(title="EV MoU", end="2018-08-31")
    first = fetch(app, token)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = fetch(app, token, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "private, no-cache"
    since = fetch(app, token, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert fetch(app, token, **{"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_changes_with_a_write_and_a_new_day_not_with_a_read(app, session, token, make_agreement, client_as):
    agreement = make_agreement(title="EV MoU", end="2018-08-31")
    etag = fetch(app, token).headers["ETag"]
    assert client_as().get(f"/agreements/{agreement.id}").status_code == 200  # someone reads
    assert fetch(app, token).headers["ETag"] == etag
    agreement.title = "EV MoU (revised)"
    session.commit()
    changed = fetch(app, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "EV MoU (revised)" in changed.text


def test_a_new_day_moves_the_horizon_and_the_etag(app, token, make_agreement, feed_today):
    make_agreement(title="EV MoU", end="2018-08-31")
    etag = fetch(app, token).headers["ETag"]
    feed_today(date(2018, 1, 2))
    moved = fetch(app, token, **{"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert "from 4 October 2017" in str(icalendar.Calendar.from_ical(moved.data)["DESCRIPTION"])


def test_polls_cost_two_statements_and_a_written_feed_a_bounded_number(
    app, token, make_agreement, make_party, count_statements
):
    def add(first: int, last: int) -> None:
        for n in range(first, last):
            party = make_party(name=f"Party {n}")
            make_agreement(title=f"Agreement {n}", end=f"20{18 + n % 3}-06-30", parties=[(party, PartyRole.SIGNATORY)])

    add(0, 3)
    with count_statements() as statements:
        etag = fetch(app, token).headers["ETag"]
    few = len(statements)
    add(3, 30)
    with count_statements() as statements:
        etag = fetch(app, token).headers["ETag"]
    assert len(statements) == few
    with count_statements() as statements:
        assert fetch(app, token, **{"If-None-Match": etag}).status_code == 304
    assert len(queries(statements)) == 2  # the token, the data version
    with count_statements() as statements:
        assert fetch(app, token).status_code == 200  # the written body, from the cache
    assert len(queries(statements)) == 2


def queries(statements: list[str]) -> list[str]:
    """The statements that read (SQLite's explicit BEGIN aside)."""
    return [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
