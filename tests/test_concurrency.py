"""Many people at once, over real HTTP: a threaded server, one browser-like client per thread, CSRF on.

Run 1: eight editors each make EDITS edits to the same three agreements, appending a marker to the notes.
Every edit is either applied (and in the history) or refused as a conflict (409); none is lost, none is a 5xx.
Run 2: four editors create CREATES agreements each; every one of them is stored.
Both run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import TEST_PASSWORD
from tests.html_forms import form_values, replaced, value_of
from tracker.models import Agreement, Change, ChangeAction, User, UserRole

EDITORS, EDITS, AGREEMENTS = 8, 100, 3
CREATORS, CREATES = 4, 500


class QuietHandler(WSGIRequestHandler):
    """The development server's handler without a log line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class NoRedirects(HTTPRedirectHandler):
    """Hand redirects back as responses, as the status tells whether a save was applied."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


class Browser:
    """One person's browser: keeps its cookies, does not follow redirects, returns every status."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirects())

    def request(self, path: str, pairs: list[tuple[str, str]] | None = None) -> tuple[int, str]:
        """GET `path`, or POST the form `pairs` to it; the status and the page."""
        data = urlencode(pairs).encode() if pairs is not None else None
        try:
            with self.opener.open(Request(self.base_url + path, data=data), timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:  # 3xx, 4xx and 5xx
            return error.code, error.read().decode()

    def form(self, path: str, action: str | None = None) -> list[tuple[str, str]]:
        """The form on the page at `path`, as a browser would submit it unchanged."""
        status, html = self.request(path)
        assert status == 200, (path, status)
        return form_values(html, action or path)

    def sign_in(self, email: str) -> None:
        """Sign in through the sign-in form."""
        pairs = replaced(self.form("/sign-in"), email=email, password=TEST_PASSWORD)
        status, _page = self.request("/sign-in", pairs)
        assert status == 302, status


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app served by a real threaded HTTP server on a free local port, with CSRF protection on."""
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def browsers(server: str, make_user: Callable[..., User]) -> Callable[[int], list[Browser]]:
    """`browsers(n)`: n browsers, each signed in as an editor of its own (the sign-in throttle counts per account)."""

    def make(count: int) -> list[Browser]:
        emails = [make_user(UserRole.EDITOR).email for _index in range(count)]
        signed_in = [Browser(server) for _email in emails]
        for browser, email in zip(signed_in, emails, strict=True):
            browser.sign_in(email)
        return signed_in

    return make


@dataclass(frozen=True)
class Edit:
    """One attempt to append `marker` to an agreement's notes, and the status it got."""

    agreement_id: int
    marker: str
    status: int


def edit_many(browser: Browser, worker: int, agreement_ids: list[int]) -> list[Edit]:
    """EDITS edits in a row, each loading the form (version, CSRF token) and appending a unique marker."""
    edits = []
    for number in range(EDITS):
        agreement_id = agreement_ids[(worker + number) % len(agreement_ids)]
        path = f"/agreements/{agreement_id}/edit"
        pairs = browser.form(path)
        marker = f"[w{worker}e{number}]"
        status, page = browser.request(path, replaced(pairs, notes=value_of(pairs, "notes") + marker))
        if status == 409:
            assert "Someone else saved this record" in page
        edits.append(Edit(agreement_id, marker, status))
    return edits


def notes_changes(session, agreement_id: int) -> list[tuple[str, str]]:
    """(before, after) of every recorded change to the agreement's notes, in the order they were saved."""
    statement = (
        select(Change)
        .where(Change.record_type == "agreement", Change.record_id == agreement_id)
        .where(Change.action == ChangeAction.UPDATE)
        .order_by(Change.id)
    )
    return [tuple(change.changes["notes"]) for change in session.scalars(statement) if "notes" in change.changes]


def test_concurrent_edits_are_applied_or_refused_never_lost(session, make_agreement, browsers):
    agreements = [make_agreement(title=f"Shared agreement {number}", notes="") for number in range(AGREEMENTS)]
    agreement_ids = [agreement.id for agreement in agreements]
    editors = browsers(EDITORS)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=EDITORS) as pool:
        futures = [pool.submit(edit_many, editors[worker], worker, agreement_ids) for worker in range(EDITORS)]
        edits = [edit for future in futures for edit in future.result()]
    elapsed = time.perf_counter() - started

    statuses = {edit.status for edit in edits}
    assert statuses <= {302, 409}, statuses  # applied or refused as a conflict: no 5xx, nothing else
    session.rollback()
    session.expire_all()
    for agreement_id in agreement_ids:
        applied = [edit.marker for edit in edits if edit.agreement_id == agreement_id and edit.status == 302]
        recorded = notes_changes(session, agreement_id)
        # Each save appended its marker to exactly what the save before it left: no update was lost.
        assert all(after.startswith(before) for before, after in recorded)
        assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(recorded))
        markers = [after[len(before) :] for before, after in recorded]
        assert sorted(markers) == sorted(applied)  # every applied edit, and only those, is in the history
        stored = session.get(Agreement, agreement_id)
        assert stored.notes == "".join(markers) and stored.notes.endswith(markers[-1])
        assert stored.version == 1 + len(applied)  # one versioned UPDATE per applied save
    applied_count = sum(edit.status == 302 for edit in edits)
    print(f"\n{EDITORS}x{EDITS} edits: {applied_count} applied, {len(edits) - applied_count} refused, {elapsed:.1f}s")
    assert applied_count > 0


def create_many(browser: Browser, worker: int) -> list[tuple[str, int]]:
    """CREATES new agreements in a row from the new-agreement form; (title, status) of each."""
    pairs = browser.form("/agreements/new")
    results = []
    for number in range(CREATES):
        title = f"Bulk agreement w{worker} n{number}"
        status, _page = browser.request("/agreements/new", replaced(pairs, title=title))
        results.append((title, status))
    return results


def test_concurrent_creates_are_all_stored(session, browsers):
    creators = browsers(CREATORS)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CREATORS) as pool:
        futures = [pool.submit(create_many, creators[worker], worker) for worker in range(CREATORS)]
        results = [result for future in futures for result in future.result()]
    elapsed = time.perf_counter() - started

    assert {status for _title, status in results} == {302}
    session.rollback()
    stored = set(session.scalars(select(Agreement.title).where(Agreement.title.like("Bulk agreement %"))))
    assert stored == {title for title, _status in results}
    assert len(stored) == CREATORS * CREATES
    created = select(func.count()).select_from(Change).where(Change.action == ChangeAction.CREATE)
    assert session.scalar(created.where(Change.record_type == "agreement")) == CREATORS * CREATES
    print(f"\n{CREATORS}x{CREATES} creates: {elapsed:.1f}s")
