"""Calendar feeds of expiries: the iCalendar parsed back, saved queries, secret URLs, revoking, the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote

import icalendar
import pytest
from sqlalchemy import select

from tests.conftest import sign_in_client
from tracker.errors import NotFoundError, StateError, ValidationError
from tracker.models import AgreementStatus, CalendarFeed, PartyKind, PartyRole, RenewalIntent, UserRole, utcnow
from tracker.services.agreements import archive_agreement
from tracker.services.calendars import FeedData, create_feed, normalize_query, parse_lead_months, revoke_feed

TOKEN_IN_PAGE = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture(autouse=True)
def in_2018(feed_today):
    """The feeds here are fetched on 1 January 2018: their horizon runs from October 2017 to January 2021."""
    feed_today(date(2018, 1, 1))


@pytest.fixture
def owner(make_user):
    """The viewer who owns the feeds: the least role may read every agreement."""
    return make_user(UserRole.VIEWER, email="officer@kemenperin.example")


@pytest.fixture
def make_feed(session, owner):
    """Create a feed and return its secret token: make_feed(query="country=KR", lead_months=[6])."""

    def make(query: str = "", lead_months: list[int] | None = None, name: str = "Expiries", user=None) -> str:
        data = FeedData(name=name, query=query, lead_months=[12, 6, 3] if lead_months is None else lead_months)
        _feed, token = create_feed(session, user or owner, data)
        session.commit()
        return token

    return make


def fetch(app, token: str):
    """The feed as a calendar app gets it: no session, no cookie."""
    return app.test_client().get(f"/calendar/{token}.ics")


def events(response) -> dict[str, icalendar.Event]:
    """The feed's events by UID, parsed back with the icalendar library."""
    assert response.status_code == 200, response.text
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def day(event: icalendar.Event, name: str = "DTSTART") -> date:
    """An all-day event's date property."""
    value = event[name].dt
    assert type(value) is date, f"{name} is not an all-day date: {value!r}"
    return value


# --- the feed --------------------------------------------------------------------------------------


def test_each_end_is_an_all_day_event_with_parties_status_renewal_and_link(app, make_feed, make_agreement, make_party):
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    ministry = make_party(name="Ministry of Industry")
    agreement = make_agreement(
        title="Technology development cooperation",
        end="2018-10-31",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
    )
    response = fetch(app, make_feed(lead_months=[]))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    found = events(response)
    assert list(found) == [f"agreement-{agreement.id}-end@localhost"]
    event = found[f"agreement-{agreement.id}-end@localhost"]
    assert day(event) == date(2018, 10, 31) and day(event, "DTEND") == date(2018, 11, 1)
    assert str(event["SUMMARY"]) == "Technology development cooperation ends"
    url = f"http://localhost/agreements/{agreement.id}"
    assert str(event["URL"]) == url
    assert str(event["DESCRIPTION"]).splitlines() == [
        "Technology development cooperation",
        "Ends: 31 October 2018",
        "Parties: AITEC Co., Ltd; Ministry of Industry",
        "Status: In force",
        "Renewal: Renewal intended",
        url,
    ]


def test_review_reminders_at_each_lead_time_with_stable_uids(app, make_feed, make_agreement):
    agreement = make_agreement(title="EV MoU", end="2018-08-31")
    found = events(fetch(app, make_feed(lead_months=[12, 6, 3])))
    reminders = {uid: event for uid, event in found.items() if "-review-" in uid}
    assert {uid: day(event) for uid, event in reminders.items()} == {
        f"agreement-{agreement.id}-review-12m@localhost": date(2017, 8, 31),
        f"agreement-{agreement.id}-review-6m@localhost": date(2018, 2, 28),  # clamped to the month's end
        f"agreement-{agreement.id}-review-3m@localhost": date(2018, 5, 31),
    }
    six = reminders[f"agreement-{agreement.id}-review-6m@localhost"]
    assert str(six["SUMMARY"]) == "Review: EV MoU ends in 6 months"
    assert "Review reminder: 6 months before the end." in str(six["DESCRIPTION"])
    assert str(six["URL"]) == f"http://localhost/agreements/{agreement.id}"


def test_uids_stay_the_same_when_the_agreement_changes(app, session, make_feed, make_agreement):
    agreement = make_agreement(title="EV MoU", end="2018-08-31")
    token = make_feed(lead_months=[6])
    before = events(fetch(app, token))
    agreement.title = "EV MoU (revised)"
    session.commit()
    after = events(fetch(app, token))
    assert set(before) == set(after)
    uid = f"agreement-{agreement.id}-end@localhost"
    assert str(after[uid]["SUMMARY"]) == "EV MoU (revised) ends"
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]


