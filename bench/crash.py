"""What an operator sees when a gunicorn worker crashes: `PYTHONPATH=. .venv/bin/python -m bench.crash URL`.

gunicorn serves `app:app` on the database with deploy/gunicorn.conf.py (without PYTHONFAULTHANDLER) and one worker.
While that worker streams the export of every agreement, it is sent SIGSEGV, as a segmentation fault in a C extension
would end it. The script then shows what the client got, the lines the crash left in the log (faulthandler's
traceback, gunicorn's notice), how long gunicorn took to start a new worker, that the next requests are answered, and
that the database is whole: the same number of agreements, and on SQLite `PRAGMA integrity_check` says ok. Exit
status 1 if any of that fails.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text

from bench import databases
from bench.soak import credentials, fetch, start_server, worker_pids

PORT = 8767
LOG = databases.ROOT / "bench" / "results" / "crash-gunicorn.log"
CONFIG = str(databases.ROOT / "deploy" / "gunicorn.conf.py")
# The export is under way once this much of it has arrived.
UNDER_WAY = 2_000_000


def database_state(url: str) -> tuple[int, str]:
    """(number of agreements, integrity check result or "n/a" on PostgreSQL)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT COUNT(*) FROM agreement"))
        integrity = connection.scalar(text("PRAGMA integrity_check")) if engine.dialect.name == "sqlite" else "n/a"
    engine.dispose()
    return count, integrity


def wait_for(condition: Callable[[], bool], seconds: float) -> float | None:
    """Seconds until `condition()` held, or None if it did not within `seconds`."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if condition():
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def download(path: str, cookie: str, progress: dict) -> None:
    """GET the path, counting in `progress` the bytes received and how the download ended."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": f"session={cookie}"})
        response = connection.getresponse()
        progress["status"] = response.status
        while chunk := response.read1(65536):
            progress["bytes"] += len(chunk)
        progress["ended"] = "whole"
    except (OSError, http.client.HTTPException) as error:
        progress["ended"] = repr(error)
    finally:
        progress["seconds"] = time.perf_counter() - started
        connection.close()


def main() -> int:
    """Crash a worker in the middle of a download and report."""
    url = sys.argv[1]
    LOG.unlink(missing_ok=True)
    cookie, token, _feed = credentials(url)
    before = database_state(url)
    # Without PYTHONFAULTHANDLER: the configuration file alone must make the crash leave a traceback.
    server = start_server(url, LOG, PORT, ("-c", CONFIG), faulthandler=False)
    progress: dict = {"bytes": 0}
    try:
        fetch("/", cookie, token, False, PORT)  # the worker has loaded the app
        [worker] = worker_pids(LOG)
        thread = threading.Thread(target=download, args=("/agreements/export?format=json", cookie, progress))
        thread.start()
        wait_for(lambda: progress["bytes"] >= UNDER_WAY, 60)
        os.kill(int(worker), signal.SIGSEGV)
        crashed_at = time.perf_counter()
        thread.join(timeout=120)
        restarted = wait_for(lambda: len(worker_pids(LOG)) == 2, 60)
        after_crash = [fetch(path, cookie, token, False, PORT)[0] for path in ("/agreements/", "/parties/2", "/")]
        answered = time.perf_counter() - crashed_at
    finally:
        server.terminate()
        server.wait(timeout=60)
    after = database_state(url)
    return report(progress, restarted, answered, after_crash, before, after)


def report(
    progress: dict,
    restarted: float | None,
    answered: float,
    statuses: list[int],
    before: tuple[int, str],
    after: tuple[int, str],
) -> int:
    """Print what happened; 1 when the server or the database did not come through."""
    print(
        f"the download during the crash: status {progress.get('status')}, {progress['bytes']:,} bytes in"
        f" {progress.get('seconds', 0):.1f} s, ended: {progress.get('ended')}"
    )
    log = LOG.read_text(errors="replace").splitlines()
    first = next((n for n, line in enumerate(log) if re.search(r"Fatal Python error|SIGSEGV", line)), len(log))
    print("the error log from the crash on:")
    for line in log[first : first + 40]:
        print(f"    {line}")
    print(f"new worker after {restarted:.2f} s" if restarted is not None else "NO new worker within 60 s")
    print(f"requests after the crash: {statuses} (all answered {answered:.1f} s after it)")
    print(f"database before: {before[0]} agreements, after: {after[0]}; integrity check: {after[1]}")
    whole = before[0] == after[0] and after[1] in ("ok", "n/a")
    cut_off = progress.get("ended") != "whole"
    return 0 if restarted is not None and statuses == [200, 200, 200] and whole and cut_off else 1


if __name__ == "__main__":
    sys.exit(main())
