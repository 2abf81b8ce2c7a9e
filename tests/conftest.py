"""Shared fixtures: one migrated database per run (per worker under pytest-xdist), reset to its seed state before
every test.

SQLite by default; when TEST_DATABASE_URL is set (make test, .ci/run) the same suite runs on PostgreSQL. On one
process that database is wiped at the start; with workers (`make test` runs TEST_WORKERS of them) each worker makes
its own database named after it, `<database>_gw0`, ..., on the same server, and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import Engine, MetaData, event, insert, make_url, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from tracker import create_app, migrate
from tracker.dates import PartialDate
from tracker.db import make_engine
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    Base,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Sector,
    Source,
    User,
    UserRole,
)
from tracker.urls import normalize_url

# The JSON API's fixtures (api_as) and its check of every response against the OpenAPI document; the OpenID
# provider of the single sign-on tests (oidc_provider, sso_app).
pytest_plugins = ["tests.api_support", "tests.sso_support"]


# Timing is no property of the code under test: on a loaded machine (CI, workers side by side) a slow example is
# not a failure. Every test's @settings inherits this profile.
settings.register_profile("tracker-tests", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tracker-tests")

# Temporary files (tmp_path, the SQLite databases) go to memory when /dev/shm has room: the suite writes a lot.
FAST_TEMP_ROOT = Path("/dev/shm")
FAST_TEMP_MIN_FREE = 2 * 1024**3


def xdist_worker() -> str | None:
    """The pytest-xdist worker this process is ("gw0", ...), or None when the tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


def fast_temp_root() -> Path | None:
    """/dev/shm when it is there, writable and has room, else None (the system's temporary folder)."""
    try:
        usage = shutil.disk_usage(FAST_TEMP_ROOT)
    except OSError:
        return None
    if not os.access(FAST_TEMP_ROOT, os.W_OK | os.X_OK) or usage.free < FAST_TEMP_MIN_FREE:
        return None
    return FAST_TEMP_ROOT


def worker_database_url(url: str, worker: str) -> str:
    """The worker's own database on the server of `url`: <database>_<worker>."""
    server = make_url(url)
    return server.set(database=f"{server.database}_{worker}").render_as_string(hide_password=False)


HYPOTHESIS_HOME = pytest.StashKey[str]()
INSTANCE_PATCH = pytest.StashKey[pytest.MonkeyPatch]()


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files in memory where possible, Hypothesis' files among them, and a database per worker."""
    root = fast_temp_root()
    if root:
        tempfile.tempdir = str(root)  # read by pytest's basetemp (tmp_path) and by every tempfile call
    # Hypothesis keeps its example database and caches in .hypothesis/ of the current folder: not in the checkout.
    hypothesis_home = tempfile.mkdtemp(prefix="tracker-hypothesis-")
    config.stash[HYPOTHESIS_HOME] = hypothesis_home
    set_hypothesis_home_dir(hypothesis_home)
    # Apps built without settings of their own keep their defaults (the job queue, the debug secret key, the SQLite
    # database) in instance/: the process's own, not the checkout's, which workers side by side would share.
    instance = tempfile.mkdtemp(prefix="tracker-instance-")
    patch = config.stash[INSTANCE_PATCH] = pytest.MonkeyPatch()
    patch.setattr(Flask, "auto_find_instance_path", lambda _app: instance)
    worker, url = xdist_worker(), os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        # The worker's tests, and the programs they start, see its own database (and name theirs after it); it is
        # there from the start, as TEST_DATABASE_URL is for one process (tests connect to it to make others).
        os.environ["TEST_DATABASE_URL"] = worker_url = worker_database_url(url, worker)
        create_postgres_database(worker_url)
        config.stash[WORKER_DATABASE] = worker_url


