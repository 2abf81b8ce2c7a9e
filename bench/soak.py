"""A long run of heavy requests against one gunicorn worker, looking for a crash (issue 12: the segmentation fault
once seen at 100,000 agreements): `PYTHONPATH=. .venv/bin/python -m bench.soak URL [MINUTES]`.

gunicorn serves `app:app` on the database URL with one sync worker that never restarts by itself (no
`max_requests`), a timeout long enough for a whole export and `PYTHONFAULTHANDLER=1`, so a crash leaves a Python
traceback in the log. One client requests, in turn and for MINUTES (default 30), every page that reads thousands
of agreements: the ministry's party page (first and a deep page), the expiring view at 500 rows, the searches, the
dashboard, the API list, the calendar feed, and the exports of every agreement and source (also cut short after
the first megabyte, as a user cancelling a download does). Meanwhile `flask send-digest --dry-run` runs again and
again (the viewer is opted in with the longest window: each run loads thousands of agreements with their parties).

It prints what it saw: requests by page with status counts and times, the worker's pids (a new pid is a restart),
every line of the server log that speaks of a signal, a fatal error or a timeout, and the digest runs' exit statuses
(-11 is a segmentation fault). Exit status 1 when the worker crashed, a request failed or a digest run did.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from bench import databases
from tracker import create_app
from tracker.db import get_session
from tracker.models import User
from tracker.queries.digest import MAX_DIGEST_MONTHS
from tracker.services import calendars
from tracker.services.digest import set_digest

PORT = 8766
GUNICORN = str(databases.ROOT / ".venv" / "bin" / "gunicorn")
# A worker that is busy for this long is killed by gunicorn: longer than any export takes here.
TIMEOUT = 600
CUT_SHORT_AFTER = 1_000_000
LOG = databases.ROOT / "bench" / "results" / "soak-gunicorn.log"
ALARMING = re.compile(
    r"Fatal Python error|Segmentation|SIGSEGV|SIGABRT|SIGKILL|signal|WORKER TIMEOUT|exited with code|Traceback"
)


def heavy_pages(feed_token: str) -> list[tuple[str, str, bool]]:
    """(name, path, cut short) of every request of one round."""
    return [
        ("party page", "/parties/2", False),
        ("party page 3000", "/parties/2?page=3000", False),
        ("expiring 500", "/expiring/?per_page=500&months=240", False),
        ("attention 500", "/expiring/?per_page=500&show=attention", False),
        ("search common", "/agreements/?q=technology", False),
        ("search common page 2000", "/agreements/?q=technology&page=2000", False),
        ("list", "/agreements/", False),
        ("dashboard", "/", False),
        ("api list", "/api/v1/agreements?per_page=100", False),
        ("calendar feed", f"/calendar/{feed_token}.ics", False),
        ("export json", "/agreements/export?format=json", False),
        ("export csv cut short", "/agreements/export?format=csv", True),
        ("export xlsx", "/agreements/export?format=xlsx", False),
        ("sources csv", "/sources/export?format=csv", False),
        ("export csv", "/agreements/export?format=csv", False),
        ("export json cut short", "/agreements/export?format=json", True),
    ]


def credentials(url: str) -> tuple[str, str, str]:
    """A viewer's session cookie (as signing in would set it), API token and calendar feed token."""
    user_id, version, token = databases.viewer_credentials(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": databases.SECRET})
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User).where(User.id == user_id))
        _feed, feed_token = calendars.create_feed(session, user, calendars.FeedData("soak", "", [1, 3]))
        set_digest(session, user, True, MAX_DIGEST_MONTHS)  # the digest then reads the longest window
        session.commit()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user_id}:{version}"
        cookie["_fresh"] = True
        cookie["seen"] = time.time()
    session_cookie = client.get_cookie("session").value
    app.extensions["tracker.engine"].dispose()
    return session_cookie, token, feed_token


