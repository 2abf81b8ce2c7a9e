"""Saved queries' pages (issue 18): "Save this query" on the agreement list, the page with the counts, rename /
share / delete by the owner only, the dashboard's list within its statement budget, and a calendar from one."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import sign_in_client
from tests.html_forms import form_values, replaced
from tracker.models import PartyKind, PartyRole, SavedQuery, UserRole
from tracker.queries.saved_queries import DASHBOARD_SHOWN
from tracker.services.saved_queries import SavedQueryData, create_saved_query

QUERY = "sector=electric-vehicles&country=KR&sort=title"


@pytest.fixture
def korea(make_party, make_agreement, get_sector):
    """Two electric-vehicle agreements with a Korean partner, one with a Japanese one."""
    ev = get_sector("electric-vehicles")
    kr = make_party(name="Hyundai Motor Company", kind=PartyKind.COMPANY, country_code="KR")
    jp = make_party(name="Toyota Motor Corporation", kind=PartyKind.COMPANY, country_code="JP")
    make_agreement(
        title="Kerja sama kendaraan listrik", end="2030-03", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev]
    )
    make_agreement(title="EV battery recycling MoU", end="2031", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev])
    make_agreement(title="Hybrid vehicles training", end="2030-06", parties=[(jp, PartyRole.SIGNATORY)], sectors=[ev])


@pytest.fixture
def officer(make_user):
    """The viewer who saves queries."""
    return make_user(UserRole.VIEWER, email="officer@kemenperin.example")


@pytest.fixture
def browser_of(app):
    """browser_of(user): a test client signed in as that user."""
    return lambda user: sign_in_client(app.test_client(), user)


def saved_rows(session) -> list[SavedQuery]:
    """Every saved query, by id."""
    session.rollback()  # a new transaction: what the requests committed
    session.expire_all()  # rollback expires nothing when no transaction was open
    return list(session.scalars(select(SavedQuery).order_by(SavedQuery.id)))


def error_next_to(html: str, field: str) -> str:
    """The message shown next to a field."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no error next to {field}"
    return unescape(found.group(1))


def test_save_this_query_from_the_list(session, korea, officer, browser_of):
    client = browser_of(officer)
    page = client.get(f"/agreements/?{QUERY}&page=1").text
    pairs = form_values(page, "/saved-queries/new")
    assert dict(pairs)["query"] == QUERY  # the page is not kept, the order is
    response = client.post("/saved-queries/new", data=MultiDict(replaced(pairs, name="EV dengan Korea")))
    assert response.status_code == 302

    [saved] = saved_rows(session)
    assert (saved.name, saved.query, saved.shared, saved.owner_id) == ("EV dengan Korea", QUERY, False, officer.id)
    listing = client.get("/saved-queries").text
    assert "EV dengan Korea" in listing and re.search(r'<td class="number">\s*2\s*</td>', listing)
    link = unescape(re.search(r'<td><a href="([^"]+)">EV dengan Korea</a>', listing).group(1))
    assert dict(parse_qsl(urlsplit(link).query)) == dict(parse_qsl(QUERY))
    assert "2 agreements" in client.get(link).text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sector=kendaraan-terbang", "This query does not work: Sector"),
        ("ends_from=2020&ends_to=2019", "This year comes before"),
        ("party=999999", "There is no such party."),
        ("q=" + "x" * 2100, "Field cannot be longer than 2000 characters."),
    ],
)
def test_a_query_the_list_refuses_is_refused_next_to_the_field(session, officer, browser_of, query, message):
    response = browser_of(officer).post("/saved-queries/new", data={"name": "Rusak", "query": query})
    assert response.status_code == 422
    assert message in error_next_to(response.text, "query")
    assert saved_rows(session) == []


def test_a_name_taken_is_refused_next_to_the_name(session, officer, browser_of):
    client = browser_of(officer)
    assert client.post("/saved-queries/new", data={"name": "Korea", "query": "country=KR"}).status_code == 302
    response = client.post("/saved-queries/new", data={"name": " Korea ", "query": "country=JP"})
    assert response.status_code == 409
    assert "already have a saved query of this name" in error_next_to(response.text, "name")


def test_rename_share_unshare_and_delete_by_the_owner_only(session, korea, officer, make_user, browser_of):
    client = browser_of(officer)
    client.post("/saved-queries/new", data={"name": "Korea", "query": "country=KR"})
    [saved] = saved_rows(session)
    colleague = browser_of(make_user(UserRole.EDITOR))
    admin = browser_of(make_user(UserRole.ADMIN))
    assert "Korea" not in colleague.get("/saved-queries").text
    assert colleague.get(f"/saved-queries/{saved.id}/edit").status_code == 404

    edit = form_values(client.get(f"/saved-queries/{saved.id}/edit").text, f"/saved-queries/{saved.id}/edit")
    changed = [*replaced(edit, name="Korea (shared)"), ("shared", "y")]
    response = client.post(f"/saved-queries/{saved.id}/edit", data=MultiDict(changed))
    assert response.status_code == 302
    assert (saved_rows(session)[0].name, saved_rows(session)[0].shared) == ("Korea (shared)", True)

    assert "Korea (shared)" in colleague.get("/saved-queries").text
    assert colleague.get(f"/saved-queries/{saved.id}/edit").status_code == 403
    assert colleague.post(f"/saved-queries/{saved.id}/edit", data={"name": "Mine now"}).status_code == 403
    assert colleague.post(f"/saved-queries/{saved.id}/delete").status_code == 403
    assert admin.get(f"/saved-queries/{saved.id}/edit").status_code == 403
    assert saved_rows(session)[0].name == "Korea (shared)"

    client.post(f"/saved-queries/{saved.id}/edit", data={"name": "Korea", "query": "country=KR"})  # unshared
    assert colleague.get(f"/saved-queries/{saved.id}/edit").status_code == 404
    assert admin.post(f"/saved-queries/{saved.id}/delete").status_code == 404
    assert client.post(f"/saved-queries/{saved.id}/delete").status_code == 302
    assert saved_rows(session) == []


