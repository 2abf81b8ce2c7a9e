"""Personal API tokens: the page to list, create (shown once) and revoke them, and `flask create-token`."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.api_support import ApiClient, assert_problem
from tests.conftest import sign_in_client
from tracker.models import ApiToken, UserRole
from tracker.queries.tokens import token_hash
from tracker.services.tokens import PREFIX_LENGTH

TOKEN_PATTERN = re.compile(r"ctk_[A-Za-z0-9_-]{43}")


def tokens_of(session, user) -> list[ApiToken]:
    """The user's tokens, oldest first, as stored."""
    session.rollback()  # a fresh transaction sees what the requests committed
    session.expire_all()
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def make_token_on_the_page(client, name: str = "nightly import") -> str:
    """Create a token through the page; returns the token text shown."""
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 200
    found = TOKEN_PATTERN.findall(response.get_data(as_text=True))
    assert found, "the new token is shown"
    return found[0]


def test_any_signed_in_user_makes_a_token_shown_once_and_stored_only_as_a_hash(app, session, make_user):
    viewer = make_user(UserRole.VIEWER)
    client = sign_in_client(app.test_client(), viewer)
    text = make_token_on_the_page(client)
    [token] = tokens_of(session, viewer)
    assert token.token_hash == token_hash(text) and token.prefix == text[:PREFIX_LENGTH]
    assert text not in {token.name, token.prefix, token.token_hash}
    page = client.get("/account/tokens").get_data(as_text=True)
    assert text not in page and token.prefix in page and "nightly import" in page
    assert ApiClient(app.test_client(), text).get("/agreements").status_code == 200


def test_the_list_shows_prefix_name_created_and_last_use(app, session, make_user):
    user = make_user(UserRole.EDITOR)
    client = sign_in_client(app.test_client(), user)
    text = make_token_on_the_page(client, "reporting")
    assert "Never" in client.get("/account/tokens").get_data(as_text=True)
    ApiClient(app.test_client(), text).get("/parties")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Never" not in page and "reporting" in page


def test_revoking_a_token_stops_it_at_once(app, session, make_user):
    user = make_user(UserRole.EDITOR)
    client = sign_in_client(app.test_client(), user)
    text = make_token_on_the_page(client)
    [token] = tokens_of(session, user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert tokens_of(session, user)[0].revoked_at is not None
    assert_problem(ApiClient(app.test_client(), text).get("/agreements"), 401)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 409


def test_nobody_revokes_or_sees_another_users_tokens(app, session, make_user):
    owner, other = make_user(UserRole.EDITOR), make_user(UserRole.ADMIN)
    make_token_on_the_page(sign_in_client(app.test_client(), owner), "owner's")
    [token] = tokens_of(session, owner)
    intruder = sign_in_client(app.test_client(), other)
    assert "owner&#39;s" not in intruder.get("/account/tokens").get_data(as_text=True)
    assert intruder.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert tokens_of(session, owner)[0].revoked_at is None


def test_a_too_long_name_is_refused_next_to_the_field(app, make_user, session):
    user = make_user(UserRole.VIEWER)
    client = sign_in_client(app.test_client(), user)
    response = client.post("/account/tokens", data={"name": "x" * 101})
    assert response.status_code == 422 and tokens_of(session, user) == []


def test_signing_in_comes_first(anonymous_client):
    response = anonymous_client.get("/account/tokens")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_header_links_to_the_tokens_page_and_it_to_the_api_page(client):
    assert 'href="/account/tokens"' in client.get("/").get_data(as_text=True)
    assert 'href="/api"' in client.get("/account/tokens").get_data(as_text=True)


def test_the_cli_prints_a_token_once(app, session, make_user):
    user = make_user(UserRole.EDITOR, email="script@kemenperin.example")
    result = app.test_cli_runner().invoke(args=["create-token", "Script@Kemenperin.example", "--name", "cron"])
    assert result.exit_code == 0, result.output
    [text] = TOKEN_PATTERN.findall(result.output)
    [token] = tokens_of(session, user)
    assert token.name == "cron" and token.token_hash == token_hash(text)
    assert ApiClient(app.test_client(), text).post("/parties", {"name": "X", "kind": "state"}).status_code == 201


def test_the_cli_refuses_unknown_and_deactivated_users(app, make_user):
    make_user(UserRole.EDITOR, email="gone@kemenperin.example", active=False)
    for email in ("nobody@kemenperin.example", "gone@kemenperin.example"):
        result = app.test_cli_runner().invoke(args=["create-token", email])
        assert result.exit_code != 0 and "No active user" in result.output
