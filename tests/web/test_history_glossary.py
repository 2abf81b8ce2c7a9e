"""The search glossary's history over HTTP: who added, edited and deleted an entry, on its page and in the feed."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in_client
from tests.web.a11y_html import parse, problems_of, text_of
from tracker.models import Change, GlossaryEntry, UserRole


def entry_of(session, first: str) -> GlossaryEntry:
    """The stored entry whose first phrase is `first`."""
    session.rollback()  # end the test session's snapshot
    return next(entry for entry in session.scalars(select(GlossaryEntry)) if entry.phrases.startswith(first + "\n"))


def glossary_changes(session) -> list[Change]:
    """Every change of a glossary entry as the requests committed them, oldest first."""
    session.rollback()
    return list(session.scalars(select(Change).where(Change.record_type == "glossary_entry").order_by(Change.id)))


def heading_actions(html: str) -> list[str]:
    """What each change's heading says it did, newest first."""
    return [text_of(heading).rsplit("·", 1)[-1].strip() for heading in parse(html).find_class("change-heading")]


def test_an_admins_add_edit_and_delete_are_recorded_with_who(app, session, make_user):
    admin = make_user(UserRole.ADMIN)
    browser = sign_in_client(app.test_client(), admin)
    assert browser.post("/glossary/new", data={"phrases": "semikonduktor\nsemiconductor"}).status_code == 302
    entry_id = entry_of(session, "semikonduktor").id
    assert browser.post(f"/glossary/{entry_id}/edit", data={"phrases": "semikonduktor\nchip"}).status_code == 302
    assert browser.post(f"/glossary/{entry_id}/delete").status_code == 302

    created, edited, deleted = glossary_changes(session)
    assert {change.record_id for change in (created, edited, deleted)} == {entry_id}
    assert {change.user_id for change in (created, edited, deleted)} == {admin.id}
    assert created.changes == {"phrases": [None, ["semikonduktor", "semiconductor"]]}
    assert edited.changes == {"phrases": [["semikonduktor", "semiconductor"], ["semikonduktor", "chip"]]}
    assert deleted.changes["phrases"] == [["semikonduktor", "chip"], None]


def test_an_entrys_history_page_shows_each_change(client, session):
    entry = entry_of(session, "nikel")
    assert client.post(f"/glossary/{entry.id}/edit", data={"phrases": "nikel\nnickel\nferronickel"}).status_code == 302
    response = client.get(f"/glossary/{entry.id}/history")
    assert response.status_code == 200
    assert "History of “nikel | nickel | ferronickel”" in response.text
    assert "Edited phrases" in response.text and "Phrases</th>" in response.text
    assert "<td>nikel, nickel</td>" in response.text and "<td>nikel, nickel, ferronickel</td>" in response.text
    assert 'href="/glossary/"' in response.text and "Back to the search glossary" in response.text
    assert not problems_of(response.text)


def test_a_deleted_entrys_history_stays_for_those_who_see_the_archive(client, client_as, session):
    editor, viewer = client_as(UserRole.EDITOR), client_as(UserRole.VIEWER)
    entry = entry_of(session, "nikel")
    assert client.post(f"/glossary/{entry.id}/delete").status_code == 302
    response = client.get(f"/glossary/{entry.id}/history")
    assert response.status_code == 200
    assert "History of “nikel | nickel”" in response.text and "This entry has been deleted" in response.text
    assert heading_actions(response.text) == ["Deleted"]  # what happened, not "Edited"
    assert not problems_of(response.text)
    assert editor.get(f"/glossary/{entry.id}/history").status_code == 200
    assert viewer.get(f"/glossary/{entry.id}/history").status_code == 404


def test_an_entry_with_no_history_has_a_page_and_an_unknown_one_none(client_as, session):
    viewer = client_as(UserRole.VIEWER)
    entry = entry_of(session, "nikel")  # seeded by the migration: no change recorded yet
    response = viewer.get(f"/glossary/{entry.id}/history")
    assert response.status_code == 200 and "No change has been recorded yet." in response.text
    assert viewer.get("/glossary/999999/history").status_code == 404


def test_the_glossary_links_each_entry_to_its_history(client_as, session):
    entry = entry_of(session, "nikel")
    for role in (UserRole.VIEWER, UserRole.ADMIN):
        assert f'href="/glossary/{entry.id}/history"' in client_as(role).get("/glossary/").text, role


def test_the_feed_names_entries_by_their_phrases_deleted_ones_too(client, session):
    kept, gone = entry_of(session, "nikel"), entry_of(session, "baterai")
    assert client.post(f"/glossary/{kept.id}/edit", data={"phrases": "nikel\nnickel\nferronickel"}).status_code == 302
    assert client.post(f"/glossary/{gone.id}/delete").status_code == 302
    html = client.get("/activity").text
    assert "2 changes" in html and "Glossary entries:" in html
    assert f'<a href="/glossary/{kept.id}/history">nikel | nickel | ferronickel</a>' in html
    assert f'<a href="/glossary/{gone.id}/history">baterai | battery | batteries</a>' in html
    assert heading_actions(html) == ["Deleted", "Edited"] and "Edited phrases" in html
