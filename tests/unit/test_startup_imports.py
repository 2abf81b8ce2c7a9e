"""A worker imports only what every request needs: page readers and workbook readers load when used; a command
imports only what it uses (the jobs queue's Huey and Redis, the single sign-on client load when used)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each holds 10-30 MB in every worker (docs/benchmarks.md, exports): loaded by the code that reads pages, feeds and
# workbooks, never by the app starting.
LOADED_WHEN_USED = ("trafilatura", "feedparser", "openpyxl", "pypdf", "docx")
# A command's start (docs/benchmarks.md, exports): Huey loads redis and psycopg, the sign-on client requests and
# authlib. Loaded by the jobs worker or what enqueues a job, an installation with a provider, a migration (Alembic),
# an API write (jsonschema), a search (the stemmers).
COMMAND_LOADS_WHEN_USED = (
    "huey",
    "redis",
    "psycopg",
    "requests",
    "authlib",
    "alembic",
    "jsonschema",
    "snowballstemmer",
    "Sastrawi",
)


def test_the_app_starts_without_the_heavy_readers(tmp_path: Path) -> None:
    """Importing the app and making one request leaves the page, feed and workbook readers unloaded."""
    script = (
        "import json, sys, app\n"
        "assert app.app.test_client().get('/sign-in').status_code == 200\n"
        f"print(json.dumps([name for name in {LOADED_WHEN_USED!r} if name in sys.modules]))\n"
    )
    env = {**os.environ, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}"}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_a_command_line_export_loads_neither_the_queue_nor_the_sign_on_client(tmp_path: Path) -> None:
    """`flask export` on SQLite writes its file without importing Huey, Redis, psycopg, requests or Authlib."""
    names = (*LOADED_WHEN_USED, *COMMAND_LOADS_WHEN_USED)
    script = (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: print(json.dumps([name for name in {names!r} if name in sys.modules])))\n"
        "from flask.cli import main\n"
        "sys.argv = ['flask', '--app', 'app', *sys.argv[1:]]\n"
        "main()\n"
    )
    env = {**os.environ, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}"}
    env.pop("TRACKER_OIDC_ISSUER", None)
    subprocess.run([sys.executable, "-c", script, "upgrade-db"], cwd=ROOT, env=env, capture_output=True, check=True)
    for file_format in ("csv", "xlsx", "json"):
        out = tmp_path / f"agreements.{file_format}"
        command = [sys.executable, "-c", script, "export", str(out)]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        assert out.stat().st_size > 0
        assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_an_export_strips_the_characters_a_workbook_cannot_hold() -> None:
    """The export's pattern is openpyxl's own, so a workbook it writes opens in openpyxl."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as openpyxl_pattern

    from tracker.exporting import ILLEGAL_CHARACTERS_RE

    assert ILLEGAL_CHARACTERS_RE.pattern == openpyxl_pattern.pattern
    assert ILLEGAL_CHARACTERS_RE.sub("", "MoU\x00 with\x0b AITEC\x1f\ttab\nline") == "MoU with AITEC\ttab\nline"
