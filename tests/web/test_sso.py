"""Single sign-on end to end: the app (Flask's test client) and a real OpenID provider (tests/sso_support.py).

The test walks the provider's pages with HTTP requests, as a browser would, and hands the URL the provider sends it
back to to the app; the app talks to the provider itself (discovery, keys, token and user-info endpoints). Refusals
come from the provider misbehaving (a client registered to get altered ID tokens) or from a tampered answer.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from tests.conftest import TEST_PASSWORD, postgres_url, sign_in_client
from tests.sso_support import PROVIDER_NAME
from tests.web.a11y_html import parse, problems_of, text_of
from tracker.models import User, UserRole
from tracker.services import accounts
from tracker.services.accounts import NO_PASSWORD
from tracker.services.tokens import create_token

CALLBACK = "/sign-in/sso/callback"
ROLE_MAP = json.dumps({"cn=tracker-admins,ou=groups,dc=kemenperin,dc=example": "admin", "tracker-editors": "editor"})


@pytest.fixture
def security_log(caplog):
    """Captured records of the security log."""
    caplog.set_level(logging.INFO, logger="tracker.security")
    return caplog


def security_messages(caplog) -> list[str]:
    """The security log's messages so far."""
    return [record.getMessage() for record in caplog.records if record.name == "tracker.security"]


def start(client: FlaskClient, next_url: str | None = None) -> str:
    """Press "Sign in with ...": the provider's authorisation URL the app sends the browser to."""
    response = client.get("/sign-in/sso", query_string={"next": next_url} if next_url else {})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def come_back(client: FlaskClient, url: str):
    """Follow the provider's redirect back to the app (its callback on the test client's host)."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", CALLBACK), url
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_through(client: FlaskClient, provider, login: str, next_url: str | None = None):
    """The whole journey: out to the provider, sign in there as `login`, and back."""
    return come_back(client, provider.sign_in(start(client, next_url), login))


def refusal_shown(client: FlaskClient, response) -> str:
    """The sign-in page a refused sign-in leads to, as text; nobody is signed in."""
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), response.status_code
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert client.get("/").status_code == 302, "a refused sign-in signs nobody in"
    return text_of(parse(page.get_data(as_text=True)))


def users(session) -> list[User]:
    """Every account, oldest first."""
    session.expire_all()
    return list(session.scalars(select(User).order_by(User.id)))


def test_the_authorisation_request_asks_for_a_code_with_pkce_state_and_nonce(sso_app, oidc_provider):
    client = sso_app().test_client()
    parts = urlsplit(start(client))
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}" == oidc_provider.issuer
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://localhost/sign-in/sso/callback"
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["state"] != parse_qs(urlsplit(start(client)).query)["state"][0], "a new state for each sign-in"


def test_a_new_person_becomes_a_viewer(sso_app, oidc_provider, session, security_log):
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    response = sign_in_through(client, oidc_provider, "bambang", next_url="/agreements/?q=kerja+sama")
    assert response.status_code == 302
    assert response.headers["Location"] == "/agreements/?q=kerja+sama"
    assert client.get("/agreements/").status_code == 200
    [user] = users(session)
    assert (user.email, user.name, user.role, user.active) == (
        "bambang.sutrisno@kemenperin.example",
        "Ir. Bambang Sutrisno",
        UserRole.VIEWER,
        True,
    )
    assert user.last_sign_in_at is not None
    assert user.password_hash == NO_PASSWORD and not check_password_hash(user.password_hash, "")
    messages = security_messages(security_log)
    assert "single sign-on created bambang.sutrisno@kemenperin.example as viewer" in messages
    assert any(
        m.startswith("sign-in bambang.sutrisno@kemenperin.example from 127.0.0.1 through single sign-on")
        for m in messages
    )
    assert client.get("/agreements/new").status_code == 403, "a viewer, nothing more"


def test_an_existing_account_is_found_by_its_verified_email(sso_app, oidc_provider, make_user, session, security_log):
    editor = make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app().test_client()
    response = sign_in_through(client, oidc_provider, "siti")
    assert response.headers["Location"] == "/"
    [user] = users(session)
    assert (user.id, user.role, user.password_hash) == (editor.id, UserRole.EDITOR, editor.password_hash)
    assert user.last_sign_in_at is not None
    assert client.get("/agreements/new").status_code == 200, "the role the tracker keeps"
    assert not any("created" in message for message in security_messages(security_log))


def test_people_without_an_account_are_refused_unless_allowed(sso_app, oidc_provider, make_user, session, security_log):
    make_user(UserRole.ADMIN, email="admin@kemenperin.example")
    client = sso_app().test_client()  # TRACKER_OIDC_NEW_USERS defaults to refuse
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "bambang"))
    assert (
        "There is no account for bambang.sutrisno@kemenperin.example here. Ask an administrator of the tracker to "
        "add one." in page
    )
    assert [user.email for user in users(session)] == ["admin@kemenperin.example"]
    assert (
        "single sign-on refused (unknown user) for 'bambang.sutrisno@kemenperin.example' from 127.0.0.1: -"
        in security_messages(security_log)
    )


def test_an_unverified_email_address_is_refused(sso_app, oidc_provider, make_user, session, security_log):
    make_user(UserRole.EDITOR, email="dewi.anggraini@kemenperin.example")
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "dewi"))
    assert (
        f"{PROVIDER_NAME} has not verified your e-mail address dewi.anggraini@kemenperin.example, so no account can "
        "be matched to it." in page
    )
    assert users(session)[0].last_sign_in_at is None
    assert any(m.startswith("single sign-on refused (e-mail not verified)") for m in security_messages(security_log))


def test_a_person_without_an_email_address_is_refused(sso_app, oidc_provider, session, security_log):
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "tamu"))
    assert f"{PROVIDER_NAME} did not share your e-mail address, so no account can be found for you." in page
    assert users(session) == []
    assert "single sign-on refused (no e-mail) for '-' from 127.0.0.1: sub='tamu'" in security_messages(security_log)


def test_user_info_about_someone_else_is_refused(sso_app, oidc_provider, make_user, session, security_log):
    """The e-mail address comes from the user-info endpoint here: it must describe the ID token's subject."""
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app("userinfo_of_another").test_client()
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "siti"))
    assert f"{PROVIDER_NAME} described someone other than the person it signed in." in page
    assert users(session)[0].last_sign_in_at is None
    assert any(
        m.startswith("single sign-on refused (user info of another subject)") for m in security_messages(security_log)
    )


