"""`flask backup`: a consistent copy of a live SQLite database that restores with every committed row;
for PostgreSQL, the pg_dump explanation. The SQLite tests use a scratch database of their own, so they run
in the PostgreSQL run of the suite too."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import postgres_url
from tests.document_support import SCAN_PNG, mou_pdf, word_docx
from tracker import create_app, documents, migrate
from tracker.backup import DATED_PATTERN, BackupError, dated_path, prune_backups
from tracker.db import get_session, make_engine
from tracker.models import Agreement, AgreementStatus, InstrumentType

ROWS_BEFORE_BACKUP = 200


def app_for(url: str, documents: Path | None = None) -> Flask:
    """The application on the database at `url` (keeping its documents in `documents`)."""
    config = {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test"}
    return create_app({**config, "TRACKER_DOCUMENTS_DIR": str(documents)} if documents else config)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    """A migrated SQLite database file and the app on it."""
    database = tmp_path / "live" / "tracker.db"
    database.parent.mkdir()
    migrate.upgrade(f"sqlite:///{database}")
    app = app_for(f"sqlite:///{database}", database.parent / "documents")
    yield app, database
    app.extensions["tracker.engine"].dispose()


class Writer(threading.Thread):
    """Inserts agreements one transaction at a time, noting each title once its commit has returned."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.committed: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with Session(self.engine) as session:
            while not self.stop.is_set():
                title = f"Row {len(self.committed):06d}"
                session.add(Agreement(title=title, instrument_type=InstrumentType.MOU, status=AgreementStatus.SIGNED))
                session.commit()
                self.committed.append(title)
        self.engine.dispose()

    def wait_for(self, rows: int) -> None:
        """Block until at least `rows` rows are committed."""
        deadline = time.monotonic() + 30
        while len(self.committed) < rows:
            assert self.is_alive() and time.monotonic() < deadline, "the writer stopped"
            time.sleep(0.01)


def stored_titles(database: Path) -> list[str]:
    """The agreement titles in an SQLite file, in insertion order."""
    with sqlite3.connect(database) as connection:
        return [title for (title,) in connection.execute("SELECT title FROM agreement ORDER BY id")]


def test_backup_while_writing_restores_every_committed_row(live, tmp_path):
    app, database = live
    target = tmp_path / "backups" / "tracker-backup.db"
    target.parent.mkdir()
    writer = Writer(f"sqlite:///{database}")
    writer.start()
    try:
        writer.wait_for(ROWS_BEFORE_BACKUP)
        committed_before = list(writer.committed)  # committed before the backup started
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        writer.wait_for(len(writer.committed) + 20)  # still writing after it
    finally:
        writer.stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "To restore it" in result.output and f"rm -f {database}-wal {database}-shm" in result.output

    # Restore as the output says: copy the file into place (a fresh place here; the live database keeps running).
    restored = tmp_path / "restored" / "tracker.db"
    restored.parent.mkdir()
    shutil.copyfile(target, restored)
    with sqlite3.connect(restored) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    titles = stored_titles(restored)
    assert set(committed_before) <= set(titles)
    assert titles == writer.committed[: len(titles)]  # one consistent snapshot: a prefix of what was committed

    assert_app_opens(f"sqlite:///{restored}", len(titles))


def assert_app_opens(url: str, agreements: int) -> None:
    """The app works on the database, whose schema is at the migrations' head."""
    engine = make_engine(url)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    assert current == ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()
    app = app_for(url)
    assert app.test_client().get("/health").status_code == 200
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Agreement)) == agreements
    app.extensions["tracker.engine"].dispose()


def test_backup_refuses_to_overwrite_unless_forced(live, tmp_path):
    app, _database = live
    target = tmp_path / "existing.db"
    target.write_bytes(b"keep me")
    refused = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert refused.exit_code == 1 and "already exists" in refused.output and "--force" in refused.output
    assert target.read_bytes() == b"keep me"
    forced = app.test_cli_runner().invoke(args=["backup", "--force", str(target)])
    assert forced.exit_code == 0, forced.output
    assert_app_opens(f"sqlite:///{target}", 0)


def test_backup_refuses_a_missing_folder_and_leaves_nothing(live, tmp_path):
    app, _database = live
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "nowhere" / "tracker.db")])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_backup_into_a_folder_names_it_by_time_and_keeps_the_newest(live, tmp_path):
    """The nightly timer's retention: dated copies beyond the newest N go, other files in the folder stay."""
    app, _database = live
    folder = tmp_path / "nightly"
    folder.mkdir()
    older = ["tracker-2026-11-30T023000Z.db", "tracker-2026-12-01T023000Z.db", "tracker-2026-12-02T023000Z.db"]
    others = ["tracker-manual.db", "tracker-2026-12-03.db", "README.txt"]
    for name in [*older, *others]:
        (folder / name).write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["backup", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    new = sorted({path.name for path in folder.iterdir()} - set(older) - set(others) - {"documents"})
    assert len(new) == 1 and DATED_PATTERN.fullmatch(new[0]) and new[0] > older[-1]
    assert sorted(path.name for path in folder.iterdir()) == sorted([older[-1], *new, *others, "documents"])
    assert f"deleted 2: {older[0]}, {older[1]}." in result.output
    assert_app_opens(f"sqlite:///{folder / new[0]}", 0)


def test_keep_needs_a_folder_and_at_least_one(live, tmp_path):
    app, _database = live
    refused = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "one.db"), "--keep", "3"])
    assert refused.exit_code == 1 and "--keep needs a folder" in refused.output
    assert not (tmp_path / "one.db").exists()
    zero = app.test_cli_runner().invoke(args=["backup", str(tmp_path), "--keep", "0"])
    assert zero.exit_code == 2 and list(tmp_path.glob("tracker-*.db")) == []
    with pytest.raises(BackupError, match="at least one"):
        prune_backups(tmp_path, 0)


