"""A worker's start-up objects are kept out of the garbage collector's full passes (app.py)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from tracker.importing import collector_eased

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


def test_an_import_eases_the_collector_and_leaves_it_as_it_was() -> None:
    """Unfrozen before: frozen inside the block and unfrozen after; frozen by app.py before: left frozen, not undone."""
    threshold = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with collector_eased():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] > threshold[0]
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, threshold)
    gc.freeze()
    try:
        frozen_by_the_app = gc.get_freeze_count()
        with collector_eased():
            assert gc.get_freeze_count() == frozen_by_the_app
        assert (gc.get_freeze_count(), gc.get_threshold()) == (frozen_by_the_app, threshold)
    finally:
        gc.unfreeze()
