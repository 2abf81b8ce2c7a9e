"""The JSON API's resources: representations, lists with the query page's filters, create, update, archive."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api_support import assert_problem
from tracker.models import (
    Agreement,
    AgreementStatus,
    Change,
    ChangeAction,
    InstrumentType,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Source,
    UserRole,
)

AGREEMENT = {
    "title": "Technology development cooperation",
    "instrument_type": "agreement",
    "status": "in_force",
    "signed": "2006-03-15",
    "start": "2006-03",
    "end": "2018",
    "sectors": ["electric-vehicles"],
}


@pytest.fixture
def editor(api_as):
    """An editor's API client."""
    return api_as(UserRole.EDITOR)


def changes_of(session, record_type: str, record_id: int) -> list[Change]:
    """A record's history, oldest first."""
    statement = select(Change).where(Change.record_type == record_type, Change.record_id == record_id)
    return list(session.scalars(statement.order_by(Change.id)))


# --- representations ---------------------------------------------------------------------------


def test_an_agreement_reads_with_dates_at_their_precision_parties_roles_sectors_and_sources(
    editor, make_agreement, make_party, make_source, get_sector
):
    party = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    agreement = make_agreement(
        signed="2006-03-15",
        start="2006-03",
        end="2018",
        parties=[(party, PartyRole.IMPLEMENTING_AGENCY)],
        sectors=[get_sector("electric-vehicles")],
        renewal_intent=RenewalIntent.INTENDED,
    )
    source = make_source(agreements=[(agreement, "Plans to extend.")])
    response = editor.get(f"/agreements/{agreement.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["signed"], body["start"], body["end"]) == ("2006-03-15", "2006-03", "2018")
    assert body["parties"] == [
        {"party_id": party.id, "name": "AITEC Co., Ltd", "country_code": "KR", "role": "implementing_agency"}
    ]
    assert body["sectors"] == ["electric-vehicles"]
    assert (body["status"], body["instrument_type"], body["renewal_intent"]) == ("in_force", "agreement", "intended")
    assert [(link["source_id"], link["note"]) for link in body["sources"]] == [(source.id, "Plans to extend.")]
    assert body["version"] == 1 and response.headers["ETag"] == 'W/"1"'
    assert body["created_at"].endswith("Z") and body["archived_at"] is None


def test_a_source_reads_with_its_links_and_notes(editor, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "Signed for five years.")])
    body = editor.get(f"/sources/{source.id}").get_json()
    assert body["links"][0] == {
        "agreement_id": agreement.id,
        "source_id": source.id,
        "note": "Signed for five years.",
        "created_at": body["links"][0]["created_at"],
    }
    assert body["published_on"] == "2017-10-04" and body["kind"] == "news_article"


def test_a_party_reads_with_aliases_and_parent(editor, make_party):
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="Directorate of Metals", parent=ministry, aliases=["ILMATE"])
    body = editor.get(f"/parties/{unit.id}").get_json()
    assert (body["parent_id"], body["aliases"], body["kind"], body["country_code"]) == (
        ministry.id,
        ["ILMATE"],
        "ministry",
        "ID",
    )


def test_a_sector_reads_by_slug_with_keywords(editor, get_sector):
    sector = get_sector("electric-vehicles")
    body = editor.get(f"/sectors/{sector.id}").get_json()
    assert body["slug"] == "electric-vehicles" and isinstance(body["keywords"], list)
    assert editor.get(f"/sectors/{sector.id}").headers["ETag"].startswith('W/"')


# --- lists -------------------------------------------------------------------------------------


def test_agreement_list_takes_the_query_pages_filters(editor, make_agreement, make_party, get_sector):
    korea = make_party(
        name="Korea Institute", kind=PartyKind.RESEARCH_INSTITUTE, country_code="KR", aliases=["Lembaga Korea"]
    )
    ev = get_sector("electric-vehicles")
    wanted = make_agreement(
        title="Battery research",
        signed="2014-11",
        start="2015",
        end="2019",
        parties=[(korea, PartyRole.SIGNATORY)],
        sectors=[ev],
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.SIGNED,
    )
    make_agreement(title="Textile exchange", start="2001", end="2003")
    queries = [
        "q=battery",
        f"party={korea.id}",
        "party=korea%20institute",  # a party by its name, alias or label as well as its id
        "party=LEMBAGA%20KOREA",
        "party=Korea%20Institute%20(Korea%20Selatan)",
        "country=KR",
        "sector=electric-vehicles",
        "status=signed&status=expired",
        "instrument=mou",
        "renewal=none&q=battery",
        "active_in=2017",
        "ends_from=2019&ends_to=2020",
        "signed_from=2014&signed_to=2014",
    ]
    for query in queries:
        body = editor.get(f"/agreements?{query}").get_json()
        assert [item["id"] for item in body["items"]] == [wanted.id], query
        assert body["total"] == 1


