"""`make bench`: build the benchmark databases, measure everything issue 6 lists, print and record the table.

Settings (environment, all optional): BENCH_SIZES ("10000 100000"), BENCH_DATABASES ("sqlite postgresql"),
BENCH_PG_SERVER (postgresql+psycopg://postgres@127.0.0.1:5432/postgres), BENCH_PG_SIZES (the sizes also built on
PostgreSQL; default BENCH_SIZES), BENCH_SEED (1), BENCH_REPEAT (50), BENCH_WARMUP (5), BENCH_PAGE_BUDGET (seconds
per page, 60), BENCH_LOAD_SECONDS (10), BENCH_REBUILD (0), BENCH_IMPORT_ROWS (rows of the import CSV, default the
largest size), BENCH_SKIP ("", any of: latency heavy exports load import), BENCH_DOC (docs/benchmarks.md; written
only when the run covers 100,000 agreements unless BENCH_DOC is given).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from bench import databases, exports, heavy, imports, latency, load, report

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
    dbs = build(sizes, kinds, server, results)
    if "latency" not in skip:
        results["latency"] = {db.label: measure_latency(db) for db in dbs}
    if "heavy" not in skip:
        results["heavy"] = {db.label: measure_heavy(db) for db in dbs}
        results["export_memory"] = {db.label: heavy.command_line_export(db) for db in dbs if db.kind == "sqlite"}
    if "exports" not in skip and "sqlite" in kinds:
        results["exports"] = measure_exports(max(sizes))
    if "load" not in skip and "sqlite" in kinds:
        results["load"] = {databases.size_label(size): measure_load(size, dbs) for size in sizes}
    if "import" not in skip and "sqlite" in kinds:
        results["import"] = measure_import(max(sizes))
    results["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    table = report.table(results)
    print(table)
    save(results, table, sizes)
    return 0


def build(sizes: list[int], kinds: list[str], server: str, results: dict) -> list[databases.Database]:
    """Every database of the run, built (or reused) and upgraded to head."""
    dbs = []
    rebuild = setting("REBUILD", "0") == "1"
    pg_sizes = [int(size) for size in setting("PG_SIZES", " ".join(map(str, sizes))).replace(",", " ").split()]
    for size in sizes:
        for kind in (kind for kind in kinds if kind == "sqlite" or size in pg_sizes):
            db = databases.sqlite_database(size) if kind == "sqlite" else databases.postgres_database(size, server)
            log(f"database {db.label}")
            databases.ensure(db, server, int(setting("SEED", "1")), rebuild)
            results.setdefault("seed_seconds", {})[db.label] = db.seed_seconds
            dbs.append(db)
    return dbs


def measure_latency(db: databases.Database) -> dict:
    """Latency of every page on one database."""
    log(f"latency {db.label}")
    user_id, version, token = databases.viewer_credentials(db.url)
    timings = latency.measure_pages(
        db.url,
        (user_id, version),
        token,
        databases.middle_agreement(db.url),
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


def measure_exports(size: int) -> list[dict]:
    """Issue 19's exports (CSV, XLSX, JSON; gunicorn and `flask export`) of the largest SQLite database."""
    db = databases.sqlite_database(size)
    log(f"exports {db.label}")
    return [asdict(measured) for measured in exports.measure(db.url)]


def measure_load(size: int, dbs: list[databases.Database]) -> dict:
    """Throughput of the filtered API list on gunicorn (each database of this size) and of Datasette (SQLite)."""
    seconds = int(setting("LOAD_SECONDS", "10"))
    found = {}
    for db in (db for db in dbs if db.size == size):
        log(f"load tracker {db.label}")
        _user, _version, token = databases.viewer_credentials(db.url)
        found[f"tracker {db.kind}"] = asdict(load.tracker_load(db.url, token, seconds))
    sqlite_db = databases.sqlite_database(size)
    log(f"load datasette {sqlite_db.label}")
    found["datasette sqlite"] = asdict(load.datasette_load(sqlite_db.path, seconds))
    if len({measured["rows"] for measured in found.values()}) != 1:
        log(f"WARNING: the servers' filters match different numbers of rows: {found}")
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
