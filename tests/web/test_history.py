"""History over HTTP: who made a change through the pages, every record's History tab, the admins' feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from tests.conftest import sign_in_client
from tests.html_forms import form_values, replaced
from tracker.models import Agreement, Change, ChangeAction, PartyRole, UserRole


def changes_of(session, record_type: str, record_id: int) -> list[Change]:
    """The record's changes as the requests committed them, newest first."""
    session.rollback()  # end the test session's snapshot
    statement = select(Change).where(Change.record_type == record_type, Change.record_id == record_id)
    return list(session.scalars(statement.order_by(Change.id.desc())))


@pytest.fixture
def editor(app, make_user):
    """An editor's account and a browser signed in with it."""
    user = make_user(UserRole.EDITOR)
    return user, sign_in_client(app.test_client(), user)


def test_a_change_through_the_pages_records_who_made_it(session, editor, get_sector):
    user, browser = editor
    data = {
        "title": "MoU on moulds",
        "instrument_type": "mou",
        "status": "signed",
        "renewal_intent": "none",
        "start": "2006",
        "sectors": [str(get_sector("technology").id)],
    }
    assert browser.post("/agreements/new", data=data).status_code == 302
    session.rollback()  # end the test session's snapshot
    agreement = session.scalars(select(Agreement)).one()
    path = f"/agreements/{agreement.id}/edit"
    form = form_values(browser.get(path).get_data(as_text=True), path)
    assert browser.post(path, data=MultiDict(replaced(form, title="MoU on moulds and dies"))).status_code == 302

    edited, created = changes_of(session, "agreement", agreement.id)
    assert (created.action, created.user_id) == (ChangeAction.CREATE, user.id)
    assert (edited.action, edited.user_id) == (ChangeAction.UPDATE, user.id)
    assert edited.changes == {"title": ["MoU on moulds", "MoU on moulds and dies"]}

    html = browser.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert user.email in html and "Edited title" in html
    assert "MoU on moulds and dies" in html and "Signed" in html  # the status by its label


def test_every_record_has_a_history_tab(client, make_party, make_agreement, make_source, make_sector):
    party = make_party(name="Ministry of Industry", country_code="ID")
    agreement = make_agreement(title="MoU on moulds", parties=[(party, PartyRole.SIGNATORY)], start="2006")
    source = make_source(title="Tirto report", agreements=[(agreement, "Reports the signing")])
    sector = make_sector(name="Textiles")
    pages = {
        f"/agreements/{agreement.id}/history": ["MoU on moulds", "Ministry of Industry (signatory)", "2006"],
        f"/parties/{party.id}/history": ["Ministry of Industry", "Indonesia", "Ministry or agency"],
        f"/sources/{source.id}/history": ["Tirto report", "Linked to agreement “MoU on moulds”", "News article"],
        f"/sectors/{sector.id}/history": ["Textiles", "textiles"],
    }
    for path, texts in pages.items():
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "History of" in html and "Created" in html and "system" in html, path
        assert all(text in html for text in texts), (path, [text for text in texts if text not in html])


def test_record_pages_link_to_their_history(client, make_party, make_agreement, make_source, make_sector):
    party, agreement, source, sector = make_party(), make_agreement(), make_source(), make_sector()
    links = {
        f"/agreements/{agreement.id}": f"/agreements/{agreement.id}/history",
        f"/parties/{party.id}": f"/parties/{party.id}/history",
        f"/sources/{source.id}": f"/sources/{source.id}/history",
        "/sectors/": f"/sectors/{sector.id}/history",
    }
    for page, link in links.items():
        assert f'href="{link}"' in client.get(page).get_data(as_text=True), page


def test_an_archived_record_keeps_its_history_tab(client, session, make_agreement):
    agreement = make_agreement(title="MoU on moulds")
    agreement.archived_at = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)
    session.commit()
    html = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "Archived" in html and "MoU on moulds" in html


def test_an_unknown_record_has_no_history_page(client):
    assert client.get("/agreements/999999/history").status_code == 404
    assert client.get("/sectors/0/history").status_code == 404


