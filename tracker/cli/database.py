"""The database itself: `flask --app app upgrade-db` (Alembic) and `flask --app app backup PATH` (tracker/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from tracker import migrate
from tracker.backup import (
    BackupError,
    backup_documents,
    backup_sqlite,
    dated_path,
    documents_target,
    pg_dump_instructions,
    prune_backups,
    restore_instructions,
    sqlite_path,
)
from tracker.http.documents import documents_folder

# Exit status of `backup` on PostgreSQL: nothing was written (like any failure); the output says how to back up.
NOT_WRITTEN_STATUS = 1


@click.command("upgrade-db")
@with_appcontext
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def upgrade_db_command(revision: str) -> None:
    """Create or upgrade the database schema with Alembic migrations."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at revision {revision}.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.option(
    "--keep", type=click.IntRange(min=1), help="With a folder as PATH: then delete all but the newest N dated backups."
)
def backup_command(path: Path, force: bool, keep: int | None) -> None:
    """Write a consistent copy of the live SQLite database to PATH (a file, or a folder for a dated name), copy the
    documents into the folder `documents` beside it, and say how to restore them (PostgreSQL: pg_dump)."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite":
        click.echo(pg_dump_instructions(url))
        raise SystemExit(NOT_WRITTEN_STATUS)
    database, documents = sqlite_path(url), documents_folder()
    target = target_of(path, keep)
    copies = documents_target(target, documents)  # refused before anything is written
    result = backup_sqlite(database, target, force=force)
    copied = backup_documents(documents, copies)
    click.echo(restore_instructions(result, database, documents))
    click.echo(copied.summary())
    if keep:
        deleted = [old.name for old in prune_backups(path, keep)]
        click.echo(f"Kept the newest {keep} backups in {path}; deleted {len(deleted)}: {', '.join(deleted) or 'none'}.")
    if copied.damaged:
        raise BackupError("Some documents were not copied (see above): restore them from an older backup.")


def target_of(path: Path, keep: int | None) -> Path:
    """The backup's file: PATH itself, or a dated name when PATH is a folder (the only place --keep can prune)."""
    if path.is_dir():
        return dated_path(path)
    if keep:
        raise BackupError("--keep needs a folder as PATH: it deletes the oldest dated backups there.")
    return path
