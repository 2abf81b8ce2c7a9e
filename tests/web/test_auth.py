"""Signing in and out, sessions, throttling, CSRF, security headers and the account commands."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tests.conftest import TEST_PASSWORD, sign_in_client
from tracker import auth, create_app
from tracker.models import Agreement, Sector, SignInFailure, User, UserRole
from tracker.services import accounts
from tracker.services.accounts import Throttle

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "another long passphrase"
CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"


@pytest.fixture
def user(make_user) -> User:
    """An editor who signs in with TEST_PASSWORD."""
    return make_user(UserRole.EDITOR, email="editor@kemenperin.example")


@pytest.fixture
def security_log(caplog):
    """Captured records of the security log."""
    caplog.set_level(logging.INFO, logger="tracker.security")
    return caplog


@pytest.fixture
def no_throttle_delay(app):
    """Failed sign-ins are counted and locked out as usual, but never make the test wait."""
    app.config["TRACKER_THROTTLE"] = Throttle(delay_base=0)


def security_messages(caplog) -> list[str]:
    """The security log's messages so far."""
    return [record.getMessage() for record in caplog.records if record.name == "tracker.security"]


def sign_in(client, email: str, password: str = TEST_PASSWORD, address: str = "127.0.0.1", **data):
    """Post the sign-in form from a client address."""
    return client.post(
        "/sign-in", data={"email": email, "password": password, **data}, environ_base={"REMOTE_ADDR": address}
    )


