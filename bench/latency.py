"""Server-side latency of the pages issue 6 lists, measured in-process with Flask's test client as a viewer."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

from bench import synthetic
from tracker import create_app

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


def pages(agreement_id: int) -> dict[str, str]:
    """Name -> URL of every page measured."""
    return {
        "list": "/agreements/",
        "filtered": f"/agreements/?{FILTER}",
        "search rare": f"/agreements/?q={synthetic.RARE_WORD}",
        "search common": f"/agreements/?q={synthetic.COMMON_WORD}",
        "expiring": f"/expiring/?as_of={AS_OF}",
        "detail": f"/agreements/{agreement_id}",
        "dashboard": f"/?as_of={AS_OF}",
        "api filtered": f"/api/v1/agreements?{FILTER}",
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def signed_in_client(url: str, user: tuple[int, int]):
    """A test client of the app on `url`, signed in as the user (id, session version)."""
    client = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}).test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user[0]}:{user[1]}"
        cookie["_fresh"] = True
        cookie["seen"] = time.time()
    return client


def measure_pages(
    url: str, user: tuple[int, int], token: str, agreement_id: int, repeat: int, warmup: int, budget: float
) -> dict[str, Timing]:
    """p50/p95 of every page; a page slower than the time budget is measured fewer times (at least 5)."""
    client = signed_in_client(url, user)
    results = {}
    for name, path in pages(agreement_id).items():
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        results[name] = measure(client, path, headers, repeat, warmup, budget)
    client.application.extensions["tracker.engine"].dispose()
    return results


def measure(client, path: str, headers: dict[str, str], repeat: int, warmup: int, budget: float) -> Timing:
    """Time one page after a warm-up (cut short, after one request, when it would eat a third of the budget)."""
    status = 0
    warm_until = time.perf_counter() + budget / 3
    for _ in range(warmup):
        status = client.get(path, headers=headers).status_code
        if status != 200:
            return Timing(None, None, 0, status)
        if time.perf_counter() > warm_until:
            break
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < repeat and (len(samples) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        if status != 200:
            return Timing(None, None, 0, status)
    return Timing(statistics.median(samples), percentile(samples, 0.95), len(samples), status)
