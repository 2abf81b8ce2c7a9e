"""Issue 19's other work at each size, measured from outside through HTTP or the command line (not their code):
the export (`flask export --format csv`), the calendar feed of a user's alerts, every other feed URL the app serves
without arguments (an Atom or RSS list, when one is added), and the digest (`flask send-digest --dry-run`).
"""

from __future__ import annotations

import os
import re
import statistics
import time

from bench import soak, synthetic
from bench.databases import FLASK, Database, env_for
from bench.imports import timed
from bench.latency import signed_in_client
from tracker import create_app

FEED_REPEAT, FEED_BUDGET = 5, 60.0  # requests per feed, fewer (at least one) once they took this many seconds
# A feed's URL ends like one (/admin/feeds, the page that manages news feeds, is not one).
FEED_URL = re.compile(r"(\.atom|\.rss|\.xml|/feed)$")


def feed_paths(url: str, feed_token: str) -> dict[str, str]:
    """Name -> URL of every feed: the calendar feed, and any GET route named like a feed that takes no argument."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    found = {"calendar feed": f"/calendar/{feed_token}.ics"}
    for rule in app.url_map.iter_rules():
        if FEED_URL.search(rule.rule) and not rule.arguments and "GET" in (rule.methods or ()):
            found[f"feed {rule.rule}"] = rule.rule
    app.extensions["tracker.engine"].dispose()
    return found


def measure(database: Database, user: tuple[int, int]) -> dict[str, dict]:
    """Seconds (median of up to FEED_REPEAT requests for a feed; one run for a command), bytes or peak RSS, load."""
    _cookie, _token, feed_token = soak.credentials(database.url)  # a calendar feed, and the digest opted in
    client = signed_in_client(database.url, user)
    found: dict[str, dict] = {}
    for name, path in feed_paths(database.url, feed_token).items():
        deadline = time.perf_counter() + FEED_BUDGET
        started = time.perf_counter()
        response = client.get(path)  # warm-up; kept as a sample of a feed too slow to repeat
        first = time.perf_counter() - started
        samples: list[float] = [first] if first > FEED_BUDGET / FEED_REPEAT else []
        while len(samples) < FEED_REPEAT and (not samples or time.perf_counter() < deadline):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
        found[name] = {
            "seconds": statistics.median(samples),
            "samples": len(samples),
            "bytes": len(response.data),
            "status": response.status_code,
            "load": os.getloadavg()[0],
        }
    client.application.extensions["tracker.engine"].dispose()
    as_of = synthetic.REFERENCE_DAY.isoformat()
    commands = {"digest (flask send-digest --dry-run)": [*FLASK, "send-digest", "--dry-run", "--as-of", as_of]}
    if database.kind != "sqlite":  # SQLite's is measured with the heavy pages (heavy.command_line_export)
        commands["export CSV (flask export)"] = [*FLASK, "export", "--format", "csv", "-"]
    for name, command in commands.items():
        run = timed(command, env_for(database.url))
        found[name] = {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb, "status": 0, "load": os.getloadavg()[0]}
    return found
