"""Throughput under load (issue 19): wrk against gunicorn (2 workers, production settings) and a fair Datasette.

Fair: Datasette serves the same SQLite file through its SQL endpoint with one statement that returns exactly the
tracker's page: the same filter, the same order (updated_at DESC, id DESC, the tracker's tie-breaker) and page size,
and the total in the same statement (count(*) OVER ()). Before any timing one response of each side is compared
(ids, order, total); a difference stops the phase (`Unfair`). Two pages are measured: the filtered API list (JSON, a
token) and the signed-in HTML list (a session cookie), against Datasette's JSON and HTML answers to the statement.

Rounds are interleaved (tracker, Datasette, tracker, …; BENCH_ROUNDS each, 5 by default) at each connection count
(BENCH_CONNECTIONS, "8 32"). The 1-minute load average is recorded before and after each round; a round is started
only once it is at most BENCH_LOAD_MAX (2.5), waiting up to BENCH_LOAD_WAIT seconds (90) per try, and a round that
started above it is run again, up to BENCH_LOAD_TRIES times (3), then kept and marked noisy; waiting stops for good
once BENCH_LOAD_WAIT_BUDGET seconds (600 per size) have gone into it (a machine that stays busy). The result per page,
connection count and side is the median of the rounds with their spread (min–max), and the ratio of the medians
with the spread of the rounds' own ratios; any non-2xx answer or socket error is reported (the target is 0).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.databases import ROOT, env_for
from bench.latency import FILTER

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATASETTE = str(ROOT / "bench" / ".venv" / "bin" / "datasette")
TRACKER_PORT, DATASETTE_PORT = 8731, 8732
PAGE_SIZE = 25
# The filtered query of the issue (bench/latency.py's FILTER) as the tracker runs it: live sector and parties of the
# country (any role), in force, ending 2020–2030 (a partial date is stored as its earliest day), live agreements.
FAIR_SQL = f"""select a.*, count(*) over () as total from agreement a
where a.archived_at is null and a.status = 'in_force' and a.end_on >= '2020-01-01' and a.end_on <= '2030-12-31'
and a.id in (select agreement_id from agreement_sector where sector_id in
  (select id from sector where slug = 'technology' and archived_at is null))
and a.id in (select agreement_id from agreement_party where party_id in
  (select id from party where country_code = 'JP' and archived_at is null))
order by a.updated_at desc, a.id desc limit {PAGE_SIZE}"""
# Agreement links in the tracker's HTML list, in the order shown (a row's own link; other links are to sub-pages).
ROW_LINK = re.compile(r'href="/agreements/(\d+)"')


class Unfair(RuntimeError):
    """The two servers do not answer with the same rows, order and total: timing them would compare nothing."""


@dataclass
class Settings:
    """How the rounds run (the BENCH_* settings)."""

    seconds: int = 10
    rounds: int = 5
    connections: tuple[int, ...] = (8, 32)
    load_max: float = 2.5
    load_wait: float = 90.0
    load_tries: int = 3
    wait_budget: float = 600.0  # seconds of waiting for a quiet machine per size, then rounds start at once (noisy)
    waited: float = 0.0


@dataclass
class Round:
    """One wrk run: what it measured and the machine's load around it."""

    side: str
    number: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    load_before: float
    load_after: float
    tries: int
    noisy: bool


@dataclass
class Comparison:
    """One page at one connection count: every round of both sides and their summary."""

    page: str
    connections: int
    rows: int  # the filter's total, the same on both sides (checked)
    rounds: list[Round] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


@dataclass
class Target:
    """A URL to load and how to read the page's ids and total from one answer."""

    url: str
    headers: dict[str, str]
    read: Callable[[bytes], tuple[list[int], int | None]]


def fair_path(db_name: str, html: bool) -> str:
    """Datasette's SQL endpoint with the fair statement: JSON objects, or its HTML page."""
    suffix = "" if html else ".json"
    shape = "" if html else "&_shape=objects"
    return f"/{db_name}{suffix}?sql={quote(FAIR_SQL)}{shape}"


