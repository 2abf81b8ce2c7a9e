"""A full disk, a read-only database, a lost connection: every write answers 503 "nothing was saved" (a page, or
problem+json under /api/), never a 500; reads keep working where the database still answers them; sign-in works
on a read-only database; commands print a message and exit 1; the app recovers by itself.

SQLite always (a read-only URI, a full tmpfs when the tests run as root, a file-size limit in a server of its
own otherwise); PostgreSQL when TEST_DATABASE_URL is set (read-only transactions, backends terminated in the
middle of a request).
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InternalError, OperationalError
from werkzeug.datastructures import MultiDict

from tests.api_support import PROBLEM, ApiClient
from tests.conflict_support import sample_conflict
from tests.conftest import TEST_PASSWORD, postgres_url, sign_in_client
from tests.document_support import mou_pdf
from tests.html_forms import FormReader, form_values
from tests.import_support import AITEC_ROW, csv_file, rows_of
from tests.inbox_support import inbox_records
from tracker import create_app, faults
from tracker.db import make_engine
from tracker.jobs import create_job
from tracker.models import (
    Agreement,
    AgreementRelation,
    ApiToken,
    Change,
    CitedFact,
    Document,
    ImportPreset,
    InboxItem,
    Job,
    NewsFeed,
    Party,
    PartyKind,
    PartyRole,
    RelationKind,
    SavedQuery,
    ScheduleRun,
    SignInFailure,
    SnapshotMethod,
    Source,
    SourceSnapshot,
    User,
    UserRole,
)
from tracker.records.action import ActionData
from tracker.records.citation import CitationData
from tracker.services.accounts import Throttle
from tracker.services.actions import create_action
from tracker.services.archive import archive
from tracker.services.calendars import FeedData, create_feed
from tracker.services.citations import cite
from tracker.services.documents import DocumentData, Upload, attach_document
from tracker.services.glossary import create_entry
from tracker.services.tokens import create_token

ON_POSTGRES = bool(postgres_url())
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="a fault of SQLite's own (this run is on PostgreSQL)")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")

NOTHING_SAVED = "Nothing was saved"
PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
ROOT = Path(__file__).resolve().parents[2]


# --- classification ------------------------------------------------------------------------------


class DriverError(Exception):
    """A driver error carrying a SQLSTATE, as psycopg's do (for states a test cannot provoke on demand)."""

    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("wrapper", "sqlstate", "kind"),
    [
        (OperationalError, "40001", "busy"),
        (OperationalError, "40P01", "busy"),
        (InternalError, "25006", "unavailable"),  # read_only_sql_transaction
        (OperationalError, "53100", "unavailable"),  # disk_full
        (OperationalError, "53300", "unavailable"),  # too_many_connections
        (OperationalError, "57P01", "unavailable"),  # admin_shutdown
        (OperationalError, "57P02", "unavailable"),  # crash_shutdown
        (OperationalError, "57P03", "unavailable"),  # cannot_connect_now
        (OperationalError, "08006", "unavailable"),  # connection_failure
        (OperationalError, "58030", "unavailable"),  # io_error
        (OperationalError, None, "unavailable"),  # no answer from the server at all
        (IntegrityError, "23505", None),  # a bug or a race, not an unavailable database
        (DBAPIError, "42601", None),  # syntax error: a bug
        (OperationalError, "57014", None),  # query_canceled (a statement timeout) is not an outage
    ],
)
def test_postgres_states_are_classified(wrapper, sqlstate, kind):
    fault = faults.classify(wrapper("UPDATE party", {}, DriverError(sqlstate)))
    assert (fault.kind if fault else None) == kind


@pytest.mark.parametrize(
    ("number", "kind"),
    [(errno.ENOSPC, "unavailable"), (errno.EDQUOT, "unavailable"), (errno.EROFS, "unavailable"), (errno.ENOENT, None)],
)
def test_disk_errors_of_the_apps_own_files_are_classified(number, kind):
    fault = faults.classify(OSError(number, os.strerror(number)))
    assert (fault.kind if fault else None) == kind


def test_real_sqlite_errors_are_classified(tmp_path):
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x INTEGER UNIQUE)")
        connection.execute("INSERT INTO t VALUES (1)")
    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    missing = make_engine(f"sqlite:///file:{tmp_path / 'nowhere' / 'x.db'}?mode=rw&uri=true")
    writable = make_engine(f"sqlite:///{path}")
    found = {}
    for name, engine, statement in [
        ("read-only", read_only, "INSERT INTO t VALUES (2)"),
        ("cannot open", missing, "SELECT 1"),
        ("duplicate", writable, "INSERT INTO t VALUES (1)"),
        ("typo", writable, "SELEC 1"),
    ]:
        with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
            connection.exec_driver_sql(statement)
        fault = faults.classify(caught.value)
        found[name] = fault and (fault.kind, fault.reason)
        engine.dispose()
    assert found == {
        "read-only": ("unavailable", "read-only"),
        "cannot open": ("unavailable", "cannot open the database file"),
        "duplicate": None,
        "typo": None,
    }


# --- a world with one record of each kind every write path names --------------------------------


