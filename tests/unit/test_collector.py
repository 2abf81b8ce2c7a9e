"""A worker's start-up objects are kept out of the garbage collector's full passes (app.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_what_starting_made_is_frozen(tmp_path: Path) -> None:
    """After importing the app the collector holds its objects frozen; what a request makes is collected as usual."""
    script = (
        "import gc, app\n"
        "frozen = gc.get_freeze_count()\n"
        "assert app.app.test_client().get('/sign-in').status_code == 200\n"
        "print(frozen, gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    env = {**os.environ, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}"}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    frozen, frozen_after_request, tracked = (int(number) for number in run.stdout.split()[-3:])
    assert frozen > 100_000  # the modules, routes and mappers
    assert frozen_after_request < frozen * 1.01  # the request's objects were not frozen
    assert 0 < tracked < frozen / 2