def session_cookie(client) -> str | None:
    """The value of the client's session cookie, if it has one."""
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def client_with_cookie(app, value: str):
    """A new client holding a copy of another client's session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def csrf_token(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def is_sign_in_redirect(response) -> bool:
    """Whether the response sends the client to the sign-in page."""
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def next_of(response) -> str:
    """The page a redirect to sign-in asks to come back to."""
    return parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]


def stored_user(session, email: str) -> User:
    """The user as the database now has it."""
    session.rollback()
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


# --- sign-in required -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/agreements/?q=AITEC&status=in_force", "/users/", "/account/password"])
def test_anonymous_get_is_sent_to_sign_in_with_next(anonymous_client, path):
    response = anonymous_client.get(path)
    assert is_sign_in_redirect(response)
    follow = anonymous_client.get(response.headers["Location"])
    assert follow.status_code == 200
    assert 'name="next"' in follow.text
    assert next_of(response) == path


@pytest.mark.parametrize("path", ["/sign-in", "/health", "/static/css/tracker.css"])
def test_public_pages_need_no_sign_in(anonymous_client, path):
    response = anonymous_client.get(path)
    assert response.status_code == 200
    response.close()


def test_anonymous_posts_change_nothing(anonymous_client, session, make_agreement, user, security_log):
    agreement = make_agreement()
    before = session.scalar(select(func.count()).select_from(Sector))
    posts = {
        "/agreements/new": {"title": "Sneaky", "instrument_type": "mou", "status": "announced"},
        f"/agreements/{agreement.id}/delete": {},
        "/sectors/new": {"name": "Sneaky sector"},
        "/users/new": {"email": "sneaky@example.org", "role": "admin", "generate": "y"},
        f"/users/{user.id}/deactivate": {},
        "/sign-out": {},
    }
    for path, data in posts.items():
        response = anonymous_client.post(path, data=data)
        assert is_sign_in_redirect(response) or response.status_code == 401, path
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1
    assert session.get(Agreement, agreement.id).archived_at is None
    assert session.scalar(select(func.count()).select_from(Sector)) == before
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert stored_user(session, user.email).active
    assert any(m.startswith("refused anonymous POST /users/new") for m in security_messages(security_log))


# --- signing in -----------------------------------------------------------------------------------


def test_sign_in_starts_a_session_and_records_it(app, user, session, security_log):
    client = app.test_client()
    response = sign_in(client, "  Editor@Kemenperin.example ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/agreements/new").status_code == 200
    assert stored_user(session, user.email).last_sign_in_at is not None
    assert "sign-in editor@kemenperin.example from 127.0.0.1" in security_messages(security_log)


@pytest.mark.parametrize(
    ("email", "password"),
    [("editor@kemenperin.example", "wrong password!"), ("nobody@kemenperin.example", TEST_PASSWORD)],
)
def test_failed_sign_in_does_not_say_which_part_was_wrong(app, user, email, password, security_log):
    client = app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code == 401
    assert "The e-mail address or the password is not right." in response.text
    assert is_sign_in_redirect(client.get("/"))
    assert any(m.startswith(f"sign-in failed for '{email}'") for m in security_messages(security_log))


def test_deactivated_user_cannot_sign_in(app, make_user):
    inactive = make_user(UserRole.ADMIN, active=False)
    assert sign_in(app.test_client(), inactive.email).status_code == 401


def test_empty_sign_in_form_is_refused_without_counting_a_failure(app, session):
    response = app.test_client().post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 0


@pytest.mark.parametrize("target", ["/agreements/?q=AITEC", "/sources/", "/users/"])
def test_sign_in_returns_to_the_page_asked_for(app, user, target):
    response = sign_in(app.test_client(), user.email, next=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/agreements/",
        "https://evil.example",
        "http://localhost/agreements/",
        "/\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_next_never_leads_off_the_site(app, user, target):
    response = sign_in(app.test_client(), user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_page_of_a_signed_in_user_redirects_safely(app, user):
    client = sign_in_client(app.test_client(), user)
    assert client.get("/sign-in?next=/sources/").headers["Location"] == "/sources/"
    assert client.get("/sign-in?next=//evil.example").headers["Location"] == "/"


# --- sessions -------------------------------------------------------------------------------------


def test_session_identifier_changes_at_sign_in(app, user):
    app.config["WTF_CSRF_ENABLED"] = True  # so that the anonymous visit has a session of its own
    client = app.test_client()
    page = client.get("/sign-in")
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    before = session_cookie(client)
    assert before
    response = sign_in(client, user.email, csrf_token=csrf_token(page.text))
    assert response.status_code == 302
    after = session_cookie(client)
    assert after and after != before
    with client.session_transaction() as signed_in:
        assert "planted" not in signed_in and "csrf_token" not in signed_in
        assert len(signed_in["sid"]) >= 16
    assert client.get("/").status_code == 200
    assert is_sign_in_redirect(client_with_cookie(app, before).get("/"))


def test_two_sign_ins_get_different_session_identifiers(app, user):
    first, second = app.test_client(), app.test_client()
    sign_in(first, user.email)
    sign_in(second, user.email)
    with first.session_transaction() as one, second.session_transaction() as other:
        assert one["sid"] != other["sid"]


def test_sign_out_ends_earlier_sessions(app, user, security_log):
    client = app.test_client()
    sign_in(client, user.email)
    copied = client_with_cookie(app, session_cookie(client))
    assert copied.get("/").status_code == 200
    response = client.post("/sign-out")
    assert is_sign_in_redirect(response)
    assert is_sign_in_redirect(client.get("/"))
    assert is_sign_in_redirect(copied.get("/"))
    assert "sign-out editor@kemenperin.example" in security_messages(security_log)


def test_own_password_change_ends_other_sessions_but_keeps_this_one(app, user, session, security_log):
    client = app.test_client()
    sign_in(client, user.email)
    copied = client_with_cookie(app, session_cookie(client))
    response = client.post(
        "/account/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert is_sign_in_redirect(copied.get("/"))
    assert check_password_hash(stored_user(session, user.email).password_hash, NEW_PASSWORD)
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), user.email, TEST_PASSWORD).status_code == 401
    assert "password changed by editor@kemenperin.example" in security_messages(security_log)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "not your current"),
        ({"current": TEST_PASSWORD, "password": "short", "confirm": "short"}, "between 12 and"),
        ({"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": "different"}, "do not match"),
    ],
)
def test_own_password_change_refused_keeps_the_password_and_session(app, user, session, fields, message):
    client = sign_in_client(app.test_client(), user)
    assert client.get("/account/password").status_code == 200
    response = client.post("/account/password", data=fields)
    assert response.status_code == 422
    assert message in response.text
    assert check_password_hash(stored_user(session, user.email).password_hash, TEST_PASSWORD)
    assert client.get("/").status_code == 200


def test_admin_reset_and_deactivation_end_earlier_sessions(app, user, client_as):
    admin = client_as(UserRole.ADMIN)
    for action, data in [("password", {"generate": "y"}), ("deactivate", {})]:
        client = app.test_client()
        assert admin.post(f"/users/{user.id}/reactivate").status_code == 302
        reset = admin.post(f"/users/{user.id}/password", data={"password": TEST_PASSWORD, "confirm": TEST_PASSWORD})
        assert reset.status_code == 302
        sign_in(client, user.email)
        copied = client_with_cookie(app, session_cookie(client))
        assert copied.get("/").status_code == 200
        assert admin.post(f"/users/{user.id}/{action}", data=data).status_code in (200, 302)
        assert is_sign_in_redirect(copied.get("/")), action
        assert is_sign_in_redirect(client.get("/")), action


def test_role_change_applies_to_existing_sessions(app, user, client_as):
    client = sign_in_client(app.test_client(), user)
    assert client.get("/agreements/new").status_code == 200
    client_as(UserRole.ADMIN).post(f"/users/{user.id}/role", data={"role": "viewer"})
    assert client.get("/agreements/new").status_code == 403
    assert client.get("/agreements/").status_code == 200


def test_idle_session_ends(app, user, security_log):
    app.config["TRACKER_IDLE_TIMEOUT"] = timedelta(minutes=5)
    client = sign_in_client(app.test_client(), user)
    with client.session_transaction() as stored:
        stored["seen"] = time.time() - 4 * 60
    assert client.get("/").status_code == 200  # within the limit, and the visit counts as activity
    with client.session_transaction() as stored:
        assert time.time() - stored["seen"] < 5
        stored["seen"] = time.time() - 6 * 60
    response = client.get("/agreements/?q=AITEC")
    assert is_sign_in_redirect(response)
    assert next_of(response) == "/agreements/?q=AITEC"
    assert "signed out after a period of inactivity" in client.get(response.headers["Location"]).text
    assert is_sign_in_redirect(client.get("/"))
    assert "idle session of editor@kemenperin.example ended" in security_messages(security_log)


def test_idle_timeout_from_configuration(app, user):
    app.config["TRACKER_IDLE_TIMEOUT"] = timedelta(seconds=0)
    client = sign_in_client(app.test_client(), user)
    with client.session_transaction() as stored:
        stored["seen"] = time.time() - 1
    assert is_sign_in_redirect(client.get("/"))


def test_idle_expiry_on_a_public_page_signs_out_without_redirect(app, user):
    client = sign_in_client(app.test_client(), user)
    with client.session_transaction() as stored:
        stored["seen"] = time.time() - 24 * 3600
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert "signed out after a period of inactivity" in response.text
    assert is_sign_in_redirect(client.get("/"))


def test_session_without_last_activity_counts_as_expired(app, user):
    client = sign_in_client(app.test_client(), user)
    with client.session_transaction() as stored:
        del stored["seen"]
    assert is_sign_in_redirect(client.get("/"))


def test_idle_timeout_comes_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "15")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x"})
    assert app.config["TRACKER_IDLE_TIMEOUT"] == timedelta(minutes=15)
    app.extensions["tracker.engine"].dispose()


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(app, user):
    response = sign_in(app.test_client(), user.email)
    cookie = session_set_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def session_set_cookie(response) -> str:
    """The Set-Cookie header of the session (sign-in also sets the known-browser cookie)."""
    return next(cookie for cookie in response.headers.getlist("Set-Cookie") if cookie.startswith("session="))


@pytest.mark.parametrize("through", ["config", "environment"])
def test_https_site_marks_the_cookie_secure_and_sends_hsts(monkeypatch, database_url, make_user, through):
    user = make_user(UserRole.VIEWER)
    config = {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False}
    if through == "config":
        config["PREFERRED_URL_SCHEME"] = "https"
    else:
        monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    https_app = create_app(config)
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    response = sign_in(https_app.test_client(), user.email)
    assert response.status_code == 302
    assert "Secure" in session_set_cookie(response) and "HttpOnly" in session_set_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    https_app.extensions["tracker.engine"].dispose()


# --- throttling -----------------------------------------------------------------------------------


def test_delay_doubles_after_the_free_failures_and_is_capped():
    throttle = Throttle(free_failures=2, delay_base=0.5, delay_max=4.0)
    delays = [accounts.delay_after(failures, throttle) for failures in range(8)]
    assert delays == [0.0, 0.0, 0.0, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert accounts.delay_after(10, Throttle(delay_base=0)) == 0.0


def test_view_waits_the_computed_delay_then_locks_the_account(app, user, monkeypatch, security_log):
    app.config["TRACKER_THROTTLE"] = Throttle(account_limit=5, free_failures=2, delay_base=0.25, delay_max=0.5)
    waits: list[float] = []
    monkeypatch.setattr(auth.time, "sleep", waits.append)
    client = app.test_client()
    statuses = [sign_in(client, user.email, "wrong password!").status_code for _ in range(5)]
    assert statuses == [401] * 5
    assert waits == [0.0, 0.0, 0.25, 0.5, 0.5]
    locked = sign_in(client, user.email)  # even the right password is not checked now
    assert locked.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes" in locked.text
    assert len(waits) == 5
    assert any(m.startswith("sign-in refused (locked) for 'editor@") for m in security_messages(security_log))


def test_account_lock_holds_from_every_address(app, user, no_throttle_delay):
    for _ in range(5):
        sign_in(app.test_client(), user.email, "wrong password!", address="10.0.0.1")
    assert sign_in(app.test_client(), user.email, address="10.0.0.2").status_code == 429


def test_address_lock_holds_for_every_account(app, user, make_user, no_throttle_delay):
    app.config["TRACKER_THROTTLE"] = Throttle(address_limit=6, delay_base=0)
    for number in range(6):
        sign_in(app.test_client(), f"guess{number}@kemenperin.example", "wrong password!", address="10.0.0.9")
    assert sign_in(app.test_client(), user.email, address="10.0.0.9").status_code == 429
    assert sign_in(app.test_client(), user.email, address="10.0.0.10").status_code == 302


def test_address_failures_slow_down_before_the_lock(session, user):
    throttle = Throttle(free_failures=2, delay_base=0.5)
    results = [
        accounts.sign_in(session, f"guess{n}@kemenperin.example", "x", "10.0.0.7", throttle=throttle) for n in range(4)
    ]
    assert [result.delay for result in results] == [0.0, 0.0, 0.5, 1.0]


def test_failures_expire_after_the_window_and_success_clears_the_account(session, user):
    throttle = Throttle(account_limit=3, window=timedelta(minutes=15))
    start = accounts.utcnow()
    for _ in range(3):
        accounts.sign_in(session, user.email, "wrong", "10.0.0.1", now=start, throttle=throttle)
    assert accounts.sign_in(session, user.email, TEST_PASSWORD, "10.0.0.1", now=start, throttle=throttle).locked
    later = start + timedelta(minutes=16)
    result = accounts.sign_in(session, user.email, TEST_PASSWORD, "10.0.0.1", now=later, throttle=throttle)
    assert result.user is not None
    assert accounts.recent_failures(session, later, throttle.window, email=user.email) == []


def test_over_long_input_is_refused_without_a_database_error(app, user):
    response = sign_in(app.test_client(), "x" * 300 + "@example.org", "p" * 2000, address="10.0.0.3")
    assert response.status_code == 422


# --- CSRF -----------------------------------------------------------------------------------------


def test_sign_in_without_csrf_token_is_refused(app, user, session):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get("/sign-in")
    response = sign_in(client, user.email)
    assert response.status_code == 400
    assert is_sign_in_redirect(client.get("/"))
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_signed_in_posts_without_csrf_token_are_refused(app, user, make_user, session):
    other = make_user(UserRole.VIEWER)
    admin = make_user(UserRole.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    client = sign_in_client(app.test_client(), user)
    admin_client = sign_in_client(app.test_client(), admin)
    password = {"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=password).status_code == 400
    assert client.post("/sign-out").status_code == 400
    new_user = {"email": "new@kemenperin.example", "role": "admin", "generate": "y"}
    assert admin_client.post("/users/new", data=new_user).status_code == 400
    assert admin_client.post(f"/users/{other.id}/deactivate").status_code == 400
    assert admin_client.post(f"/users/{other.id}/role", data={"role": "admin"}).status_code == 400
    assert admin_client.post(f"/users/{other.id}/password", data={"generate": "y"}).status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the sign-out was refused
    assert check_password_hash(stored_user(session, user.email).password_hash, TEST_PASSWORD)
    refreshed = stored_user(session, other.email)
    assert refreshed.active and refreshed.role is UserRole.VIEWER and refreshed.session_version == 1
    assert stored_user(session, "new@kemenperin.example") is None


def test_forms_with_their_csrf_token_are_accepted(app, user):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    assert sign_in(client, user.email, csrf_token=token).status_code == 302
    page = client.get("/")
    assert client.post("/sign-out", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    assert is_sign_in_redirect(client.get("/"))


# --- security headers -----------------------------------------------------------------------------


def assert_security_headers(response, https: bool = False) -> None:
    """The headers every response carries."""
    assert response.headers["Content-Security-Policy"] == CSP
    directives = {part.strip() for part in CSP.split(";")}
    assert {"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} <= directives
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert ("Strict-Transport-Security" in response.headers) is https


@pytest.mark.parametrize(
    ("who", "method", "path", "status"),
    [
        ("editor", "GET", "/", 200),
        ("anonymous", "GET", "/", 302),
        ("anonymous", "GET", "/sign-in", 200),
        ("anonymous", "POST", "/sign-in", 422),
        ("anonymous", "GET", "/health", 200),
        ("anonymous", "GET", "/static/css/tracker.css", 200),
        ("anonymous", "GET", "/no/such/page", 404),
        ("editor", "GET", "/no/such/page", 404),
        ("editor", "GET", "/agreements/999999", 404),
        ("editor", "DELETE", "/agreements/", 405),
        ("editor", "GET", "/users/", 403),
        ("editor", "POST", "/sign-out", 302),
    ],
)
def test_security_headers_on_every_response(app, user, who, method, path, status):
    client = sign_in_client(app.test_client(), user) if who == "editor" else app.test_client()
    response = client.open(path, method=method)
    assert response.status_code == status
    assert_security_headers(response)
    response.close()


def test_security_headers_on_csrf_and_server_errors(app, user, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = True
    refused = sign_in_client(app.test_client(), user).post("/sign-out")
    assert refused.status_code == 400
    assert_security_headers(refused)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(_sql):
        raise RuntimeError("database gone")

    monkeypatch.setattr(auth, "text", broken)
    failed = app.test_client().get("/health")
    assert failed.status_code == 500
    assert_security_headers(failed)


def test_hsts_only_over_https(app):
    assert_security_headers(app.test_client().get("/health"), https=False)
    assert_security_headers(app.test_client().get("/health", base_url="https://localhost"), https=True)


# Patterns this CSP would block: inline scripts and styles, event-handler attributes, javascript: URLs.
BLOCKED_BY_CSP = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "outside resource": re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE),
}


def test_templates_hold_nothing_the_csp_blocks():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert templates
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in templates
        for name, pattern in BLOCKED_BY_CSP.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_pages_render_without_inline_script_or_style(app, user, client_as):
    for client, path in [(app.test_client(), "/sign-in"), (client_as(UserRole.ADMIN), "/users/new")]:
        html = client.get(path).text
        assert not any(pattern.search(html) for pattern in BLOCKED_BY_CSP.values()), path


# --- command line ---------------------------------------------------------------------------------


def test_create_user_asks_the_password_twice(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "Analyst@Kemenperin.example", "--role", "editor", "--name", "Analyst"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created analyst@kemenperin.example (editor)." in result.output
    created = stored_user(session, "analyst@kemenperin.example")
    assert (created.role, created.name) == (UserRole.EDITOR, "Analyst")
    assert check_password_hash(created.password_hash, NEW_PASSWORD)
    assert NEW_PASSWORD not in result.output


def test_create_user_asks_again_when_the_two_differ(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "a@kemenperin.example"],
        input=f"{NEW_PASSWORD}\nsomething else\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert stored_user(session, "a@kemenperin.example").role is UserRole.VIEWER


def test_create_user_reads_the_password_from_stdin(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "script@kemenperin.example", "--role", "admin", "--password-stdin"],
        input=f"{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert check_password_hash(stored_user(session, "script@kemenperin.example").password_hash, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("editor@kemenperin.example", NEW_PASSWORD, "There is already an account for editor@kemenperin.example"),
        ("new@kemenperin.example", "short", "password: Use at least 12 characters."),
        ("new@kemenperin.example", "", "password: Use at least 12 characters."),
        ("not-an-address", NEW_PASSWORD, "email: Enter a valid e-mail address."),
    ],
)
def test_create_user_errors_are_clear_and_fail(app, user, session, email, password, message):
    result = app.test_cli_runner().invoke(args=["create-user", email, "--password-stdin"], input=f"{password}\n")
    assert result.exit_code != 0
    assert message in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(args=["create-user", "x@kemenperin.example", "--role", "root"])
    assert result.exit_code != 0
    assert "Invalid value for '--role'" in result.output


def test_load_demo_if_empty_creates_the_demo_admin_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    password = re.search(r"Sign in as admin@example.org with the password (\S+)", first.output).group(1)
    admin = stored_user(session, "admin@example.org")
    assert admin.role is UserRole.ADMIN and check_password_hash(admin.password_hash, password)
    second = runner.invoke(args=["load-demo", "--if-empty"])
    assert second.exit_code == 0
    assert "admin" not in second.output.lower() and "password" not in second.output.lower()
    assert sign_in(app.test_client(), "admin@example.org", password).status_code == 302


def test_load_demo_adds_an_admin_to_a_database_without_accounts(app, make_agreement, session):
    make_agreement()
    result = app.test_cli_runner().invoke(args=["load-demo", "--if-empty"])
    assert "demo data not loaded" in result.output
    assert "Demo admin created" in result.output
    assert stored_user(session, "admin@example.org") is not None


# --- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_an_empty_secret_key(monkeypatch, tmp_path, secret):
    from tracker.config import ConfigError

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/agreements/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/tracker.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_csrf_refusals_are_logged(app, client, caplog):
    app.config["WTF_CSRF_ENABLED"] = True
    with caplog.at_level("WARNING", logger="tracker.security"):
        assert client.post("/agreements/new", data={"title": "x"}).status_code == 400
    assert any("refused POST /agreements/new" in record.getMessage() for record in caplog.records)


def test_an_unknown_account_is_checked_against_a_hash_of_the_same_cost() -> None:
    """The written-out dummy hash has the method and cost of every stored one, so its check takes as long."""
    from werkzeug.security import generate_password_hash

    method_and_cost = generate_password_hash("any password at all", method=accounts.HASH_METHOD).split("$")[0]
    assert accounts.DUMMY_HASH.split("$")[0] == method_and_cost
    assert not check_password_hash(accounts.DUMMY_HASH, "")
