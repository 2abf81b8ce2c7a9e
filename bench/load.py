"""Throughput under load: wrk against gunicorn (2 workers, production settings) and against Datasette."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.databases import ROOT, env_for
from bench.latency import FILTER

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATASETTE = str(ROOT / "bench" / ".venv" / "bin" / "datasette")
TRACKER_PORT, DATASETTE_PORT = 8731, 8732
CONNECTIONS = 8


@dataclass
class Load:
    """What wrk measured, and the server's peak memory."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    peak_rss_mb: float
    rows: int  # the filter's total count, as the server reports it: both must agree


def datasette_path(db_name: str) -> str:
    """The Datasette table URL with the tracker's filter: same rows, order, page size, and a total count.

    status and the end window are Datasette's own column filters; sector and country go through `_where`
    subqueries, as in the tracker (a party of the agreement, any role, in that country).
    """
    wheres = (
        "id in (select agreement_id from agreement_sector join sector on sector.id = sector_id "
        "where sector.slug = 'technology')",
        "id in (select agreement_id from agreement_party join party on party.id = party_id "
        "where party.country_code = 'JP')",
    )
    filters = "status__exact=in_force&end_on__gte=2020-01-01&end_on__lt=2031-01-01&archived_at__isnull=1"
    where = "".join(f"&_where={quote(clause)}" for clause in wheres)
    return f"/{db_name}/agreement.json?{filters}{where}&_sort_desc=updated_at&_size=25&_shape=objects"


def wait_for(url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> bytes:
    """Wait until the URL answers 200; its body."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=60) as response:
                if response.status == 200:
                    return response.read()
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


@contextmanager
def server(command: list[str], url: str, env: dict[str, str] | None = None):
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


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 latency (ms) and non-2xx answers plus socket errors."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", *header_args, url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
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


def tracker_load(url: str, token: str, seconds: int) -> Load:
    """The filtered API list under load on gunicorn with 2 workers."""
    base = f"http://127.0.0.1:{TRACKER_PORT}"
    command = [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{TRACKER_PORT}", "--timeout", "120", "app:app"]
    headers = {"Authorization": f"Bearer {token}"}
    with server(command, f"{base}/health", env_for(url)) as process:
        target = f"{base}/api/v1/agreements?{FILTER}"
        rows = json.loads(wait_for(target, headers))["total"]
        rate, p50, p99, errors = wrk(target, seconds, headers)
        rss = max((peak_rss_mb(pid) for pid in children(process.pid)), default=0.0)
    return Load(rate, p50, p99, errors, rss, rows)


def datasette_load(path: Path, seconds: int) -> Load:
    """The same filter on Datasette's JSON table endpoint, serving the same SQLite file."""
    base = f"http://127.0.0.1:{DATASETTE_PORT}"
    command = [
        DATASETTE, "serve", str(path), "-h", "127.0.0.1", "-p", str(DATASETTE_PORT),
        "--setting", "sql_time_limit_ms", "30000", "--setting", "suggest_facets", "off",
    ]  # fmt: skip
    with server(command, f"{base}/-/versions.json") as process:
        target = base + datasette_path(path.stem)
        rows = json.loads(wait_for(target))["filtered_table_rows_count"]
        rate, p50, p99, errors = wrk(target, seconds, {})
        rss = peak_rss_mb(process.pid)
    return Load(rate, p50, p99, errors, rss, rows)
