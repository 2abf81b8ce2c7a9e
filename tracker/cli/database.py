"""The database itself: `flask --app app upgrade-db` (Alembic) and `flask --app app backup PATH` (tracker/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from tracker import migrate
from tracker.backup import backup_sqlite, pg_dump_instructions, restore_instructions, sqlite_path

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
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the live SQLite database to PATH and say how to restore it (PostgreSQL: pg_dump)."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite":
        click.echo(pg_dump_instructions(url))
        raise SystemExit(NOT_WRITTEN_STATUS)
    database = sqlite_path(url)
    result = backup_sqlite(database, path, force=force)
    click.echo(restore_instructions(result, database))