def test_agreement_list_sorts_and_pages_with_a_total(editor, make_agreement):
    for year in range(2001, 2013):
        make_agreement(title=f"Agreement {year}", start=str(year))
    first = editor.get("/agreements?sort=start&per_page=10").get_json()
    second = editor.get("/agreements?sort=start&per_page=10&page=2").get_json()
    assert (first["total"], first["pages"], first["per_page"], len(first["items"])) == (12, 2, 10, 10)
    assert [item["start"] for item in first["items"]][:2] == ["2001", "2002"]
    assert [item["start"] for item in second["items"]] == ["2011", "2012"]
    assert editor.get("/agreements?per_page=10&page=5").get_json()["items"] == []


def test_agreement_list_sorts_by_signing_unknown_last(editor, make_agreement):
    unknown = make_agreement(title="MoU, signing date not reported").id
    year = make_agreement(title="Nota Kesepahaman Baterai", signed="2019").id
    day = make_agreement(title="MoU on nickel processing", signed="2019-04-22").id
    for sort, expected in (("signed", [year, day, unknown]), ("-signed", [day, year, unknown])):
        body = editor.get(f"/agreements?sort={sort}").get_json()
        assert [item["id"] for item in body["items"]] == expected, sort


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("party=999999", "party"),
        ("party=abc", "party"),
        ("country=XX", "country"),
        ("sector=no-such-sector", "sector"),
        ("status=nonsense", "status"),
        ("active_in=1800", "active_in"),
        ("ends_from=2020&ends_to=2019", "ends_to"),
        ("signed_from=2020&signed_to=2019", "signed_to"),
        ("signed_from=1800", "signed_from"),
        ("sort=sideways", "sort"),
        ("page=0", "page"),
        ("page=99999999999999999999999", "page"),
        ("per_page=7", "per_page"),
        ("q=" + "a" * 201, "q"),
    ],
)
def test_bad_agreement_filters_are_a_400_naming_the_parameter(editor, query, field):
    assert_problem(editor.get(f"/agreements?{query}"), 400, field)


def test_party_source_and_sector_lists_take_their_filters(editor, make_party, make_source):
    make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    make_party(name="Ministry of Industry")
    assert [p["name"] for p in editor.get("/parties?q=aitec&kind=company&country=kr").get_json()["items"]] == [
        "AITEC Co., Ltd"
    ]
    make_source(title="Kerja sama", outlet="tirto.id", language="id")
    make_source(title="Cooperation", url="https://example.org/a", outlet="Antara", language="en-GB")
    assert editor.get("/sources?language=en").get_json()["items"][0]["outlet"] == "Antara"
    assert editor.get("/sources?outlet=TIRTO.ID&year=2017").get_json()["total"] == 1
    sectors = editor.get("/sectors?per_page=10").get_json()
    assert sectors["total"] >= 1 and len(sectors["items"]) <= 10
    assert_problem(editor.get("/parties?kind=alien"), 400, "kind")
    assert_problem(editor.get("/sources?year=abc"), 400, "year")
    assert_problem(editor.get("/sectors?per_page=1000"), 400, "per_page")
    assert_problem(editor.get("/parties?page=²"), 400, "page")


def test_a_page_past_the_end_of_a_party_list_is_empty_not_the_last_page(editor, make_party):
    make_party()
    body = editor.get("/parties?page=3").get_json()
    assert (body["items"], body["total"], body["page"]) == ([], 1, 3)


def test_lists_leave_archived_records_out(editor, session, make_agreement):
    kept, archived = make_agreement(title="Kept"), make_agreement(title="Gone")
    editor.delete(f"/agreements/{archived.id}", etag='W/"1"')
    assert [item["title"] for item in editor.get("/agreements").get_json()["items"]] == [kept.title]


# --- create, update, archive ---------------------------------------------------------------------


