"""A real OpenID Connect provider for the single sign-on tests: `oidc-provider` under Node (tests/oidc_provider/).

The session-scoped `oidc_provider` fixture starts it on a free port of 127.0.0.1 and stops it after the run. Its
packages are installed beforehand (`make oidc-provider`, run by `make test`: npm ci of the committed lock file); the
tests reach no network. Each test registers its own client at the provider (dynamic client registration) and builds
an app for it with `sso_app(...)`; `OidcProvider.sign_in` goes through the provider's pages as a browser would.
"""

from __future__ import annotations

import json
import selectors
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask
from lxml import html

from tracker import create_app

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
# Seconds for the provider to start (Node loads it in well under one) and for each request to it.
START_TIMEOUT = 30
TIMEOUT = 10
# Where the Flask test client's app expects the provider to send the browser back.
TEST_CLIENT_CALLBACK = "http://localhost/sign-in/sso/callback"
PROVIDER_NAME = "Kemlu ID"

# The provider's people: login → password and the claims it vouches for. Addresses in mixed case, as directories
# keep them; names with titles and particles, as Indonesian staff lists write them.
ACCOUNTS = {
    "siti": {
        "password": "rahasia-siti-2024",
        "claims": {
            "email": "Siti.Nurhaliza@Kemlu.example",
            "email_verified": True,
            "name": "Dr. Siti Nurhaliza, M.Si.",
            "groups": ["Direktorat Kerja Sama Teknik", "tracker-editors"],
        },
    },
    "bambang": {
        "password": "kata-sandi-bambang",
        "claims": {
            "email": "bambang.sutrisno@kemenperin.example",
            "email_verified": True,
            "name": "Ir. Bambang Sutrisno",
            "groups": ["Biro Hukum dan Kerja Sama"],
        },
    },
    "ayu": {
        "password": "sandi-ayu-lestari",
        "claims": {
            "email": "ayu.lestari@kemenperin.example",
            "email_verified": True,
            "name": "I Gusti Ayu Dewi Lestari",
            "groups": ["cn=tracker-admins,ou=groups,dc=kemenperin,dc=example", "tracker-editors"],
        },
    },
    "tamu": {
        "password": "sandi-tamu-tanpa-surel",
        "claims": {"name": "Tamu Tanpa Surel", "groups": ["tracker-editors"]},  # shares no e-mail address
    },
    "dewi": {
        "password": "sandi-dewi-belum",
        "claims": {
            "email": "dewi.anggraini@kemenperin.example",
            "email_verified": False,
            "name": "Dewi Anggraini",
            "groups": [],
        },
    },
}


@dataclass
class OidcProvider:
    """The running provider: its issuer, client registration, and its sign-in pages walked through with requests."""

    issuer: str

    def register_client(self, redirect_uri: str, misbehaviour: str | None = None) -> tuple[str, str]:
        """A new confidential client (id, secret) for `redirect_uri`; `misbehaviour` makes its ID tokens wrong."""
        metadata = {"redirect_uris": [redirect_uri], "client_name": "Cooperation Tracker"}
        if misbehaviour:
            metadata["test_misbehaviour"] = misbehaviour
        response = requests.post(f"{self.issuer}/reg", json=metadata, timeout=TIMEOUT)
        assert response.status_code == 201, response.text
        client = response.json()
        return client["client_id"], client["client_secret"]

    def sign_in(self, authorize_url: str, login: str) -> str:
        """Sign in as `login` on the provider's page; the URL the provider then sends the browser back to."""
        with requests.Session() as browser:
            page = self.visit(browser, browser.get(authorize_url, allow_redirects=False, timeout=TIMEOUT))
            data = {"login": login, "password": ACCOUNTS[login]["password"]}
            return self.submit(browser, page, "login", data)

    def cancel(self, authorize_url: str) -> str:
        """Press Cancel on the provider's sign-in page; the URL the provider then sends the browser back to."""
        with requests.Session() as browser:
            page = self.visit(browser, browser.get(authorize_url, allow_redirects=False, timeout=TIMEOUT))
            return self.submit(browser, page, "abort", {})

    def visit(self, browser: requests.Session, response: requests.Response) -> requests.Response:
        """Follow the provider's redirects within the provider, to the page they end on."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            assert location.startswith(self.issuer + "/"), f"left the provider for {location}"
            response = browser.get(location, allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response

    def submit(self, browser: requests.Session, page: requests.Response, action: str, data: dict[str, str]) -> str:
        """Post the page's form whose action ends in `action`; follow the provider to the redirect away from it."""
        [target] = [url for url in html.fromstring(page.text).xpath("//form/@action") if url.endswith("/" + action)]
        response = browser.post(urljoin(page.url, target), data=data, allow_redirects=False, timeout=TIMEOUT)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.issuer + "/"):
                return location
            response = browser.get(location, allow_redirects=False, timeout=TIMEOUT)
        raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text}")


def provider_missing() -> str | None:
    """Why the provider cannot start here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return (
            f"{PROVIDER_DIR / 'node_modules'} is missing: run `make oidc-provider` (npm ci in tests/oidc_provider; "
            "`make test` does it first)"
        )
    return None


def read_issuer(process: subprocess.Popen, log: Path) -> str:
    """The issuer the provider prints once it listens; a clear failure if it stops or says nothing in time."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            if selector.select(timeout=left):
                line = process.stdout.readline()
                if line.startswith("issuer "):
                    return line.split()[1]
                if not line:
                    break  # the provider exited
    process.kill()
    process.wait()
    process.stdout.close()
    pytest.fail(f"The OpenID provider did not start: {log.read_text(encoding='utf-8')}", pytrace=False)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """The provider, started once for the run (and stopped at its end)."""
    missing = provider_missing()
    if missing:
        pytest.fail(f"The single sign-on tests need a local OpenID provider, but {missing}.", pytrace=False)
    folder = tmp_path_factory.mktemp("oidc")
    accounts, log = folder / "accounts.json", folder / "provider.log"
    accounts.write_text(json.dumps(ACCOUNTS), encoding="utf-8")
    with log.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            ["node", "provider.mjs", str(accounts)], cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        yield OidcProvider(read_issuer(process, log))
    finally:
        process.terminate()
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture
def sso_app(app: Flask, database_url: str, oidc_provider: OidcProvider) -> Iterator[Callable[..., Flask]]:
    """sso_app(misbehaviour=None, redirect_uri=..., **settings): the app on the test database, signing in through
    the provider as a client registered for it; `settings` are config values (TRACKER_OIDC_NEW_USERS="viewer")."""
    made: list[Flask] = []

    def make(misbehaviour: str | None = None, redirect_uri: str = TEST_CLIENT_CALLBACK, **settings) -> Flask:
        client_id, secret = oidc_provider.register_client(redirect_uri, misbehaviour)
        config = {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            **sso_settings(oidc_provider, client_id, secret),
            **settings,
        }
        made.append(create_app(config))
        return made[-1]

    yield make
    for each in made:
        each.extensions["tracker.engine"].dispose()


def sso_settings(provider: OidcProvider, client_id: str, secret: str) -> dict[str, str]:
    """The TRACKER_OIDC_* settings of a client of the provider."""
    return {
        "TRACKER_OIDC_ISSUER": provider.issuer,
        "TRACKER_OIDC_CLIENT_ID": client_id,
        "TRACKER_OIDC_CLIENT_SECRET": secret,
        "TRACKER_OIDC_NAME": PROVIDER_NAME,
    }
