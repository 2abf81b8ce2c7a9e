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

FEED_REPEAT = 5
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
    """Seconds (median of FEED_REPEAT for a feed; one run for a command), bytes or peak RSS, and the load."""
    _cookie, _token, feed_token = soak.credentials(database.url)  # a calendar feed, and the digest opted in
    client = signed_in_client(database.url, user)
    found: dict[str, dict] = {}
    for name, path in feed_paths(database.url, feed_token).items():
        client.get(path)  # warm-up
        samples = []
        for _ in range(FEED_REPEAT):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
        found[name] = {
            "seconds": statistics.median(samples),
            "bytes": len(response.data),
            "status": response.status_code,
            "load": os.getloadavg()[0],
        }
    client.application.extensions["tracker.engine"].dispose()
    as_of = synthetic.REFERENCE_DAY.isoformat()
    commands = {
        "export CSV (flask export)": [*FLASK, "export", "--format", "csv", "-"],
        "digest (flask send-digest --dry-run)": [*FLASK, "send-digest", "--dry-run", "--as-of", as_of],
    }
    for name, command in commands.items():
        run = timed(command, env_for(database.url))
        found[name] = {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb, "status": 0, "load": os.getloadavg()[0]}
    return found
