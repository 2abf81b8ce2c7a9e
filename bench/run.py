"""`make bench`: build the benchmark databases, measure everything issues 6, 12 and 19 list, print and record the table.

Settings (environment, all optional): BENCH_SIZES ("10000 100000"; 1000000 is the PostgreSQL-only scale simulation:
sizes from BENCH_PG_ONLY_FROM, 1000000, are built on PostgreSQL alone), BENCH_DATABASES ("sqlite postgresql"),
BENCH_PG_SERVER (postgresql+psycopg://postgres@127.0.0.1:5432/postgres), BENCH_PG_SIZES (the sizes also built on
PostgreSQL; default BENCH_SIZES), BENCH_SEED (1), BENCH_REPEAT (50), BENCH_WARMUP (5), BENCH_PAGE_BUDGET (seconds per
page, 60), BENCH_REBUILD (0), BENCH_IMPORT_ROWS (rows of the import CSV, default the largest SQLite size), BENCH_SKIP
("", any of: latency heavy feeds extras exports load import), BENCH_DOC (docs/benchmarks.md; written only when the run
covers 100,000 agreements unless BENCH_DOC is given). The throughput rounds (bench/load.py): BENCH_LOAD_SECONDS (10 per
wrk run), BENCH_ROUNDS (5 per side), BENCH_CONNECTIONS ("8 32"), BENCH_LOAD_MAX (2.5: a round starts at a 1-minute load
average at most this), BENCH_LOAD_WAIT (90 s of waiting for it per try), BENCH_LOAD_TRIES (3, then kept as noisy),
BENCH_LOAD_WAIT_BUDGET (600 s of waiting per size at most). Exits 1 when a phase failed (the servers' answers differ, or
a request failed under load).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from bench import databases, exports, extras, feeds, heavy, imports, latency, load, report, soak
from tracker.models import UserRole

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def setting(name: str, default: str) -> str:
    """A BENCH_* setting from the environment."""
    return os.environ.get(f"BENCH_{name}", "").strip() or default


def main() -> int:
    """Run the benchmark."""
    sizes = sorted(int(size) for size in setting("SIZES", "10000 100000").replace(",", " ").split())
    kinds = setting("DATABASES", "sqlite postgresql").split()
    skip = set(setting("SKIP", "").split())
    server = setting("PG_SERVER", PG_SERVER)
    results: dict = {"meta": report.machine(server if "postgresql" in kinds else None), "sizes": sizes}
    results["meta"]["started"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["meta"]["load_start"] = os.getloadavg()
    dbs = build(sizes, kinds, server, results)
    sqlite_sizes = [db.size for db in dbs if db.kind == "sqlite"]
    if "latency" not in skip:
        results["latency"] = {db.label: measure_latency(db) for db in dbs}
    if "heavy" not in skip:
        results["heavy"] = {db.label: measure_heavy(db) for db in dbs}
        results["export_memory"] = {db.label: heavy.command_line_export(db) for db in dbs if db.kind == "sqlite"}
    if "feeds" not in skip:
        results["feeds"] = {db.label: measure_feeds(db) for db in dbs if db.kind == "sqlite" and db.path}
    if "extras" not in skip:
        results["extras"] = {db.label: measure_extras(db) for db in dbs}
    if "exports" not in skip and sqlite_sizes:
        results["exports"] = measure_exports(max(sqlite_sizes))
    if "load" not in skip and sqlite_sizes:
        results["load"] = {
            databases.size_label(size): phase(results, f"load {databases.size_label(size)}", measure_load, size)
            for size in sqlite_sizes
        }
        failed = [size for size, found in results["load"].items() if found.get("errors")]
        results.setdefault("failures", []).extend(f"load {size}: requests failed under load" for size in failed)
    if "import" not in skip and sqlite_sizes:
        results["import"] = measure_import(max(sqlite_sizes))
    results["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["meta"]["load_end"] = os.getloadavg()
    table = report.table(results)
    print(table)
    save(results, table, sizes)
    for failure in results.get("failures", []):
        log(f"FAILED {failure}")
    return 1 if results.get("failures") else 0


def phase(results: dict, name: str, measure, *args) -> dict:
    """Run one measurement; a failure is recorded (and the run exits 1) instead of ending the other phases."""
    try:
        return measure(*args)
    except (load.Unfair, RuntimeError) as error:
        log(f"FAILED {name}: {error}")
        results.setdefault("failures", []).append(f"{name}: {error}")
        return {"failed": str(error)}


def build(sizes: list[int], kinds: list[str], server: str, results: dict) -> list[databases.Database]:
    """Every database of the run, built (or reused) and upgraded to head."""
    dbs = []
    rebuild = setting("REBUILD", "0") == "1"
    pg_sizes = [int(size) for size in setting("PG_SIZES", " ".join(map(str, sizes))).replace(",", " ").split()]
    pg_only_from = int(setting("PG_ONLY_FROM", "1000000"))
    for size in sizes:
        wanted = [kind for kind in kinds if (kind == "sqlite" and size < pg_only_from) or size in pg_sizes]
        for kind in wanted:
            db = databases.sqlite_database(size) if kind == "sqlite" else databases.postgres_database(size, server)
            log(f"database {db.label}")
            databases.ensure(db, server, int(setting("SEED", "1")), rebuild)
            results.setdefault("seed_seconds", {})[db.label] = db.seed_seconds
            dbs.append(db)
    return dbs


def measure_latency(db: databases.Database) -> dict:
    """Latency of every page on one database (a viewer's, the edit form an editor's)."""
    log(f"latency {db.label}")
    viewer, viewer_version, token = databases.viewer_credentials(db.url)
    editor, editor_version, _token = databases.viewer_credentials(db.url, UserRole.EDITOR)
    timings = latency.measure_pages(
        db.url,
        {"viewer": (viewer, viewer_version), "editor": (editor, editor_version)},
        token,
        databases.page_ids(db.url),
        int(setting("REPEAT", "50")),
        int(setting("WARMUP", "5")),
        float(setting("PAGE_BUDGET", "60")),
    )
    return {name: asdict(timing) for name, timing in timings.items()}


def measure_heavy(db: databases.Database) -> dict:
    """The heavy pages and downloads of issue 12 on one database."""
    log(f"heavy pages {db.label}")
    user_id, version, _token = databases.viewer_credentials(db.url)
    found = heavy.measure(db.url, (user_id, version), heavy.ministry_id(db.url))
    return {name: asdict(measured) for name, measured in found.items()}


def measure_feeds(db: databases.Database) -> dict:
    """Issue 19's calendar feed and digest on a copy of one SQLite database (bench/feeds.py)."""
    log(f"feeds and digest {db.label}")
    assert db.path is not None
    return feeds.measure_copy(db.path)


