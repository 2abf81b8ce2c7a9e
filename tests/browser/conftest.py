"""Browser tests: the real app served on 127.0.0.1, driven by Playwright in Debian's Chromium.

One browser for the whole package, a new browser context (cookies, storage) per page, a new server per test
on the database the rest of the suite uses (reset before each test by the `app` fixture).

Without /usr/bin/chromium or the playwright package the tests are skipped with the reason in the summary;
with TRACKER_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tracker import create_app
from tracker.models import User, UserRole

from .helpers import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing leaves the machine: every host name but the loopback fails to resolve.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
DESKTOP = {"width": 1280, "height": 900}


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def browser_required() -> bool:
    """CI asks for the browser tests to run: a missing browser is then a failure, not a skip."""
    return os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, started once for the browser tests (and stopped before the other tests run)."""
    missing = browser_missing()
    if missing:
        if browser_required():
            pytest.fail(f"Browser tests required (TRACKER_REQUIRE_BROWSER=1) but {missing}", pytrace=False)
        pytest.skip(f"Browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for every browser test."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def answered_whole(app: Flask) -> Callable[..., Any]:
    """The app with every response body read (and closed) before the first byte is sent.

    Werkzeug's development server calls the body's close() only after draining the socket, and a browser context
    closed mid-response (the favicon) resets it, so the drain raises and the static file is left open.
    """

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def live_server(app: Flask, database_url: str) -> Iterator[str]:
    """The real app (CSRF on, as in production) on a free port of 127.0.0.1, in a background thread.

    Depending on `app` resets the database; this server's own app reads and writes the same one.
    """
    folders = ("TRACKER_JOBS_URL", "TRACKER_JOBS_DIR", "TRACKER_EXPORT_JOB_ROWS", "TRACKER_DOCUMENTS_DIR")
    jobs = {key: app.config[key] for key in folders}
    served = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "browser-tests", **jobs})
    server = make_server("127.0.0.1", 0, answered_whole(served), threaded=True)
    # Request threads are kept track of (socketserver joins them at server_close), so that a request still being
    # answered when the test ends (the favicon's file) finishes before the app is taken apart.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    served.extensions["tracker.engine"].dispose()


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Callable[..., BrowserContext]]:
    """new_context(locale="en-GB", viewport=...): a fresh browser context (its own cookies) on the live server."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "en-GB", **options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server, locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_as(
    new_context: Callable[..., BrowserContext], make_user: Callable[..., User]
) -> Callable[..., tuple[Page, User]]:
    """page_as(UserRole.VIEWER): a new user of the role, signed in through the sign-in form in a new context."""

    def make(role: UserRole = UserRole.EDITOR, **context_options: Any) -> tuple[Page, User]:
        user = make_user(role)
        page = new_context(**context_options).new_page()
        sign_in(page, user.email)
        return page, user

    return make


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a new context, signed in as nobody."""
    return new_context().new_page()