def test_creating_an_agreement_answers_201_with_location_etag_and_the_record(editor, make_party, session):
    party = make_party()
    response = editor.post("/agreements", {**AGREEMENT, "parties": [{"party_id": party.id, "role": "funder"}]})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/agreements/{body['id']}"
    assert response.headers["ETag"] == 'W/"1"'
    assert body["parties"][0]["role"] == "funder" and body["end"] == "2018"
    stored = session.get(Agreement, body["id"])
    assert stored.end.iso() == "2018" and stored.title == AGREEMENT["title"]


def test_put_replaces_and_patch_changes_only_what_it_names(editor, make_agreement, get_sector):
    agreement = make_agreement(title="Old", summary="Kept by PATCH", sectors=[get_sector("electric-vehicles")])
    path = f"/agreements/{agreement.id}"
    patched = editor.patch(path, {"status": "expired", "end": "2019-02"}, etag='W/"1"')
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert (body["status"], body["end"], body["summary"], body["sectors"]) == (
        "expired",
        "2019-02",
        "Kept by PATCH",
        ["electric-vehicles"],
    )
    assert patched.headers["ETag"] == 'W/"2"' == f'W/"{body["version"]}"'
    replaced = editor.put(path, {"title": "New", "instrument_type": "mou", "status": "signed"}, etag='W/"2"')
    body = replaced.get_json()
    assert (body["title"], body["summary"], body["sectors"], body["end"]) == ("New", "", [], None)


def test_a_representation_can_be_sent_back_with_put(editor, make_agreement, make_party):
    party = make_party()
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)], start="2006")
    response = editor.get(f"/agreements/{agreement.id}")
    body = {**response.get_json(), "title": "Renamed"}
    saved = editor.put(f"/agreements/{agreement.id}", body, etag=response.headers["ETag"])
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["parties"][0]["party_id"] == party.id and saved.get_json()["start"] == "2006"


def test_archiving_answers_204_and_the_record_leaves_lists_and_becomes_404_for_viewers(editor, api_as, make_agreement):
    agreement = make_agreement()
    assert editor.delete(f"/agreements/{agreement.id}", etag='W/"1"').status_code == 204
    assert_problem(api_as(UserRole.VIEWER).get(f"/agreements/{agreement.id}"), 404)
    body = editor.get(f"/agreements/{agreement.id}").get_json()  # editors see the archived record
    assert body["archived_at"] is not None
    assert_problem(editor.delete(f"/agreements/{agreement.id}", etag=f'W/"{body["version"]}"'), 409)
    assert_problem(editor.patch(f"/agreements/{agreement.id}", {"title": "x"}, etag="*"), 404)


def test_admins_restore_archived_records(api_as, make_party):
    admin = api_as(UserRole.ADMIN)
    party = make_party()
    admin.delete(f"/parties/{party.id}", etag='W/"1"')
    restored = admin.post(f"/parties/{party.id}/restore")
    assert restored.status_code == 200 and restored.get_json()["archived_at"] is None
    assert_problem(admin.post(f"/parties/{party.id}/restore"), 409)
    assert_problem(admin.post("/parties/999999/restore"), 404)


def test_domain_rules_answer_as_in_the_pages(editor, make_party, make_agreement, make_source):
    party = make_party(name="Ministry of Industry")
    make_agreement(parties=[(party, PartyRole.SIGNATORY)])
    same_name = {"name": "ministry of  industry", "kind": "ministry", "country_code": "id"}
    body = assert_problem(editor.post("/parties", same_name), 409)
    assert body["type"] == "/api#problem-duplicate" and body["errors"][0]["field"] == "name"
    assert_problem(editor.delete(f"/parties/{party.id}", etag='W/"1"'), 409)  # in use
    assert_problem(editor.post("/agreements", {**AGREEMENT, "start": "2019", "end": "2018"}), 422, "end")
    assert_problem(editor.post("/agreements", {**AGREEMENT, "signed": "2018-02-30"}), 422, "signed")
    # The form reads "4 Oktober 2017"; the API keeps the one documented spelling, YYYY[-MM[-DD]].
    assert_problem(editor.post("/agreements", {**AGREEMENT, "signed": "4 Oktober 2017"}), 422, "signed")
    assert_problem(editor.post("/agreements", {**AGREEMENT, "sectors": ["no-such"]}), 422, "sectors")
    assert_problem(editor.post("/agreements", {**AGREEMENT, "parties": [{"party_id": 9999, "role": "funder"}]}), 422)
    assert_problem(editor.post("/parties", {"name": "X", "kind": "state", "country_code": "XX"}), 422, "country_code")
    source = make_source()
    other_spelling = source.url.replace("https://tirto.id", "HTTPS://TIRTO.ID")
    duplicate = assert_problem(editor.post("/sources", {"title": "Again", "url": other_spelling}), 409)
    assert duplicate["existing_id"] == source.id
    assert_problem(editor.post("/sources", {"title": "Bad", "url": "javascript:alert(1)"}), 422, "url")
    assert_problem(editor.post("/sources", {"title": "Day", "published_on": "2017-02-30"}), 422, "published_on")


