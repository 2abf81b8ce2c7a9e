"""Glossary pages over HTTP: everyone reads the entries, admins add, edit and delete them, and searches use them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker import search
from tracker.models import GlossaryEntry, UserRole
from tracker.search import Glossary


def stored_entries(session) -> dict[str, str]:
    """Every entry as the database now has it: first phrase → all its phrases, joined by " | "."""
    session.rollback()
    session.expire_all()
    entries = session.scalars(select(GlossaryEntry))
    return {entry.phrases.splitlines()[0]: " | ".join(entry.phrases.splitlines()) for entry in entries}


def entry_of(session, first: str) -> GlossaryEntry:
    """The stored entry whose first phrase is `first`."""
    stored_entries(session)
    return next(entry for entry in session.scalars(select(GlossaryEntry)) if entry.phrases.startswith(first + "\n"))


def test_the_seeded_entries_are_listed_to_everyone(client_as):
    response = client_as(UserRole.VIEWER).get("/glossary/")
    assert response.status_code == 200
    assert "baterai · battery · batteries" in response.text
    assert "kendaraan listrik · electric vehicle" in response.text
    assert "/glossary/new" not in response.text and "Edit" not in response.text


def test_an_admin_adds_an_entry_and_searches_find_through_it(client, session, make_agreement):
    make_agreement(title="Semiconductor packaging plant in Batam")
    assert "Semiconductor" not in client.get("/agreements/?q=semikonduktor").text
    response = client.post("/glossary/new", data={"phrases": "semikonduktor\n  Semiconductors \n\nsemiconductor"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/glossary/")
    # Repeats, compared as the search compares them, and blank lines are dropped.
    assert stored_entries(session)["semikonduktor"] == "semikonduktor | Semiconductors"
    assert "Semiconductor packaging plant in Batam" in client.get("/agreements/?q=semikonduktor").text


def test_an_admin_edits_and_deletes_an_entry(client, session):
    entry = entry_of(session, "nikel")
    form = client.get(f"/glossary/{entry.id}/edit").text
    assert "nikel\nnickel</textarea>" in form
    response = client.post(f"/glossary/{entry.id}/edit", data={"phrases": "nikel\nnickel\nferronickel"})
    assert response.status_code == 302
    assert stored_entries(session)["nikel"] == "nikel | nickel | ferronickel"
    assert "Delete glossary entry?" in client.get(f"/glossary/{entry.id}/delete").text
    assert client.post(f"/glossary/{entry.id}/delete").status_code == 302
    assert "nikel" not in stored_entries(session)


@pytest.mark.parametrize(
    ("phrases", "status", "message"),
    [
        ("", 422, "This field is required"),
        ("semikonduktor", 422, "at least two phrases"),
        ("semikonduktor\nSEMIKONDUKTOR", 422, "at least two phrases"),
        ("semikonduktor\n%%%", 422, "has no letter or digit"),
        ("semikonduktor\n" + "s" * 101, 422, "Keep each phrase to 100 characters"),
        ("\n".join(f"word{number}" for number in range(31)), 422, "Give at most 30 phrases"),
        ("accu\nBatteries", 409, "is already in the entry “baterai | battery | batteries”"),
    ],
)
def test_invalid_phrases_are_refused_next_to_the_field(client, session, phrases, status, message):
    before = stored_entries(session)
    response = client.post("/glossary/new", data={"phrases": phrases})
    assert response.status_code == status
    field = response.text.split('name="phrases"')[0].rsplit("<div", 1)[-1] + response.text.split('name="phrases"')[1]
    assert message in field
    assert stored_entries(session) == before


def test_an_entry_may_keep_its_own_phrases_when_edited(client, session):
    entry = entry_of(session, "baterai")
    response = client.post(f"/glossary/{entry.id}/edit", data={"phrases": "Baterai\nbattery\nbatteries\naccu"})
    assert response.status_code == 302
    # "batteries" is "battery" to the search: kept once.
    assert stored_entries(session)["Baterai"] == "Baterai | battery | accu"


@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.EDITOR])
def test_only_admins_edit(client_as, session, role):
    entry = entry_of(session, "nikel")
    other = client_as(role)
    assert other.get("/glossary/new").status_code == 403
    assert other.post("/glossary/new", data={"phrases": "a1\nb1"}).status_code == 403
    assert other.get(f"/glossary/{entry.id}/edit").status_code == 403
    assert other.post(f"/glossary/{entry.id}/edit", data={"phrases": "x1\ny1"}).status_code == 403
    assert other.post(f"/glossary/{entry.id}/delete").status_code == 403
    assert stored_entries(session)["nikel"] == "nikel | nickel"


def test_unknown_entries_are_not_found(client):
    assert client.get("/glossary/999999/edit").status_code == 404
    assert client.post("/glossary/999999/edit", data={"phrases": "a1\nb1"}).status_code == 404
    assert client.post("/glossary/999999/delete").status_code == 404
    assert client.get("/glossary/99999999999999/edit").status_code == 404


def test_forms_and_delete_button_carry_a_csrf_token(app, client, session):
    app.config["WTF_CSRF_ENABLED"] = True
    entry = entry_of(session, "nikel")
    assert client.post("/glossary/new", data={"phrases": "a1\nb1"}).status_code == 400
    assert client.post(f"/glossary/{entry.id}/delete").status_code == 400
    html = client.get("/glossary/new").text
    token = html.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    assert client.post("/glossary/new", data={"phrases": "tekstil\ntextiles", "csrf_token": token}).status_code == 302
    html = client.get(f"/glossary/{entry.id}/delete").text
    token = html.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    assert client.post(f"/glossary/{entry.id}/delete", data={"csrf_token": token}).status_code == 302
    assert "tekstil" in stored_entries(session) and "nikel" not in stored_entries(session)


def test_searches_stem_the_glossary_once_until_an_entry_changes(client, session, monkeypatch, make_agreement):
    make_agreement(title="Semiconductor packaging plant in Batam")
    built = []
    of = Glossary.of.__func__
    monkeypatch.setattr(Glossary, "of", classmethod(lambda cls, entries: built.append(1) or of(cls, entries)))
    search.glossary_from.cache_clear()
    for word in ("baterai", "nikel", "battery"):
        assert client.get(f"/agreements/?q={word}").status_code == 200
    assert len(built) == 1
    client.post("/glossary/new", data={"phrases": "semikonduktor\nsemiconductor"})
    assert "Semiconductor packaging plant in Batam" in client.get("/agreements/?q=semikonduktor").text
    assert len(built) == 2
