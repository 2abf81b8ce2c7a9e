"""Who may use the JSON API: bearer tokens only, the roles of the interface, problem+json refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from tests.api_support import ApiClient, assert_problem, new_token
from tests.conftest import sign_in_client
from tracker import create_app
from tracker.models import ApiToken, UserRole, utcnow
from tracker.queries.tokens import token_hash
from tracker.services.tokens import revoke_token

VIEWER, EDITOR, ADMIN = UserRole.VIEWER, UserRole.EDITOR, UserRole.ADMIN


@pytest.fixture
def records(make_agreement, make_party, make_source, get_sector) -> dict[str, int]:
    """One record of each kind, a source linked to the agreement and one that is not."""
    agreement = make_agreement()
    party = make_party()
    linked = make_source(agreements=[(agreement, "note")])
    free = make_source(title="Free", url="https://example.org/free")
    return {
        "agreement": agreement.id,
        "party": party.id,
        "source": free.id,
        "linked": linked.id,
        "sector": get_sector("electric-vehicles").id,
    }


def operations(ids: dict[str, int]) -> list[tuple[str, str, UserRole]]:
    """(method, path, least role) of every operation on real records."""
    agreement, party, source, sector = ids["agreement"], ids["party"], ids["source"], ids["sector"]
    link = f"/agreements/{agreement}/sources/{ids['linked']}"
    rows = [
        ("GET", "/agreements", VIEWER),
        ("GET", f"/agreements/{agreement}", VIEWER),
        ("GET", f"/agreements/{agreement}/sources", VIEWER),
        ("GET", link, VIEWER),
        ("GET", "/parties", VIEWER),
        ("GET", f"/parties/{party}", VIEWER),
        ("GET", "/sources", VIEWER),
        ("GET", f"/sources/{source}", VIEWER),
        ("GET", "/sectors", VIEWER),
        ("GET", f"/sectors/{sector}", VIEWER),
    ]
    records = {f"/agreements/{agreement}": EDITOR, f"/parties/{party}": EDITOR, f"/sources/{source}": EDITOR}
    for path, least in {**records, f"/sectors/{sector}": ADMIN}.items():
        rows += [(method, path, least) for method in ("PUT", "PATCH", "DELETE")]
        rows.append(("POST", f"{path}/restore", ADMIN))
    collections = ("/agreements", "/parties", "/sources", f"/agreements/{agreement}/sources")
    rows += [("POST", path, EDITOR) for path in collections]
    rows += [("POST", "/sectors", ADMIN), ("PATCH", link, EDITOR), ("PUT", link, EDITOR), ("DELETE", link, EDITOR)]
    return rows


def test_every_operation_answers_each_role_as_the_interface_would(api_as, records):
    """No token: 401; a role below the operation's: 403; otherwise neither (nor a 5xx), even with an empty body."""
    clients = {role: api_as(role) for role in (None, VIEWER, EDITOR, ADMIN)}
    for method, path, least in operations(records):
        for role, client in clients.items():
            response = client.request(method, path, json={}, headers={"If-Match": "*"} if method != "GET" else {})
            what = f"{method} {path} as {role}"
            if role is None:
                assert_problem(response, 401)
                assert response.headers["WWW-Authenticate"].startswith("Bearer"), what
            elif role.rank < least.rank:
                assert_problem(response, 403)
            else:
                assert response.status_code not in (401, 403) and response.status_code < 500, what


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ctk_not-a-real-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
        "ctk_without_scheme",
        "Bearer a\x00b",
    ],
)
def test_unknown_or_malformed_tokens_are_401(app, header):
    response = ApiClient(app.test_client()).get("/agreements", headers={"Authorization": header})
    assert_problem(response, 401)


def test_a_revoked_token_is_401_at_once(app, session, make_user):
    user = make_user(EDITOR)
    text = new_token(session, user)
    client = ApiClient(app.test_client(), text)
    assert client.get("/agreements").status_code == 200
    token = session.query(ApiToken).filter_by(token_hash=token_hash(text)).one()
    revoke_token(session, user, token.id)
    session.commit()
    assert_problem(client.get("/agreements"), 401)


def test_a_deactivated_users_tokens_stop_working(app, session, make_user):
    user = make_user(EDITOR)
    client = ApiClient(app.test_client(), new_token(session, user))
    user.active = False
    session.commit()
    assert_problem(client.get("/agreements"), 401)


def test_a_role_change_applies_to_existing_tokens(app, session, make_user):
    user = make_user(VIEWER)
    client = ApiClient(app.test_client(), new_token(session, user))
    assert_problem(client.post("/parties", {"name": "X", "kind": "state"}), 403)
    user.role = EDITOR
    session.commit()
    assert client.post("/parties", {"name": "X", "kind": "state"}).status_code == 201


def test_a_session_cookie_does_not_authenticate_the_api(app, make_user):
    """Only the token counts: a signed-in browser cannot be made to call the API (no CSRF needed)."""
    browser = sign_in_client(app.test_client(), make_user(ADMIN))
    assert browser.get("/agreements/").status_code == 200  # the pages know the session
    assert_problem(ApiClient(browser).get("/agreements"), 401)
    assert_problem(ApiClient(browser).post("/parties", {"name": "X", "kind": "state"}), 401)


def test_token_and_cookie_together_act_as_the_tokens_user(app, session, make_user):
    admin, viewer = make_user(ADMIN), make_user(VIEWER)
    browser = sign_in_client(app.test_client(), admin)
    client = ApiClient(browser, new_token(session, viewer))
    assert_problem(client.post("/parties", {"name": "X", "kind": "state"}), 403)


def test_the_api_is_exempt_from_csrf_while_the_pages_are_not(database_url, session, make_user):
    """With CSRF protection on, a token-authenticated POST needs no CSRF token; a page's form still does."""
    app: Flask = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "csrf-on"})
    try:
        user = make_user(EDITOR)
        client = ApiClient(app.test_client(), new_token(session, user))
        assert client.post("/parties", {"name": "Via API", "kind": "state"}).status_code == 201
        browser = sign_in_client(app.test_client(), user)
        assert browser.post("/parties/new", data={"name": "Via form", "kind": "state"}).status_code == 400
    finally:
        app.extensions["tracker.engine"].dispose()


def test_the_openapi_document_needs_no_token(api_as):
    response = api_as(None).get("/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"] == "3.1.0"


def test_last_use_is_noted_at_most_once_a_minute(app, session, make_user):
    user = make_user(VIEWER)
    text = new_token(session, user)
    client = ApiClient(app.test_client(), text)
    client.get("/agreements")
    token = session.query(ApiToken).filter_by(token_hash=token_hash(text)).one()
    session.refresh(token)
    first = token.last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    client.post("/parties", {"name": "Y", "kind": "state"})  # refused (403), yet a use of the token
    session.refresh(token)
    assert token.last_used_at == first


def test_api_refusals_are_logged_without_the_token(app, session, make_user, caplog):
    user = make_user(VIEWER)
    text = new_token(session, user)
    with caplog.at_level("INFO", logger="tracker.security"):
        ApiClient(app.test_client(), text).delete("/agreements/1", etag="*")
        ApiClient(app.test_client(), text + "x").get("/agreements")
    assert "refused API" in caplog.text and text not in caplog.text