def read_tracker_json(body: bytes) -> tuple[list[int], int | None]:
    """The ids and total of the tracker's API list."""
    answer = json.loads(body)
    return [item["id"] for item in answer["items"]], answer["total"]


def read_tracker_html(body: bytes) -> tuple[list[int], int | None]:
    """The ids of the tracker's HTML list in order (the total is checked on the API answer, same query)."""
    return list(dict.fromkeys(int(found) for found in ROW_LINK.findall(body.decode()))), None


def read_datasette_json(body: bytes) -> tuple[list[int], int | None]:
    """The ids and the total of the fair statement's JSON answer."""
    rows = json.loads(body)["rows"]
    return [row["id"] for row in rows], (rows[0]["total"] if rows else 0)


def read_datasette_html(body: bytes) -> tuple[list[int], int | None]:
    """The ids of the fair statement's HTML table, in order (Datasette renders the id column as a cell)."""
    cells = re.findall(r'<td class="col-id[^"]*">(\d+)</td>', body.decode())
    return [int(cell) for cell in cells], None


def verify(page: str, tracker: Target, datasette: Target, api_total: int) -> int:
    """Fetch one answer of each side: the same ids in the same order and the same total, or Unfair. The total."""
    tracker_ids, tracker_total = tracker.read(fetch(tracker.url, tracker.headers))
    datasette_ids, datasette_total = datasette.read(fetch(datasette.url, datasette.headers))
    tracker_total = api_total if tracker_total is None else tracker_total
    datasette_total = api_total if datasette_total is None else datasette_total
    if not tracker_ids or tracker_ids != datasette_ids or tracker_total != datasette_total:
        raise Unfair(
            f"{page}: tracker ids {tracker_ids[:8]}… total {tracker_total}, "
            f"Datasette ids {datasette_ids[:8]}… total {datasette_total}"
        )
    return tracker_total


def fetch(url: str, headers: dict[str, str]) -> bytes:
    """The body of a 200 answer (anything else fails)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
        return response.read()


def wait_for(url: str, timeout: float = 90) -> None:
    """Wait until the URL answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url, {})
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


