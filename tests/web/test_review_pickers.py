"""Issue 18 at scale: the add-from-news review shows the ticked parties and a picker, never every party; agreements
and sources typed without the script are resolved on the server, with "did you mean" when the text is unclear."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.web.test_ingest import AITEC_TITLE, PAGES, SEED_PAGE, confirm_with, story  # noqa: F401 (a fixture)
from tracker.models import Agreement, AgreementRelation, Party, PartyKind, PartyRole, Source, UserRole

FILLERS = 300


@pytest.fixture
def many_parties(session, story) -> list[Party]:  # noqa: F811 (the fixture imported above)
    """The seed story's parties among 300 others."""
    parties = [
        Party(name=f"Filler body {number:03d}", kind=PartyKind.COMPANY, country_code="ID") for number in range(FILLERS)
    ]
    session.add_all(parties)
    session.commit()
    return parties


def review_page(editor) -> str:
    """The review screen of the seed article, pasted."""
    response = editor.post("/sources/add", data={"pasted": (PAGES / SEED_PAGE).read_text(encoding="utf-8")})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ticked_parties(html: str) -> list[str]:
    """The ids of the party boxes ticked on the page, in their order."""
    boxes = re.findall(r'<input (checked )?id="new_parties-\d+" name="new_parties" type="checkbox" value="(\d+)"', html)
    return [value for checked, value in boxes if checked]


def party_boxes(html: str) -> list[str]:
    """The ids of every party box on the page, in their order."""
    return re.findall(r'name="new_parties" type="checkbox" value="(\d+)"', html)


def test_the_review_shows_the_ticked_parties_and_a_picker_not_every_party(client_as, many_parties, session):
    html = review_page(client_as(UserRole.EDITOR))
    named = {party.name: str(party.id) for party in session.scalars(select(Party))}
    ticked = ticked_parties(html)
    assert named["Ministry of Industry of the Republic of Indonesia"] in ticked and named["AITEC Co., Ltd"] in ticked
    assert party_boxes(html)[: len(ticked)] == ticked  # the ticked ones first
    assert len(party_boxes(html)) < 10
    assert "Filler body" not in html
    assert 'data-lookup="/lookup/parties"' in html and 'data-lookup-add="new_parties"' in html


def test_the_candidate_agreements_are_a_readable_list_with_parties_and_score(client_as, many_parties):
    html = review_page(client_as(UserRole.EDITOR))
    candidates = html[
        html.index('<ul class="candidates">') : html.index("</ul>", html.index('<ul class="candidates">'))
    ]
    assert AITEC_TITLE in candidates and "AITEC Co., Ltd" in candidates and "Score " in candidates
    assert 'data-lookup="/lookup/agreements"' in html  # any other agreement is searched on the server


def test_a_party_typed_without_the_script_is_added_then_saved(client_as, many_parties, session):
    editor = client_as(UserRole.EDITOR)
    page = review_page(editor)
    fields = {"create_new": "y", "new_title": "With fillers", "new_parties": ticked_parties(page)}
    added = confirm_with(editor, page, **fields, add_party="filler body 007", adding_party="Add")
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and session.scalars(select(Source)).all() == []  # nothing saved yet
    filler = many_parties[7]
    assert str(filler.id) in ticked_parties(html) and "Filler body 007" in html and "Filler body 008" not in html
    response = confirm_with(editor, html, **{**fields, "new_parties": ticked_parties(html)})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    agreement = session.scalars(select(Agreement).where(Agreement.title == "With fillers")).one()
    assert filler.id in {link.party_id for link in agreement.party_links}
    assert {link.role for link in agreement.party_links} == {PartyRole.SIGNATORY}


def test_a_party_typed_and_saved_at_once_is_a_signatory(client_as, many_parties, session):
    editor = client_as(UserRole.EDITOR)
    page = review_page(editor)
    fields = {"create_new": "y", "new_title": "Typed party", "new_parties": ticked_parties(page)}
    response = confirm_with(editor, page, **fields, add_party="Filler body 011")
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    agreement = session.scalars(select(Agreement).where(Agreement.title == "Typed party")).one()
    assert many_parties[11].id in {link.party_id for link in agreement.party_links}


def test_an_unclear_party_offers_did_you_mean_and_an_unknown_one_says_so(client_as, many_parties, session):
    editor = client_as(UserRole.EDITOR)
    page = review_page(editor)
    fields = {"create_new": "y", "new_title": "Unclear", "new_parties": ticked_parties(page)}
    unclear = confirm_with(editor, page, **fields, add_party="filler body 01", adding_party="Add")
    html = unclear.get_data(as_text=True)
    assert unclear.status_code == 422 and "Did you mean" in html and 'name="add_party-choice"' in html
    assert "Filler body 010" in html and "Filler body 200" not in html
    chosen = confirm_with(
        editor, html, **fields, add_party="filler body 01", **{"add_party-choice": str(many_parties[12].id)}
    )
    assert chosen.status_code == 302, chosen.get_data(as_text=True)
    unknown = confirm_with(editor, page, **fields, add_party="Nobody at all", adding_party="Add")
    assert unknown.status_code == 422 and "No party is called “Nobody at all”." in unknown.get_data(as_text=True)
    forged = confirm_with(editor, page, **{**fields, "new_parties": ["999999"]})
    assert forged.status_code == 422 and "no longer recorded" in forged.get_data(as_text=True)


def test_an_unclear_agreement_offers_did_you_mean_and_the_choice_resolves(client, session, make_agreement):
    first = make_agreement(title="First")
    twins = [make_agreement(title="Twin cooperation"), make_agreement(title="twin cooperation")]
    response = client.post(f"/agreements/{first.id}/relations", data={"kind": "renews", "other": "twin cooperation"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Several agreements have this title" in html
    assert "Did you mean" in html and f'value="#{twins[1].id} twin cooperation"' in html
    near = client.post(f"/agreements/{first.id}/relations", data={"kind": "renews", "other": "twin"})
    assert near.status_code == 422 and f'value="#{twins[0].id} Twin cooperation"' in near.get_data(as_text=True)
    data = {"kind": "renews", "other": "twin", "other-choice": f"#{twins[1].id} twin cooperation"}
    assert client.post(f"/agreements/{first.id}/relations", data=data).status_code == 302
    relation = session.scalars(select(AgreementRelation)).one()
    assert relation.object_id == twins[1].id
    page = client.get(f"/agreements/{first.id}").get_data(as_text=True)
    assert 'data-lookup="/lookup/agreements"' in page and "data-lookup-reference" in page


def test_a_source_typed_without_the_script_offers_did_you_mean(client, make_agreement, make_source):
    agreement = make_agreement(title="Needs a source")
    make_source(title="Kompas on the steel deal", url="https://example.org/a")
    response = client.post(f"/agreements/{agreement.id}/sources/new", data={"source_id": "steel"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kompas on the steel deal" in html and "Did you mean" in html
    assert 'data-lookup="/lookup/sources"' in client.get(f"/agreements/{agreement.id}/sources/new").get_data(
        as_text=True
    )
