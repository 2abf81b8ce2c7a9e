"""Bad input to the JSON API is a 4xx problem+json naming what is wrong, never a 500; versions are honoured."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api_support import assert_problem
from tracker.models import Agreement, Party, UserRole

PARTY = {"name": "AITEC Co., Ltd", "kind": "company", "country_code": "KR"}


@pytest.fixture
def admin(api_as):
    """An admin's API client."""
    return api_as(UserRole.ADMIN)


def post_raw(client, path: str, data: bytes | str, content_type: str = "application/json"):
    """POST a body as given."""
    return client.request("POST", path, data=data, headers={"Content-Type": content_type})


# --- malformed bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b'{"name": "x",}',
        b"\xff\xfe\x00garbage",
        b'{"name": NaN, "kind": "state"}',
        b'{"name": Infinity}',
        b"[" * 100000,
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
    ids=["empty", "truncated", "trailing-comma", "not-utf8", "nan", "infinity", "deep", "huge-int-literal"],
)
def test_malformed_json_is_a_400(admin, data):
    body = assert_problem(post_raw(admin, "/parties", data), 400)
    assert body["errors"][0]["field"] == ""


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_body_that_is_not_json_is_a_415(admin, content_type):
    assert_problem(post_raw(admin, "/parties", "name=x&kind=state", content_type), 415)


def test_merge_patch_json_is_accepted_for_patch(admin, make_party):
    party = make_party()
    response = admin.request(
        "PATCH",
        f"/parties/{party.id}",
        data='{"notes": "merge patch"}',
        headers={"Content-Type": "application/merge-patch+json", "If-Match": 'W/"1"'},
    )
    assert response.status_code == 200 and response.get_json()["notes"] == "merge patch"


@pytest.mark.parametrize("body", [[], "text", 3, None, True], ids=["array", "string", "number", "null", "bool"])
def test_a_body_that_is_not_an_object_is_a_422(admin, body):
    response = post_raw(admin, "/parties", __import__("json").dumps(body))
    assert_problem(response, 422)


# --- field-level problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "state"}, "name"),
        ({"name": "X"}, "kind"),
        ({**PARTY, "nickname": "x"}, "nickname"),
        ({**PARTY, "name": 5}, "name"),
        ({**PARTY, "name": ["a"]}, "name"),
        ({**PARTY, "name": "   "}, "name"),
        ({**PARTY, "name": "\x00\x00"}, "name"),
        ({**PARTY, "name": "a" * 301}, "name"),
        ({**PARTY, "kind": "alien"}, "kind"),
        ({**PARTY, "parent_id": 2**63}, "parent_id"),
        ({**PARTY, "parent_id": -1}, "parent_id"),
        ({**PARTY, "parent_id": "1"}, "parent_id"),
        ({**PARTY, "parent_id": True}, "parent_id"),
        ({**PARTY, "parent_id": 1.5}, "parent_id"),
        ({**PARTY, "parent_id": 10**400}, "parent_id"),
        ({**PARTY, "parent_id": 99999}, "parent_id"),
        ({**PARTY, "aliases": "AITEC"}, "aliases"),
        ({**PARTY, "aliases": [1]}, "aliases[0]"),
        ({**PARTY, "country_code": "KOR"}, "country_code"),
        ({**PARTY, "notes": "x" * 20001}, "notes"),
        ({**PARTY, "name": "\ud800"}, "name"),
    ],
)
def test_field_problems_are_a_422_naming_the_field(admin, body, field):
    assert_problem(admin.post("/parties", body), 422, field)


def test_every_field_at_fault_is_named_at_once(admin):
    body = assert_problem(admin.post("/agreements", {"title": "", "status": "x", "parties": [{"role": "boss"}]}), 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"title", "status", "instrument_type", "parties[0].party_id", "parties[0].role"} <= fields
    assert all(error["message"] for error in body["errors"])


def test_nul_bytes_and_surrounding_space_are_removed_as_in_the_forms(admin, session):
    response = admin.post("/parties", {**PARTY, "name": " AI\x00TEC ", "notes": "a\x00b", "aliases": [" A\x00 "]})
    assert response.status_code == 201
    party = session.get(Party, response.get_json()["id"])
    assert (party.name, party.notes, [alias.alias for alias in party.aliases]) == ("AITEC", "ab", ["A"])


def test_unknown_nested_fields_and_bad_dates_in_agreements(admin, make_party):
    party = make_party()
    base = {"title": "T", "instrument_type": "mou", "status": "signed"}
    row = {"party_id": party.id, "role": "funder", "x": 1}
    assert_problem(admin.post("/agreements", {**base, "parties": [row]}), 422, "parties[0].x")
    for bad in ("2006-3", "06", "2006-13", "2006-02-30", "1800", "2006-01-01T00:00"):
        assert_problem(admin.post("/agreements", {**base, "start": bad}), 422, "start")
    assert admin.post("/agreements", {**base, "start": "", "end": None}).status_code == 201


def test_refused_writes_save_nothing(admin, session):
    admin.post("/agreements", {"title": "T", "instrument_type": "mou", "status": "signed", "sectors": ["none"]})
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0