@contextmanager
def server(command: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Run a server process until the block ends; yields its process."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(url)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (gunicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 latency (ms) and non-2xx answers plus socket errors."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", *header_args, url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return rate, latency_ms(output, "50%"), latency_ms(output, "99%"), errors


def latency_ms(output: str, percentile: str) -> float:
    """A latency percentile from wrk's --latency table, in ms."""
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def quiet_enough(settings: Settings) -> float:
    """Wait (up to load_wait seconds, within what is left of the wait budget) for the 1-minute load average to fall to
    load_max; the load at the end. On a machine that stays busy the budget runs out and rounds start at once."""
    started = time.monotonic()
    deadline = started + min(settings.load_wait, settings.wait_budget - settings.waited)
    while os.getloadavg()[0] > settings.load_max and time.monotonic() < deadline:
        time.sleep(5)
    settings.waited += time.monotonic() - started
    return os.getloadavg()[0]


def one_round(side: str, number: int, target: Target, connections: int, settings: Settings) -> Round:
    """A wrk run started on a quiet enough machine; run again (up to load_tries) when it started above load_max."""
    for tries in range(1, settings.load_tries + 1):
        before = quiet_enough(settings)
        rate, p50, p99, errors = wrk(target.url, settings.seconds, connections, target.headers)
        noisy = before > settings.load_max
        if not noisy or tries == settings.load_tries:
            return Round(side, number, rate, p50, p99, errors, before, os.getloadavg()[0], tries, noisy)
    raise AssertionError("unreachable")


def compare(page: str, targets: dict[str, Target], rows: int, connections: int, settings: Settings) -> Comparison:
    """Interleaved rounds of both sides at one connection count (tracker, Datasette, tracker, …), summarised."""
    found = Comparison(page, connections, rows)
    for number in range(1, settings.rounds + 1):
        for side, target in targets.items():
            found.rounds.append(one_round(side, number, target, connections, settings))
    found.summary = summarise(found.rounds)
    return found


def summarise(rounds: list[Round]) -> dict:
    """Median and min–max of req/s per side, the ratio of the medians and the rounds' ratios' spread, errors, noise."""
    sides: dict[str, list[Round]] = {}
    for entry in rounds:
        sides.setdefault(entry.side, []).append(entry)
    summary: dict = {
        side: {
            "median": statistics.median(r.requests_per_second for r in entries),
            "min": min(r.requests_per_second for r in entries),
            "max": max(r.requests_per_second for r in entries),
            "p99_ms": statistics.median(r.p99_ms for r in entries),
            "errors": sum(r.errors for r in entries),
            "noisy": sum(r.noisy for r in entries),
            "load": [min(r.load_before for r in entries), max(r.load_after for r in entries)],
        }
        for side, entries in sides.items()
    }
    tracker, datasette = sides.get("tracker", []), sides.get("datasette", [])
    # A round in which Datasette finished no request (a busy machine at 100k: its statement outlasted the 10 s) has
    # no ratio; it stays in the medians, and the ratio of the medians is infinite only if most rounds were such.
    pairs = zip(tracker, datasette, strict=False)
    ratios = [t.requests_per_second / d.requests_per_second for t, d in pairs if d.requests_per_second > 0]
    if tracker and datasette:
        datasette_median = summary["datasette"]["median"]
        summary["ratio"] = summary["tracker"]["median"] / datasette_median if datasette_median else float("inf")
        summary["ratio_range"] = [min(ratios), max(ratios)] if ratios else [float("inf")] * 2
    return summary


def measure(db_path: Path, url: str, token: str, cookie: str, settings: Settings) -> dict:
    """Both pages at every connection count, the servers' peak memory; raises Unfair before timing a mismatch."""
    tracker_base, datasette_base = f"http://127.0.0.1:{TRACKER_PORT}", f"http://127.0.0.1:{DATASETTE_PORT}"
    gunicorn = [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{TRACKER_PORT}", "--timeout", "120", "app:app"]
    datasette = [
        DATASETTE, "serve", str(db_path), "-h", "127.0.0.1", "-p", str(DATASETTE_PORT),
        "--setting", "sql_time_limit_ms", "30000", "--setting", "suggest_facets", "off",
    ]  # fmt: skip
    with ExitStack() as stack:
        tracker_process = stack.enter_context(server(gunicorn, f"{tracker_base}/health", env_for(url)))
        datasette_process = stack.enter_context(server(datasette, f"{datasette_base}/-/versions.json"))
        pages = targets(tracker_base, datasette_base, db_path.stem, token, cookie)
        api = pages["API list (JSON)"]["tracker"]
        api_total = read_tracker_json(fetch(api.url, api.headers))[1] or 0
        totals = {page: verify(page, sides["tracker"], sides["datasette"], api_total) for page, sides in pages.items()}
        comparisons = [
            asdict(compare(page, sides, totals[page], connections, settings))
            for page, sides in pages.items()
            for connections in settings.connections
        ]
        memory = {
            "tracker (a worker)": max((peak_rss_mb(pid) for pid in children(tracker_process.pid)), default=0.0),
            "datasette": peak_rss_mb(datasette_process.pid),
        }
    return {"comparisons": comparisons, "peak_rss_mb": memory, "settings": asdict(settings)}


def targets(tracker_base: str, datasette_base: str, db_name: str, token: str, cookie: str) -> dict:
    """Page -> side -> Target: the filtered API list (a token) and the signed-in HTML list, and their fair twins."""
    api = f"{tracker_base}/api/v1/agreements?{FILTER}&per_page={PAGE_SIZE}"
    html = f"{tracker_base}/agreements/?{FILTER}"
    return {
        "API list (JSON)": {
            "tracker": Target(api, {"Authorization": f"Bearer {token}"}, read_tracker_json),
            "datasette": Target(datasette_base + fair_path(db_name, html=False), {}, read_datasette_json),
        },
        "HTML list (signed in)": {
            "tracker": Target(html, {"Cookie": f"session={cookie}"}, read_tracker_html),
            "datasette": Target(datasette_base + fair_path(db_name, html=True), {}, read_datasette_html),
        },
    }