def test_year_only_end_is_shown_on_1_january_and_says_so(app, make_feed, make_agreement):
    agreement = make_agreement(title="AITEC cooperation", start="2006", end="2018")
    found = events(fetch(app, make_feed(lead_months=[6])))
    end = found[f"agreement-{agreement.id}-end@localhost"]
    assert day(end) == date(2018, 1, 1)
    assert str(end["SUMMARY"]) == "AITEC cooperation ends 2018 (year only: shown on 1 Jan)"
    assert "Ends: 2018 (year only: shown on 1 Jan)" in str(end["DESCRIPTION"]).splitlines()
    reminder = found[f"agreement-{agreement.id}-review-6m@localhost"]
    assert day(reminder) == date(2017, 7, 1)
    assert (
        str(reminder["SUMMARY"]) == "Review: AITEC cooperation ends in 6 months; ends 2018 (year only: shown on 1 Jan)"
    )


def test_month_only_end_is_shown_on_the_first_of_the_month_and_says_so(app, make_feed, make_agreement):
    agreement = make_agreement(title="Textile LoI", end="2019-03")
    end = events(fetch(app, make_feed(lead_months=[])))[f"agreement-{agreement.id}-end@localhost"]
    assert day(end) == date(2019, 3, 1)
    assert str(end["SUMMARY"]) == "Textile LoI ends March 2019 (month only: shown on 1 Mar)"


TRICKY_TITLE = 'Kerja sama teknologi, tahap 2; "AITEC"\n한국 전기차 협력 양해각서 — 2단계'


def test_titles_with_commas_semicolons_line_breaks_and_korean_survive(app, make_feed, make_agreement, make_party):
    party = make_party(name="현대자동차, Ltd; Korea", kind=PartyKind.COMPANY, country_code="KR")
    agreement = make_agreement(title=TRICKY_TITLE, end="2018-10-31", parties=[(party, PartyRole.SIGNATORY)])
    response = fetch(app, make_feed(lead_months=[3]))
    raw = response.data
    assert rb"teknologi\, tahap 2\; " in raw and rb'"AITEC"\n' in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "content lines are folded at 75 octets"
    raw.decode("utf-8")  # folding never splits a multi-byte character
    event = events(response)[f"agreement-{agreement.id}-end@localhost"]
    description = str(event["DESCRIPTION"])
    assert description.startswith(TRICKY_TITLE + "\n")
    assert "Parties: 현대자동차, Ltd; Korea" in description
    # A summary is one line: the title's line break becomes a space there.
    assert str(event["SUMMARY"]) == TRICKY_TITLE.replace("\n", " ") + " ends"


def test_only_open_live_agreements_with_an_end_are_in_the_feed(app, session, make_feed, make_agreement):
    kept = {
        status: make_agreement(title=f"Open {status.value}", status=status, end="2019-01-31")
        for status in (
            AgreementStatus.ANNOUNCED,
            AgreementStatus.UNDER_NEGOTIATION,
            AgreementStatus.SIGNED,
            AgreementStatus.IN_FORCE,
            AgreementStatus.SUSPENDED,
        )
    }
    for status in (
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
        AgreementStatus.SUPERSEDED,
        AgreementStatus.CANCELLED,
    ):
        make_agreement(title=f"Closed {status.value}", status=status, end="2019-01-31")
    make_agreement(title="No end known")
    archived = make_agreement(title="Archived one", end="2019-01-31")
    archive_agreement(session, archived)
    session.commit()
    found = events(fetch(app, make_feed(lead_months=[])))
    assert set(found) == {f"agreement-{agreement.id}-end@localhost" for agreement in kept.values()}


def test_saved_query_chooses_the_agreements(app, make_feed, make_agreement, make_party, get_sector):
    korea = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    japan = make_party(name="JETRO", kind=PartyKind.ASSOCIATION, country_code="JP")
    ev = get_sector("electric-vehicles")
    wanted = make_agreement(
        title="EV with Korea", end="2019-01-31", parties=[(korea, PartyRole.SIGNATORY)], sectors=[ev]
    )
    make_agreement(title="EV with Japan", end="2019-01-31", parties=[(japan, PartyRole.SIGNATORY)], sectors=[ev])
    make_agreement(title="Other with Korea", end="2019-01-31", parties=[(korea, PartyRole.SIGNATORY)])
    found = events(fetch(app, make_feed(query="country=KR&sector=electric-vehicles", lead_months=[])))
    assert set(found) == {f"agreement-{wanted.id}-end@localhost"}


