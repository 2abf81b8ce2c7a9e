"""The sign-in lock-out behind proxies and shared addresses: TRACKER_PROXY_COUNT, and browsers known to an account
passing the lock-out per address (but never the one per account)."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, sign_in_client
from tracker import create_app
from tracker.config import ConfigError
from tracker.models import SignInFailure, UserRole
from tracker.services import accounts
from tracker.services.accounts import Throttle
from tracker.web import devices

OFFICE = "203.0.113.7"  # the office's one public address, or the proxy's


def sign_in(client, email: str, password: str = TEST_PASSWORD, address: str = OFFICE, headers=None):
    """Post the sign-in form from a client address."""
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    )


@pytest.fixture
def strict(app):
    """A low address limit so the tests need few guesses; no delays."""
    app.config["TRACKER_THROTTLE"] = Throttle(account_limit=5, address_limit=6, delay_base=0)
    return app


@pytest.fixture
def proxied_app(database_url, monkeypatch):
    """The app as configured behind one reverse proxy."""
    monkeypatch.setenv("TRACKER_PROXY_COUNT", "1")
    config = {"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x"}
    app = create_app(config)
    app.config["TRACKER_THROTTLE"] = Throttle(address_limit=6, delay_base=0)
    yield app
    app.extensions["tracker.engine"].dispose()


def guess(app, count: int, address: str = OFFICE, headers=None) -> list[int]:
    """Someone tries `count` accounts with a wrong password, each from a fresh browser."""
    return [
        sign_in(app.test_client(), f"guess{n}@kemenperin.example", "wrong password!", address, headers).status_code
        for n in range(count)
    ]


def failure_addresses(session) -> set[str]:
    """The client addresses the failed sign-ins were counted against."""
    session.expire_all()
    return set(session.scalars(select(SignInFailure.address)))


# --- TRACKER_PROXY_COUNT ----------------------------------------------------------------------------


def test_forwarded_headers_are_ignored_without_the_setting(strict, session, make_user):
    assert strict.config["TRACKER_PROXY_COUNT"] == 0
    forged = {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    assert guess(strict, 2, address="10.0.0.2", headers=forged) == [401, 401]
    assert failure_addresses(session) == {"10.0.0.2"}
    response = sign_in_client(strict.test_client(), make_user(UserRole.VIEWER)).get("/api", headers=forged)
    assert "Strict-Transport-Security" not in response.headers
    assert "http://localhost/api/v1" in response.text


def test_proxy_count_takes_the_client_address_scheme_and_host_from_the_proxy(proxied_app, session, make_user):
    behind = {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracker.example"}
    assert guess(proxied_app, 6, address="10.0.0.2", headers=behind) == [401] * 6
    assert failure_addresses(session) == {"198.51.100.1"}
    # The proxy's own address is not locked: another client behind it still signs in.
    other = {**behind, "X-Forwarded-For": "198.51.100.2"}
    assert sign_in(proxied_app.test_client(), make_user(UserRole.VIEWER).email, headers=other).status_code == 302
    client = sign_in_client(proxied_app.test_client(), make_user(UserRole.VIEWER))
    response = client.get("/api", headers=behind, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "https://tracker.example/api/v1" in response.text


def test_proxy_count_trusts_only_the_last_hops(proxied_app, session):
    """A client's own X-Forwarded-For entries come before the proxy's: with one proxy only the last one counts."""
    forged = {"X-Forwarded-For": "192.0.2.66, 198.51.100.9"}
    guess(proxied_app, 1, address="10.0.0.2", headers=forged)
    assert failure_addresses(session) == {"198.51.100.9"}


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_proxy_count_must_be_a_whole_number(monkeypatch, database_url, value):
    monkeypatch.setenv("TRACKER_PROXY_COUNT", value)
    with pytest.raises(ConfigError, match="TRACKER_PROXY_COUNT"):
        create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x"})


# --- an office behind one address ---------------------------------------------------------------------


def test_an_office_keeps_signing_in_while_someone_guesses_from_its_address(strict, make_user):
    staff = [make_user(UserRole.EDITOR) for _ in range(8)]
    browsers = {user.email: strict.test_client() for user in staff}
    assert [sign_in(browsers[user.email], user.email).status_code for user in staff] == [302] * 8
    statuses = guess(strict, 10)
    assert statuses[:6] == [401] * 6 and set(statuses[6:]) == {429}  # the address is locked for strangers
    # Every colleague signs in again from their own browser, with the right password.
    assert [sign_in(browsers[user.email], user.email).status_code for user in staff] == [302] * 8
    # A typing error on a known browser is an ordinary failure, not a lock-out, and does not count against the office.
    assert sign_in(browsers[staff[0].email], staff[0].email, "wrong password!").status_code == 401
    # The trade-off: a browser new to an account waits, even with the right password, and so does the guesser.
    assert sign_in(strict.test_client(), staff[1].email).status_code == 429
    assert guess(strict, 1) == [429]


def test_a_known_browser_vouches_only_for_its_own_accounts(strict, make_user):
    """An insider whose browser knows their own account cannot use it to guess colleagues' passwords."""
    insider, colleague = make_user(UserRole.VIEWER), make_user(UserRole.EDITOR)
    browser = strict.test_client()
    assert sign_in(browser, insider.email).status_code == 302
    guess(strict, 6)
    assert sign_in(browser, colleague.email, "wrong password!").status_code == 429
    assert sign_in(browser, colleague.email).status_code == 429
    assert sign_in(browser, insider.email).status_code == 302