# --- routing and problem shapes -------------------------------------------------------------------


def test_unknown_urls_and_methods_are_problems_too(admin):
    body = assert_problem(admin.get("/no-such-thing"), 404)
    assert body["instance"] == "/api/v1/no-such-thing"
    assert_problem(admin.get("/agreements/abc"), 404)
    assert_problem(admin.get(f"/agreements/{2**40}"), 404)
    assert_problem(admin.get("/agreements/999"), 404)
    response = admin.request("PATCH", "/agreements")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_an_oversized_body_is_a_413(admin):
    assert_problem(post_raw(admin, "/parties", b'{"name": "' + b"x" * (7 * 1024 * 1024) + b'"}'), 413)


def test_problems_follow_rfc_9457(admin):
    body = assert_problem(admin.post("/parties", {"kind": "state"}), 422)
    assert set(body) >= {"type", "title", "status", "detail", "instance", "errors"}
    assert body["errors"] == [{"field": "name", "message": "This field is required."}]


# --- versions: ETag, If-Match, 412, 428 ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_if_match_is_required_for_changes(admin, make_party, method):
    party = make_party()
    response = admin.request(method, f"/parties/{party.id}", json={**PARTY})
    assert_problem(response, 428)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_stale_if_match_is_a_412_and_saves_nothing(admin, make_party, session, method):
    party = make_party(name="Original")
    admin.patch(f"/parties/{party.id}", {"notes": "first"}, etag='W/"1"')
    response = admin.request(method, f"/parties/{party.id}", json={**PARTY}, headers={"If-Match": 'W/"1"'})
    body = assert_problem(response, 412)
    assert 'W/"2"' in body["detail"]
    session.rollback()  # a fresh transaction sees what the requests committed
    session.expire_all()
    stored = session.get(Party, party.id)
    assert (stored.name, stored.version, stored.archived_at) == ("Original", 2, None)


@pytest.mark.parametrize("tag", ['W/"1"', '"1"', '"7", W/"1"', "*"])
def test_if_match_accepts_the_weak_or_strong_tag_a_list_or_star(admin, make_party, tag):
    party = make_party()
    assert admin.patch(f"/parties/{party.id}", {"notes": "x"}, etag=tag).status_code == 200


def test_if_match_is_checked_before_the_body(admin, make_party):
    party = make_party()
    path, json_type = f"/parties/{party.id}", {"Content-Type": "application/json"}
    assert_problem(admin.request("PATCH", path, data=b"{", headers={**json_type, "If-Match": 'W/"9"'}), 412)
    assert_problem(admin.request("PATCH", path, data=b"{", headers={**json_type, "If-Match": 'W/"1"'}), 400)


def test_etags_follow_every_change(admin, make_agreement):
    agreement = make_agreement()
    path = f"/agreements/{agreement.id}"
    etags = [admin.etag(path)]
    etags.append(admin.patch(path, {"notes": "a"}, etag=etags[-1]).headers["ETag"])
    replacement = {"title": "B", "instrument_type": "mou", "status": "signed"}
    etags.append(admin.put(path, replacement, etag=etags[-1]).headers["ETag"])
    assert etags == ['W/"1"', 'W/"2"', 'W/"3"'] and admin.etag(path) == 'W/"3"'


def test_unchanged_records_keep_their_etag_and_a_stale_link_is_a_412(admin, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "note")])
    link = f"/agreements/{agreement.id}/sources/{source.id}"
    etag = admin.etag(link)
    assert admin.etag(link) == etag
    assert_problem(admin.delete(link, etag='W/"0000"'), 412)
    assert_problem(admin.delete(link), 428)
    assert admin.delete(link, etag=etag).status_code == 204


# --- what the database refuses ----------------------------------------------------------------------


def test_a_save_that_loses_a_race_is_a_412(admin, make_party, monkeypatch):
    """The versioned UPDATE found another version (someone committed between our read and write)."""
    from tracker.api import parties as views
    from tracker.services.versions import conflict_error

    party = make_party()

    def lose_the_race(*_args, **_kwargs):
        raise conflict_error()

    monkeypatch.setattr(views.service, "update_party", lose_the_race)
    assert_problem(admin.patch(f"/parties/{party.id}", {"notes": "x"}, etag='W/"1"'), 412)


def test_a_database_that_stays_busy_is_a_503_with_retry_after(admin, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from tracker.api import parties as views

    def busy(*_args, **_kwargs):
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = sqlite3.SQLITE_BUSY
        raise OperationalError("UPDATE party", {}, error)

    monkeypatch.setattr(views.service, "create_party", busy)
    monkeypatch.setattr("tracker.http.transactions.BACKOFF", (0, 0))
    response = admin.post("/parties", PARTY)
    assert_problem(response, 503)
    assert response.headers["Retry-After"]


def test_a_unique_key_taken_meanwhile_is_a_409(admin, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from tracker.api import parties as views

    def taken(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO party", {}, Exception("unique"))

    monkeypatch.setattr(views.service, "create_party", taken)
    assert_problem(admin.post("/parties", PARTY), 409)