def test_an_admin_deletes_a_shared_query(session, officer, make_user, browser_of):
    create_saved_query(session, officer, SavedQueryData("Bersama", "country=KR", shared=True))
    session.commit()
    [saved] = saved_rows(session)
    assert browser_of(make_user(UserRole.ADMIN)).post(f"/saved-queries/{saved.id}/delete").status_code == 302
    assert saved_rows(session) == []


def test_the_dashboard_lists_saved_queries_with_their_counts(session, korea, officer, make_user, browser_of):
    colleague = make_user(UserRole.EDITOR, email="kolega@kemenperin.example")
    create_saved_query(session, officer, SavedQueryData("EV with Korea", "sector=electric-vehicles&country=KR"))
    create_saved_query(session, colleague, SavedQueryData("All EV", "sector=electric-vehicles", shared=True))
    create_saved_query(session, colleague, SavedQueryData("Colleague's own", "country=JP"))
    session.commit()
    page = browser_of(officer).get("/").text
    section = page[page.index('id="saved-queries"') :]
    assert re.search(r"EV with Korea</a>:\s*<span class=\"saved-count\">2 agreements", section)
    assert re.search(r"All EV</a>:\s*<span class=\"saved-count\">3 agreements", section)
    assert "shared by kolega@kemenperin.example" in section
    assert "Colleague&#39;s own" not in page


def test_the_dashboard_counts_within_its_statement_budget(
    session, make_party, make_agreement, get_sector, officer, browser_of, count_statements
):
    """Counting costs a bounded number of statements however many agreements there are, the first N saved queries
    only; while the data stays the same the counts come from the cache: no statement more than without any."""
    client = browser_of(officer)
    ev = get_sector("electric-vehicles")

    parties = []

    def add(number: int) -> None:
        parties.append(make_party(name=f"Mitra {number}", country_code=["KR", "JP", "DE"][number % 3]))
        make_agreement(
            title=f"Perjanjian {number}", end="2030", parties=[(parties[-1], PartyRole.SIGNATORY)], sectors=[ev]
        )

    add(0)
    client.get("/")  # a client's first request does more (the session's first look-up)
    add(1)
    with count_statements() as uncached:  # the data changed: the figures are counted afresh
        client.get("/")
    with count_statements() as without:
        client.get("/")
    for number in range(DASHBOARD_SHOWN + 4):
        query = ["sector=electric-vehicles", "country=KR", "q=perjanjian", f"party={parties[number % 2].id}"][
            number % 4
        ]
        create_saved_query(session, officer, SavedQueryData(f"Query {number:02d}", query))
    session.commit()
    add(2)
    with count_statements() as few:
        assert client.get("/").status_code == 200
    with count_statements() as cached:
        client.get("/")
    for number in range(3, 30):
        add(number)
    with count_statements() as many:
        page = client.get("/").text
    assert page.count('class="saved-count"') == DASHBOARD_SHOWN
    # At most four statements a count (the sectors once, a party's or the glossary's look-up, the linked ids, the
    # count) for the first DASHBOARD_SHOWN, plus the list of saved queries.
    assert len(many) == len(few) <= len(uncached) + 4 * DASHBOARD_SHOWN + 2, many
    # The saved queries are listed on every view (one statement, there in `without` too); counts from the cache.
    assert len(cached) == len(without), cached


def test_the_list_offers_no_save_button_for_a_refused_query(officer, browser_of):
    page = browser_of(officer).get("/agreements/?ends_from=2020&ends_to=2019")
    assert page.status_code == 400
    assert "/saved-queries/new" not in page.text


def test_a_calendar_is_made_from_a_saved_query(session, korea, officer, browser_of, feed_today):
    feed_today(date(2029, 1, 1))  # the ends in 2030 and 2031 are within the feed's three years ahead
    create_saved_query(session, officer, SavedQueryData("EV with Korea", "sector=electric-vehicles&country=KR"))
    session.commit()
    client = browser_of(officer)
    listing = client.get("/saved-queries").text
    link = unescape(re.search(r'href="(/account/calendars/new\?[^"]+)"', listing).group(1))
    form = form_values(client.get(link).text, "/account/calendars/new")
    assert dict(form)["name"] == "EV with Korea"
    assert dict(form)["query"] == "sector=electric-vehicles&country=KR"
    created = client.post("/account/calendars/new", data=MultiDict(form))
    token = re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", created.text).group(1)
    feed = client.get(f"/calendar/{token}.ics").text
    assert "Kerja sama kendaraan listrik" in feed and "EV battery recycling MoU" in feed
    assert "Hybrid vehicles training" not in feed
