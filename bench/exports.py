"""Issue 19's exports at 100,000 agreements: CSV, XLSX and JSON, through a real web server and on the command line,
each measured for its time to the first byte, its total time, its size and the peak memory of the process serving it.

Targets: the first byte within 1 s, done within 15 s, peak memory at most 150 MB whatever the size.

    .venv/bin/python -m bench.exports [DATABASE]

DATABASE (default /tmp/exports-100k.db) is a SQLite file made by `make bench` or bench/synthetic.py; when it is
missing it is copied from BENCH_EXPORTS_SOURCE (default /work/notes/bench/100k.db), which is never opened itself:
the run adds a benchmark viewer and an API token to the database it measures. `make bench` runs this as its
"exports" phase on its largest SQLite database.

Web: gunicorn with one sync worker (a fresh one per format, so each peak is that format's), a signed-in viewer's
request read piece by piece over HTTP; the peak is the worker's VmHWM, next to its resident memory before the
download (what the application costs before any export). Command line: `flask export --format F -`, its output
read from a pipe, its peak from GNU time. The load average is recorded with each measurement: the machine is shared.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.databases import FLASK, ROOT, SECRET, env_for, viewer_credentials
from bench.imports import GNU_TIME
from bench.load import GUNICORN, children, peak_rss_mb, server
from tracker import create_app

FORMATS = ("csv", "xlsx", "json")
DEFAULT_DATABASE = Path("/tmp/exports-100k.db")
SOURCE = Path(os.environ.get("BENCH_EXPORTS_SOURCE", "/work/notes/bench/100k.db"))
PORT = 8733
READ = 64 * 1024
FIRST_BYTE_TARGET_S, TOTAL_TARGET_S, RSS_TARGET_MB = 1.0, 15.0, 150.0


@dataclass
class Export:
    """One export: seconds to the first byte and in all, CPU seconds of the serving process (what the time would be
    on an idle machine, less the database's waits), bytes, peak RSS (MB), and the load average."""

    surface: str
    file_format: str
    first_byte: float
    seconds: float
    cpu_seconds: float
    size: int
    peak_rss_mb: float
    idle_rss_mb: float | None
    status: int
    load: float


def resident_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session_cookie(url: str, user: tuple[int, int]) -> str:
    """A `Cookie` header value signing in the user on a server with the benchmark's secret key (env_for's)."""
    client = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET}).test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user[0]}:{user[1]}"
        cookie["_fresh"] = True
        cookie["seen"] = time.time()
    cookie_name = client.application.config["SESSION_COOKIE_NAME"]
    value = client.get_cookie(cookie_name).value
    client.application.extensions["tracker.engine"].dispose()
    return f"{cookie_name}={value}"


def download(path: str, cookie: str) -> tuple[float, float, int, int]:
    """(seconds to the first byte of the body, seconds in all, bytes, status), read as a browser reads it."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    first, size = None, 0
    while piece := response.read1(READ):
        first = time.perf_counter() - started if first is None else first
        size += len(piece)
    elapsed = time.perf_counter() - started
    connection.close()
    return (first if first is not None else elapsed), elapsed, size, response.status


def web_export(url: str, cookie: str, file_format: str) -> Export:
    """One download from a fresh gunicorn worker."""
    command = [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{PORT}", "--timeout", "600", "app:app"]
    with server(command, f"http://127.0.0.1:{PORT}/health", env_for(url)) as process:
        (worker,) = children(process.pid)
        idle, cpu_before = resident_mb(worker), cpu_seconds(worker)
        first, seconds, size, status = download(f"/agreements/export?format={file_format}", cookie)
        peak, cpu = peak_rss_mb(worker), cpu_seconds(worker) - cpu_before
    return Export("web", file_format, first, seconds, cpu, size, peak, idle, status, os.getloadavg()[0])


def command_line_export(url: str, file_format: str) -> Export:
    """`flask export --format F -`, its output read from a pipe as it comes."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        command = [GNU_TIME, "-f", "%M %U %S", "-o", rss.name, *FLASK, "export", "--format", file_format, "-"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env_for(url), stdout=subprocess.PIPE)
        first, size = None, 0
        while piece := process.stdout.read1(READ):
            first = time.perf_counter() - started if first is None else first
            size += len(piece)
        status = process.wait()
        seconds = time.perf_counter() - started
        peak_kb, user, system = rss.read().split()[-3:]
    first = first if first is not None else seconds
    cpu = float(user) + float(system)
    return Export("cli", file_format, first, seconds, cpu, size, int(peak_kb) / 1024, None, status, os.getloadavg()[0])


def prepare(database: Path) -> str:
    """The database's URL, copying the source database first when the file is missing."""
    if not database.exists():
        shutil.copyfile(SOURCE, database)
    return f"sqlite:///{database}"


def measure(url: str) -> list[Export]:
    """Every format on the web and on the command line."""
    subprocess.run([*FLASK, "--help"], cwd=ROOT, env=env_for(url), check=True, stdout=subprocess.DEVNULL)  # bytecode
    user_id, version, _token = viewer_credentials(url)
    cookie = session_cookie(url, (user_id, version))
    found = []
    for file_format in FORMATS:
        found.append(web_export(url, cookie, file_format))
        found.append(command_line_export(url, file_format))
    return found


def verdict(export: Export) -> str:
    """Which targets the export meets."""
    misses = [
        name
        for name, missed in (
            ("first byte", export.first_byte > FIRST_BYTE_TARGET_S),
            ("time", export.seconds > TOTAL_TARGET_S),
            ("memory", export.peak_rss_mb > RSS_TARGET_MB),
            ("status", export.status != (200 if export.surface == "web" else 0)),
        )
        if missed
    ]
    return "ok" if not misses else "missed: " + ", ".join(misses)


def table(exports: list[Export]) -> str:
    """A Markdown table of the measurements (the command line's first byte includes starting Python and the app)."""
    lines = [
        "| export | first byte | total | CPU | size | peak RSS | RSS before | load avg | targets (1 s, 15 s, 150 MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for export in exports:
        idle = f"{export.idle_rss_mb:.0f} MB" if export.idle_rss_mb is not None else "–"
        lines.append(
            f"| {export.surface} {export.file_format.upper()} | {export.first_byte:.2f} s | {export.seconds:.1f} s "
            f"| {export.cpu_seconds:.1f} s "
            f"| {export.size / 1e6:.0f} MB | {export.peak_rss_mb:.0f} MB | {idle} | {export.load:.1f} "
            f"| {verdict(export)} |"
        )
    return "\n".join(lines)


def main() -> int:
    """Measure and print the table."""
    database = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATABASE
    if database.resolve() == SOURCE.resolve():
        raise SystemExit(f"{SOURCE} is the shared original: measure a copy of it")
    url = prepare(database)
    print(f"database {database}, load average before {os.getloadavg()[0]:.1f}", file=sys.stderr)
    exports = measure(url)
    print(table(exports))
    return 0 if all(export.status in (0, 200) for export in exports) else 1


if __name__ == "__main__":
    sys.exit(main())