def keep_document(folder: Path, data: bytes) -> Path:
    """A document kept in the live documents folder as an upload keeps it; its path."""
    return documents.store(folder, data, hashlib.sha256(data).hexdigest())


def test_the_documents_are_copied_beside_the_backup_once_each(live, tmp_path):
    app, database = live
    live_documents = database.parent / "documents"
    mou, letter = keep_document(live_documents, mou_pdf()), keep_document(live_documents, word_docx(["Surat KITECH"]))
    (mou.parent / f".{mou.name}.partial").write_bytes(b"an upload under way")  # not a document yet
    folder = tmp_path / "nightly"
    folder.mkdir()

    first = app.test_cli_runner().invoke(args=["backup", str(folder), "--keep", "3"])
    assert first.exit_code == 0, first.output
    copies = folder / "documents"
    assert f"Documents copied to {copies}: 2 new, 0 already there." in first.output
    assert f"cp -a {copies}/. {live_documents}/" in first.output
    assert sorted(path.relative_to(copies) for path in copies.rglob("*") if path.is_file()) == sorted(
        path.relative_to(live_documents) for path in (mou, letter)
    )
    assert (copies / mou.relative_to(live_documents)).read_bytes() == mou_pdf()

    scan = keep_document(live_documents, SCAN_PNG)
    # Another backup in the folder (named, as a dated name of the same second is taken) shares the documents.
    second = app.test_cli_runner().invoke(args=["backup", str(folder / "before-upgrade.db")])
    assert second.exit_code == 0, second.output
    assert "1 new, 2 already there." in second.output
    assert (copies / scan.relative_to(live_documents)).read_bytes() == SCAN_PNG

    # Restored as the output says, the documents are back under their hashes.
    restored = tmp_path / "restored-documents"
    restored.mkdir()
    shutil.copytree(copies, restored, dirs_exist_ok=True)
    assert documents.stored_path(restored, hashlib.sha256(SCAN_PNG).hexdigest()).read_bytes() == SCAN_PNG


def test_a_damaged_document_is_named_and_the_backup_fails(live, tmp_path):
    app, database = live
    live_documents = database.parent / "documents"
    good = keep_document(live_documents, mou_pdf())
    damaged = keep_document(live_documents, b"Nota Kesepahaman KITECH 2006")
    damaged.write_bytes(b"Nota Kesepahaman KITECH 2007")  # the disk changed it: it no longer matches its name
    target = tmp_path / "tracker.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and damaged.name in result.output and "do not match their SHA-256" in result.output
    copies = tmp_path / "documents"
    assert (copies / good.relative_to(live_documents)).is_file()
    assert not (copies / damaged.relative_to(live_documents)).exists() and not list(copies.rglob(".*partial"))
    assert_app_opens(f"sqlite:///{target}", 0)  # the database's backup itself is whole


def test_a_backup_beside_the_live_documents_is_refused(live):
    app, database = live
    keep_document(database.parent / "documents", mou_pdf())
    result = app.test_cli_runner().invoke(args=["backup", str(database.parent / "copy.db")])
    assert result.exit_code == 1 and "onto themselves" in result.output
    assert not (database.parent / "copy.db").exists()


def test_dated_names_sort_by_time(tmp_path):
    names = [dated_path(tmp_path, datetime(2026, month, day, hour, tzinfo=UTC)).name
             for month, day, hour in ((9, 30, 23), (10, 1, 2), (12, 6, 19))]  # fmt: skip
    assert names == sorted(names) and names[-1] == "tracker-2026-12-06T190000Z.db"


def test_backup_of_postgresql_explains_pg_dump_without_the_password(tmp_path):
    app = app_for("postgresql+psycopg://tracker:s3cret-pw@db.example:5433/tracker_prod")
    target = tmp_path / "tracker.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1  # nothing was written: a script must not take this for a backup
    assert "pg_dump --host db.example --port 5433 --username tracker" in result.output
    assert "tracker_prod" in result.output and "pg_restore" in result.output
    assert "s3cret-pw" not in result.output
    assert not target.exists()


@pytest.mark.skipif(postgres_url() is None, reason="needs TEST_DATABASE_URL")
def test_backup_explains_pg_dump_for_the_configured_database(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 1 and "pg_dump" in result.output
    assert app.config["DATABASE_URL"].rsplit("/", 1)[1] in result.output
