"""Command-line boundary: `flask --app app <command>`; one session per command.

One module per area, each command a `<verb>_command` registered here:
accounts.py  create-user, create-token
database.py  upgrade-db, backup
demo.py      load-demo, seed-synthetic (made-up data)
sources.py   add-source (the ingest review screen's work)
imports.py   import
exports.py   export
digest.py    send-digest
jobs.py      jobs-worker
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker import migrate
from tracker.cli import accounts, database, demo, digest, exports, imports, jobs, sources

# Commands that work on a database whatever its schema: the upgrade itself, and the copy taken before one.
ANY_SCHEMA = (database.upgrade_db_command, database.backup_command)
# Commands that read or write records: each first checks the schema is the code's.
ON_RECORDS = (
    demo.load_demo_command,
    accounts.create_user_command,
    sources.add_source_command,
    imports.import_command,
    exports.export_command,
    accounts.create_token_command,
    digest.send_digest_command,
    demo.seed_synthetic_command,
    jobs.jobs_worker_command,
)


def init_app(app: Flask) -> None:
    """Register every command."""
    for command in (*ANY_SCHEMA, *ON_RECORDS):
        app.cli.add_command(command)


def needing_current_schema(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The command, refusing with a clear message (not a traceback from a missing column) to run on a database
    whose schema is behind the code's."""

    @functools.wraps(callback)
    @with_appcontext
    def checked(*args: Any, **kwargs: Any) -> Any:
        current, head = migrate.revisions(current_app.extensions["tracker.engine"])
        if current != head:
            raise click.ClickException(
                f"The database's schema is at revision {current or 'none (an empty database)'}; "
                f"this code needs {head}. Run `flask --app app upgrade-db` first "
                "(after a backup: `flask --app app backup PATH`)."
            )
        return callback(*args, **kwargs)

    return checked


for _command in ON_RECORDS:  # once, when this module is imported: the command objects are shared by every app
    _command.callback = needing_current_schema(_command.callback)
