"""Import of a CSV of agreements: the tracker's importer (all checks on) against `sqlite-utils insert --csv`."""

from __future__ import annotations

import csv
import itertools
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bench import synthetic
from bench.databases import DATA, FLASK, ROOT, Database, env_for, flask, recreate
from tracker.db import make_engine

SQLITE_UTILS = str(ROOT / "bench" / ".venv" / "bin" / "sqlite-utils")
GNU_TIME = "/usr/bin/time"


@dataclass
class Run:
    """Wall time, peak resident memory and CPU time (user + system) of one command."""

    seconds: float
    peak_rss_mb: float
    # The fair comparison on a shared machine: wall time grows with the other processes' load, CPU time much less.
    cpu_seconds: float = 0.0


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; its wall time, peak RSS in MB and CPU time.

    The peak comes from GNU time (/usr/bin/time), not from wait4 here: a child forked from this (large) process
    inherits its high-water mark, so its own rusage would report this process's memory, not the command's.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        result = subprocess.run([GNU_TIME, "-f", "%M %U %S", "-o", rss.name, *command], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL)  # fmt: skip
        elapsed = time.perf_counter() - started
        peak_kb, user, system = rss.read().split()[-3:]
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… exited with {result.returncode}")
    return Run(elapsed, int(peak_kb) / 1024, float(user) + float(system))


def export_csv(database: Database) -> Path:
    """The database's agreements as CSV in the import format (`flask export`), made once per size."""
    path = DATA / f"agreements_{database.size}.csv"
    if not path.exists() or path.stat().st_mtime < database.path.stat().st_mtime:  # type: ignore[union-attr]
        flask(database.url, "export", str(path))
    return path


def first_rows(path: Path, rows: int) -> Path:
    """The file itself, or a copy with only its first `rows` agreements (CSV records, which may span lines)."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        records = list(itertools.islice(reader, rows + 1))
    if len(records) <= rows:
        return path
    shorter = path.with_name(f"{path.stem}_first_{rows}.csv")
    with shorter.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(records[:rows])
    return shorter


def fresh_target(database: Database) -> None:
    """An empty migrated database with the synthetic sector vocabulary (an import never invents sectors)."""
    recreate(database, "")
    flask(database.url, "upgrade-db")
    engine = make_engine(database.url)
    with engine.begin() as connection:
        synthetic.ensure_sectors(connection)
    engine.dispose()


def tracker_import(csv_path: Path, size: int) -> Run:
    """`flask import FILE --commit` into a fresh SQLite database; checks that every row was imported."""
    target = Database("sqlite", size, f"sqlite:///{DATA / 'import_target.db'}", DATA / "import_target.db")
    fresh_target(target)
    run = timed([*FLASK, "import", str(csv_path), "--commit"], env_for(target.url))
    engine = make_engine(target.url)
    with engine.connect() as connection:
        imported = connection.scalar(text("SELECT COUNT(*) FROM agreement"))
    engine.dispose()
    if imported != size:
        raise RuntimeError(f"the import wrote {imported} agreements, not {size}")
    return run


def sqlite_utils_insert(csv_path: Path) -> Run:
    """`sqlite-utils insert --csv` of the same file into a plain table of a new database."""
    target = DATA / "sqlite_utils_target.db"
    target.unlink(missing_ok=True)
    return timed([SQLITE_UTILS, "insert", str(target), "agreements", str(csv_path), "--csv", "--encoding", "utf-8-sig"])
