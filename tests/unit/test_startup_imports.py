"""A worker imports only what every request needs: page readers and workbook readers load when used."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each holds 10-30 MB in every worker (docs/benchmarks.md, exports): loaded by the code that reads pages, feeds and
# workbooks, never by the app starting.
LOADED_WHEN_USED = ("trafilatura", "feedparser", "openpyxl", "pypdf", "docx")


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


def test_an_export_strips_the_characters_a_workbook_cannot_hold() -> None:
    """The export's pattern is openpyxl's own, so a workbook it writes opens in openpyxl."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as openpyxl_pattern

    from tracker.exporting import ILLEGAL_CHARACTERS_RE

    assert ILLEGAL_CHARACTERS_RE.pattern == openpyxl_pattern.pattern
    assert ILLEGAL_CHARACTERS_RE.sub("", "MoU\x00 with\x0b AITEC\x1f\ttab\nline") == "MoU with AITEC\ttab\nline"