def measure_extras(db: databases.Database) -> dict:
    """The feeds, the CLI export and the digest on one database."""
    log(f"feeds, export and digest {db.label}")
    user_id, version, _token = databases.viewer_credentials(db.url)
    return extras.measure(db, (user_id, version))


def measure_exports(size: int) -> list[dict]:
    """Issue 19's exports (CSV, XLSX, JSON; gunicorn and `flask export`) of the largest SQLite database."""
    db = databases.sqlite_database(size)
    log(f"exports {db.label}")
    return [asdict(measured) for measured in exports.measure(db.url)]


def load_settings() -> load.Settings:
    """The throughput rounds' settings (BENCH_LOAD_SECONDS, _ROUNDS, _CONNECTIONS, _LOAD_MAX, _LOAD_WAIT, _TRIES)."""
    return load.Settings(
        seconds=int(setting("LOAD_SECONDS", "10")),
        rounds=int(setting("ROUNDS", "5")),
        connections=tuple(int(n) for n in setting("CONNECTIONS", "8 32").replace(",", " ").split()),
        load_max=float(setting("LOAD_MAX", "2.5")),
        load_wait=float(setting("LOAD_WAIT", "90")),
        load_tries=int(setting("LOAD_TRIES", "3")),
        wait_budget=float(setting("LOAD_WAIT_BUDGET", "600")),
    )


def measure_load(size: int) -> dict:
    """The filtered API list and signed-in HTML list on gunicorn against a fair Datasette, on the SQLite file."""
    db = databases.sqlite_database(size)
    log(f"load: tracker and Datasette, interleaved rounds, {db.label}")
    cookie, token, _feed = soak.credentials(db.url)
    found = load.measure(db.path, db.url, token, cookie, load_settings())  # type: ignore[arg-type]
    found["errors"] = sum(
        comparison["summary"][side]["errors"]
        for comparison in found["comparisons"]
        for side in ("tracker", "datasette")
    )
    return found


def measure_import(size: int) -> dict:
    """The tracker's import and sqlite-utils on the CSV export of the largest SQLite database (BENCH_IMPORT_ROWS)."""
    source = databases.sqlite_database(size)
    log(f"export {source.label} to CSV")
    size = min(size, int(setting("IMPORT_ROWS", str(size))))
    csv_path = imports.first_rows(imports.export_csv(source), size)
    log("import with sqlite-utils")
    plain = imports.sqlite_utils_insert(csv_path)
    log("import with the tracker (flask import --commit)")
    tracker = imports.tracker_import(csv_path, size)
    return {"rows": size, "tracker": asdict(tracker), "sqlite-utils": asdict(plain)}


def save(results: dict, table: str, sizes: list[int]) -> None:
    """bench/results/latest.{json,md} always; docs/benchmarks.md for a full-size run or when BENCH_DOC says."""
    out = databases.ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    section = report.section(results, table)
    (out / "latest.md").write_text(section)
    doc = os.environ.get("BENCH_DOC") or ("docs/benchmarks.md" if max(sizes) >= 100_000 else "")
    if doc:
        report.write_doc(databases.ROOT / doc, section)
        log(f"recorded in {doc}")
    else:
        log("quick run: recorded in bench/results/latest.md only (docs/benchmarks.md keeps the full-size results)")


def log(message: str) -> None:
    """Progress on stderr, so that stdout is the table."""
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