def test_sources_and_sectors_round_trip(api_as):
    admin = api_as(UserRole.ADMIN)
    created = admin.post(
        "/sources",
        {"title": "Indonesia dan Korea", "url": "https://tirto.id/b", "language": "ID", "published_on": "2017-10-04"},
    )
    assert created.status_code == 201 and created.get_json()["language"] == "id"
    path = f"/sources/{created.get_json()['id']}"
    changed = admin.patch(path, {"outlet": "tirto.id"}, etag=created.headers["ETag"])
    assert changed.get_json()["outlet"] == "tirto.id" and changed.get_json()["version"] == 2
    sector = admin.post("/sectors", {"name": "Moulds & Dies", "keywords": ["cetakan", "moulds"]})
    assert sector.status_code == 201 and sector.get_json()["slug"] == "moulds-dies"
    sector_path = f"/sectors/{sector.get_json()['id']}"
    renamed = admin.patch(sector_path, {"description": "Tooling."}, etag=sector.headers["ETag"])
    assert renamed.get_json()["keywords"] == ["cetakan", "moulds"] and renamed.headers["ETag"] != sector.headers["ETag"]
    assert admin.delete(sector_path, etag=renamed.headers["ETag"]).status_code == 204
    assert admin.post(f"{sector_path}/restore").status_code == 200


