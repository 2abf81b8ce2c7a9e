"""The agreement form's party rows without JavaScript: typed names resolved on the server, "did you mean" lists,
"Add row" that keeps everything typed, a new party created with the agreement; the list's party filter by name."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.html_forms import form_values
from tracker.models import Agreement, AgreementParty, Party, PartyKind, PartyRole

from .test_agreements import form_data


@pytest.fixture
def parties(make_party):
    """The ministry (known by Indonesian aliases), a Korean institute and two bodies sharing the acronym BPPT."""
    return {
        "ministry": make_party(
            name="Ministry of Industry of the Republic of Indonesia",
            aliases=["Kementerian Perindustrian", "Kemenperin"],
        ),
        "kitech": make_party(
            name="Korea Institute of Industrial Technology",
            kind=PartyKind.RESEARCH_INSTITUTE,
            country_code="KR",
            aliases=["KITECH"],
        ),
        "bppt": make_party(name="Badan Pengkajian dan Penerapan Teknologi", kind=PartyKind.OTHER, aliases=["BPPT"]),
        "bppt_kr": make_party(
            name="Busan Port Promotion Team", kind=PartyKind.ASSOCIATION, country_code="KR", aliases=["BPPT"]
        ),
    }


def rows(**rows) -> dict[str, str]:
    """Party row fields: rows(p0="Kemenperin", c0="12") → parties-0-party, parties-0-choice …"""
    names = {"p": "party", "i": "party_id", "c": "choice", "r": "role", "k": "new_kind", "n": "new_country"}
    return {f"parties-{key[1:]}-{names[key[0]]}": value for key, value in rows.items()}


def agreement_parties(session) -> list[tuple[str, PartyRole]]:
    session.rollback()
    links = session.scalars(select(AgreementParty).join(AgreementParty.party).order_by(Party.name))
    return [(link.party.name, link.role) for link in links]


def total(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def test_a_name_or_alias_typed_in_either_language_is_resolved_on_saving(client, session, parties):
    data = form_data(**rows(p0="kementerian perindustrian", r0="signatory", p1="KITECH", r1="implementing_agency"))
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 302
    assert agreement_parties(session) == [
        ("Korea Institute of Industrial Technology", PartyRole.IMPLEMENTING_AGENCY),
        ("Ministry of Industry of the Republic of Indonesia", PartyRole.SIGNATORY),
    ]


def test_a_name_several_parties_go_by_offers_them_with_their_ids_and_the_choice_is_saved(client, session, parties):
    response = client.post("/agreements/new", data=form_data(**rows(p0="Kemenperin", p1="bppt", r1="witness")))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Several parties go by “bppt”: choose one below." in html
    assert 'aria-invalid="true"' in html and 'href="#parties-1-party"' in html  # next to the field, in the summary
    for party in (parties["bppt"], parties["bppt_kr"]):
        assert f'name="parties-1-choice" id="parties-1-choice-{party.id}" value="{party.id}"' in html
    assert "Busan Port Promotion Team (South Korea)" in html
    # The first row was resolved: it shows the ministry's label and keeps its id.
    pairs = form_values(html, "/agreements/new")
    assert ("parties-0-party", "Ministry of Industry of the Republic of Indonesia (Indonesia)") in pairs
    assert ("parties-0-party_id", str(parties["ministry"].id)) in pairs
    assert total(session, Agreement) == 0

    pairs.append(("parties-1-choice", str(parties["bppt_kr"].id)))
    assert client.post("/agreements/new", data=MultiDict(pairs)).status_code == 302
    assert agreement_parties(session) == [
        ("Busan Port Promotion Team", PartyRole.WITNESS),
        ("Ministry of Industry of the Republic of Indonesia", PartyRole.SIGNATORY),
    ]


def test_a_partial_name_offers_what_it_could_mean_and_nothing_matching_says_so(client, session, parties):
    html = client.post("/agreements/new", data=form_data(**rows(p0="kemenp"))).get_data(as_text=True)
    assert "No party is called exactly “kemenp”: choose one below, or create a new party." in html
    assert f'value="{parties["ministry"].id}"' in html and 'id="parties-0-choice-new" value="new"' in html
    response = client.post("/agreements/new", data=form_data(**rows(p0="Zzyzx Holdings")))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No party is called “Zzyzx Holdings”: check the spelling, or create a new party." in html
    assert 'id="parties-0-choice-new"' in html and "Kind of the new party" in html
    assert total(session, Agreement) == 0


def test_add_row_shows_the_form_again_with_one_more_row_and_everything_typed(client, session, parties):
    data = form_data(**rows(p0="Kemenperin", r0="signatory", p1="kitech", r1="witness", p2="", p3=""))
    data.update(title="MoU on industrial technology", sectors=[], add_row="1")
    response = client.post("/agreements/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    pairs = form_values(html, "/agreements/new")
    assert ("title", "MoU on industrial technology") in pairs
    assert ("parties-0-party", "Kemenperin") in pairs and ("parties-1-party", "kitech") in pairs
    assert ("parties-1-role", "witness") in pairs
    numbered = {name for name, _value in pairs if re.fullmatch(r"parties-\d+-party", name)}
    assert len(numbered) == 5  # four sent, one more
    assert "Please correct" not in html  # nothing was checked, nothing saved
    assert total(session, Agreement) == 0

    # Saving the form as shown records the agreement with both parties.
    assert client.post("/agreements/new", data=MultiDict(pairs)).status_code == 302
    assert [name for name, _role in agreement_parties(session)] == [
        "Korea Institute of Industrial Technology",
        "Ministry of Industry of the Republic of Indonesia",
    ]


def test_a_new_party_is_created_with_the_agreement_in_one_save(client, session, parties):
    name = "Badan Riset dan Inovasi Nasional"
    data = form_data(**rows(p0="Kemenperin", p1=name, c1="new", k1="research_institute", n1="ID", r1="witness"))
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 302
    session.rollback()
    party = session.scalars(select(Party).where(Party.name == name)).one()
    assert (party.kind, party.country_code) == (PartyKind.RESEARCH_INSTITUTE, "ID")
    assert (name, PartyRole.WITNESS) in agreement_parties(session)


def test_a_new_party_refused_or_an_agreement_refused_saves_neither_and_keeps_the_input(client, session, parties):
    name = "Badan Riset dan Inovasi Nasional"
    before = total(session, Party)
    # Without its kind.
    response = client.post("/agreements/new", data=form_data(**rows(p0=name, c0="new")))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose what kind of party the new one is." in html
    assert 'id="parties-0-choice-new" value="new" checked' in html
    # With its kind, but the agreement's end comes before its start: the party is not kept either.
    data = form_data(end="2001", **rows(p0=name, c0="new", k0="research_institute"))
    html = client.post("/agreements/new", data=data).get_data(as_text=True)
    assert "before the start" in html and 'value="new" checked' in html
    pairs = form_values(html, "/agreements/new")
    assert ("parties-0-party", name) in pairs and ("parties-0-new_kind", "research_institute") in pairs
    # A name some party in that country already has is refused next to the row.
    data = form_data(**rows(p0="Kemenperin", c0="new", k0="ministry", n0="ID"))
    response = client.post("/agreements/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="parties-0-party-error"' in html
    error = html.split('id="parties-0-party-error">')[1].split("</p>")[0]
    assert error == "“Ministry of Industry of the Republic of Indonesia” already goes by this name in the same country."
    assert total(session, Party) == before and total(session, Agreement) == 0


def test_the_edit_form_shows_the_parties_by_label_and_saves_them_unchanged(client, session, parties, make_agreement):
    agreement = make_agreement(
        parties=[(parties["ministry"], PartyRole.SIGNATORY), (parties["bppt"], PartyRole.WITNESS)]
    )
    action = f"/agreements/{agreement.id}/edit"
    html = client.get(action).get_data(as_text=True)
    pairs = form_values(html, action)
    assert ("parties-1-party", "Badan Pengkajian dan Penerapan Teknologi (Indonesia)") in pairs
    assert ("parties-1-party_id", str(parties["bppt"].id)) in pairs
    assert 'data-lookup="/lookup/parties"' in html and '<select id="parties-0-party"' not in html
    assert client.post(action, data=MultiDict(pairs)).status_code == 302
    assert [name for name, _role in agreement_parties(session)] == [
        "Badan Pengkajian dan Penerapan Teknologi",
        "Ministry of Industry of the Republic of Indonesia",
    ]


def test_the_list_filter_takes_an_id_or_a_name_and_offers_candidates_for_an_ambiguous_one(
    client, parties, make_agreement
):
    make_agreement(title="Industrial technology MoU", parties=[(parties["ministry"], PartyRole.SIGNATORY)])
    make_agreement(title="Port cooperation", parties=[(parties["bppt_kr"], PartyRole.SIGNATORY)])
    by_id = client.get(f"/agreements/?party={parties['ministry'].id}").get_data(as_text=True)
    by_alias = client.get("/agreements/?party=kemenperin").get_data(as_text=True)
    for html in (by_id, by_alias):
        assert "Industrial technology MoU" in html and "Port cooperation" not in html
        assert 'value="Ministry of Industry of the Republic of Indonesia (Indonesia)"' in html
    assert f'data-lookup-value="{parties["ministry"].id}"' in by_id
    assert "<option" not in by_id.split('id="party"')[1].split("</div>")[0]  # no list of every party

    response = client.get("/agreements/?party=BPPT")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Several parties go by “BPPT”" in html
    assert f"party={parties['bppt_kr'].id}" in html and f"party={parties['bppt'].id}" in html
    response = client.get("/agreements/?party=Zzyzx")
    assert response.status_code == 400 and "No party is called “Zzyzx”." in response.get_data(as_text=True)
    assert client.get("/agreements/timeline?party=kitech").status_code == 200
