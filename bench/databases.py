"""The benchmark's databases: SQLite files under bench/data/ and PostgreSQL databases bench_<size>, built once."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.latency import Ids
from bench.synthetic import MINISTRY
from tracker import create_app
from tracker.db import get_session
from tracker.models import Agreement, Party, PartyKind, User, UserRole
from tracker.services import accounts, tokens

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
SECRET = "bench-secret-key-not-for-production"
VIEWER_EMAIL = "bench-viewer@example.org"


@dataclass
class Database:
    """One benchmark database: its engine kind, size, URL and, for SQLite, its file."""

    kind: str  # "sqlite" or "postgresql"
    size: int
    url: str
    path: Path | None = None
    seed_seconds: float | None = None  # how long seed-synthetic took, when this run built it

    @property
    def label(self) -> str:
        """ "sqlite 10k"."""
        return f"{self.kind} {size_label(self.size)}"


def size_label(size: int) -> str:
    """10000 -> "10k", 1000000 -> "1M", 2500 -> "2500"."""
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def sqlite_database(size: int) -> Database:
    """The SQLite file of this size."""
    path = DATA / f"bench_{size_label(size)}.db"
    return Database("sqlite", size, f"sqlite:///{path}", path)


def postgres_database(size: int, server: str) -> Database:
    """The PostgreSQL database of this size on the server URL (…/postgres)."""
    url = make_url(server).set(database=f"bench_{size_label(size)}")
    return Database("postgresql", size, url.render_as_string(hide_password=False))


def env_for(url: str) -> dict[str, str]:
    """The environment of a production-like app process on this database."""
    # Bytecode cached as a deployed app has it (a shell that sets PYTHONDONTWRITEBYTECODE would have every process
    # compile the app's modules again: seconds of CPU at each start of the command line).
    dropped = ("FLASK_DEBUG", "TEST_DATABASE_URL", "PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(DATABASE_URL=url, SECRET_KEY=SECRET, PYTHONUNBUFFERED="1")
    return env


def flask(url: str, *args: str, quiet: bool = True) -> None:
    """Run a flask command of the app on the database; fail loudly."""
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([*FLASK, *args], cwd=ROOT, env=env_for(url), check=True, stdout=output)


def agreement_count(url: str) -> int | None:
    """How many agreements the database holds; None when it has no schema yet or cannot be reached."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT COUNT(*) FROM agreement"))
    except Exception:
        return None
    finally:
        engine.dispose()


def recreate(database: Database, server: str) -> None:
    """Start from nothing: delete the SQLite file, or drop and create the PostgreSQL database."""
    if database.path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database.path}{suffix}").unlink(missing_ok=True)
        return
    name = make_url(database.url).database
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def ensure(database: Database, server: str, seed: int, rebuild: bool) -> None:
    """Build the database unless it holds `size` agreements, made under today's migrations; upgrade it to head."""
    DATA.mkdir(parents=True, exist_ok=True)
    if rebuild or migrations_changed(database) or agreement_count(database.url) != database.size:
        recreate(database, server)
        flask(database.url, "upgrade-db")
        started = time.perf_counter()
        flask(database.url, "seed-synthetic", "--agreements", str(database.size), "--seed", str(seed), quiet=False)
        database.seed_seconds = time.perf_counter() - started
        record_build(database)
    else:
        flask(database.url, "upgrade-db")
    analyse(database.url)


def migration_digests() -> dict[str, str]:
    """File name -> hash of every migration."""
    versions = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16] for path in versions}


def migrations_changed(database: Database) -> bool:
    """Whether a migration the database was built under has been edited or removed since (during development).

    A migration added since is not a change: `upgrade-db` applies it to the data as it would in production.
    """
    builds = DATA / "builds.json"
    built = json.loads(builds.read_text()).get(database.label) if builds.exists() else None
    if not isinstance(built, dict):
        return True
    current = migration_digests()
    return any(current.get(name) != digest for name, digest in built.items())


def record_build(database: Database) -> None:
    """Remember the migrations the database was built under."""
    builds = DATA / "builds.json"
    known = json.loads(builds.read_text()) if builds.exists() else {}
    known[database.label] = migration_digests()
    builds.write_text(json.dumps(known, indent=2) + "\n")


def analyse(url: str) -> None:
    """Fresh planner statistics, as a database in use would have."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        # VACUUM as autovacuum would have: PostgreSQL counts from an index alone only once pages are all-visible.
        connection.execute(text("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def viewer_credentials(url: str, role: UserRole = UserRole.VIEWER) -> tuple[int, int, str]:
    """An account of the role (a viewer unless asked) and a new API token: (user id, session version, token)."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    email = VIEWER_EMAIL if role == UserRole.VIEWER else f"bench-{role.value}@example.org"
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(session, email, accounts.random_password(), role)
        _token, token_text = tokens.create_token(session, user, "benchmark")
        session.commit()
        credentials = (user.id, user.session_version, token_text)
    app.extensions["tracker.engine"].dispose()
    return credentials


def page_ids(url: str) -> Ids:
    """The records the latency pages open: the middle agreement, a partner state (Japan), the ministry."""
    engine = create_engine(url)
    with engine.connect() as connection:
        japan = connection.scalar(
            select(Party.id).where(Party.country_code == "JP", Party.kind == PartyKind.STATE).order_by(Party.id)
        )
        ministry = connection.scalar(select(Party.id).where(Party.name == MINISTRY))
    engine.dispose()
    return Ids(middle_agreement(url), japan, ministry)


def middle_agreement(url: str) -> int:
    """An agreement in the middle of the table, for the detail page."""
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = connection.scalar(
            select(Agreement.id)
            .order_by(Agreement.id)
            .offset(connection.scalar(text("SELECT COUNT(*) / 2 FROM agreement")))
            .limit(1)
        )
    engine.dispose()
    return ids