def test_a_deactivated_account_is_refused(sso_app, oidc_provider, make_user, security_log):
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example", active=False)
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "siti"))
    assert "The account for siti.nurhaliza@kemlu.example is deactivated." in page
    assert any(m.startswith("single sign-on refused (deactivated)") for m in security_messages(security_log))


def with_query(url: str, **changes: str) -> str:
    """The URL with some of its query parameters replaced."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


STATE_MESSAGE = "This sign-in was not started in this browser, or was started too long ago. Please start again."


def test_an_answer_with_another_state_is_refused(sso_app, oidc_provider, make_user, security_log):
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app().test_client()
    answer = oidc_provider.sign_in(start(client), "siti")
    page = refusal_shown(client, come_back(client, with_query(answer, state="forged-by-someone-else")))
    assert STATE_MESSAGE in page
    assert any(m.startswith("single sign-on refused (bad state) for '-'") for m in security_messages(security_log))


def test_an_answer_brought_to_another_browser_is_refused(sso_app, oidc_provider, make_user):
    """Login CSRF: someone's own sign-in answer slipped to a victim's browser must not sign the victim in."""
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    app = sso_app()
    attacker, victim = app.test_client(), app.test_client()
    answer = oidc_provider.sign_in(start(attacker), "siti")
    assert STATE_MESSAGE in refusal_shown(victim, come_back(victim, answer))


def test_an_answer_used_twice_is_refused(sso_app, oidc_provider, make_user):
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app().test_client()
    answer = oidc_provider.sign_in(start(client), "siti")
    assert come_back(client, answer).headers["Location"] == "/"
    client.post("/sign-out")
    assert STATE_MESSAGE in refusal_shown(client, come_back(client, answer))


@pytest.mark.parametrize(
    ("misbehaviour", "reason", "message"),
    [
        (
            "wrong_audience",
            "wrong audience",
            f"The identity token from {PROVIDER_NAME} was issued for another application",
        ),
        ("wrong_issuer", "wrong issuer", f"The identity token did not come from {PROVIDER_NAME}, so it was refused."),
        ("expired", "expired token", f"The identity token from {PROVIDER_NAME} had expired when it arrived."),
        ("wrong_nonce", "bad nonce", "The identity token belongs to another sign-in, so it was refused."),
        ("foreign_key", "bad signature", f"The signature of the identity token from {PROVIDER_NAME} is not valid"),
    ],
)
def test_a_wrong_id_token_is_refused(
    sso_app, oidc_provider, make_user, session, security_log, misbehaviour, reason, message
):
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app(misbehaviour, TRACKER_OIDC_NEW_USERS="viewer").test_client()
    page = refusal_shown(client, sign_in_through(client, oidc_provider, "siti"))
    assert message in page
    assert users(session)[0].last_sign_in_at is None
    assert any(m.startswith(f"single sign-on refused ({reason}) for '-'") for m in security_messages(security_log))


def test_an_answer_naming_another_issuer_is_refused(sso_app, oidc_provider, make_user, security_log):
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    client = sso_app().test_client()
    answer = oidc_provider.sign_in(start(client), "siti")
    page = refusal_shown(client, come_back(client, with_query(answer, iss="http://127.0.0.1:9/impostor")))
    assert f"The answer did not come from {PROVIDER_NAME}, so it was refused." in page
    assert any(
        m.startswith("single sign-on refused (wrong issuer in the answer)") for m in security_messages(security_log)
    )


def test_cancelling_at_the_provider_signs_nobody_in(sso_app, oidc_provider, security_log):
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    page = refusal_shown(client, come_back(client, oidc_provider.cancel(start(client, "/expiring/"))))
    assert f"The sign-in was cancelled at {PROVIDER_NAME}." in page
    assert (
        "single sign-on refused (cancelled) for '-' from 127.0.0.1: access_denied: The user cancelled the sign-in."
        in (security_messages(security_log))
    )


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections: bound, never listening, for as long as the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_provider_that_cannot_be_reached_is_said_so(app, database_url, closed_port, security_log):
    from tracker import create_app

    settings = {
        "TRACKER_OIDC_ISSUER": f"http://127.0.0.1:{closed_port}",
        "TRACKER_OIDC_CLIENT_ID": "tracker",
        "TRACKER_OIDC_CLIENT_SECRET": "not-used",
        "TRACKER_OIDC_NAME": PROVIDER_NAME,
    }
    down = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test", **settings})
    client = down.test_client()
    page = refusal_shown(client, client.get("/sign-in/sso"))
    assert f"{PROVIDER_NAME} cannot be reached at the moment. Please try again later." in page
    assert any(m.startswith("single sign-on refused (provider unreachable)") for m in security_messages(security_log))
    down.extensions["tracker.engine"].dispose()


def test_an_issuer_set_otherwise_than_the_provider_names_itself_is_said_so(sso_app, oidc_provider, security_log):
    """A trailing slash too many: the discovery document is found, but its issuer is not the one configured."""
    client = sso_app(TRACKER_OIDC_ISSUER=oidc_provider.issuer + "/").test_client()
    page = refusal_shown(client, client.get("/sign-in/sso"))
    assert (
        f"{PROVIDER_NAME} is not set up correctly for this site. Please tell an administrator of the tracker." in page
    )
    assert (
        f"single sign-on refused (issuer mismatch) for '-' from 127.0.0.1: the discovery document names issuer "
        f"'{oidc_provider.issuer}', not TRACKER_OIDC_ISSUER" in security_messages(security_log)
    )


def test_the_role_follows_the_claim_when_mapped(sso_app, oidc_provider, make_user, session, security_log):
    make_user(UserRole.VIEWER, email="siti.nurhaliza@kemlu.example")
    make_user(UserRole.ADMIN, email="bambang.sutrisno@kemenperin.example")
    settings = {
        "TRACKER_OIDC_NEW_USERS": "viewer",
        "TRACKER_OIDC_SCOPE": "openid email profile groups",
        "TRACKER_OIDC_ROLE_CLAIM": "groups",
        "TRACKER_OIDC_ROLE_MAP": ROLE_MAP,
    }
    app = sso_app(**settings)
    for login in ("siti", "bambang", "ayu"):
        sign_in_through(app.test_client(), oidc_provider, login)
    roles = {user.email: user.role for user in users(session)}
    assert roles == {
        "siti.nurhaliza@kemlu.example": UserRole.EDITOR,  # tracker-editors
        "bambang.sutrisno@kemenperin.example": UserRole.VIEWER,  # no mapped group: the provider says viewer
        "ayu.lestari@kemenperin.example": UserRole.ADMIN,  # the highest of her groups, an LDAP name with commas
    }
    messages = security_messages(security_log)
    assert (
        "single sign-on set the role of siti.nurhaliza@kemlu.example to editor (was viewer) from claim 'groups'"
        in messages
    )
    assert "single sign-on created ayu.lestari@kemenperin.example as admin" in messages


def test_without_a_role_claim_the_tracker_keeps_the_role(sso_app, oidc_provider, make_user, session):
    make_user(UserRole.ADMIN, email="bambang.sutrisno@kemenperin.example")
    sign_in_through(sso_app(TRACKER_OIDC_SCOPE="openid email profile groups").test_client(), oidc_provider, "bambang")
    assert users(session)[0].role is UserRole.ADMIN


def test_password_accounts_sign_in_beside_the_provider(sso_app, make_user):
    user = make_user(UserRole.EDITOR, email="editor@kemenperin.example")
    client = sso_app().test_client()
    doc = parse(client.get("/sign-in?next=/parties/").get_data(as_text=True))
    [button] = doc.xpath("//a[contains(@class, 'button')]")
    assert (text_of(button), button.get("href")) == (f"Sign in with {PROVIDER_NAME}", "/sign-in/sso?next=/parties/")
    assert doc.xpath("//input[@name='password']")
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD, "next": "/parties/"})
    assert response.status_code == 302 and response.headers["Location"] == "/parties/"
    assert client.get("/account/password").status_code == 200


def test_password_sign_in_can_be_turned_off(sso_app, oidc_provider, make_user, session, security_log):
    user = make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    _token, secret = create_token(session, user)
    session.commit()
    app = sso_app(TRACKER_PASSWORD_SIGN_IN=False)
    client = app.test_client()
    doc = parse(client.get("/sign-in").get_data(as_text=True))
    assert not doc.xpath("//form[@action='/sign-in'] | //input[@type='password']"), "only single sign-on is offered"
    assert text_of(doc.xpath("//a[contains(@class, 'button')]")[0]) == f"Sign in with {PROVIDER_NAME}"

    refused = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    off = f"Password sign-in is turned off here: sign in with {PROVIDER_NAME} instead."
    assert refused.status_code == 403 and off in text_of(parse(refused.get_data(as_text=True)))
    assert "password sign-in refused (turned off) for 'siti.nurhaliza@kemlu.example' from 127.0.0.1" in (
        security_messages(security_log)
    )
    assert client.get("/").status_code == 302

    sign_in_through(client, oidc_provider, "siti")
    page = client.get("/")
    assert page.status_code == 200 and "/account/password" not in page.get_data(as_text=True)
    for response in (
        client.get("/account/password"),
        client.post("/account/password", data={"current": TEST_PASSWORD}),
    ):
        assert response.status_code == 403 and off in text_of(parse(response.get_data(as_text=True)))
    session.expire_all()
    assert session.get(User, user.id).password_hash == user.password_hash
    api = app.test_client().get("/api/v1/agreements", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200, "API tokens do not sign in with a password: they keep working"


def test_the_sign_in_pages_pass_the_accessibility_checks(sso_app):
    both, only_sso = sso_app().test_client(), sso_app(TRACKER_PASSWORD_SIGN_IN=False).test_client()
    pages = [both.get("/sign-in"), only_sso.get("/sign-in"), only_sso.post("/sign-in", data={"email": "x@y.example"})]
    pages.append(both.post("/sign-in", data={"email": "", "password": ""}))
    assert [problem for page in pages for problem in problems_of(page.get_data(as_text=True))] == []


def test_without_a_provider_the_pages_do_not_exist(anonymous_client):
    assert anonymous_client.get("/sign-in/sso").status_code == 404
    assert anonymous_client.get(CALLBACK + "?code=x&state=y").status_code == 404
    doc = parse(anonymous_client.get("/sign-in").get_data(as_text=True))
    assert not doc.xpath("//a[contains(@class, 'button')]") and doc.xpath("//input[@type='password']")


def test_a_signed_in_person_is_not_sent_to_the_provider(sso_app, make_user):
    from tests.conftest import sign_in_client

    client = sign_in_client(sso_app().test_client(), make_user(UserRole.VIEWER))
    response = client.get("/sign-in/sso?next=/expiring/")
    assert response.status_code == 302 and response.headers["Location"] == "/expiring/"


def test_accounts_are_counted_once(sso_app, oidc_provider, session):
    client = sso_app(TRACKER_OIDC_NEW_USERS="viewer").test_client()
    sign_in_through(client, oidc_provider, "bambang")
    client.post("/sign-out")
    sign_in_through(client, oidc_provider, "bambang")
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_without_password_sign_in_admins_create_accounts_without_passwords(sso_app, oidc_provider, make_user, session):
    admin = make_user(UserRole.ADMIN, email="admin.sso@kemenperin.example")
    other = make_user(UserRole.VIEWER, email="rudi.hartono@kemenperin.example")
    app = sso_app(TRACKER_PASSWORD_SIGN_IN=False)
    client = sign_in_client(app.test_client(), admin)
    form = parse(client.get("/users/new").get_data(as_text=True))
    assert not form.xpath("//input[@type='password'] | //input[@name='generate']"), "no password to type or generate"
    assert f"signs in with {PROVIDER_NAME}, using this e-mail address" in text_of(form)
    created = client.post("/users/new", data={"email": "siti.nurhaliza@kemlu.example", "name": "", "role": "editor"})
    assert created.status_code == 302, created.get_data(as_text=True)
    shown = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Reset password" not in shown and f"people sign in with {PROVIDER_NAME}" in text_of(parse(shown))

    sign_in_through(app.test_client(), oidc_provider, "siti")  # the new account signs in through the provider
    siti = users(session)[-1]
    assert (siti.email, siti.role, siti.password_hash) == ("siti.nurhaliza@kemlu.example", UserRole.EDITOR, NO_PASSWORD)
    off = f"Password sign-in is turned off here: sign in with {PROVIDER_NAME} instead."
    for response in (
        client.get(f"/users/{other.id}/password"),
        client.post(f"/users/{other.id}/password", data={"password": "a new password, long enough"}),
    ):
        assert response.status_code == 403 and off in text_of(parse(response.get_data(as_text=True)))
    session.expire_all()
    assert session.get(User, other.id).password_hash == other.password_hash


@pytest.mark.skipif(not postgres_url(), reason="two sign-ins racing for one new account need PostgreSQL's row locks")
def test_two_first_sign_ins_at_the_same_moment_make_one_account(app, session):
    """A second tab's sign-in inserts the same new address while the first has not committed: it waits on the
    unique index, loses, and signs in to the account the first one made instead of failing."""
    email, factory = "dewi.lestari@kemenperin.example", app.extensions["tracker.sessionmaker"]
    first, second = factory(), factory()
    made = accounts.sign_in_verified(first, email, "Dewi Lestari", create=True)
    outcome: dict[str, accounts.VerifiedSignIn] = {}
    racer = threading.Thread(
        target=lambda: outcome.update(second=accounts.sign_in_verified(second, email, create=True))
    )
    racer.start()
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    while session.scalar(text(waiting)) == 0 and racer.is_alive():  # until the racer waits on the first's insert
        session.rollback()
        time.sleep(0.01)
    first.commit()
    racer.join(timeout=30)
    second.commit()
    assert made.created and not outcome["second"].created and outcome["second"].user.id == made.user.id
    assert [user.email for user in users(session)].count(email) == 1
    first.close(), second.close()
