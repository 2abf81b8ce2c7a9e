"""Server-side latency of the pages issue 19 lists, measured in-process with Flask's test client as a viewer.

Pages whose answer is kept per data version (the dashboard's figures, the list's, search's, the API list's, the
timeline's, the expiring page's and the party pages' results: tracker/http/fragments.py) are also measured as the
first view after a write, which is what a user meets after any change; repeated views of the same URL measure the
kept answer."""

from __future__ import annotations

import gc
import itertools
import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, select, update

from bench import synthetic
from tracker import create_app
from tracker.models import Agreement

# The filtered query of the issue: sector + country + status + ends between (the same for the API list).
FILTER = "sector=technology&country=JP&status=in_force&ends_from=2020&ends_to=2030"
AS_OF = synthetic.REFERENCE_DAY.isoformat()


@dataclass
class Timing:
    """Latencies of one page, in milliseconds."""

    p50: float | None
    p95: float | None
    samples: int
    status: int  # the last answer's status; a page that does not answer 200 is not timed


@dataclass(frozen=True)
class Ids:
    """The records the pages are about: an agreement in the middle, any party (a partner state), the ministry."""

    agreement: int
    party: int
    ministry: int


def pages(ids: Ids) -> dict[str, str]:
    """Name -> URL of every page measured (issue 19's list), as a viewer unless EDITOR_PAGES names it; a page kept per
    data version is followed by its first view after a write (AFTER_WRITE_OF)."""
    found = {}
    for name, path in base_pages(ids).items():
        found[name] = path
        if name in AFTER_WRITE_OF:
            found[f"{name}{AFTER_WRITE}"] = path
    return found


def base_pages(ids: Ids) -> dict[str, str]:
    """Name -> URL of every page, each measured as views of the same URL."""
    return {
        "list": "/agreements/",
        "list facets": "/agreements/facets",
        "filtered": f"/agreements/?{FILTER}",
        "filtered facets": f"/agreements/facets?{FILTER}",
        "search rare": f"/agreements/?q={synthetic.RARE_WORD}",
        "search common": f"/agreements/?q={synthetic.COMMON_WORD}",
        "search common facets": f"/agreements/facets?q={synthetic.COMMON_WORD}",
        "search common page 50": f"/agreements/?q={synthetic.COMMON_WORD}&page=50",
        "expiring": f"/expiring/?as_of={AS_OF}",
        "detail": f"/agreements/{ids.agreement}",
        "edit form": f"/agreements/{ids.agreement}/edit",
        "party page": f"/parties/{ids.party}",
        "party page (the ministry)": f"/parties/{ids.ministry}",
        "parties": "/parties/",
        "sectors": "/sectors/",
        "sources": "/sources/",
        "timeline": "/agreements/timeline",
        "dashboard": f"/?as_of={AS_OF}",
        "dashboard after a date change": f"/?as_of={AS_OF}",
        "api list 25": "/api/v1/agreements?per_page=25",
        "api list 100": "/api/v1/agreements?per_page=100",
        "api filtered": f"/api/v1/agreements?{FILTER}",
    }


# Pages an editor opens (a viewer is refused them); the rest are measured as a viewer.
EDITOR_PAGES = frozenset({"edit form"})
AFTER_WRITE = " after a write"
# Pages whose answer (or its costly part) is kept per data version: each is measured again as "<name> after a write",
# every sample following a change to an agreement's updated_at.
AFTER_WRITE_OF = frozenset(
    {"list", "filtered", "search rare", "search common", "search common page 50", "expiring", "timeline", "dashboard",
     "api list 25", "api list 100", "api filtered", "party page", "party page (the ministry)", "parties"}
)  # fmt: skip
# The list's facet panel: where its counts are not kept, the list shows a placeholder and the page's script fetches the
# panel from /agreements/facets (tracker/web/list_page.py), so the first view after a write of "filtered" or "search
# common" no longer counts facets; "<page> facets after a write" measures that fetch, the cost moved off the page.
AFTER_WRITE_OF |= {"list facets", "filtered facets", "search common facets"}
# The dashboard is also measured after a write its date-dependent figures read (an agreement's end moves a day), so
# that they are recounted (migration 0038 keeps them under a dates version such writes move).
AFTER_DATE_CHANGE = " after a date change"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def signed_in_client(url: str, user: tuple[int, int]):
    """A test client of the app on `url`, signed in as the user (id, session version)."""
    client = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}).test_client()
    # As the served app (app.py): what starting made is frozen, out of the collector's full passes.
    gc.freeze()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user[0]}:{user[1]}"
        cookie["_fresh"] = True
        cookie["seen"] = time.time()
    return client


