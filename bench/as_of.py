"""The counts of a day's view (issue 14: as of a day, agreements signed or started after it are left out), timed on
two databases holding the same rows under different indexes: before and after migration 0016.

    PYTHONPATH=. .venv/bin/python -m bench.as_of LABEL=[TREE@]URL LABEL=[TREE@]URL [ROUNDS (6)] [REPEAT (20)]

TREE is a copy of the code to run on that database (the code before, unpacked apart with `git archive`); without
it, this tree. The databases are timed in alternating rounds (A B B A A B ...), each round in a new process of its
tree, the statements run as the app runs them (its session, its archive filter); a round times every statement
REPEAT times after a warm-up and keeps the median, with the 1-minute load average at its start and end. The result
is the median of the rounds' medians per database and statement, the plans each database gives, and whether every
round answered the same. Writes bench/results/as_of.json (BENCH_AS_OF_OUT names another file there).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Select, event

from bench import report, synthetic
from tracker import create_app
from tracker.queries.dashboard import expiries_by_quarter, totals_and_attention
from tracker.queries.expiring import DEFAULT_MONTHS, expiring_count, needing_attention_count

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The benchmark's reference day (its expiring page and dashboard), and a past day, whose view leaves out more.
DAYS = (synthetic.REFERENCE_DAY, date(2015, 1, 1))
WARMUP = 3


def statements(as_of: date) -> dict[str, object]:
    """Name -> what to run on a session: a statement, or a function of the session (the dashboard's)."""
    return {
        f"expiring count {as_of}": expiring_count(as_of, DEFAULT_MONTHS),
        f"needs attention count {as_of}": needing_attention_count(as_of),
        f"ends per quarter {as_of}": lambda session: expiries_by_quarter(session, as_of),
        f"dashboard totals {as_of}": lambda session: totals_and_attention(session, as_of, DEFAULT_MONTHS),
    }


def every_statement() -> dict[str, object]:
    """The statements of every day measured."""
    return {name: work for as_of in DAYS for name, work in statements(as_of).items()}


def run(session, work) -> object:
    """Run one statement (or the dashboard's function) to its end."""
    return session.execute(work).all() if isinstance(work, Select) else work(session)


def time_once(session, work, repeat: int) -> tuple[float, object]:
    """Median milliseconds of `repeat` runs after a warm-up, and the last answer."""
    answer = None
    for _ in range(WARMUP):
        answer = run(session, work)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = run(session, work)
        samples.append((time.perf_counter() - started) * 1000)
        session.rollback()  # each run on a fresh snapshot, as each request has
    return statistics.median(samples), answer


def plans(session) -> dict[str, str]:
    """The plan of each statement as the app sends it (archive filter included; a function's last statement)."""
    found = {}
    for name, work in every_statement().items():
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


def worker(url: str, repeat: int) -> dict:
    """One database's round, in this process: each statement's median, answer and plan."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    session = app.extensions["tracker.sessionmaker"]()
    found: dict = {"ms": {}, "answers": {}, "plans": plans(session)}
    for name, work in every_statement().items():
        found["ms"][name], answer = time_once(session, work, repeat)
        found["answers"][name] = repr(answer)
    session.close()
    return found


def round_of(label: str, target: str, repeat: int) -> dict:
    """Run one database's round in a process of its tree (TREE@URL: the tracker code of TREE; URL alone: this one)."""
    tree, _, url = target.partition("@") if "@" in target.split("://")[0] else ("", "", target)
    env = dict(os.environ, PYTHONPATH=tree or str(ROOT))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", url, str(repeat)]
    started = load_average()
    answer = subprocess.run(command, env=env, cwd=tree or ROOT, check=True, capture_output=True, text=True)
    return {"database": label, "load_start": started, "load_end": load_average(), **json.loads(answer.stdout)}


def main(argv: list[str]) -> int:
    """Time the databases named LABEL=[TREE@]URL in alternating rounds."""
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(argv[1], int(argv[2])), default=str))
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
            entry = {"round": number + 1, **round_of(label, targets[label], repeat)}
            results["rounds"].append(entry)
            print(json.dumps({key: entry[key] for key in ("round", "database", "load_start", "load_end", "ms")}))
    results["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    names = list(results["rounds"][0]["ms"])
    results["medians"] = {
        label: {
            name: statistics.median(r["ms"][name] for r in results["rounds"] if r["database"] == label)
            for name in names
        }
        for label in targets
    }
    first = {label: next(r for r in results["rounds"] if r["database"] == label) for label in targets}
    results["plans"] = {label: entry["plans"] for label, entry in first.items()}
    results["same_answers"] = len({json.dumps(entry["answers"], sort_keys=True) for entry in results["rounds"]}) == 1
    RESULTS.mkdir(exist_ok=True)
    name = os.environ.get("BENCH_AS_OF_OUT", "as_of")
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps({"medians": results["medians"], "same_answers": results["same_answers"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