@pytest.fixture
def world(
    session, make_user, make_agreement, make_party, make_source, make_sector, get_sector, tmp_path
) -> dict[str, Any]:
    """Records for every write path: an admin, what they edit, spare records to archive, an archived one."""
    admin = make_user(UserRole.ADMIN, email="admin@kemenperin.example")
    party = make_party()
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)], sectors=[get_sector("technology")])
    older = make_agreement(title="Technology development cooperation 2006")
    spare_agreement = make_agreement(title="An agreement nobody links to")
    # Not the address of the news page that ingest-pasted-page pastes, which would open this source instead.
    source = make_source(url="https://example.org/report", agreements=[(agreement, "Reports the plan to extend.")])
    spare_source = make_source(title="A source nobody cites", url="https://example.org/spare")
    relation = AgreementRelation(subject=agreement, object=older, kind=RelationKind.RENEWS)
    session.add(relation)
    spare_party = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    archived_party = make_party(name="Korea Automotive Technology Institute", kind=PartyKind.COMPANY, country_code="KR")
    archive(session, archived_party)
    spare_sector = make_sector("Textiles")
    preset = ImportPreset(name="Ministry list", mapping={})
    session.add(preset)
    entry = create_entry(session, ["semikonduktor", "semiconductor"])
    spare_entry = create_entry(session, ["galangan kapal", "shipbuilding"])
    action = create_action(session, agreement, ActionData(title="Annual implementation report", due=None))
    upload = Upload("MoU.pdf", mou_pdf())
    document = attach_document(session, agreement, upload, DocumentData(), tmp_path / "world-documents", 10**6)
    # The evidence pages (issue 17): a kept text, a fact cited to it, a conflict; and a saved query (issue 18).
    snapshot = SourceSnapshot(source=source, method=SnapshotMethod.PASTE, text="Kerja sama 2006-2018", content_hash="0")
    session.add(snapshot)
    session.flush()
    # Cited to the document: the source stays free to unlink.
    citation = cite(session, agreement, CitationData(fact=CitedFact.SIGNED, document_id=document.id, quote="MoU"))
    conflict = sample_conflict(agreement, source)
    saved = SavedQuery(owner_id=admin.id, name="Korea", query="country=KR")
    session.add_all([conflict, saved])
    # A queued export for the job pages (never handed to a queue here).
    job = create_job(session, admin, "agreement_export", {"query": "country=KR", "format": "xlsx", "locale": "id"})
    session.commit()
    other = make_user(UserRole.VIEWER, email="viewer@kemenperin.example")
    inactive = make_user(UserRole.VIEWER, email="gone@kemenperin.example", active=False)
    own_token, token_text = create_token(session, admin, "script")
    feed, feed_token = create_feed(session, admin, FeedData(name="Ends", query="", lead_months=[6]))
    session.commit()
    return {
        "admin": admin,
        "api_token": token_text,
        "agreement_id": agreement.id,
        "spare_agreement_id": spare_agreement.id,
        "relation_id": relation.id,
        "party_id": party.id,
        "spare_party_id": spare_party.id,
        "archived_party_id": archived_party.id,
        "source_id": source.id,
        "spare_source_id": spare_source.id,
        "sector_id": get_sector("technology").id,
        "spare_sector_id": spare_sector.id,
        "preset_id": preset.id,
        "entry_id": entry.id,
        "action_id": action.id,
        "document_id": document.id,
        "snapshot_id": snapshot.id,
        "citation_id": citation.id,
        "conflict_id": conflict.id,
        "saved_id": saved.id,
        "job_id": job.id,
        "spare_entry_id": spare_entry.id,
        "user_id": other.id,
        "inactive_user_id": inactive.id,
        "own_token_id": own_token.id,
        "feed_id": feed.id,
        **inbox_records(session),
        # The names the URL map gives these arguments.
        "token_id": own_token.id,
        "token": feed_token,
        "upload_token": "no-such-upload",
    }


def fingerprint(engine: Engine) -> dict[str, Any]:
    """What a write would change: the rows of each kind, the history, versions, tokens' last use, failures."""
    with engine.connect() as connection:
        return {
            "agreements": connection.scalar(select(func.count()).select_from(Agreement)),
            "versions": connection.scalar(select(func.sum(Agreement.version))),
            "parties": connection.scalar(select(func.count()).select_from(Party)),
            "changes": connection.scalar(select(func.count()).select_from(Change)),
            "users": sorted(connection.execute(select(User.email, User.role, User.active, User.locale)).all()),
            "tokens": connection.scalar(select(func.count()).select_from(ApiToken)),
            "failures": connection.scalar(select(func.count()).select_from(SignInFailure)),
            "jobs": connection.scalar(select(func.count()).select_from(Job)),
            "schedule_runs": connection.scalar(select(func.count()).select_from(ScheduleRun)),
            "documents": connection.execute(select(Document.id, Document.archived_at)).all(),
            "news_feeds": sorted(connection.execute(select(NewsFeed.name, NewsFeed.url, NewsFeed.active)).all()),
            "inbox": sorted(connection.execute(select(InboxItem.id, InboxItem.state)).all()),
        }


# --- every write path, read from its page as a browser would submit it ---------------------------


class FormActions(HTMLParser):
    """The actions of a page's POST forms, as the browser reads them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.actions.append(attributes.get("action") or "")


def post_actions(html: str) -> list[str]:
    """Every POST form's action on the page."""
    reader = FormActions()
    reader.feed(html)
    return reader.actions


def post_action(html: str, path: str) -> str:
    """The action of the page's POST form that posts to `path` (its query string, such as ?next=, included)."""
    actions = post_actions(html)
    matching = [action for action in actions if urllib.parse.urlsplit(action).path == path]
    assert matching, f"no form posting to {path} among {actions}"
    return matching[0]


@dataclass(frozen=True)
class Write:
    """A write path: the page showing its form, where the form posts, and what the user types into it."""

    page: str
    action: str
    typed: dict[str, str | list[str]] = field(default_factory=dict)

    def submit(self, client: FlaskClient, world: dict[str, Any]):
        """Open the page (a read, which must work), fill in the form and post it."""
        page = client.get(self.page.format(**world))
        assert page.status_code == 200, (self.page, page.status_code)
        html = page.get_data(as_text=True)
        action = post_action(html, self.action.format(**world))
        reader = FormReader(action)  # a confirmation form may send nothing but its (disabled) CSRF token
        reader.feed(html)
        data = MultiDict([(name, value) for name, value in reader.pairs if name not in self.typed])
        for name, value in self.typed.items():
            data.setlist(name, value if isinstance(value, list) else [value])
        return client.post(action, data=data)