def measure_pages(
    url: str, users: dict[str, tuple[int, int]], token: str, ids: Ids, repeat: int, warmup: int, budget: float
) -> dict[str, Timing]:
    """p50/p95 of every page; a page slower than the time budget is measured fewer times (at least 5).

    `users` holds a viewer's and an editor's (id, session version)."""
    viewer, editor = signed_in_client(url, users["viewer"]), signed_in_client(url, users["editor"])
    results = {}
    for name, path in pages(ids).items():
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        client = editor if name in EDITOR_PAGES else viewer
        if name.endswith((AFTER_WRITE, AFTER_DATE_CHANGE)):
            writer = move_end if name.endswith(AFTER_DATE_CHANGE) else touch_agreement
            with writer(url, ids.agreement) as write:
                results[name] = measure(client, path, headers, repeat, warmup, budget, write)
        else:
            results[name] = measure(client, path, headers, repeat, warmup, budget)
    for client in (viewer, editor):
        client.application.extensions["tracker.engine"].dispose()
    return results


def touch_agreement(url: str, agreement_id: int):
    """A write to run before each sample: the agreement's updated_at moves on (every write moves the data version the
    kept answers are kept under). The original value is put back at the end: the next run sees the same data.
    """
    return rewritten(url, agreement_id, "updated_at", lambda _original, _count: datetime.now(UTC))


def move_end(url: str, agreement_id: int):
    """A write to run before each sample: the agreement's end moves a day on, then back (its terms are left as they
    are: the dashboard's date-dependent figures are recounted all the same). The original end is put back at the end."""
    return rewritten(url, agreement_id, "end_on", lambda end, count: end + timedelta(days=count % 2) if end else end)


@contextmanager
def rewritten(
    url: str, agreement_id: int, column: str, value: Callable[[Any, int], Any]
) -> Iterator[Callable[[], None]]:
    """A write setting the agreement's `column` to `value(original, how many writes so far)`; the original value is
    put back at the end."""
    engine = create_engine(url)
    table = Agreement.__table__
    row = table.c.id == agreement_id  # type: ignore[attr-defined]
    with engine.connect() as connection:
        original = connection.scalar(select(table.c[column]).where(row))  # type: ignore[attr-defined]
    count = itertools.count(1)

    def write() -> None:
        with engine.begin() as connection:
            connection.execute(update(table).where(row).values({column: value(original, next(count))}))

    try:
        yield write
    finally:
        with engine.begin() as connection:
            connection.execute(update(table).where(row).values({column: original}))
        engine.dispose()


def measure(
    client,
    path: str,
    headers: dict[str, str],
    repeat: int,
    warmup: int,
    budget: float,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Time one page after a warm-up (cut short, after one request, when it would eat a third of the budget); `before`
    runs before each request, untimed."""
    before = before or (lambda: None)
    status = 0
    warm_until = time.perf_counter() + budget / 3
    for _ in range(warmup):
        before()
        status = client.get(path, headers=headers).status_code
        if status != 200:
            return Timing(None, None, 0, status)
        if time.perf_counter() > warm_until:
            break
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < repeat and (len(samples) < 5 or time.perf_counter() < deadline):
        before()
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        if status != 200:
            return Timing(None, None, 0, status)
    return Timing(statistics.median(samples), percentile(samples, 0.95), len(samples), status)
