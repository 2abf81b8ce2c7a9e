"""The counts of a day's view (issue 14: as of a day, agreements signed or started after it are left out), timed on
two databases holding the same rows under different indexes: before and after migration 0016.

    PYTHONPATH=. .venv/bin/python -m bench.as_of LABEL=[TREE@]URL LABEL=[TREE@]URL [ROUNDS (6)] [REPEAT (20)]

The rounds, medians and plans are bench/rounds.py's. Writes bench/results/as_of.json (BENCH_AS_OF_OUT names another
file there).
"""

from __future__ import annotations

import os
import sys
from datetime import date

from bench import rounds, synthetic
from tracker.queries.dashboard import expiries_by_quarter, totals_and_attention
from tracker.queries.expiring import DEFAULT_MONTHS, expiring_count, needing_attention_count

# The benchmark's reference day (its expiring page and dashboard), and a past day, whose view leaves out more.
DAYS = (synthetic.REFERENCE_DAY, date(2015, 1, 1))


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


if __name__ == "__main__":
    sys.exit(rounds.main(sys.argv[1:], "bench.as_of", every_statement, os.environ.get("BENCH_AS_OF_OUT", "as_of")))