WORKER_DATABASE = pytest.StashKey[str]()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove Hypothesis' temporary folder, the instance folder and the worker's database."""
    if HYPOTHESIS_HOME in config.stash:
        shutil.rmtree(config.stash[HYPOTHESIS_HOME], ignore_errors=True)
    if INSTANCE_PATCH in config.stash:
        instance = Flask.auto_find_instance_path(None)  # type: ignore[arg-type]
        config.stash[INSTANCE_PATCH].undo()
        shutil.rmtree(instance, ignore_errors=True)
    if WORKER_DATABASE in config.stash:
        drop_postgres_database(config.stash[WORKER_DATABASE])


def postgres_url() -> str | None:
    """The PostgreSQL database to test against, if any (under pytest-xdist, the worker's own)."""
    return os.environ.get("TEST_DATABASE_URL") or None


def wipe_postgres(url: str) -> None:
    """Drop everything in the public schema so the run starts from an empty database."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def maintenance_engine(url: str) -> Engine:
    """An autocommit engine on the server's `postgres` database: CREATE/DROP DATABASE run outside transactions."""
    server = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    return make_engine(server).execution_options(isolation_level="AUTOCOMMIT")


def create_postgres_database(url: str) -> None:
    """Make the database of `url` anew (a leftover of an interrupted run is dropped first).

    Its commits do not wait for the disk (synchronous_commit off): a crash may lose the last ones, which a throwaway
    test database can afford, and the suite commits thousands of times.
    """
    name = make_url(url).database
    engine = maintenance_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()


def drop_postgres_database(url: str) -> None:
    """Drop the database of `url`, disconnecting whoever is still on it."""
    engine = maintenance_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head by Alembic, shared by the run (by the worker's tests under pytest-xdist).

    SQLite: a file in the run's (worker's) temporary folder. PostgreSQL: TEST_DATABASE_URL wiped on one process;
    under pytest-xdist the worker's own database, new (pytest_configure).
    """
    url = postgres_url()
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif not xdist_worker():
        wipe_postgres(url)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str, seed_rows: dict[str, list[dict[str, Any]]]) -> Iterator[Engine]:
    """An engine for test setup and checks; the seed rows are read before any test can write through it."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seed_rows(database_url: str) -> dict[str, list[dict[str, Any]]]:
    """What the migrations put in each table (the sector vocabulary), to restore before each test.

    Read straight after the migrations: read later, the rows a test wrote through `engine` without resetting the
    database (tests/data/test_bulk.py) would become seed rows, and every later reset would fail on them.
    """
    reader = make_engine(database_url)
    try:
        with reader.connect() as connection:
            return {
                table.name: [dict(row._mapping) for row in connection.execute(select(table))]
                for table in Base.metadata.sorted_tables
            }
    finally:
        reader.dispose()


def reset_database(engine: Engine, seed_rows: dict[str, list[dict[str, Any]]]) -> None:
    """Empty every table and put back the seed rows: each test starts from a fresh database."""
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            # Rows pointing at rows of their own table (a directorate's parent ministry) go first.
            self_references = {fk.parent.name: None for fk in table.foreign_keys if fk.column.table is table}
            if self_references:
                connection.execute(table.update().values(self_references))
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "sqlite":
            # FTS5 keeps a deleted row's index entries as tombstones until segments merge: emptied thousands of times
            # a run, the index would grow by what every test wrote (megabytes after the big imports) and slow the
            # searches of every later test. With `agreement_search` empty, the whole index goes.
            connection.exec_driver_sql("INSERT INTO agreement_fts (agreement_fts) VALUES ('delete-all')")
        for table in Base.metadata.sorted_tables:
            if seed_rows[table.name]:
                connection.execute(insert(table), seed_rows[table.name])


@pytest.fixture
def app(
    database_url: str, engine: Engine, seed_rows: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> Iterator[Flask]:
    """The application on the fresh test database; background jobs queue in the test's folder (no worker runs
    them unless the test starts one, tests/web/test_jobs.py), and uploaded imports wait there (not in instance/)."""
    reset_database(engine, seed_rows)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "TRACKER_JOBS_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
            "TRACKER_JOBS_DIR": str(tmp_path / "job-results"),
            "TRACKER_DOCUMENTS_DIR": str(tmp_path / "documents"),
            "TRACKER_IMPORT_DIR": str(tmp_path / "imports"),
        }
    )
    yield app
    app.extensions["tracker.engine"].dispose()


# Hashing is deliberately slow; test users share one hash, computed once.
TEST_PASSWORD = "correct horse battery staple"
TEST_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="scrypt")


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    """Create a user whose password is TEST_PASSWORD: make_user(role=UserRole.EDITOR)."""
    counter = iter(range(1, 10_000))

    def make(role: UserRole = UserRole.EDITOR, email: str | None = None, active: bool = True) -> User:
        email = email or f"{role.value}{next(counter)}@kemenperin.example"
        user = User(email=email, role=role, password_hash=TEST_PASSWORD_HASH, active=active, session_version=1)
        session.add(user)
        session.commit()
        return user

    return make


def sign_in_client(client: FlaskClient, user: User) -> FlaskClient:
    """Put the user's session into the client's cookie, as signing in would."""
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = user.get_id()
        cookie_session["_fresh"] = True
        cookie_session["seen"] = time.time()
    return client