PASSWORD = "a new password, long enough"
SENDER = "Cooperation Tracker <tracker@kemenperin.example>"
WRITES = {
    "agreement-create": Write("/agreements/new", "/agreements/new", {"title": "New cooperation", "start": "2020"}),
    "agreement-edit": Write("/agreements/{agreement_id}/edit", "/agreements/{agreement_id}/edit", {"title": "Edited"}),
    "agreement-archive": Write("/agreements/{spare_agreement_id}/delete", "/agreements/{spare_agreement_id}/delete"),
    "relation-add": Write(
        "/agreements/{spare_agreement_id}",
        "/agreements/{spare_agreement_id}/relations",
        {"kind": "renews", "other": "{agreement_id}"},
    ),
    "relation-remove": Write("/agreements/{agreement_id}", "/agreements/{agreement_id}/relations/{relation_id}/delete"),
    "party-create": Write("/parties/new", "/parties/new", {"name": "New party", "kind": "company"}),
    "party-edit": Write("/parties/{party_id}/edit", "/parties/{party_id}/edit", {"name": "Renamed ministry"}),
    "party-archive": Write("/parties/{spare_party_id}/delete", "/parties/{spare_party_id}/delete"),
    "party-restore": Write("/archive", "/parties/{archived_party_id}/restore"),
    "source-create": Write(
        "/sources/new", "/sources/new", {"url": "https://example.org/new-article", "title": "A new article"}
    ),
    "source-edit": Write("/sources/{source_id}/edit", "/sources/{source_id}/edit", {"title": "Retitled"}),
    "source-archive": Write("/sources/{spare_source_id}/delete", "/sources/{spare_source_id}/delete"),
    "link-from-source": Write(
        "/sources/{spare_source_id}/links/new",
        "/sources/{spare_source_id}/links/new",
        {"agreement_id": "{agreement_id}", "note": "Names the agreement."},
    ),
    "link-to-agreement": Write(
        "/agreements/{spare_agreement_id}/sources/new",
        "/agreements/{spare_agreement_id}/sources/new",
        {"source_id": "{spare_source_id}", "note": "Names the agreement."},
    ),
    "link-note": Write(
        "/agreements/{agreement_id}/sources/{source_id}/edit",
        "/agreements/{agreement_id}/sources/{source_id}/edit",
        {"note": "A better note."},
    ),
    "unlink": Write("/agreements/{agreement_id}", "/agreements/{agreement_id}/sources/{source_id}/unlink"),
    "sector-create": Write("/sectors/new", "/sectors/new", {"name": "Shipbuilding", "slug": "shipbuilding"}),
    "sector-edit": Write("/sectors/{sector_id}/edit", "/sectors/{sector_id}/edit", {"name": "Technology transfer"}),
    "sector-archive": Write("/sectors/{spare_sector_id}/delete", "/sectors/{spare_sector_id}/delete"),
    "glossary-create": Write("/glossary/new", "/glossary/new", {"phrases": "pupuk\nfertiliser"}),
    "glossary-edit": Write(
        "/glossary/{entry_id}/edit", "/glossary/{entry_id}/edit", {"phrases": "chip\nsemiconductor"}
    ),
    "glossary-delete": Write("/glossary/{spare_entry_id}/delete", "/glossary/{spare_entry_id}/delete"),
    "user-create": Write(
        "/users/new",
        "/users/new",
        {"email": "new@kemenperin.example", "role": "editor", "password": PASSWORD, "confirm": PASSWORD},
    ),
    "user-role": Write("/users/{user_id}", "/users/{user_id}/role", {"role": "editor"}),
    "user-deactivate": Write("/users/{user_id}", "/users/{user_id}/deactivate"),
    "user-reactivate": Write("/users/{inactive_user_id}", "/users/{inactive_user_id}/reactivate"),
    "user-password": Write(
        "/users/{user_id}/password", "/users/{user_id}/password", {"password": PASSWORD, "confirm": PASSWORD}
    ),
    "own-password": Write(
        "/account/password",
        "/account/password",
        {"current": TEST_PASSWORD, "password": PASSWORD, "confirm": PASSWORD},
    ),
    "token-create": Write("/account/tokens", "/account/tokens", {"name": "Another script"}),
    "token-revoke": Write("/account/tokens", "/account/tokens/{own_token_id}/revoke"),
    "calendar-create": Write(
        "/account/calendars/new", "/account/calendars/new", {"name": "Expiring soon", "lead_months": "3"}
    ),
    "calendar-revoke": Write("/account/calendars", "/account/calendars/{feed_id}/revoke"),
    "digest-settings": Write("/account/digest", "/account/digest", {"opt_in": "y"}),
    "preset-delete": Write("/import", "/import/presets/{preset_id}/delete"),
    "source-refetch-job": Write("/sources/{source_id}", "/sources/{source_id}/refetch"),
    "language": Write("/agreements/", "/language", {"locale": "id"}),
    "action-create": Write(
        "/agreements/{agreement_id}",
        "/agreements/{agreement_id}/actions",
        {"action-title": "Joint working group meeting", "action-due": "Maret 2027"},
    ),
    "action-edit": Write("/actions/{action_id}/edit", "/actions/{action_id}/edit", {"action-title": "Laporan 2026"}),
    "action-done": Write("/agreements/{agreement_id}", "/actions/{action_id}/status", {"status": "done"}),
    "action-cancel": Write("/agreements/{agreement_id}", "/actions/{action_id}/status", {"status": "cancelled"}),
    "renewal": Write(
        "/agreements/{agreement_id}/renewal",
        "/agreements/{agreement_id}/renewal",
        {"title": "Technology development cooperation 2019–2023", "old_status": "superseded"},
    ),
    "termination": Write(
        "/agreements/{agreement_id}/termination",
        "/agreements/{agreement_id}/termination",
        {"on": "1 Maret 2024", "notice_by": "partner", "reason": "Dana tidak tersedia"},
    ),
    "schedule-run-now": Write("/admin/schedules", "/admin/schedules/purge/run"),
    "document-archive": Write("/agreements/{agreement_id}", "/documents/{document_id}/archive"),
    "document-fill": Write("/documents/{document_id}/suggestions", "/documents/{document_id}/fill"),
    "news-feed-add": Write(
        "/admin/feeds",
        "/admin/feeds",
        {"name": "Antara – Ekonomi", "url": "https://www.antaranews.com/rss/ekonomi.xml"},
    ),
    "news-feed-edit": Write("/admin/feeds/{news_feed_id}/edit", "/admin/feeds/{news_feed_id}/edit", {"name": "Warta"}),
    "news-fetch-now": Write("/admin/feeds", "/admin/feeds/fetch"),
    "inbox-dismiss": Write("/inbox", "/inbox/{item_id}/dismiss"),
    "non-renewal": Write(
        "/agreements/{agreement_id}/non-renewal",
        "/agreements/{agreement_id}/non-renewal",
        {"reason": "Partner withdrew"},
    ),
}