def test_a_query_for_terminal_statuses_still_shows_none_of_them(app, make_feed, make_agreement):
    make_agreement(title="Expired", status=AgreementStatus.EXPIRED, end="2017-01-31")
    assert events(fetch(app, make_feed(query="status=expired"))) == {}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("party=999999", "There is no such party."),
        ("ends_from=soon", "Ends from year"),
        ("ends_from=2019&ends_to=2010", "comes before"),
        ("sector=no-such-sector", "Sector"),
    ],
)
def test_a_stored_query_that_no_longer_works_answers_400_in_plain_text(app, make_feed, query, problem):
    response = fetch(app, make_feed(query=query))
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "This calendar no longer works" in response.text and problem in response.text


def test_stored_lead_times_that_no_longer_parse_answer_400(app, session, make_feed, owner):
    token = make_feed()
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    feed.lead_months = "12,banana"
    session.commit()
    assert fetch(app, token).status_code == 400


def test_unknown_revoked_and_deactivated_feeds_answer_404(app, session, make_feed, owner, make_user):
    assert fetch(app, "not-a-token").status_code == 404
    assert fetch(app, "x" * 500).status_code == 404
    other = make_user(UserRole.EDITOR)
    revoked = make_feed(user=other)
    revoke_feed(session, other, session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == other.id)).one().id)
    session.commit()
    assert fetch(app, revoked).status_code == 404
    token = make_feed()
    assert fetch(app, token).status_code == 200
    owner.active = False
    session.commit()
    assert fetch(app, token).status_code == 404


def test_only_the_hash_of_the_token_is_stored(session, make_feed, owner):
    token = make_feed()
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    assert token not in (feed.token_hash, feed.name, feed.query) and len(feed.token_hash) == 64
    assert len(token) >= 40


def test_the_feed_costs_a_bounded_number_of_statements(app, make_feed, make_agreement, make_party, count_statements):
    token = make_feed()
    for n in range(5):
        party = make_party(name=f"Party {n}")
        make_agreement(title=f"Agreement {n}", end=f"20{20 + n}-06-30", parties=[(party, PartyRole.SIGNATORY)])
    with count_statements() as statements:
        assert fetch(app, token).status_code == 200
    few = len(statements)
    for n in range(5, 15):
        party = make_party(name=f"Party {n}")
        make_agreement(title=f"Agreement {n}", end=f"20{20 + n}-06-30", parties=[(party, PartyRole.SIGNATORY)])
    with count_statements() as statements:
        assert fetch(app, token).status_code == 200
    assert len(statements) == few


# --- services ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,6,3", [12, 6, 3]), (" 3, 12 ,6, 6 ", [12, 6, 3]), ("1;60", [60, 1]), ("", []), ("  ", [])],
)
def test_lead_months_are_read_longest_first(text, expected):
    assert parse_lead_months(text) == expected


@pytest.mark.parametrize("text", ["0", "61", "6,x", "-3", "1.5", "12,6,3,1,2,4,5,7,8,9,10", "٣"])
def test_lead_months_outside_1_to_60_are_refused(text):
    with pytest.raises(ValidationError) as caught:
        parse_lead_months(text)
    assert caught.value.field == "lead_months"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("country=KR&page=3&per_page=50&sort=-end", "country=KR"),
        ("?sector=ev&sector=textiles", "sector=ev&sector=textiles"),
        ("http://127.0.0.1:5000/agreements/?q=kerja+sama&status=in_force#top", "q=kerja+sama&status=in_force"),
        ("q=&country=", ""),
        ("", ""),
    ],
)
def test_queries_keep_only_their_filters(text, expected):
    assert normalize_query(text) == expected


def test_revoking_is_for_the_owner_and_only_once(session, make_feed, owner, make_user):
    make_feed()
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    with pytest.raises(NotFoundError):
        revoke_feed(session, make_user(UserRole.ADMIN), feed.id)
    revoke_feed(session, owner, feed.id)
    assert feed.revoked_at is not None and feed.revoked_at <= utcnow() + timedelta(seconds=1)
    with pytest.raises(StateError):
        revoke_feed(session, owner, feed.id)


