"""API: saved queries (issue 18) — listed, read with their count, saved, replaced and deleted under the owner's rules,
and the agreement list by `?saved=<id>`; every answer checked against the OpenAPI document by ApiClient."""

from __future__ import annotations

import pytest

from tests.api_support import assert_problem
from tracker.models import PartyKind, PartyRole, SavedQuery, UserRole


@pytest.fixture
def korea(make_party, make_agreement, get_sector):
    """Two electric-vehicle agreements with a Korean partner, one with Japan."""
    ev = get_sector("electric-vehicles")
    kr = make_party(name="Korea Electric Power Corporation", kind=PartyKind.COMPANY, country_code="KR")
    jp = make_party(name="Nippon Steel", kind=PartyKind.COMPANY, country_code="JP")
    make_agreement(title="Kerja sama jaringan listrik", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev])
    make_agreement(title="Battery swapping pilot", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev])
    make_agreement(title="Baja ringan", parties=[(jp, PartyRole.SIGNATORY)])


def test_save_read_with_its_count_and_list_its_agreements(api_as, korea):
    viewer = api_as(UserRole.VIEWER)
    body = {"name": "EV dengan Korea", "query": "/agreements/?sector=electric-vehicles&country=KR&page=2&sort=title"}
    created = viewer.post("/saved-queries", json=body)
    assert created.status_code == 201
    saved = created.get_json()
    assert saved["query"] == "sector=electric-vehicles&country=KR&sort=title"
    assert (saved["shared"], saved["in_digest"], saved["mine"]) == (False, False, True)
    assert created.headers["Location"].endswith(f"/saved-queries/{saved['id']}")

    assert viewer.get(f"/saved-queries/{saved['id']}").get_json()["count"] == 2
    listed = viewer.get(f"/agreements?saved={saved['id']}").get_json()
    assert [item["title"] for item in listed["items"]] == ["Battery swapping pilot", "Kerja sama jaringan listrik"]
    assert viewer.get(saved["agreements_url"]).get_json()["total"] == 2
    # The saved filters replace those given; the page size still applies.
    narrowed = viewer.get(f"/agreements?saved={saved['id']}&country=JP&per_page=10&page=2").get_json()
    assert (narrowed["total"], narrowed["per_page"], narrowed["items"]) == (2, 10, [])
    assert [item["name"] for item in viewer.get("/saved-queries").get_json()["items"]] == ["EV dengan Korea"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Rusak", "query": "sector=kendaraan-terbang"}, 422, "query"),
        ({"name": "Rusak", "query": "signed_from=2020&signed_to=2010"}, 422, "query"),
        ({"name": "", "query": "country=KR"}, 422, "name"),
        ({"name": "x" * 101}, 422, "name"),
        ({"query": "country=KR"}, 422, "name"),
        ({"name": "Korea", "owner_id": 1, "colour": "red"}, 422, None),
    ],
)
def test_bodies_the_list_or_the_schema_refuses(api_as, body, status, field):
    assert_problem(api_as(UserRole.VIEWER).post("/saved-queries", json=body), status, field)


def test_names_are_unique_per_owner(api_as):
    viewer = api_as(UserRole.VIEWER)
    assert viewer.post("/saved-queries", json={"name": "Korea", "query": "country=KR"}).status_code == 201
    assert_problem(viewer.post("/saved-queries", json={"name": "Korea"}), 409, "name")


def test_only_the_owner_changes_and_others_see_only_shared_ones(api_as, korea):
    owner, colleague, admin = api_as(UserRole.VIEWER), api_as(UserRole.EDITOR), api_as(UserRole.ADMIN)
    personal = owner.post("/saved-queries", json={"name": "Mine", "query": "country=KR"}).get_json()
    shared = owner.post("/saved-queries", json={"name": "Ours", "query": "country=JP", "shared": True}).get_json()

    assert [item["name"] for item in colleague.get("/saved-queries").get_json()["items"]] == ["Ours"]
    assert colleague.get(f"/saved-queries/{shared['id']}").get_json()["mine"] is False
    assert_problem(colleague.get(f"/saved-queries/{personal['id']}"), 404)
    assert_problem(colleague.get(f"/agreements?saved={personal['id']}"), 400, "saved")
    assert colleague.get(f"/agreements?saved={shared['id']}").get_json()["total"] == 1
    assert_problem(colleague.put(f"/saved-queries/{personal['id']}", json={"name": "Taken"}), 404)
    assert_problem(colleague.put(f"/saved-queries/{shared['id']}", json={"name": "Taken"}), 403)
    assert_problem(admin.put(f"/saved-queries/{shared['id']}", json={"name": "Taken"}), 403)
    assert_problem(colleague.delete(f"/saved-queries/{shared['id']}"), 403)
    assert_problem(admin.delete(f"/saved-queries/{personal['id']}"), 404)

    renamed = owner.put(f"/saved-queries/{shared['id']}", json={"name": "Ours, personal now", "query": "q=baja"})
    assert renamed.status_code == 200
    assert (renamed.get_json()["name"], renamed.get_json()["shared"]) == ("Ours, personal now", False)
    assert_problem(colleague.get(f"/saved-queries/{shared['id']}"), 404)

    owner.put(f"/saved-queries/{shared['id']}", json={"name": "Ours", "query": "q=baja", "shared": True})
    assert admin.delete(f"/saved-queries/{shared['id']}").status_code == 204
    assert owner.delete(f"/saved-queries/{personal['id']}").status_code == 204
    assert owner.get("/saved-queries").get_json()["total"] == 0


@pytest.mark.parametrize("saved", ["abc", "0", "99999999999", "-1"])
def test_a_saved_parameter_naming_nothing_is_a_bad_request(api_as, saved):
    assert_problem(api_as(UserRole.VIEWER).get(f"/agreements?saved={saved}"), 400, "saved")


def test_a_saved_query_that_no_longer_works_counts_as_null(api_as, session, korea):
    viewer = api_as(UserRole.VIEWER)
    saved = viewer.post("/saved-queries", json={"name": "EV", "query": "sector=electric-vehicles"}).get_json()
    session.get(SavedQuery, saved["id"]).query = "sector=kendaraan-terbang"  # a sector renamed since
    session.commit()
    assert viewer.get(f"/saved-queries/{saved['id']}").get_json()["count"] is None
    assert_problem(viewer.get(f"/agreements?saved={saved['id']}"), 400, "sector")


def test_signed_out_clients_are_refused(api_as):
    assert_problem(api_as(None).get("/saved-queries"), 401)
