"""Backups: a consistent copy of a live SQLite database, or how to take one of PostgreSQL with pg_dump.

`flask --app app backup PATH` (tracker/cli/database.py)
- SQLite: SQLite's online backup API copies the database as one snapshot while the app keeps running
  (in WAL mode writers are not blocked). The copy is written next to PATH under a temporary name, switched
  to a self-contained rollback journal, checked with `PRAGMA integrity_check`, and only then renamed to PATH,
  so PATH never holds half a backup. An existing PATH is refused unless --force; a missing folder is refused.
  PATH may be a folder: the backup is then named by the time it was taken (`tracker-2026-12-06T193000Z.db`, UTC, so
  the names sort by age), and `--keep N` afterwards deletes the oldest such files beyond the newest N (files of other
  names are never touched) — the nightly timer's retention (deploy/systemd/tracker-backup.service).
- Documents (TRACKER_DOCUMENTS_DIR): after the database, the files attached to agreements are copied into the folder
  `documents` beside the backup (PATH's folder), laid out as the live folder (`ab/abcdef…`, named by their SHA-256).
  A kept document never changes, so only files not copied before are copied, each checked against its hash and
  written whole or not at all; the dated backups of one folder share it, and retention never touches it. Copied after
  the database's snapshot, the folder holds every file the backup's rows name (a file is kept before its row is
  committed). A file that does not match its hash is left out and named, and the command fails.
- PostgreSQL: nothing is written. The command prints the pg_dump and pg_restore commands for the configured
  database (never its password) and exits with status 1, so that a script never mistakes it for a backup.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.engine import URL

PG_DEFAULT_PORT = 5432
# A dated backup in a folder; the pattern recognises only these names, so retention deletes nothing else.
DATED_NAME = "tracker-%Y-%m-%dT%H%M%SZ.db"
DATED_PATTERN = re.compile(r"tracker-\d{4}-\d{2}-\d{2}T\d{6}Z\.db")
# The documents' folder beside the backups; a kept document's name is its SHA-256 (tracker/documents.py).
DOCUMENTS_FOLDER = "documents"
HASH_NAME = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024


class BackupError(click.ClickException):
    """The backup was not made; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    """A finished SQLite backup: where it is and how big."""

    path: Path
    pages: int
    size: int


def sqlite_path(url: URL) -> Path:
    """The file of an SQLite URL; in-memory databases cannot be backed up."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("Only an SQLite database file can be backed up (not an in-memory database).")
    return Path(url.database).resolve()


def dated_path(folder: Path, now: datetime | None = None) -> Path:
    """Where a backup taken now goes in `folder`: named by the time in UTC, so that names sort by age."""
    return folder / (now or datetime.now(UTC)).strftime(DATED_NAME)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest dated backups in `folder` beyond the newest `keep`; return what was deleted."""
    if keep < 1:
        raise BackupError("Keep at least one backup (--keep 1 or more).")
    dated = sorted(path for path in folder.iterdir() if DATED_PATTERN.fullmatch(path.name) and path.is_file())
    old = dated[:-keep]
    for path in old:
        path.unlink()
    return old


def check_target(target: Path, force: bool) -> None:
    """The backup goes to a new file in a folder that exists (or over a file, with --force)."""
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the path of the backup file, e.g. {target / 'tracker.db'}.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist. Create it first.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists. Choose another path, or add --force to replace it.")


def backup_sqlite(source: Path, target: Path, force: bool = False) -> BackupResult:
    """Copy the live database at `source` to `target` as one consistent, checked, self-contained file."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    target = target.resolve()
    if target == source:
        raise BackupError("The backup cannot replace the database itself.")
    check_target(target, force)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # the copy holds password hashes: readable by the owner only
    try:
        pages = copy_database(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, pages=pages, size=target.stat().st_size)


def copy_database(source: Path, target: Path) -> int:
    """Back up `source` into the new file `target` in one step (one snapshot); return its page count."""
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1) reads a single snapshot: rows committed meanwhile are simply not in it.
        origin.backup(copy)
        # A copy in WAL mode would need its -wal file; a rollback journal keeps the backup one file.
        copy.execute("PRAGMA journal_mode=DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check ({result}); no backup was written.")
        return copy.execute("PRAGMA page_count").fetchone()[0]
    finally:
        copy.close()
        origin.close()


@dataclass(frozen=True)
class DocumentsCopy:
    """The documents copied beside a backup: where, how many copied now, how many were there, which were damaged."""

    folder: Path
    copied: int
    present: int
    damaged: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the command's output."""
        line = f"Documents copied to {self.folder}: {self.copied} new, {self.present} already there."
        if self.damaged:
            line += f" Not copied, as they do not match their SHA-256 (damaged?): {', '.join(self.damaged)}."
        return line


