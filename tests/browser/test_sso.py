"""Journey: signing in through the organisation's identity provider, on its own sign-in page, in a real browser.

The app is served as in production (CSRF on, password sign-in turned off) and the provider is the real one of
tests/sso_support.py; the browser goes from one to the other and back by their redirects alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.sso_support import ACCOUNTS, PROVIDER_NAME, OidcProvider, sso_settings
from tracker import create_app
from tracker.models import UserRole

from .helpers import expect


@pytest.fixture
def sso_server(app: Flask, database_url: str, oidc_provider: OidcProvider) -> Iterator[str]:
    """The real app on a free port of 127.0.0.1, registered at the provider with its own callback address.

    The server is bound before the app exists, since the client is registered for the port the server got.
    """
    served: dict[str, Callable[..., Any]] = {}
    server = make_server("127.0.0.1", 0, lambda environ, respond: served["app"](environ, respond), threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    client_id, secret = oidc_provider.register_client(f"{base}/sign-in/sso/callback")
    settings = {**sso_settings(oidc_provider, client_id, secret), "TRACKER_OIDC_NEW_USERS": "viewer"}
    tracker = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "browser-tests", "TRACKER_PASSWORD_SIGN_IN": False, **settings}
    )
    served["app"] = tracker
    thread = threading.Thread(target=server.serve_forever, name="sso-server", daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    tracker.extensions["tracker.engine"].dispose()


def test_sign_in_through_the_identity_provider(browser, sso_server, oidc_provider, make_user):
    """From a bookmarked page to the provider's sign-in page and back, signed in, to the page asked for."""
    make_user(UserRole.EDITOR, email="siti.nurhaliza@kemlu.example")
    context = browser.new_context(base_url=sso_server, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()

    page.goto("/expiring/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(page.get_by_label("Password")).to_have_count(0)  # password sign-in is turned off
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()

    expect(page).to_have_url(re.compile("^" + re.escape(oidc_provider.issuer) + "/interaction/"))
    page.get_by_label("Username").fill("siti")
    page.get_by_label("Password").fill(ACCOUNTS["siti"]["password"])
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{sso_server}/expiring/")
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("siti.nurhaliza@kemlu.example · Editor")
    expect(banner.get_by_role("link", name="Password")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    context.close()


def test_cancelling_at_the_provider_comes_back_with_a_message(browser, sso_server, oidc_provider):
    context = browser.new_context(base_url=sso_server, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("status")).to_contain_text(f"The sign-in was cancelled at {PROVIDER_NAME}.")
    context.close()