def start_server(
    url: str, log: Path = LOG, port: int = PORT, settings: tuple[str, ...] = (), faulthandler: bool = True
) -> subprocess.Popen:
    """gunicorn with one sync worker on the database, its log and output in `log`; `settings` are more options,
    `faulthandler` sets PYTHONFAULTHANDLER=1."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = databases.env_for(url) | ({"PYTHONFAULTHANDLER": "1"} if faulthandler else {})
    command = [
        GUNICORN,
        "--workers", "1",
        "--worker-class", "sync",
        "--timeout", str(TIMEOUT),
        "--bind", f"127.0.0.1:{port}",
        "--error-logfile", str(log),
        "--log-level", "info",
        *settings,
        "app:app",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=databases.ROOT, env=env, stderr=subprocess.STDOUT, stdout=log.open("ab"))
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/login")
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def fetch(path: str, cookie: str, token: str, cut_short: bool, port: int = PORT) -> tuple[int, int, float, float]:
    """GET the path: (status, bytes read, seconds to the first byte, seconds in all); (0, ...) when it failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT + 60)
    headers = {"Cookie": f"session={cookie}"}
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {token}"}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        first = time.perf_counter() - started
        size = 0
        while chunk := response.read1(65536):
            size += len(chunk)
            if cut_short and size >= CUT_SHORT_AFTER:
                break
        return response.status, size, first, time.perf_counter() - started
    except (OSError, http.client.HTTPException) as error:
        print(f"  {path}: {error!r}", flush=True)
        return 0, 0, 0.0, time.perf_counter() - started
    finally:
        connection.close()


def worker_pids(log: Path = LOG) -> list[str]:
    """The pids of every worker gunicorn booted, in order, from its log."""
    return re.findall(r"Booting worker with pid: (\d+)", log.read_text(errors="replace"))


def send_digest(url: str) -> subprocess.Popen:
    """`flask send-digest --dry-run` in the background (the digest reads every agreement ending soon)."""
    return subprocess.Popen(
        [*databases.FLASK, "send-digest", "--dry-run"],
        cwd=databases.ROOT,
        env=databases.env_for(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    """Run the soak and report."""
    url = sys.argv[1]
    minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    LOG.unlink(missing_ok=True)
    cookie, token, feed_token = credentials(url)
    server = start_server(url)
    timings: dict[str, list[tuple[int, int, float, float]]] = defaultdict(list)
    deadline = time.monotonic() + minutes * 60
    rounds = 0
    digest: subprocess.Popen | None = None
    digests: dict[int, int] = defaultdict(int)  # exit status -> runs (-11: killed by SIGSEGV)
    try:
        while time.monotonic() < deadline:
            rounds += 1
            for name, path, cut_short in heavy_pages(feed_token):
                if digest is None or digest.poll() is not None:
                    if digest is not None:
                        digests[digest.returncode] += 1
                    digest = send_digest(url)
                timings[name].append(fetch(path, cookie, token, cut_short))
                if time.monotonic() >= deadline:
                    break
            print(f"round {rounds}: worker pids {worker_pids()}, load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        if digest is not None:
            digests[digest.wait(timeout=600)] += 1
    return report(url, minutes, rounds, timings, digests)


def report(url: str, minutes: float, rounds: int, timings: dict, digests: dict[int, int]) -> int:
    """Print what was seen; 1 when the worker restarted, a request failed or a digest did not end well."""
    print(f"\nsoak of {urlsplit(url).scheme} for {minutes:g} min: {rounds} rounds")
    failed = 0
    for name, samples in timings.items():
        statuses = defaultdict(int)
        for status, *_rest in samples:
            statuses[status] += 1
        failed += sum(count for status, count in statuses.items() if status != 200)
        firsts = [first for _status, _size, first, _total in samples]
        totals = [total for *_rest, total in samples]
        print(
            f"  {name:26s} {len(samples):4d} requests {dict(statuses)} first byte median"
            f" {statistics.median(firsts):.2f} s, whole median {statistics.median(totals):.2f} s,"
            f" max {max(totals):.2f} s"
        )
    pids = worker_pids()
    lines = LOG.read_text(errors="replace").splitlines()
    alarms = [line for line in lines if ALARMING.search(line) and "Handling signal: term" not in line]
    print(f"  worker pids {pids}; log lines about signals, fatal errors or timeouts: {len(alarms)}")
    for line in alarms[:40]:
        print(f"    {line}")
    print(f"  send-digest --dry-run runs by exit status: {dict(digests)}")
    return 1 if failed or len(pids) != 1 or alarms or set(digests) - {0} else 0


if __name__ == "__main__":
    sys.exit(main())
