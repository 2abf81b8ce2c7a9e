"""Run Alembic from code: the only way the schema is created or changed.

Alembic is imported by what migrates, not by what only checks: its import (with Mako and Pygments, ~110 modules) is a
tenth of a second of every command's start, and each command that reads or writes records first compares the
database's revision with the code's (`revisions`), which two reads of text do as well.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VERSIONS = PROJECT_ROOT / "migrations" / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps
# A migration file's own revision and the one it follows, as `alembic revision` writes them.
REVISION = re.compile(r"^revision(?:: *[^=\n]+)? *= *['\"]([^'\"]+)['\"]", re.MULTILINE)
DOWN_REVISION = re.compile(r"^down_revision(?:: *[^=\n]+)? *= *(?:None|['\"]([^'\"]+)['\"])\s*$", re.MULTILINE)


def alembic_config(database_url: str) -> Config:
    """Alembic settings for the project's migrations against `database_url`."""
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # ConfigParser interpolation treats "%" specially; URLs may carry percent-escapes.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    """Take the database schema down to `revision`."""
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def revisions(engine: Engine) -> tuple[str | None, str]:
    """The database's revision (None when it has no schema yet) and the code's head revision."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None, head_revision()
        current = connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return current, head_revision()


@cache
def head_revision() -> str:
    """The code's head revision: the one migration no other follows, read from the files; Alembic's answer when
    the files say anything else (a merge, a branch, a form the patterns do not read)."""
    own, followed = set(), set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = REVISION.findall(source), DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return alembic_head()
        own.add(revision[0])
        followed.add(down[0])
    heads = own - followed
    return heads.pop() if len(heads) == 1 and followed - {""} <= own else alembic_head()


def alembic_head() -> str:
    """The head revision as Alembic reads the migrations."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""
