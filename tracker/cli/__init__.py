"""Command-line boundary: `flask --app app <command>`; one session per command.

One module per area, each command a `<verb>_command` registered here:
accounts.py  create-user, create-token
database.py  upgrade-db, backup
demo.py      load-demo, seed-synthetic (made-up data)
sources.py   add-source (the ingest review screen's work)
imports.py   import
exports.py   export
digest.py    send-digest
"""

from __future__ import annotations

from flask import Flask

from tracker.cli import accounts, database, demo, digest, exports, imports, sources


def init_app(app: Flask) -> None:
    """Register every command."""
    for command in (
        database.upgrade_db_command,
        demo.load_demo_command,
        accounts.create_user_command,
        sources.add_source_command,
        database.backup_command,
        imports.import_command,
        exports.export_command,
        accounts.create_token_command,
        digest.send_digest_command,
        demo.seed_synthetic_command,
    ):
        app.cli.add_command(command)
