"""Statements timed on databases holding the same rows under different indexes or code: interleaved rounds, medians.

    PYTHONPATH=. .venv/bin/python -m bench.<module> LABEL=[TREE@]URL LABEL=[TREE@]URL [ROUNDS (6)] [REPEAT (20)]

A module (bench/as_of.py, bench/decisions.py) names its statements (`every_statement`) and hands its arguments to
`main`. TREE is a copy of the code to run on that database (the code before, unpacked apart with `git archive`, with
this bench/ copied into it); without it, this tree. The databases are timed in alternating rounds (A B B A A B ...),
each round in a new process of its tree, the statements run as the app runs them (its session, its archive
filter); a round times every statement REPEAT times after a warm-up and keeps the median of the wall time and of the
process's CPU time (on SQLite the engine's work; on PostgreSQL the server's work is not in it), with the 1-minute
load average at its start and end. The result is the median of the rounds' medians per database and statement
(with their range), the plans each database gives, and whether every round answered the same. Writes
bench/results/<name>.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Select, event

from bench import report
from tracker import create_app

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WARMUP = 3
# Name -> what to run on a session: a statement, or a function of the session (the dashboard's).
Statements = Callable[[], dict[str, object]]


def run(session, work) -> object:
    """Run one statement (or the app's function) to its end."""
    return session.execute(work).all() if isinstance(work, Select) else work(session)


def time_once(session, work, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of `repeat` runs after a warm-up, and the last answer.

    On a busy machine the wall time includes waiting for a core; the CPU time does not (SQLite runs in-process)."""
    answer = None
    for _ in range(WARMUP):
        answer = run(session, work)
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = run(session, work)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu_started) * 1000)
        session.rollback()  # each run on a fresh snapshot, as each request has
    return statistics.median(walls), statistics.median(cpus), answer


def plans(session, statements: Statements) -> dict[str, str]:
    """The plan of each statement as the app sends it (archive filter included; a function's last statement)."""
    found = {}
    for name, work in statements().items():
        sql, parameters = last_statement(session, work)
        cursor = session.connection().connection.dbapi_connection.cursor()
        sqlite = session.get_bind().dialect.name == "sqlite"
        cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, parameters)
        found[name] = "\n".join(str(row[-1]) for row in cursor.fetchall())
        session.rollback()
    return found


def last_statement(session, work) -> tuple[str, object]:
    """The SQL and parameters of the last statement `work` sends."""
    captured = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        captured.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        run(session, work)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return captured[-1]


def load_average() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def worker(url: str, repeat: int, statements: Statements) -> dict:
    """One database's round, in this process: each statement's median, answer and plan."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    session = app.extensions["tracker.sessionmaker"]()
    found: dict = {"ms": {}, "cpu_ms": {}, "answers": {}, "plans": plans(session, statements)}
    for name, work in statements().items():
        found["ms"][name], found["cpu_ms"][name], answer = time_once(session, work, repeat)
        found["answers"][name] = repr(answer)
    session.close()
    return found


def round_of(module: str, label: str, target: str, repeat: int) -> dict:
    """Run one database's round in a process of its tree (TREE@URL: the code of TREE; URL alone: this one)."""
    tree, _, url = target.partition("@") if "@" in target.split("://")[0] else ("", "", target)
    env = dict(os.environ, PYTHONPATH=tree or str(ROOT))
    command = [sys.executable, "-m", module, "--worker", url, str(repeat)]
    started = load_average()
    answer = subprocess.run(command, env=env, cwd=tree or ROOT, check=True, capture_output=True, text=True)
    return {"database": label, "load_start": started, "load_end": load_average(), **json.loads(answer.stdout)}


def summary(results: dict, targets: dict[str, str]) -> None:
    """Add each database's medians of the rounds' medians (with their range), plans, and whether answers agree."""
    names = list(results["rounds"][0]["ms"])
    mine = {label: [entry for entry in results["rounds"] if entry["database"] == label] for label in targets}
    for key, kind in (("medians", "ms"), ("cpu_medians", "cpu_ms")):
        results[key] = {
            label: {name: statistics.median(entry[kind][name] for entry in entries) for name in names}
            for label, entries in mine.items()
        }
    results["ranges"] = {
        label: {name: [min(e["ms"][name] for e in entries), max(e["ms"][name] for e in entries)] for name in names}
        for label, entries in mine.items()
    }
    results["loads"] = {
        label: [min(e["load_start"] for e in entries), max(e["load_end"] for e in entries)]
        for label, entries in mine.items()
    }
    results["plans"] = {label: entries[0]["plans"] for label, entries in mine.items()}
    results["same_answers"] = len({json.dumps(entry["answers"], sort_keys=True) for entry in results["rounds"]}) == 1


def main(argv: list[str], module: str, statements: Statements, name: str) -> int:
    """Time the databases named LABEL=[TREE@]URL in alternating rounds (or, with --worker, be one round)."""
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(argv[1], int(argv[2]), statements), default=str))
        return 0
    targets = dict(arg.split("=", 1) for arg in argv if "=" in arg)
    numbers = [int(arg) for arg in argv if "=" not in arg]
    defaults = [6, 20]
    rounds, repeat = [*numbers, *defaults[len(numbers) :]][:2]
    results: dict = {
        "meta": report.machine(None) | {"started": datetime.now(UTC).isoformat(timespec="seconds")},
        "targets": targets,
        "repeat": repeat,
        "rounds": [],
    }
    for number in range(rounds):
        order = list(targets) if number % 2 == 0 else list(reversed(targets))
        for label in order:
            entry = {"round": number + 1, **round_of(module, label, targets[label], repeat)}
            results["rounds"].append(entry)
            print(json.dumps({key: entry[key] for key in ("round", "database", "load_start", "load_end", "ms")}))
    results["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    summary(results, targets)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    shown = {key: results[key] for key in ("medians", "cpu_medians", "ranges", "loads", "same_answers")}
    print(json.dumps(shown, indent=2))
    return 0
