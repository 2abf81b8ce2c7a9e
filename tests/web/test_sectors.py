"""Sector pages over HTTP: one test per page and form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.models import Sector

SEEDED_COUNT = 4


def stored_sectors(session) -> dict[str, Sector]:
    """Every sector as the database now has it, by slug."""
    # End any open snapshot and forget loaded values, so the next read sees what the request committed.
    session.rollback()
    session.expire_all()
    return {sector.slug: sector for sector in session.scalars(select(Sector))}


def test_index_lists_sectors_with_agreement_counts_and_links(client, get_sector, make_agreement):
    make_agreement(sectors=[get_sector("electric-vehicles")])
    make_agreement(title="Battery plant", sectors=[get_sector("electric-vehicles")])
    response = client.get("/sectors/")
    assert response.status_code == 200
    assert "Moulds and dies" in response.text
    assert "2 agreements" in response.text and "0 agreements" in response.text
    assert "/agreements/?sector=electric-vehicles" in response.text


def test_new_form_renders(client):
    response = client.get("/sectors/new")
    assert response.status_code == 200
    assert 'name="slug"' in response.text


def test_create_sector_redirects_and_saves(client, session):
    response = client.post(
        "/sectors/new", data={"name": "Halal industry", "slug": "", "description": "Halal products."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sectors/")
    sector = stored_sectors(session)["halal-industry"]
    assert (sector.name, sector.description) == ("Halal industry", "Halal products.")
    assert "Halal industry" in client.get("/sectors/").text


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": ""}, 422, "This field is required"),
        ({"name": "N" * 121}, 422, "Field cannot be longer than 120 characters"),
        ({"name": "Halal", "slug": "Not A Slug"}, 422, "Use only lower-case letters"),
        ({"name": "Halal", "slug": "h" * 65}, 422, "Field cannot be longer than 64 characters"),
        ({"name": "반도체", "slug": ""}, 422, "The name gives no slug"),
        ({"name": "TECHNOLOGY", "slug": "tech"}, 409, "There is already a sector named"),
        ({"name": "Tech", "slug": "technology"}, 409, "is already used by"),
    ],
)
def test_create_sector_with_invalid_input_saves_nothing(client, session, fields, status, message):
    response = client.post("/sectors/new", data={"slug": "", "description": "", **fields})
    assert response.status_code == status
    assert message in response.text
    assert 'class="error"' in response.text
    assert len(stored_sectors(session)) == SEEDED_COUNT


def test_edit_form_is_filled_in(client, get_sector):
    sector = get_sector("moulds-and-dies")
    response = client.get(f"/sectors/{sector.id}/edit")
    assert response.status_code == 200
    assert 'value="Moulds and dies"' in response.text and 'value="moulds-and-dies"' in response.text


def test_update_sector_redirects_and_saves(client, session, get_sector):
    sector = get_sector("electric-vehicles")
    response = client.post(
        f"/sectors/{sector.id}/edit", data={"name": "전기차 <EV>", "slug": "ev", "description": "Batteries."}
    )
    assert response.status_code == 302
    assert stored_sectors(session)["ev"].name == "전기차 <EV>"
    page = client.get("/sectors/").text
    assert "전기차 &lt;EV&gt;" in page and "<EV>" not in page


def test_update_sector_with_invalid_input_is_refused(client, session, get_sector):
    sector = get_sector("electric-vehicles")
    response = client.post(f"/sectors/{sector.id}/edit", data={"name": "Technology", "slug": "electric-vehicles"})
    assert response.status_code == 409
    assert 'id="name-error"' in response.text
    assert stored_sectors(session)["electric-vehicles"].name == "Electric vehicles"


@pytest.mark.parametrize("path", ["/sectors/999999/edit", "/sectors/999999/delete", "/sectors/0/edit"])
def test_unknown_sector_is_404(client, path):
    assert client.get(path).status_code == 404


def test_delete_asks_first_and_changes_nothing_on_get(client, session, make_sector):
    sector = make_sector(name="Textiles")
    response = client.get(f"/sectors/{sector.id}/delete")
    assert response.status_code == 200
    assert "Nothing is deleted" in response.text
    assert "textiles" in stored_sectors(session)


def test_delete_unused_sector_redirects(client, session, make_sector):
    sector = make_sector(name="Textiles")
    response = client.post(f"/sectors/{sector.id}/delete")
    assert response.status_code == 302
    assert "textiles" not in stored_sectors(session)
    assert "archived" in client.get("/sectors/").text


def test_delete_used_sector_is_refused_naming_the_agreements(client, session, get_sector, make_agreement):
    sector = get_sector("moulds-and-dies")
    make_agreement(title="AITEC Co., Ltd moulds cooperation", sectors=[sector])
    response = client.post(f"/sectors/{sector.id}/delete")
    assert response.status_code == 409
    assert "AITEC Co., Ltd moulds cooperation" in response.text
    assert "moulds-and-dies" in stored_sectors(session)


def test_forms_and_delete_button_carry_a_csrf_token(app, client, session, make_sector):
    app.config["WTF_CSRF_ENABLED"] = True
    sector = make_sector(name="Textiles")
    assert client.post(f"/sectors/{sector.id}/delete").status_code == 400
    html = client.get("/sectors/new").text
    token = html.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    assert client.post("/sectors/new", data={"name": "Halal", "csrf_token": token}).status_code == 302
    html = client.get(f"/sectors/{sector.id}/delete").text
    token = html.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    assert client.post(f"/sectors/{sector.id}/delete", data={"csrf_token": token}).status_code == 302
    assert "halal" in stored_sectors(session) and "textiles" not in stored_sectors(session)