# --- the pages ---------------------------------------------------------------------------------------


def test_create_shows_the_secret_url_once_and_it_works(app, session, owner, make_agreement):
    agreement = make_agreement(title="EV MoU", end="2018-08-31")
    client = sign_in_client(app.test_client(), owner)
    response = client.post(
        "/account/calendars/new", data={"name": "EV, Korea", "query": "?status=in_force&page=2", "lead_months": "6, 3"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = TOKEN_IN_PAGE.search(response.text).group(1)
    assert f"webcal://localhost/calendar/{token}.ics" in response.text
    assert f"http://localhost/calendar/{token}.ics" in response.text
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    assert (feed.name, feed.query, feed.lead_months) == ("EV, Korea", "status=in_force", "6,3")
    assert set(events(fetch(app, token))) == {
        f"agreement-{agreement.id}-end@localhost",
        f"agreement-{agreement.id}-review-6m@localhost",
        f"agreement-{agreement.id}-review-3m@localhost",
    }
    listing = client.get("/account/calendars")
    assert listing.status_code == 200
    assert token not in listing.text and feed.token_hash not in listing.text
    assert (
        "EV, Korea" in listing.text
        and "status=in_force" in listing.text
        and "6, 3 months before the decision date or end" in listing.text
    )


def test_the_new_form_is_prefilled_from_the_query_page_link(app, owner):
    client = sign_in_client(app.test_client(), owner)
    page = client.get("/agreements/?country=KR&status=in_force&page=2")
    link = re.search(r'href="(/account/calendars/new\?query=[^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert link == "/account/calendars/new?query=" + quote("country=KR&status=in_force&page=2", safe="")
    form = client.get(link)
    assert form.status_code == 200
    assert 'value="country=KR&amp;status=in_force"' in form.text
    assert 'value="12, 6, 3"' in form.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "query": "", "lead_months": "6"}, "This field is required."),
        ({"name": "Mine", "query": "", "lead_months": "0, 6"}, "from 1 to 60"),
        ({"name": "Mine", "query": "", "lead_months": "61"}, "from 1 to 60"),
        ({"name": "Mine", "query": "party=424242", "lead_months": "6"}, "There is no such party."),
        ({"name": "Mine", "query": "ends_from=later", "lead_months": "6"}, "This query does not work"),
        ({"name": "x" * 101, "query": "", "lead_months": "6"}, "100 characters"),
    ],
)
def test_refused_input_is_shown_next_to_the_field(app, session, owner, fields, message):
    client = sign_in_client(app.test_client(), owner)
    response = client.post("/account/calendars/new", data=fields)
    assert response.status_code == 422
    assert message in response.text
    assert session.scalars(select(CalendarFeed)).all() == []


def test_revoke_stops_the_feed_and_only_the_owner_can(app, session, make_feed, owner, make_user):
    token = make_feed(name="Old phone")
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    stranger = sign_in_client(app.test_client(), make_user(UserRole.ADMIN))
    assert stranger.post(f"/account/calendars/{feed.id}/revoke").status_code == 404
    assert fetch(app, token).status_code == 200
    client = sign_in_client(app.test_client(), owner)
    assert client.get(f"/account/calendars/{feed.id}/revoke").status_code == 405  # GET never changes state
    response = client.post(f"/account/calendars/{feed.id}/revoke", follow_redirects=True)
    assert response.status_code == 200 and "Calendar “Old phone” revoked" in response.text
    assert fetch(app, token).status_code == 404
    assert "Old phone" not in client.get("/account/calendars").text
    assert client.post(f"/account/calendars/{feed.id}/revoke").status_code == 409


def test_forms_need_their_csrf_token(app, session, owner, make_feed):
    make_feed()
    feed = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id)).one()
    app.config["WTF_CSRF_ENABLED"] = True
    client = sign_in_client(app.test_client(), owner)
    assert client.post("/account/calendars/new", data={"name": "x", "lead_months": "6"}).status_code == 400
    assert client.post(f"/account/calendars/{feed.id}/revoke").status_code == 400
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account/calendars/new").text).group(1)
    response = client.post("/account/calendars/new", data={"name": "x", "lead_months": "6", "csrf_token": token})
    assert response.status_code == 200


def test_every_role_reaches_the_calendars_from_the_account_menu(client_as):
    for role in UserRole:
        page = client_as(role).get("/").text
        assert 'href="/account/calendars"' in page and 'href="/account/digest"' in page
