"""Many people at once, over real HTTP: a threaded server, one browser-like client per thread, CSRF on.

The stress run: sixteen editors (eight threads per core) edit the same three agreements, appending a marker to
the notes, while processes spin on every core, SQLite waits only briefly for its write lock, and the database
cancels the first attempt of some saves (at the UPDATE or at COMMIT) as a busy SQLite or a serialization failure
on PostgreSQL would, so the view is run again. Every acknowledged edit is stored, advanced the version by one and
has exactly one history change; every refused one (409 conflict, 503 busy) left no trace.
The create run: four editors create CREATES agreements each; every one of them is stored.
Both run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask import Flask, g, has_request_context, request
from psycopg.errors import SerializationFailure
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import TEST_PASSWORD
from tests.html_forms import form_values, replaced, value_of
from tracker import create_app
from tracker.models import Agreement, Change, ChangeAction, User, UserRole

EDITORS, EDITS, AGREEMENTS = 16, 25, 3
CREATORS, CREATES = 4, 500
# SQLite's wait for the write lock in the stress run: short, so that some saves are answered 503 at once.
IMPATIENT_BUSY_MS = 200
# Every FAULT_EVERY-th save has its first attempt cancelled by the database: in turn at the agreement's UPDATE, at
# the INSERT of its history, and at COMMIT.
FAULT_EVERY = 3
FAULT_POINTS = ("update", "history", "commit")


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


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app served by a real threaded HTTP server on a free local port, with CSRF protection on."""
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The test app, served."""
    with served(app) as url:
        yield url


def signed_in_browsers(server: str, make_user: Callable[..., User], count: int) -> list[Browser]:
    """`count` browsers, each signed in as an editor of its own (the sign-in throttle counts per account)."""
    emails = [make_user(UserRole.EDITOR).email for _index in range(count)]
    signed_in = [Browser(server) for _email in emails]
    for browser, email in zip(signed_in, emails, strict=True):
        browser.sign_in(email)
    return signed_in


class TransientFaults:
    """The database cancelling the first attempt of every FAULT_EVERY-th save, as a busy SQLite or a serialization
    failure on PostgreSQL does: after the agreement's UPDATE ran, at the history's INSERT, or at COMMIT (after the
    history rows were written). The view must run again from the start and record the save exactly once."""

    def __init__(self, engine: Engine) -> None:
        self.sqlite = engine.dialect.name == "sqlite"
        self.saves = itertools.count()
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        event.listen(engine, "after_cursor_execute", self.after_statement)
        event.listen(engine, "commit", self.at_commit)

    def driver_error(self) -> Exception:
        """What the driver raises when the database cancels a transaction that may succeed if run again."""
        if self.sqlite:
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            return error
        return SerializationFailure("could not serialize access due to concurrent update")

    def plan(self) -> str | None:
        """Where this request's first attempt fails: one of FAULT_POINTS or nowhere (decided once per save)."""
        if not (has_request_context() and request.method == "POST" and request.path.endswith("/edit")):
            return None
        if "fault_plan" not in g:
            with self.lock:
                number = next(self.saves)
            turn = FAULT_POINTS[number // FAULT_EVERY % len(FAULT_POINTS)]
            g.fault_plan = turn if number % FAULT_EVERY == 0 else None
        return g.fault_plan

    def fire(self, where: str) -> bool:
        """Whether to fail here now: once per planned save."""
        if self.plan() != where or g.get("fault_fired"):
            return False
        g.fault_fired = True
        with self.lock:
            self.injected[where] += 1
        return True

    def after_statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        where = {"UPDATE agreement SET": "update", "INSERT INTO change (": "history"}.get(statement[:20])
        if where and self.fire(where):
            raise self.driver_error()  # wrapped by SQLAlchemy like any error of the driver

    def at_commit(self, _conn: Any) -> None:
        if self.fire("commit"):
            raise OperationalError("COMMIT", None, self.driver_error())


@pytest.fixture
def saturated_cpu() -> Iterator[None]:
    """Every core kept busy by processes that spin, as other work on a shared machine would."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _core in range(os.cpu_count() or 2)]
    yield
    for hog in hogs:
        hog.kill()
        hog.wait()


@pytest.fixture
def stressed(app: Flask, database_url: str) -> Iterator[tuple[str, TransientFaults]]:
    """The app served with a short SQLite lock wait and transient faults: its URL and the faults."""
    config = {"DATABASE_URL": database_url, "TESTING": True, "TRACKER_SQLITE_BUSY_MS": IMPATIENT_BUSY_MS}
    impatient = create_app(config)
    faults = TransientFaults(impatient.extensions["tracker.engine"])
    with served(impatient) as url:
        yield url, faults
    impatient.extensions["tracker.engine"].dispose()


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
        elif status == 503:
            assert "Nothing was saved" in page
        edits.append(Edit(agreement_id, marker, status))
    return edits


def notes_changes(session, agreement_id: int) -> list[tuple[int, str, str]]:
    """(version, before, after) of every recorded change to the agreement's notes, in the order they were saved."""
    statement = (
        select(Change)
        .where(Change.record_type == "agreement", Change.record_id == agreement_id)
        .where(Change.action == ChangeAction.UPDATE)
        .order_by(Change.id)
    )
    changes = session.scalars(statement)
    return [(change.version, *change.changes["notes"]) for change in changes if "notes" in change.changes]


def check_every_edit(session, agreement_id: int, edits: list[Edit]) -> None:
    """Every acknowledged edit stored with its version step and one history change; nothing of any other."""
    applied = [edit.marker for edit in edits if edit.agreement_id == agreement_id and edit.status == 302]
    recorded = notes_changes(session, agreement_id)
    # Each save appended its marker to exactly what the save before it left: no update was lost.
    assert all(after.startswith(before) for _version, before, after in recorded)
    assert all(later[1] == earlier[2] for earlier, later in itertools.pairwise(recorded))
    markers = [after[len(before) :] for _version, before, after in recorded]
    assert sorted(markers) == sorted(applied)  # one history change per applied edit; none for refused ones
    assert [version for version, _before, _after in recorded] == list(range(2, 2 + len(applied)))
    stored = session.get(Agreement, agreement_id)
    assert stored.notes == "".join(markers)
    assert stored.version == 1 + len(applied)  # one versioned UPDATE per applied save


def test_edits_under_load_are_applied_or_refused_never_lost(session, make_agreement, make_user, stressed, request):
    server, faults = stressed
    agreements = [make_agreement(title=f"Shared agreement {number}", notes="") for number in range(AGREEMENTS)]
    agreement_ids = [agreement.id for agreement in agreements]
    editors = signed_in_browsers(server, make_user, EDITORS)
    request.getfixturevalue("saturated_cpu")  # the hogs start once everyone has signed in

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=EDITORS) as pool:
        futures = [pool.submit(edit_many, editors[worker], worker, agreement_ids) for worker in range(EDITORS)]
        edits = [edit for future in futures for edit in future.result()]
    elapsed = time.perf_counter() - started

    counts = {status: sum(edit.status == status for edit in edits) for status in {edit.status for edit in edits}}
    assert set(counts) <= {302, 409, 503}, counts  # applied, refused as a conflict, or busy: never a 500
    assert counts.get(302, 0) > 0
    assert set(faults.injected) == set(FAULT_POINTS)  # the retry ran after a failure at each point
    session.rollback()
    session.expire_all()
    for agreement_id in agreement_ids:
        check_every_edit(session, agreement_id, edits)
    print(
        f"\n{EDITORS}x{EDITS} edits on a saturated machine: {counts}, {faults.injected.total()} retried, {elapsed:.1f}s"
    )


def create_many(browser: Browser, worker: int) -> list[tuple[str, int]]:
    """CREATES new agreements in a row from the new-agreement form; (title, status) of each."""
    pairs = browser.form("/agreements/new")
    results = []
    for number in range(CREATES):
        title = f"Bulk agreement w{worker} n{number}"
        status, _page = browser.request("/agreements/new", replaced(pairs, title=title))
        results.append((title, status))
    return results


def test_concurrent_creates_are_all_stored(session, server, make_user):
    creators = signed_in_browsers(server, make_user, CREATORS)

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