@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.EDITOR])
def test_viewers_and_editors_read_histories_but_not_the_feed(client_as, make_agreement, role):
    browser = client_as(role)
    agreement = make_agreement()
    assert browser.get(f"/agreements/{agreement.id}/history").status_code == 200
    assert browser.get("/activity").status_code == 403
    assert 'href="/activity"' not in browser.get("/").get_data(as_text=True)


def test_signing_in_comes_first(anonymous_client, make_agreement):
    agreement = make_agreement()
    assert anonymous_client.get(f"/agreements/{agreement.id}/history").status_code == 302
    assert anonymous_client.get("/activity").status_code == 302


def test_the_feed_lists_every_change_with_its_record(client, make_agreement, make_party):
    agreement, party = make_agreement(title="MoU on moulds"), make_party(name="AITEC")
    html = client.get("/activity").get_data(as_text=True)
    assert 'href="/activity"' in html  # the admin's navigation offers it
    assert "2 changes" in html
    assert f'href="/agreements/{agreement.id}"' in html and "MoU on moulds" in html
    assert f'href="/parties/{party.id}"' in html and "AITEC" in html


def test_the_feed_filters_by_user_record_type_and_day(client, session, editor, make_agreement, make_party):
    user, _browser = editor
    session.info["actor_id"] = user.id
    make_agreement(title="MoU by the editor")
    session.info["actor_id"] = None
    make_party(name="AITEC")
    old = make_agreement(title="Old MoU")
    moved = update(Change).where(Change.record_type == "agreement", Change.record_id == old.id)
    session.execute(moved.values(occurred_at=datetime(2020, 1, 1, 18, 0, tzinfo=UTC)))  # 2 Jan in Jakarta
    session.commit()

    def titles(query: str) -> set[str]:
        html = client.get(f"/activity?{query}").get_data(as_text=True)
        return {title for title in ("MoU by the editor", "AITEC", "Old MoU") if title in html}

    assert titles(f"user={user.id}") == {"MoU by the editor"}
    assert titles("record_type=party") == {"AITEC"}
    assert titles("date_from=2020-01-02&date_to=2020-01-02") == {"Old MoU"}
    assert titles("date_to=2020-01-01") == set()
    assert titles("user=&record_type=&date_from=&date_to=") == {"MoU by the editor", "AITEC", "Old MoU"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("user=abc", "Not a valid choice"),
        ("user=999999", "Not a valid choice"),
        ("record_type=user", "Not a valid choice"),
        ("date_from=yesterday", "Enter a date as YYYY-MM-DD"),
        ("date_to=2020-02-30", "Enter a date as YYYY-MM-DD"),
        ("date_from=1800-01-01", "Choose a date between"),
        ("date_from=2020-02-01&date_to=2020-01-01", "The last day comes before the first"),
        ("page=0", "Number must be between 1 and"),
    ],
)
def test_bad_feed_filters_are_a_400_with_the_message_next_to_the_field(client, query, message):
    response = client.get(f"/activity?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and 'class="error"' in html


def test_history_pages_issue_a_bounded_number_of_statements(client, session, make_agreement, count_statements):
    agreement = make_agreement()

    def statements_for(path: str) -> int:
        with count_statements() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    few = (statements_for(f"/agreements/{agreement.id}/history"), statements_for("/activity"))
    for number in range(12):
        agreement.notes = f"Checked {number}"
        session.commit()
    make_agreement(title="Another")
    assert (statements_for(f"/agreements/{agreement.id}/history"), statements_for("/activity")) == few


def test_history_of_an_archived_record_is_for_those_who_see_the_archive(client_as, make_agreement, session):
    from tracker.models import utcnow

    agreement = make_agreement(title="Archived one")
    agreement.archived_at = utcnow()
    session.commit()
    assert client_as(UserRole.VIEWER).get(f"/agreements/{agreement.id}/history").status_code == 404
    assert client_as(UserRole.EDITOR).get(f"/agreements/{agreement.id}/history").status_code == 200
