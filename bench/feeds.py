"""Issue 19's calendar feed and digest at 100,000 agreements (not part of `make test`).

    cp /work/notes/bench/100k.db /tmp/feeds-100k.db
    PYTHONPATH=. .venv/bin/python -m bench.feeds /tmp/feeds-100k.db

Run on a COPY: it adds benchmark users (digest opted in, owners of some agreements, a saved query in their digest)
and a calendar feed of every agreement with reminders 12, 6 and 3 months ahead and the follow-up actions. It times
the feed cold (nothing cached), then as calendar apps poll it (304 on its ETag, and a 200 from the cached body), its
peak memory (tracemalloc, a second cold run), and the digest dry run for one user and for every user, as
`flask send-digest --dry-run` composes them. The load average is printed with each figure: the machine is shared.

Only the app's public seams are used (create_feed, the feed's URL, build_digests), so the same script measures the
code before issue 19 (PYTHONPATH pointing at an older checkout) for comparison.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from tracker import create_app
from tracker.clock import local_today
from tracker.db import get_session
from tracker.digest import build_digests
from tracker.models import Agreement, SavedQuery, User, UserRole
from tracker.services import accounts
from tracker.services.calendars import FeedData, create_feed

SECRET = "bench-secret-key-not-for-production"
BASE_URL = "http://tracker.example.org"
USERS = 10
OWNED = 300  # agreements each benchmark user is responsible for
REPEAT = 5


def load() -> float:
    """The one-minute load average."""
    return os.getloadavg()[0]


def timed(action: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """The median seconds of `repeat` runs of `action`, and its last result."""
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return sorted(seconds)[len(seconds) // 2], result


def prepare(app) -> tuple[str, int]:
    """Benchmark users, their owned agreements and saved queries, and a feed of every agreement: (token, user id)."""
    with app.app_context():
        session = get_session()
        users = []
        for n in range(USERS):
            email = f"bench-feeds-{n}@example.org"
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                user = accounts.create_user(session, email, None, UserRole.EDITOR, name=f"Bench {n}")
            user.digest_opt_in, user.digest_months, user.owner_digest = True, (3, 6, 12, 24)[n % 4], True
            users.append(user)
        session.flush()
        ids = list(session.scalars(select(Agreement.id).order_by(Agreement.id).limit(USERS * OWNED)))
        for n, user in enumerate(users):
            chunk = ids[n * OWNED : (n + 1) * OWNED]
            session.execute(update(Agreement).where(Agreement.id.in_(chunk)).values(owner_id=user.id))
            if not session.scalar(select(SavedQuery.id).where(SavedQuery.owner_id == user.id)):
                session.add(SavedQuery(owner_id=user.id, name="In force", query="status=in_force", in_digest=True))
        data = FeedData(name="Every agreement", query="", lead_months=[12, 6, 3], include_actions=True)
        _feed, token = create_feed(session, users[0], data)
        session.commit()
        return token, users[0].id


def feed_figures(app, token: str) -> dict[str, str]:
    """The feed cold, polled (304) and cached (200), and its peak memory."""
    client = app.test_client()
    path = f"/calendar/{token}.ics"
    app.extensions.pop("tracker.calendar_feeds", None)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cold, response = timed(lambda: client.get(path))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {"feed cold": f"{cold:.3f} s, {len(response.data):,} bytes, status {response.status_code}"}
    figures["feed events"] = str(response.data.count(b"BEGIN:VEVENT"))
    etag = response.headers.get("ETag")
    if etag:
        seconds, polled = timed(lambda: client.get(path, headers={"If-None-Match": etag}), REPEAT)
        figures["feed poll (If-None-Match)"] = f"{seconds * 1000:.1f} ms, status {polled.status_code}"
    seconds, cached = timed(lambda: client.get(path), REPEAT)
    figures["feed warm 200"] = f"{seconds * 1000:.1f} ms, status {cached.status_code}"
    app.extensions.pop("tracker.calendar_feeds", None)
    tracemalloc.start()
    client.get(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures["feed peak memory"] = f"{peak / 2**20:.0f} MB traced; max RSS grew {(rss_after - rss_before) / 1024:.0f} MB"
    return figures


def digest_figures(app, user_id: int, as_of: date) -> dict[str, str]:
    """The digest dry run for one user and for every user."""
    one, run = timed(lambda: build_digests(app, as_of, "bench@localhost", only=user_id))
    figures = {"digest one user": f"{one:.3f} s, {len(run.digests)} digest(s)"}
    if run.digests:
        figures["digest one user, bytes"] = f"{len(run.digests[0].message.as_bytes()):,}"
    every, run = timed(lambda: build_digests(app, as_of, "bench@localhost"))
    figures["digest every user"] = f"{every:.3f} s, {len(run.digests)} digest(s), {run.quiet} quiet"
    return figures


def measure(path: str) -> dict[str, str]:
    """Every figure on the SQLite database at `path` (which it changes: give it a copy), each with the load."""
    url = f"sqlite:///{os.path.abspath(path)}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TRACKER_BASE_URL": BASE_URL})
    token, user_id = prepare(app)
    with app.app_context(), app.test_request_context():
        as_of = local_today()
    figures = {"as of": f"{as_of.isoformat()} (load {load():.2f})"}
    for name, value in feed_figures(app, token).items():
        figures[name] = f"{value} (load {load():.2f})"
    for name, value in digest_figures(app, user_id, as_of).items():
        figures[name] = f"{value} (load {load():.2f})"
    app.extensions["tracker.engine"].dispose()
    return figures


def measure_copy(source: Path) -> dict[str, str]:
    """`measure` on a copy of the database at `source` (the copy is removed afterwards): `make bench`'s phase."""
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as folder:
        copy = Path(folder) / source.name
        shutil.copyfile(source, copy)
        return measure(str(copy))


def main(path: str) -> int:
    """Measure and print."""
    print(f"database {path}")
    for name, value in measure(path).items():
        print(f"{name:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/feeds-100k.db"))