def test_the_account_limit_holds_for_a_known_browser(strict, make_user):
    user = make_user(UserRole.EDITOR)
    browser = strict.test_client()
    assert sign_in(browser, user.email).status_code == 302
    assert [sign_in(browser, user.email, "wrong password!").status_code for _ in range(5)] == [401] * 5
    assert sign_in(browser, user.email).status_code == 429


def test_known_browser_failures_do_not_count_against_the_address(strict, make_user, session):
    users = [make_user(UserRole.EDITOR) for _ in range(3)]
    for user in users:
        browser = strict.test_client()
        assert sign_in(browser, user.email).status_code == 302
        assert [sign_in(browser, user.email, "typo in it!").status_code for _ in range(3)] == [401] * 3
    # Nine typing errors from the office, over the address limit of 6, and a stranger is not locked out.
    assert guess(strict, 1) == [401]
    assert accounts.recent_failures(session, accounts.utcnow(), Throttle().window, address=OFFICE) != []


def test_a_forged_or_foreign_cookie_does_not_make_a_browser_known(strict, make_user):
    user = make_user(UserRole.EDITOR)
    guess(strict, 6)
    for key, salt in (("another key", devices.SALT), (strict.secret_key, "another salt")):
        browser = strict.test_client()
        browser.set_cookie(devices.COOKIE, URLSafeTimedSerializer(key, salt=salt).dumps([user.id]), path="/sign-in")
        assert sign_in(browser, user.email).status_code == 429


def test_the_cookie_is_sent_only_to_the_sign_in_page_and_not_to_scripts(strict, make_user):
    user = make_user(UserRole.EDITOR)
    response = sign_in(strict.test_client(), user.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{devices.COOKIE}="))
    assert "Path=/sign-in" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_shared_browser_stays_known_to_its_last_few_accounts(strict, make_user):
    users = [make_user(UserRole.VIEWER) for _ in range(devices.MAX_ACCOUNTS + 1)]
    browser = strict.test_client()
    for user in users:
        assert sign_in(browser, user.email).status_code == 302
    guess(strict, 6)
    assert [sign_in(browser, user.email).status_code for user in users] == [429] + [302] * devices.MAX_ACCOUNTS


def test_service_counts_a_known_browser_against_the_account_only(session, make_user):
    user = make_user(UserRole.EDITOR)
    throttle = Throttle(account_limit=3, address_limit=2, delay_base=0)
    for n in range(2):
        accounts.sign_in(session, f"guess{n}@kemenperin.example", "x", OFFICE, throttle=throttle)
    assert accounts.sign_in(session, user.email, TEST_PASSWORD, OFFICE, throttle=throttle).locked
    known = {"throttle": throttle, "known_accounts": [user.id]}
    assert accounts.sign_in(session, user.email, TEST_PASSWORD, OFFICE, **known).user is not None
    for _ in range(3):
        accounts.sign_in(session, user.email, "wrong", OFFICE, **known)
    assert accounts.sign_in(session, user.email, TEST_PASSWORD, OFFICE, **known).locked
