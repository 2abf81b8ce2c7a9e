"""Implementation (issue 15) in the pages: the form's fieldset, the agreement's page, the list filter, the
dashboard's table by partner country and the party page's sentence."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.web.test_agreements import form_data
from tracker.models import Agreement, ImplementationStatus, PartyRole


def test_implementation_is_typed_saved_and_shown_at_its_precision_with_its_history(client, session):
    data = form_data(
        title="MoU on moulds",
        implementation="stalled",
        implementation_note="Funding ran out",
        implementation_as_of="2017-10",
    )
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    stored = session.scalars(select(Agreement)).one()
    assert (stored.implementation, stored.implementation_note) == (ImplementationStatus.STALLED, "Funding ran out")
    assert stored.implementation_as_of.iso() == "2017-10"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Stalled</a>\s*<span class=\"muted\">\(as of October 2017\)</span>: Funding ran out", page), page
    edit = client.get(f"/agreements/{stored.id}/edit").get_data(as_text=True)
    assert "<legend>Implementation</legend>" in edit and '<option selected value="stalled">' in edit
    history = client.get(f"/agreements/{stored.id}/history").get_data(as_text=True)
    assert "Stalled" in history and "October 2017" in history


def test_an_agreement_without_it_reads_not_recorded(client, make_agreement):
    agreement = make_agreement()
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Implementation not recorded" in page


def test_a_value_not_in_the_list_is_refused(client):
    assert client.post("/agreements/new", data=form_data(implementation="finished")).status_code == 422


def test_the_list_filters_by_implementation_and_offers_the_filter(client, make_agreement):
    make_agreement(title="Done one", implementation=ImplementationStatus.IMPLEMENTED)
    make_agreement(title="Going one", implementation=ImplementationStatus.ONGOING)
    make_agreement(title="Unknown one")
    page = client.get("/agreements/?implementation=implemented&implementation=ongoing").get_data(as_text=True)
    assert "Done one" in page and "Going one" in page and "Unknown one" not in page
    assert 'name="implementation"' in page and 'value="stalled"' in page
    assert client.get("/agreements/?implementation=finished").status_code == 400


def test_dashboard_and_party_page_say_how_many_are_implemented(client, make_party, make_agreement):
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    kotra = make_party(name="KOTRA", country_code="KR")
    for number, status in enumerate([ImplementationStatus.IMPLEMENTED] * 9 + [ImplementationStatus.ONGOING]):
        parties = [(ministry, PartyRole.SIGNATORY), (kotra, PartyRole.SIGNATORY)]
        make_agreement(title=f"Korea {number}", implementation=status, parties=parties)
    board = client.get("/?as_of=2017-10-04").get_data(as_text=True)
    assert "Implementation by partner country" in board
    assert 'title="9 of 10 agreements with South Korea implemented"' in board
    assert "/agreements/?country=KR&amp;implementation=implemented" in board
    party = client.get(f"/parties/{kotra.id}").get_data(as_text=True)
    assert "9 of 10 agreements implemented" in party