def test_links_list_create_change_and_unlink(editor, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source()
    base = f"/agreements/{agreement.id}/sources"
    created = editor.post(base, {"source_id": source.id, "note": "Signed in 2017."})
    assert created.status_code == 201 and created.headers["Location"] == f"/api/v1{base}/{source.id}"
    assert_problem(editor.post(base, {"source_id": source.id}), 409)
    assert_problem(editor.post(base, {"source_id": 99999}), 422, "source_id")
    assert editor.get(base).get_json()["total"] == 1
    link = f"{base}/{source.id}"
    etag = editor.etag(link)
    changed = editor.patch(link, {"note": "Signed on 4 October 2017."}, etag=etag)
    assert changed.get_json()["note"] == "Signed on 4 October 2017."
    assert_problem(editor.put(link, {"note": "Stale"}, etag=etag), 412)
    assert editor.delete(link, etag=changed.headers["ETag"]).status_code == 204
    assert_problem(editor.get(link), 404)
    assert editor.get(base).get_json()["items"] == []


# --- history -------------------------------------------------------------------------------------


def test_every_change_through_the_api_lands_in_the_history_with_its_user(editor, session, make_party):
    party = make_party()
    created = editor.post("/agreements", {**AGREEMENT, "parties": [{"party_id": party.id, "role": "signatory"}]})
    agreement_id = created.get_json()["id"]
    editor.patch(f"/agreements/{agreement_id}", {"status": "expired"}, etag='W/"1"')
    source = editor.post("/sources", {"title": "Evidence"}).get_json()
    editor.post(f"/agreements/{agreement_id}/sources", {"source_id": source["id"], "note": "n"})
    editor.delete(f"/agreements/{agreement_id}", etag='W/"2"')
    changes = changes_of(session, "agreement", agreement_id)
    assert [change.action for change in changes] == [
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
        ChangeAction.LINK,
        ChangeAction.ARCHIVE,
    ]
    assert {change.user_id for change in changes} == {editor.user.id}
    assert changes[1].changes["status"] == ["in_force", "expired"]
    assert changes_of(session, "source", source["id"])[0].user_id == editor.user.id


# --- a script manages the whole database ----------------------------------------------------------


def test_a_script_can_manage_the_whole_database_with_a_token(api_as, session):
    """Party, sector, agreement, source, link, update with If-Match, archive: all with one admin token."""
    api = api_as(UserRole.ADMIN)
    party = api.post("/parties", {"name": "AITEC Co., Ltd", "kind": "company", "country_code": "KR"}).get_json()
    ministry = api.post("/parties", {"name": "Ministry of Industry", "kind": "ministry", "country_code": "ID"})
    sector = api.post("/sectors", {"name": "Automotive components"}).get_json()
    agreement = api.post(
        "/agreements",
        {
            **AGREEMENT,
            "sectors": [sector["slug"]],
            "parties": [
                {"party_id": party["id"], "role": "signatory"},
                {"party_id": ministry.get_json()["id"], "role": "signatory"},
            ],
        },
    )
    assert agreement.status_code == 201
    agreement_path = f"/agreements/{agreement.get_json()['id']}"
    source = api.post("/sources", {"title": "Kerja sama teknologi", "url": "https://tirto.id/kerja-sama"}).get_json()
    link = api.post(f"{agreement_path}/sources", {"source_id": source["id"], "note": "Plans to extend."})
    assert link.status_code == 201
    updated = api.patch(agreement_path, {"renewal_intent": "intended"}, etag=agreement.headers["ETag"])
    assert updated.status_code == 200 and updated.get_json()["sources"][0]["note"] == "Plans to extend."
    assert_problem(api.patch(agreement_path, {"renewal_intent": "renewed"}, etag=agreement.headers["ETag"]), 412)
    listed = api.get(f"/agreements?party={party['id']}&sector={sector['slug']}").get_json()
    assert listed["total"] == 1 and listed["items"][0]["renewal_intent"] == "intended"
    link_path = f"{agreement_path}/sources/{source['id']}"
    assert api.delete(link_path, etag=api.etag(link_path)).status_code == 204
    assert api.delete(agreement_path, etag=updated.headers["ETag"]).status_code == 204
    assert api.delete(f"/sources/{source['id']}", etag=api.etag(f"/sources/{source['id']}")).status_code == 204
    assert api.get("/agreements").get_json()["total"] == 0
    assert session.scalar(select(Source).where(Source.id == source["id"])) is None  # archived, hidden


def test_restoring_an_agreement_waits_for_its_archived_party(api_as, make_agreement, make_party):
    admin = api_as(UserRole.ADMIN)
    party = make_party()
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)])
    assert admin.delete(f"/agreements/{agreement.id}", etag='W/"1"').status_code == 204
    assert admin.delete(f"/parties/{party.id}", etag='W/"1"').status_code == 204
    body = assert_problem(admin.post(f"/agreements/{agreement.id}/restore"), 409)
    assert body["type"] == "/api#problem-state" and party.name in body["detail"]
    assert admin.post(f"/parties/{party.id}/restore").status_code == 200
    restored = admin.post(f"/agreements/{agreement.id}/restore", headers={"If-Match": 'W/"2"'})
    assert restored.status_code == 200 and restored.get_json()["parties"][0]["party_id"] == party.id
    assert restored.headers["ETag"] == 'W/"3"'


def test_restoring_a_source_and_a_stale_if_match_on_restore(api_as, make_source):
    admin = api_as(UserRole.ADMIN)
    source = make_source()
    admin.delete(f"/sources/{source.id}", etag='W/"1"')
    assert_problem(admin.post(f"/sources/{source.id}/restore", headers={"If-Match": 'W/"1"'}), 412)
    assert admin.post(f"/sources/{source.id}/restore").get_json()["archived_at"] is None


def test_a_party_filter_beyond_any_id_is_a_field_error(api_as):
    """A number no 32-bit id can reach is refused like any unknown party (PostgreSQL would overflow)."""
    assert_problem(api_as(UserRole.VIEWER).get("/agreements?party=2147483648"), 400, "party")


def test_terms_and_treaty_facts_are_written_and_read_with_the_current_term(editor, session):
    body = {
        **AGREEMENT,
        "start": "2014-01-01",
        "end": None,
        "duration_months": 60,
        "auto_renewal": "yes",
        "notice_period": 6,
        "notice_by": "either",
        "in_force": "2014-03",
        "ratification": "not_required",
        "document_number": "KS/2014/017",
    }
    created = editor.post("/agreements", body)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert (record["duration_months"], record["auto_renewal"], record["notice_unit"]) == (60, "yes", "months")
    assert (record["in_force"], record["ratification"], record["renewal_months"]) == ("2014-03", "not_required", None)
    assert record["current_term"]["decision_on"].endswith("-07-01") and record["current_term"]["number"] >= 3
    refused = editor.post("/agreements", {**body, "notice_period": 0})
    assert_problem(refused, 422)