@pytest.fixture
def client_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A new test client signed in as a new user of the role: client_as(UserRole.VIEWER)."""

    def make(role: UserRole = UserRole.EDITOR) -> FlaskClient:
        return sign_in_client(app.test_client(), make_user(role))

    return make


@pytest.fixture
def client(client_as: Callable[..., FlaskClient]) -> FlaskClient:
    """A test client signed in as an admin, who may do everything."""
    return client_as(UserRole.ADMIN)


@pytest.fixture
def anonymous_client(app: Flask) -> FlaskClient:
    """A test client nobody has signed in with."""
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session for service and query tests, outside any request."""
    with app.extensions["tracker.sessionmaker"]() as session:
        yield session


@pytest.fixture
def count_statements(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """`with count_statements() as statements:` lists the SQL the app's engine runs inside the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        engine = app.extensions["tracker.engine"]
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def feed_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """`feed_today(date(2018, 1, 1))`: calendar feeds are written as of that day (their horizon moves with it)."""

    def set_day(day: date) -> None:
        monkeypatch.setattr("tracker.web.calendars.local_today", lambda: day)

    return set_day


@pytest.fixture
def metadata() -> MetaData:
    """The models' metadata."""
    return Base.metadata


# --- factories: callables that insert committed rows with sensible defaults -----------------------


@pytest.fixture
def make_sector(session: Session) -> Callable[..., Sector]:
    """Create a sector: make_sector(name="Textiles")."""

    def make(name: str = "Textiles", slug: str | None = None, description: str = "") -> Sector:
        sector = Sector(name=name, slug=slug or name.lower().replace(" ", "-"), description=description)
        session.add(sector)
        session.commit()
        return sector

    return make


@pytest.fixture
def get_sector(session: Session) -> Callable[[str], Sector]:
    """Fetch a seeded sector by slug: get_sector("electric-vehicles")."""

    def get(slug: str) -> Sector:
        return session.scalars(select(Sector).where(Sector.slug == slug)).one()

    return get


@pytest.fixture
def make_party(session: Session) -> Callable[..., Party]:
    """Create a party: make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])."""

    def make(
        name: str = "Ministry of Industry",
        kind: PartyKind = PartyKind.MINISTRY,
        country_code: str | None = "ID",
        aliases: list[str] | None = None,
        parent: Party | None = None,
        notes: str = "",
    ) -> Party:
        party = Party(name=name, kind=kind, country_code=country_code, parent=parent, notes=notes)
        party.aliases = [PartyAlias(alias=alias) for alias in aliases or []]
        session.add(party)
        session.commit()
        return party

    return make


@pytest.fixture
def make_agreement(session: Session) -> Callable[..., Agreement]:
    """Create an agreement: make_agreement(title=..., start="2006", end="2018", parties=[(p, role)])."""

    def make(
        title: str = "Technology development cooperation",
        instrument_type: InstrumentType = InstrumentType.AGREEMENT,
        status: AgreementStatus = AgreementStatus.IN_FORCE,
        renewal_intent: RenewalIntent = RenewalIntent.NONE,
        signed: str | None = None,
        start: str | None = None,
        end: str | None = None,
        parties: list[tuple[Party, PartyRole]] | None = None,
        sectors: list[Sector] | None = None,
        **fields: Any,
    ) -> Agreement:
        agreement = Agreement(
            title=title, instrument_type=instrument_type, status=status, renewal_intent=renewal_intent, **fields
        )
        agreement.signed = PartialDate.parse(signed) if signed else None
        agreement.start = PartialDate.parse(start) if start else None
        agreement.end = PartialDate.parse(end) if end else None
        agreement.party_links = [AgreementParty(party=party, role=role) for party, role in parties or []]
        agreement.sectors = list(sectors or [])
        session.add(agreement)
        session.commit()
        return agreement

    return make


@pytest.fixture
def make_source(session: Session) -> Callable[..., Source]:
    """Create a source, optionally linked: make_source(url=..., agreements=[(agreement, "note")])."""

    def make(
        title: str = "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel",
        url: str | None = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ",
        outlet: str = "tirto.id",
        published_on: date | None = date(2017, 10, 4),
        language: str = "id",
        agreements: list[tuple[Agreement, str]] | None = None,
        **fields: Any,
    ) -> Source:
        source = Source(
            title=title,
            url=url,
            url_normalized=normalize_url(url) if url else None,
            outlet=outlet,
            published_on=published_on,
            language=language,
            **fields,
        )
        source.agreement_links = [AgreementSource(agreement=a, note=note) for a, note in agreements or []]
        session.add(source)
        session.commit()
        return source

    return make