def documents_target(backup: Path, documents: Path) -> Path:
    """The documents' folder beside the backup file; refused when it is the live documents folder itself."""
    target = backup.resolve().parent / DOCUMENTS_FOLDER
    if target == documents.resolve():
        raise BackupError(f"The documents would be copied onto themselves ({documents}): choose another folder.")
    return target


def backup_documents(source: Path, target: Path) -> DocumentsCopy:
    """Copy the documents kept in `source` that `target` lacks, each checked against its hash."""
    target.mkdir(mode=0o700, exist_ok=True)
    copied, present, damaged = 0, 0, []
    kept = sorted(path for path in source.glob("??/*") if HASH_NAME.fullmatch(path.name)) if source.is_dir() else []
    for path in kept:  # temporaries of uploads under way (".….partial") have other names
        destination = target / path.parent.name / path.name
        if destination.is_file():
            present += 1
        elif copy_checked(path, destination):
            copied += 1
        else:
            damaged.append(path.name)
    return DocumentsCopy(target, copied, present, tuple(damaged))


def copy_checked(source: Path, destination: Path) -> bool:
    """Copy the file through a temporary name; kept only when its bytes match the SHA-256 that names it."""
    destination.parent.mkdir(mode=0o700, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    digest = hashlib.sha256()
    try:
        with source.open("rb") as reading, partial.open("wb") as writing:
            for chunk in iter(lambda: reading.read(CHUNK), b""):
                digest.update(chunk)
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        if digest.hexdigest() != source.name:
            return False
        os.replace(partial, destination)
        return True
    finally:
        partial.unlink(missing_ok=True)


def restore_instructions(result: BackupResult, database: Path, documents: Path) -> str:
    """How to put the backup back in place of the database, and its documents in their folder."""
    live = shlex.quote(str(database))
    copies = shlex.quote(str(result.path.parent / DOCUMENTS_FOLDER))
    return "\n".join(
        [
            f"Backup written to {result.path} ({result.size:,} bytes, integrity check ok).",
            "",
            "To restore it:",
            "  1. Stop the server (and anything else using the database).",
            "  2. Copy the backup over the database file, and remove the old write-ahead log next to it:",
            f"       cp {shlex.quote(str(result.path))} {live}",
            f"       rm -f {live}-wal {live}-shm",
            "     (a leftover -wal file would be replayed onto the restored copy and damage it).",
            "  3. Copy the documents back into the documents folder (TRACKER_DOCUMENTS_DIR):",
            f"       mkdir -p {shlex.quote(str(documents))} && cp -a {copies}/. {shlex.quote(str(documents))}/",
            "  4. Run `flask --app app upgrade-db` (the backup may predate the current schema) and start the server.",
            "Keep the backup away from this machine too: a copy on the same disk does not survive the disk.",
        ]
    )


def pg_dump_instructions(url: URL) -> str:
    """The commands that back up and restore the configured PostgreSQL database; never its password."""
    connection = " ".join(
        f"{option} {shlex.quote(str(value))}"
        for option, value in (
            ("--host", url.host or "localhost"),
            ("--port", url.port or PG_DEFAULT_PORT),
            ("--username", url.username),
        )
        if value
    )
    database = shlex.quote(url.database or "")
    return "\n".join(
        [
            "The database is PostgreSQL: nothing was written. Back it up with pg_dump, which takes a consistent",
            "snapshot while the app keeps running:",
            f"  pg_dump {connection} --format=custom --file tracker.dump {database}",
            "",
            "To restore it: stop the server, then load the dump into the database (existing objects are replaced):",
            f"  pg_restore {connection} --clean --if-exists --no-owner --dbname {database} tracker.dump",
            "then run `flask --app app upgrade-db` and start the server.",
            "Copy the documents folder too (TRACKER_DOCUMENTS_DIR, by default instance/documents), e.g. with rsync -a:",
            "its files never change, so each copy adds only the new ones.",
            "The password is not shown: pg_dump and pg_restore ask for it, or read PGPASSWORD or ~/.pgpass.",
        ]
    )
