"""GET /lookup/parties, /lookup/agreements, /lookup/sources: what the pickers offer as one types."""

from __future__ import annotations

import pytest

from tracker.models import PartyKind, PartyRole, UserRole


@pytest.fixture
def ministry(make_party):
    return make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin"],
    )


def test_kemenp_offers_the_ministry_with_its_aliases_and_kind(client_as, ministry, make_party):
    make_party(name="Ministry of Trade of the Republic of Indonesia", aliases=["Kemendag"])
    response = client_as(UserRole.VIEWER).get("/lookup/parties?q=kemenp&limit=10")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json == [
        {
            "id": ministry.id,
            "label": "Ministry of Industry of the Republic of Indonesia (Indonesia)",
            "name": "Ministry of Industry of the Republic of Indonesia",
            "matched": "Kemenperin",
            "aliases": ["Kemenperin", "Kementerian Perindustrian"],
            "country_code": "ID",
            "kind": "ministry",
            "detail": "Kemenperin, Kementerian Perindustrian · Ministry or agency",
        }
    ]


def test_labels_and_details_are_in_the_reader_s_language(client_as, make_party):
    japan = make_party(name="Government of Japan", kind=PartyKind.STATE, country_code="JP", aliases=["Jepang"])
    client = client_as(UserRole.VIEWER)
    client.post("/language", data={"locale": "id", "next": "/"})
    found = client.get("/lookup/parties?q=jepang").json
    assert [item["id"] for item in found] == [japan.id]
    assert (
        found[0]["label"] == "Government of Japan (Jepang)" and found[0]["detail"] == "Jepang · Negara atau pemerintah"
    )


def test_the_limit_is_kept_and_bad_queries_are_400_problems(client_as, make_party):
    for number in range(1, 13):
        make_party(name=f"Daesan Partner {number:02d}", kind=PartyKind.COMPANY, country_code="KR")
    client = client_as(UserRole.VIEWER)
    assert len(client.get("/lookup/parties?q=daesan").json) == 10  # the default
    assert [item["name"] for item in client.get("/lookup/parties?q=DAESAN&limit=3").json] == [
        "Daesan Partner 01",
        "Daesan Partner 02",
        "Daesan Partner 03",
    ]
    assert client.get("/lookup/parties").json == []
    for query in ("q=daesan&limit=0", "q=daesan&limit=51", "q=daesan&limit=many", "q=" + "x" * 201):
        response = client.get(f"/lookup/parties?{query}")
        assert response.status_code == 400 and response.mimetype == "application/problem+json", query
        assert response.json["detail"]


def test_a_warm_look_up_costs_one_statement_however_many_parties(app, client_as, make_party, count_statements):
    client = client_as(UserRole.VIEWER)
    for number in range(5):
        make_party(name=f"Korea Partner {number}", kind=PartyKind.COMPANY, country_code="KR", aliases=[f"KP{number}"])
    client.get("/lookup/parties?q=korea")  # reads the names once
    with count_statements() as statements:
        assert len(client.get("/lookup/parties?q=korea").json) == 5
    few = [statement for statement in statements if "party" in statement]
    for number in range(5, 40):
        make_party(name=f"Korea Partner {number}", kind=PartyKind.COMPANY, country_code="KR", aliases=[f"KP{number}"])
    client.get("/lookup/parties?q=korea")
    with count_statements() as statements:
        assert len(client.get("/lookup/parties?q=korea&limit=50").json) == 40
    assert len([statement for statement in statements if "party" in statement]) == len(few) == 1


def test_agreements_by_number_or_by_words_of_their_titles(client_as, make_agreement, ministry):
    battery = make_agreement(
        title="MoU on electric vehicle batteries",
        title_local="Nota Kesepahaman Baterai Kendaraan Listrik",
        parties=[(ministry, PartyRole.SIGNATORY)],
    )
    make_agreement(title="Textile training cooperation")
    client = client_as(UserRole.VIEWER)
    assert [item["id"] for item in client.get("/lookup/agreements?q=baterai").json] == [battery.id]
    assert [item["id"] for item in client.get("/lookup/agreements?q=batteries").json] == [battery.id]
    by_number = client.get(f"/lookup/agreements?q=%23{battery.id}").json
    assert by_number[0]["label"] == "MoU on electric vehicle batteries"
    assert by_number[0]["detail"].startswith(f"#{battery.id} · Nota Kesepahaman Baterai Kendaraan Listrik")
    assert client.get("/lookup/agreements?q=%23999999").json == []


def test_sources_by_number_or_by_words(client_as, make_source):
    source = make_source(title="Kemenperin dan AITEC teken kerja sama", url="https://tirto.id/kemenperin-aitec")
    make_source(title="Unrelated news", url="https://example.org/other")
    client = client_as(UserRole.VIEWER)
    found = client.get("/lookup/sources?q=aitec").json
    assert [item["id"] for item in found] == [source.id]
    assert "tirto.id/kemenperin-aitec" in found[0]["detail"]
    assert [item["id"] for item in client.get(f"/lookup/sources?q={source.id}").json] == [source.id]


def test_look_ups_need_a_signed_in_user(anonymous_client):
    for kind in ("parties", "agreements", "sources"):
        response = anonymous_client.get(f"/lookup/{kind}?q=kemenp")
        assert response.status_code in (302, 401)