def formatted(write: Write, world: dict[str, Any]) -> Write:
    """The write with the world's ids in what the user types."""
    typed = {name: value.format(**world) if isinstance(value, str) else value for name, value in write.typed.items()}
    return Write(write.page, write.action, typed)


def import_commit(client: FlaskClient, world: dict[str, Any], ending: str = "/commit", **typed: str):
    """Upload a file (kept on disk), open its preview and post the preview's commit (or preset) form."""
    upload = {"file": (io.BytesIO(csv_file(rows_of([AITEC_ROW]))), "agreements.csv")}
    response = client.post("/import", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    mapping = client.get(response.headers["Location"]).get_data(as_text=True)
    action = re.search(r'<form method="get" action="([^"]+)"', mapping).group(1)
    preview = client.get(f"{action}?{urllib.parse.urlencode(form_values(mapping, action))}")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    action = next(action for action in post_actions(html) if action.endswith(ending))
    data = MultiDict(form_values(html, action))
    for name, value in typed.items():
        data.setlist(name, [value])
    return client.post(action, data=data)


def ingest_pasted(client: FlaskClient, world: dict[str, Any]):
    """Paste a saved news page, then confirm its review linking the agreement."""
    page = (PAGES / "tirto_aitec.html").read_text(encoding="utf-8")
    review = client.post("/sources/add", data={"pasted": page})
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    data = MultiDict(form_values(html, "/sources/add/confirm"))
    data.setlist("link_agreements", [str(world["agreement_id"])])
    data.setlist("create_new", [])
    return client.post("/sources/add/confirm", data=data)


def inbox_review(client: FlaskClient, world: dict[str, Any]):
    """Open an inbox item's review and confirm it, linking the agreement."""
    review = client.get(f"/inbox/{world['item_id']}/review")
    assert review.status_code == 200
    data = MultiDict(form_values(review.get_data(as_text=True), "/sources/add/confirm"))
    data.setlist("link_agreements", [str(world["agreement_id"])])
    data.setlist("create_new", [])
    return client.post("/sources/add/confirm", data=data)


def configured(write: Callable[[FlaskClient, dict[str, Any]], Any], **config: Any):
    """The write, made with the app so configured (a threshold that makes it a job, a sender address)."""

    def submit(client: FlaskClient, world: dict[str, Any]):
        client.application.config.update(config)
        return write(client, world)

    return submit


def document_attach(client: FlaskClient, world: dict[str, Any]):
    """Attach the signed MoU with the agreement page's form."""
    action = f"/agreements/{world['agreement_id']}/documents"
    data = MultiDict(form_values(client.get(f"/agreements/{world['agreement_id']}").get_data(as_text=True), action))
    data.setlist("document-file", [(io.BytesIO(mou_pdf()), "MoU KITECH 2006.pdf")])
    return client.post(action, data=data, content_type="multipart/form-data")


SPECIAL_WRITES: dict[str, Callable[[FlaskClient, dict[str, Any]], Any]] = {
    "document-attach": document_attach,
    "import-commit": import_commit,
    "import-commit-job": configured(import_commit, TRACKER_IMPORT_JOB_ROWS=0),
    "export-job": configured(
        Write("/agreements/export?format=csv", "/agreements/export/job").submit, TRACKER_EXPORT_JOB_ROWS=0
    ),
    "digest-send-job": configured(Write("/account/digest", "/account/digest/send").submit, TRACKER_MAIL_FROM=SENDER),
    "digest-send-all-job": configured(
        Write("/account/digest", "/account/digest/send-all").submit, TRACKER_MAIL_FROM=SENDER
    ),
    "import-preset": lambda client, world: import_commit(client, world, "/preset", name="Saved mapping"),
    "ingest-pasted-page": ingest_pasted,
    "inbox-review-confirm": inbox_review,
}
ALL_WRITES = sorted([*WRITES, *SPECIAL_WRITES])


def write(name: str, client: FlaskClient, world: dict[str, Any]):
    """Make the write called `name` as a user would."""
    if name in SPECIAL_WRITES:
        return SPECIAL_WRITES[name](client, world)
    return formatted(WRITES[name], world).submit(client, world)


def assert_nothing_saved_page(response) -> None:
    """A 503 page that says nothing was saved and when to try again."""
    html = response.get_data(as_text=True)
    assert response.status_code == 503, (response.status_code, html[:2000])
    assert response.mimetype == "text/html"
    assert NOTHING_SAVED in html
    assert int(response.headers["Retry-After"]) > 0


def assert_nothing_saved_problem(response) -> dict[str, Any]:
    """A 503 problem+json of the "unavailable" type."""
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api#problem-unavailable" and body["status"] == 503
    assert NOTHING_SAVED in body["detail"] and body["title"] == "The database is unavailable"
    assert int(response.headers["Retry-After"]) > 0
    return body


# --- apps whose database fails -------------------------------------------------------------------


def app_on(url: str, folder: Path, **config: Any) -> Flask:
    """An app like the tests' own on another database URL, its job queue and results in `folder`."""
    settings = {
        "DATABASE_URL": url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "TRACKER_JOBS_URL": f"sqlite:///{folder / 'queue.sqlite'}",
        "TRACKER_JOBS_DIR": str(folder / "job-results"),
        "TRACKER_DOCUMENTS_DIR": str(folder / "documents"),
        **config,
    }
    return create_app(settings)


def sqlite_path(database_url: str) -> str:
    """The file of a SQLite URL."""
    return make_url(database_url).database


def make_read_only(dbapi_connection: Any, _record: Any) -> None:
    """Every transaction of this PostgreSQL connection is read-only, as on a hot standby."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_connection.commit()


@pytest.fixture
def read_only_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the same database, read-only: a read-only URI on SQLite, read-only transactions on PostgreSQL."""
    if ON_POSTGRES:
        faulty = app_on(database_url, tmp_path)
        event.listen(faulty.extensions["tracker.engine"], "connect", make_read_only)
    else:
        faulty = app_on(f"sqlite:///file:{sqlite_path(database_url)}?mode=ro&uri=true", tmp_path)
    faulty.config["TRACKER_IMPORT_DIR"] = str(tmp_path / "imports")
    yield faulty
    faulty.extensions["tracker.engine"].dispose()


@pytest.fixture
def signed_in(world: dict[str, Any]) -> Callable[[Flask], FlaskClient]:
    """A client of the app signed in as the world's admin."""
    return lambda faulty: sign_in_client(faulty.test_client(), world["admin"])


@pytest.mark.parametrize("name", ALL_WRITES)
def test_every_write_on_a_read_only_database_is_a_503_saying_nothing_was_saved(
    name, read_only_app, signed_in, world, engine
):
    before = fingerprint(engine)
    response = write(name, signed_in(read_only_app), world)
    assert_nothing_saved_page(response)
    assert "admin@kemenperin.example" in response.get_data(as_text=True)  # still shown as signed in
    assert fingerprint(engine) == before


# --- reads keep working on a read-only database ------------------------------------------------


def get_routes(app: Flask, world: dict[str, Any]) -> list[str]:
    """Every GET route of the URL map, filled in with the world's records."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" in rule.methods and rule.endpoint != "static":
            urls.append(rule.build({name: world[name] for name in rule.arguments})[1])
    return urls


def test_every_page_and_api_read_works_on_a_read_only_database(read_only_app, signed_in, world, engine):
    before = fingerprint(engine)
    client = signed_in(read_only_app)
    # The token was never used: noting its first use is a write the database refuses, which must not fail the read.
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world['api_token']}"
    answers = {url: client.get(url).status_code for url in get_routes(read_only_app, world)}
    assert {url: status for url, status in answers.items() if status >= 500} == {}
    assert answers["/agreements/"] == answers["/api/v1/agreements"] == answers[f"/calendar/{world['token']}.ics"] == 200
    assert fingerprint(engine) == before


@pytest.fixture
def news_site() -> Iterator[str]:
    """A local web server with the saved news pages (as tests/web/test_ingest.py serves them)."""
    from http.server import ThreadingHTTPServer

    from tests.web.test_ingest import PageHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetching_a_source_again_on_a_read_only_database_is_a_503(read_only_app, signed_in, world, session, news_site):
    source = session.get(Source, world["source_id"])
    source.url = f"{news_site}/tirto_aitec.html"
    session.commit()
    port = news_site.rsplit(":", 1)[1]
    read_only_app.config.update(TRACKER_FETCH_PORTS=f"80,443,{port}", TRACKER_FETCH_ALLOWED_NETWORKS="127.0.0.1/32")
    refetch = Write("/sources/{source_id}", "/sources/{source_id}/refetch")
    assert_nothing_saved_page(refetch.submit(signed_in(read_only_app), world))


# --- the API ---------------------------------------------------------------------------------------


API_WRITES = {
    "create-party": ("POST", "/parties", {"name": "AITEC Co., Ltd 2", "kind": "company", "country_code": "KR"}),
    "patch-party": ("PATCH", "/parties/{party_id}", {"notes": "Changed"}),
    "archive-party": ("DELETE", "/parties/{spare_party_id}", None),
    "restore-party": ("POST", "/parties/{archived_party_id}/restore", None),
    "create-agreement": ("POST", "/agreements", {"title": "New", "instrument_type": "agreement", "status": "in_force"}),
    "patch-agreement": ("PATCH", "/agreements/{agreement_id}", {"title": "Changed"}),
    "create-source": ("POST", "/sources", {"title": "New article", "url": "https://example.org/api-article"}),
    "create-sector": ("POST", "/sectors", {"name": "Shipbuilding", "slug": "shipbuilding"}),
    "link": ("POST", "/agreements/{spare_agreement_id}/sources", {"source_id": "{spare_source_id}", "note": "Cites"}),
    "unlink": ("DELETE", "/agreements/{agreement_id}/sources/{source_id}", None),
    "create-action": ("POST", "/agreements/{agreement_id}/actions", {"title": "Joint working group", "due": "2027"}),
    "patch-action": ("PATCH", "/agreements/{agreement_id}/actions/{action_id}", {"title": "Laporan 2026"}),
    "action-done": ("PATCH", "/agreements/{agreement_id}/actions/{action_id}", {"status": "done"}),
    "cancel-action": ("DELETE", "/agreements/{agreement_id}/actions/{action_id}", None),
    "record-renewal": (
        "POST",
        "/agreements/{agreement_id}/renewal",
        {
            "title": "Cooperation 2019–2023",
            "instrument_type": "agreement",
            "status": "in_force",
            "old_status": "expired",
        },
    ),
    "record-termination": ("POST", "/agreements/{agreement_id}/termination", {"on": "2024-03-01", "notice_by": "home"}),
    "record-non-renewal": ("POST", "/agreements/{agreement_id}/non-renewal", {"reason": "Partner withdrew"}),
}
# Operations (POST) that act on a record over the version If-Match names, as PATCH, PUT and DELETE do.
OPERATIONS = ("/renewal", "/termination", "/non-renewal")


def api_write(client, name: str, world: dict[str, Any]):
    """Make the API write called `name`, with the record's current ETag where one is needed."""
    method, path, body = API_WRITES[name]
    path = path.format(**world)
    if isinstance(body, dict):
        body = {key: int(value.format(**world)) if key.endswith("_id") else value for key, value in body.items()}
    if method in ("PATCH", "PUT", "DELETE"):
        etag = client.etag(path)
    elif path.endswith(OPERATIONS):
        etag = client.etag(path.rsplit("/", 1)[0])
    else:
        etag = None
    return client.request(method, path, json=body, headers={"If-Match": etag} if etag else None)


@pytest.fixture
def api_client(world: dict[str, Any]) -> Callable[[Flask], ApiClient]:
    """An API client of the app with the world's admin token (responses checked against the OpenAPI document)."""
    return lambda faulty: ApiClient(faulty.test_client(), world["api_token"], world["admin"])


@pytest.mark.parametrize("name", sorted(API_WRITES))
def test_every_api_write_on_a_read_only_database_is_a_503_problem(name, read_only_app, api_client, world, engine):
    before = fingerprint(engine)
    assert_nothing_saved_problem(api_write(api_client(read_only_app), name, world))
    assert fingerprint(engine) == before


def test_the_api_page_explains_the_unavailable_problem(client):
    assert 'id="problem-unavailable"' in client.get("/api").get_data(as_text=True)


# --- signing in and out ------------------------------------------------------------------------


@pytest.fixture
def quick_read_only_app(read_only_app: Flask) -> Flask:
    """The read-only app without the throttling delays, which a failure would otherwise wait out in full."""
    read_only_app.config["TRACKER_THROTTLE"] = Throttle(delay_base=0, delay_max=0)
    return read_only_app


def test_the_right_password_signs_in_on_a_read_only_database(quick_read_only_app, world, engine):
    before = fingerprint(engine)
    client = quick_read_only_app.test_client()
    data = {"email": "admin@kemenperin.example", "password": TEST_PASSWORD, "next": "/parties/"}
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/parties/"
    page = client.get("/parties/")
    assert page.status_code == 200 and "admin@kemenperin.example" in page.get_data(as_text=True)
    assert fingerprint(engine) == before  # neither the sign-in time nor the cleared failures could be written


def test_a_wrong_password_is_refused_as_usual_on_a_read_only_database(quick_read_only_app, world, engine):
    before = fingerprint(engine)
    client = quick_read_only_app.test_client()
    response = client.post("/sign-in", data={"email": "admin@kemenperin.example", "password": "not the password"})
    assert response.status_code == 401
    assert "The e-mail address or the password is not right." in response.get_data(as_text=True)
    assert client.get("/parties/").status_code == 302  # not signed in
    assert fingerprint(engine) == before


def test_signing_out_on_a_read_only_database_signs_out_this_browser_and_says_what_it_could_not_do(
    read_only_app, signed_in, world, engine
):
    before = fingerprint(engine)
    client = signed_in(read_only_app)
    response = client.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "You are signed out in this browser. Your other sessions could not be ended" in page
    assert client.get("/parties/").status_code == 302
    assert fingerprint(engine) == before


# --- commands ---------------------------------------------------------------------------------------


def test_a_command_on_a_read_only_database_says_nothing_was_saved_and_exits_1(read_only_app, world, tmp_path):
    data = tmp_path / "agreements.csv"
    data.write_bytes(csv_file(rows_of([AITEC_ROW])))
    page = PAGES / "tirto_aitec.html"
    runner = read_only_app.test_cli_runner()
    for args in (
        ["import", str(data), "--commit"],
        ["add-source", str(page), "--source-only"],
        ["create-token", "admin@kemenperin.example", "--name", "cron"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "Nothing was saved: the database is unavailable (read-only)" in result.output, args
        assert isinstance(result.exception, SystemExit), args  # a message, not an exception
    dry_run = runner.invoke(args=["import", str(data)])
    assert dry_run.exit_code == 0 and "Dry run: nothing was written." in dry_run.output


@sqlite_only
def test_the_import_command_as_the_readme_runs_it_prints_no_traceback(database_url, world, tmp_path):
    data = tmp_path / "agreements.csv"
    data.write_bytes(csv_file(rows_of([AITEC_ROW])))
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///file:{sqlite_path(database_url)}?mode=ro&uri=true"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    result = subprocess.run(
        [*flask, "import", str(data), "--commit"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert "Error: Nothing was saved: the database is unavailable (read-only)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- PostgreSQL going away in the middle of a request ----------------------------------------------


def terminate(admin: Engine, pid: int) -> None:
    """End a backend as a server restart would, and wait until it is gone (the server signals it, which may take a
    moment on a busy machine)."""
    with admin.connect() as connection:
        gone = connection.scalar(text("SELECT pg_terminate_backend(:pid, :timeout)"), {"pid": pid, "timeout": 30_000})
    assert gone, f"backend {pid} still there after 30 s"


def is_write(statement: str) -> bool:
    """A write of the request's own work (not the note of an API token's last use, which is tested apart)."""
    verb = statement.lstrip().split(None, 1)[0].upper()
    return verb in ("INSERT", "UPDATE", "DELETE") and "SET last_used_at" not in statement


@dataclass
class CutOff:
    """Terminates the app's own database connection just before the first statement `when` accepts."""

    admin: Engine
    when: Callable[[str], bool] = is_write
    killed: list[Any] = field(default_factory=list)
    invalidated: list[Any] = field(default_factory=list)
    backends: list[int] = field(default_factory=list)
    afterwards: list[str] = field(default_factory=list)

    def before_statement(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        """The event listener: cut off once, then note what runs afterwards."""
        if self.killed:
            self.afterwards.append(statement)
        elif self.when(statement):
            dbapi_connection = connection.connection.dbapi_connection
            terminate(self.admin, dbapi_connection.info.backend_pid)
            self.killed.append(dbapi_connection)

    def on_invalidate(self, dbapi_connection: Any, *_args: Any) -> None:
        """The pool discarded a connection."""
        self.invalidated.append(dbapi_connection)

    def on_connect(self, dbapi_connection: Any, *_args: Any) -> None:
        """The pool opened a connection."""
        self.backends.append(dbapi_connection.info.backend_pid)


@pytest.fixture
def cut_off_app(database_url: str, engine: Engine, tmp_path: Path) -> Iterator[tuple[Flask, CutOff]]:
    """An app whose connection to PostgreSQL is terminated in the middle of a request."""
    faulty = app_on(database_url, tmp_path, TRACKER_IMPORT_DIR=str(tmp_path / "imports"))
    cut = CutOff(engine)
    event.listen(faulty.extensions["tracker.engine"], "before_cursor_execute", cut.before_statement)
    event.listen(faulty.extensions["tracker.engine"], "invalidate", cut.on_invalidate)
    event.listen(faulty.extensions["tracker.engine"], "connect", cut.on_connect)
    yield faulty, cut
    faulty.extensions["tracker.engine"].dispose()


@postgres_only
@pytest.mark.parametrize("name", ALL_WRITES)
def test_every_write_whose_connection_is_cut_off_is_a_503_and_the_next_request_works(
    name, cut_off_app, signed_in, world, engine
):
    faulty, cut = cut_off_app
    before = fingerprint(engine)
    client = signed_in(faulty)
    assert_nothing_saved_page(write(name, client, world))
    assert cut.killed and cut.killed[0] in cut.invalidated  # discarded, never handed out again
    assert cut.afterwards == []  # the 503 page asked the database nothing
    assert fingerprint(engine) == before
    assert client.get(f"/agreements/{world['agreement_id']}").status_code == 200


@postgres_only
@pytest.mark.parametrize("name", sorted(API_WRITES))
def test_every_api_write_whose_connection_is_cut_off_is_a_503_problem(name, cut_off_app, api_client, world, engine):
    faulty, cut = cut_off_app
    before = fingerprint(engine)
    client = api_client(faulty)
    assert_nothing_saved_problem(api_write(client, name, world))
    assert cut.killed and fingerprint(engine) == before
    assert client.get(f"/agreements/{world['agreement_id']}").status_code == 200


@postgres_only
def test_a_page_whose_connection_is_cut_off_says_it_cannot_be_shown_and_the_next_one_works(
    cut_off_app, signed_in, world
):
    faulty, cut = cut_off_app
    cut.when = lambda statement: "FROM agreement" in statement  # after the user is loaded, at the page's own query
    client = signed_in(faulty)
    response = client.get("/agreements/")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert "This page cannot be shown" in html and "admin@kemenperin.example" in html
    assert cut.killed[0] in cut.invalidated and cut.afterwards == []
    assert client.get("/agreements/").status_code == 200


@postgres_only
def test_connections_lost_between_requests_are_replaced_without_an_error(cut_off_app, signed_in, engine, world):
    faulty, cut = cut_off_app
    cut.when = lambda _statement: False
    client = signed_in(faulty)
    assert client.get("/agreements/").status_code == 200
    for pid in cut.backends:  # what a server restart does to the app's idle connections
        terminate(engine, pid)
    assert client.get("/agreements/").status_code == 200
    assert write("party-create", client, world).status_code == 302


@postgres_only
def test_signing_in_when_the_connection_is_cut_off_at_the_bookkeeping_still_signs_in(cut_off_app, world):
    faulty, cut = cut_off_app
    client = faulty.test_client()
    data = {"email": "admin@kemenperin.example", "password": TEST_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302
    assert cut.killed and client.get("/parties/").status_code == 200


@sqlite_only
def test_a_sqlite_database_that_cannot_be_opened_is_a_503_for_reads_and_writes(world, tmp_path):
    gone = app_on(f"sqlite:///file:{tmp_path / 'moved' / 'tracker.db'}?mode=rw&uri=true", tmp_path)
    client = sign_in_client(gone.test_client(), world["admin"])
    page = client.get("/agreements/")
    assert page.status_code == 503 and "This page cannot be shown" in page.get_data(as_text=True)
    assert_nothing_saved_page(client.post("/parties/new", data={"name": "X", "kind": "company"}))
    health = gone.test_client().get("/health")
    assert health.status_code == 503
    gone.extensions["tracker.engine"].dispose()


def test_a_postgresql_server_that_does_not_answer_is_a_503_everywhere(world, tmp_path):
    # Nothing listens on the discard port: what the app meets while its server is down or restarting.
    down = app_on("postgresql+psycopg://postgres@127.0.0.1:9/tracker", tmp_path)
    client = sign_in_client(down.test_client(), world["admin"])
    page = client.get("/agreements/")
    assert page.status_code == 503 and "This page cannot be shown" in page.get_data(as_text=True)
    assert_nothing_saved_page(client.post("/parties/new", data={"name": "X", "kind": "company"}))
    api = down.test_client().post("/api/v1/parties", json={"name": "X"}, headers={"Authorization": "Bearer ctk_x"})
    assert_nothing_saved_problem(api)
    assert down.test_client().get("/health").status_code == 503
    down.extensions["tracker.engine"].dispose()


# --- SQLite on a full disk -----------------------------------------------------------------------------


def copy_database(source_url: str, target: Path) -> sqlite3.Connection:
    """Copy the test database to `target` in WAL mode, its log emptied; the connection returned keeps it open.

    The copy holds the rows alone, not the pages earlier tests freed (the test database never
    shrinks), so it fits the small disk whichever tests ran before. While it stays open the WAL's
    index file (-shm) stays too: readers on a full disk need it, and could not create it there.
    """
    with sqlite3.connect(sqlite_path(source_url)) as source:
        source.execute("VACUUM INTO ?", (str(target),))
    holder = sqlite3.connect(target, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("SELECT count(*) FROM agreement").fetchall()
    holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return holder


def fill(folder: Path) -> None:
    """Write a file until the file system has no space left.

    Unbuffered: a buffered file keeps what a short write left over and writes it again on closing, which fails on
    the full disk (whenever the free space was no multiple of the chunk, which depends on the database's size)."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(bytes(65536))
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of the test's own (mounting needs root: skipped otherwise), unmounted afterwards."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root; test_a_full_disk_under_a_file_size_limit covers the rest")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.fixture
def full_disk_app(full_disk: Path, database_url: str, world: dict[str, Any]) -> Iterator[Flask]:
    """The app on a copy of the test database (the world in it) on a disk that is full, its uploads there too."""
    holder = copy_database(database_url, full_disk / "tracker.db")
    faulty = app_on(f"sqlite:///{full_disk / 'tracker.db'}", full_disk, TRACKER_IMPORT_DIR=str(full_disk / "imports"))
    (full_disk / "imports").mkdir()
    fill(full_disk)
    yield faulty
    faulty.extensions["tracker.engine"].dispose()
    holder.close()


def copy_fingerprint(path: Path) -> dict[str, Any]:
    """The fingerprint of a copied database."""
    copy = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        return fingerprint(copy)
    finally:
        copy.dispose()


@sqlite_only
@pytest.mark.parametrize("name", [name for name in ALL_WRITES if not name.startswith("import")])
def test_every_write_on_a_full_disk_is_a_503_and_reads_keep_working(name, full_disk_app, full_disk, signed_in, world):
    before = copy_fingerprint(full_disk / "tracker.db")
    client = signed_in(full_disk_app)
    assert_nothing_saved_page(write(name, client, world))
    assert client.get(f"/agreements/{world['agreement_id']}").status_code == 200
    assert copy_fingerprint(full_disk / "tracker.db") == before


@sqlite_only
def test_an_upload_to_a_full_disk_is_a_503_and_the_rest_works_once_there_is_room(
    full_disk_app, full_disk, signed_in, api_client, world
):
    client = signed_in(full_disk_app)
    upload = {"file": (io.BytesIO(csv_file(rows_of([AITEC_ROW]))), "agreements.csv")}
    assert_nothing_saved_page(client.post("/import", data=upload, content_type="multipart/form-data"))
    assert_nothing_saved_problem(api_write(api_client(full_disk_app), "create-party", world))
    data = {"email": "admin@kemenperin.example", "password": TEST_PASSWORD}
    assert full_disk_app.test_client().post("/sign-in", data=data).status_code == 302
    (full_disk / "filler").unlink()
    assert import_commit(client, world).status_code == 302
    assert write("party-create", client, world).status_code == 302


# A server of its own whose files may not grow: every write of the database fails as on a full disk.
LIMITED_SERVER = textwrap.dedent(
    """
    import resource, signal, sys
    from werkzeug.serving import make_server
    from tracker import create_app

    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    server = make_server("127.0.0.1", 0, app)
    print(server.server_port, flush=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    server.serve_forever()
    """
)


@pytest.fixture
def limited_server(database_url: str, world: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """The address of a server on a copy of the test database that cannot write any file."""
    path = tmp_path / "tracker.db"
    holder = copy_database(database_url, path)
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-c", LIMITED_SERVER, f"sqlite:///{path}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = server.stdout.readline().strip()
        assert port, server.stderr.read()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
        holder.close()


@sqlite_only
def test_a_full_disk_under_a_file_size_limit(limited_server, world):
    browser = requests.Session()
    signed_in = browser.post(
        f"{limited_server}/sign-in",
        data={"email": "admin@kemenperin.example", "password": TEST_PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302  # the sign-in could not be recorded, but it went through
    assert browser.get(f"{limited_server}/agreements/{world['agreement_id']}", timeout=30).status_code == 200
    form = {"name": "New party", "kind": "company", "country_code": "KR"}
    refused = browser.post(f"{limited_server}/parties/new", data=form, allow_redirects=False, timeout=30)
    assert refused.status_code == 503 and NOTHING_SAVED in refused.text and refused.headers["Retry-After"]
    api = requests.post(
        f"{limited_server}/api/v1/parties",
        json=form,
        headers={"Authorization": f"Bearer {world['api_token']}"},
        timeout=30,
    )
    assert api.status_code == 503 and api.json()["type"] == "/api#problem-unavailable"
