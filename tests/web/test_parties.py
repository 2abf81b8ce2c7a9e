"""Party pages over HTTP: one test per page and form, escaping, bounded queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.models import Party, PartyKind, PartyRole

KOREAN_INSTITUTE = "한국생산기술연구원"


def form(**fields) -> dict[str, str]:
    """A valid party form submission, with some fields changed."""
    values = {
        "name": "AITEC Co., Ltd",
        "kind": PartyKind.COMPANY.value,
        "country_code": "KR",
        "parent_id": "",
        "aliases": "AITEC\r\nAitec Korea",
        "notes": "",
    }
    values.update(fields)
    return values


def stored_parties(session) -> list[Party]:
    """Every party as the database now has it."""
    # End any open snapshot and forget loaded values, so the next read sees what the request committed.
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Party).order_by(Party.id)))


# --- list ----------------------------------------------------------------------------------------


def test_index_lists_parties_with_filters(client, make_party):
    make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    make_party(name="Ministry of Industry", country_code="ID")
    response = client.get("/parties/")
    assert response.status_code == 200
    assert "AITEC Co., Ltd" in response.text and "Ministry of Industry" in response.text
    assert "South Korea" in response.text
    filtered = client.get("/parties/", query_string={"q": "aitec", "kind": "company", "country": "kr"})
    assert filtered.status_code == 200
    assert "AITEC Co., Ltd" in filtered.text and "Ministry of Industry" not in filtered.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kind": "emperor"}, "Not a valid choice"),
        ({"country": "XX"}, "Not a valid choice"),
        ({"page": "two"}, "Not a valid integer value"),
        ({"page": "0"}, "Number must be between 1 and"),
        ({"page": "99999999999999999999999"}, "Number must be between"),
    ],
)
def test_index_with_invalid_filters_is_a_400_with_the_message(client, args, message):
    response = client.get("/parties/", query_string=args)
    assert response.status_code == 400
    assert message in response.text


def test_index_pages(app, client, make_party):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for number in range(1, 6):
        make_party(name=f"Party {number:02}")
    response = client.get("/parties/", query_string={"page": "2"})
    assert response.status_code == 200
    assert "Party 03" in response.text and "Party 01" not in response.text
    assert "Page 2 of 3" in response.text


# --- detail --------------------------------------------------------------------------------------


def test_detail_shows_the_party_and_its_agreements(client, make_party, make_agreement):
    ministry = make_party(name="Ministry of Trade, Industry and Energy", country_code="KR")
    party = make_party(
        name="AITEC Co., Ltd",
        kind=PartyKind.COMPANY,
        country_code="KR",
        aliases=["AITEC"],
        parent=ministry,
        notes="Moulds and dies.",
    )
    make_party(name="AITEC Mould Centre", country_code="KR", parent=party)
    agreement = make_agreement(
        title="Technology development cooperation", start="2006", end="2018", parties=[(party, PartyRole.SIGNATORY)]
    )
    response = client.get(f"/parties/{party.id}")
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Company",
        "South Korea",
        "Ministry of Trade, Industry and Energy",
        "AITEC Mould Centre",
        "Moulds and dies.",
        "Technology development cooperation",
        "Signatory",
        "In force",
        "2006–2018",
        f"/agreements/{agreement.id}",
    ):
        assert expected in text


@pytest.mark.parametrize("path", ["/parties/999999", "/parties/99999999999", "/parties/0", "/parties/abc"])
def test_unknown_party_is_404(client, path):
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/edit").status_code == 404
    assert client.get(f"{path}/delete").status_code == 404
    # Werkzeug answers 405 rather than 404 when the id converter refuses an id on a POST-only rule.
    assert client.post(f"{path}/delete").status_code in (404, 405)


def test_unknown_party_in_range_is_404_on_post(client):
    assert client.post("/parties/999999/edit", data=form()).status_code == 404
    assert client.post("/parties/999999/delete").status_code == 404


def test_text_in_any_script_is_escaped_and_round_trips(client, session):
    response = client.post("/parties/new", data=form(name="<script>alert(1)</script>", aliases=KOREAN_INSTITUTE))
    assert response.status_code == 302
    party = stored_parties(session)[0]
    assert party.name == "<script>alert(1)</script>"
    page = client.get(f"/parties/{party.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert KOREAN_INSTITUTE in page
    assert "<script>" not in client.get("/parties/").text


# --- new -----------------------------------------------------------------------------------------


def test_new_form_renders(client, make_party):
    make_party(name="Ministry of Industry", country_code="ID")
    response = client.get("/parties/new")
    assert response.status_code == 200
    assert 'name="aliases"' in response.text
    # The parent is typed or picked (GET /lookup/parties), never chosen from a list of every party.
    assert "Ministry of Industry (Indonesia)" not in response.text and 'data-lookup="/lookup/parties"' in response.text


def test_create_party_redirects_and_saves(client, session, make_party):
    ministry = make_party(name="Ministry of Trade, Industry and Energy", country_code="KR")
    response = client.post("/parties/new", data=form(parent_id=str(ministry.id)))
    assert response.status_code == 302
    party = stored_parties(session)[-1]
    assert response.headers["Location"].endswith(f"/parties/{party.id}")
    assert (party.name, party.country_code, party.parent_id) == ("AITEC Co., Ltd", "KR", ministry.id)
    assert sorted(alias.alias for alias in party.aliases) == ["AITEC", "Aitec Korea"]
    assert "AITEC Co., Ltd" in client.get(response.headers["Location"]).text


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": ""}, 422, "This field is required"),
        ({"name": "A" * 301}, 422, "Field cannot be longer than 300 characters"),
        ({"kind": "emperor"}, 422, "Not a valid choice"),
        ({"country_code": "XX"}, 422, "Not a valid choice"),
        ({"parent_id": "abc"}, 422, "No party is called “abc”."),
        ({"parent_id": "999999"}, 422, "There is no such party."),
        ({"aliases": "AITEC\n" + "B" * 301}, 422, "Keep each alias to 300 characters"),
    ],
)
def test_create_party_with_invalid_input_saves_nothing(client, session, fields, status, message):
    response = client.post("/parties/new", data=form(**fields))
    assert response.status_code == status
    assert message in response.text
    assert 'class="error"' in response.text
    assert stored_parties(session) == []


def test_create_duplicate_party_is_409_naming_the_existing_one(client, session, make_party):
    make_party(name="Advanced Industrial Technology", country_code="KR", aliases=["AITEC"])
    response = client.post("/parties/new", data=form(name="aitec"))
    assert response.status_code == 409
    assert "Advanced Industrial Technology" in response.text
    assert 'id="name-error"' in response.text
    assert len(stored_parties(session)) == 1


# --- edit ----------------------------------------------------------------------------------------


def test_edit_form_is_filled_in(client, make_party):
    party = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC", "Aitec"])
    response = client.get(f"/parties/{party.id}/edit")
    assert response.status_code == 200
    assert 'value="AITEC Co., Ltd"' in response.text
    assert "AITEC\nAitec" in response.text or "AITEC\r\nAitec" in response.text
    # The party is not offered as its own parent.
    assert f'<option value="{party.id}"' not in response.text


def test_update_party_redirects_and_saves(client, session, make_party):
    party = make_party(name="AITEC", kind=PartyKind.COMPANY, country_code="KR", aliases=["Old"])
    response = client.post(f"/parties/{party.id}/edit", data=form(notes="Mother of industry.", version="1"))
    assert response.status_code == 302
    stored = stored_parties(session)[0]
    assert (stored.name, stored.notes) == ("AITEC Co., Ltd", "Mother of industry.")
    assert sorted(alias.alias for alias in stored.aliases) == ["AITEC", "Aitec Korea"]


def test_update_party_into_a_cycle_is_refused(client, session, make_party):
    ministry = make_party(name="Ministry of Industry")
    agency = make_party(name="BPPI", parent=ministry)
    response = client.post(
        f"/parties/{ministry.id}/edit",
        data=form(
            name="Ministry of Industry",
            kind="ministry",
            country_code="ID",
            parent_id=str(agency.id),
            aliases="",
            version=str(ministry.version),
        ),
    )
    assert response.status_code == 422
    assert "BPPI" in response.text and 'id="parent_id-error"' in response.text
    assert stored_parties(session)[0].parent_id is None


# --- archive ("delete") --------------------------------------------------------------------------


def test_delete_asks_first_and_changes_nothing_on_get(client, session, make_party):
    party = make_party(name="AITEC Co., Ltd", country_code="KR")
    response = client.get(f"/parties/{party.id}/delete")
    assert response.status_code == 200
    assert "Nothing is deleted" in response.text
    assert len(stored_parties(session)) == 1


def test_delete_unused_party_redirects(client, session, make_party):
    party = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    response = client.post(f"/parties/{party.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/parties/")
    assert stored_parties(session) == []
    assert "archived" in client.get("/parties/").text


def test_delete_used_party_is_refused_naming_the_agreements(client, session, make_party, make_agreement):
    party = make_party(name="AITEC Co., Ltd", country_code="KR")
    make_agreement(title="Moulds and dies cooperation", parties=[(party, PartyRole.SIGNATORY)])
    response = client.post(f"/parties/{party.id}/delete")
    assert response.status_code == 409
    assert "Moulds and dies cooperation" in response.text
    assert len(stored_parties(session)) == 1


# --- CSRF ----------------------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return html.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]


def test_forms_and_delete_button_carry_a_csrf_token(app, client, session, make_party):
    app.config["WTF_CSRF_ENABLED"] = True
    party = make_party(name="AITEC Co., Ltd", country_code="KR")
    assert client.post(f"/parties/{party.id}/delete").status_code == 400
    assert client.post("/parties/new", data=form(name="KEIT")).status_code == 400
    token = csrf_token(client.get("/parties/new").text)
    assert client.post("/parties/new", data={**form(name="KEIT"), "csrf_token": token}).status_code == 302
    token = csrf_token(client.get(f"/parties/{party.id}/delete").text)
    assert client.post(f"/parties/{party.id}/delete", data={"csrf_token": token}).status_code == 302
    assert [party.name for party in stored_parties(session)] == ["KEIT"]
