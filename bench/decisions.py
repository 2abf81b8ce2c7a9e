"""Issue 15's counts at 100,000 agreements, timed on two databases holding the same rows: before and after migration
0021 (the id in ix_agreement_status_end_on on PostgreSQL, ix_agreement_implementation).

    PYTHONPATH=. .venv/bin/python -m bench.decisions LABEL=[TREE@]URL LABEL=[TREE@]URL [ROUNDS (6)] [REPEAT (20)]

The expiring count (agreements without a current term by their end, those with one by the decision date), the
dashboard's implemented agreements per partner country alone and in its statement of sectors and countries, the
dashboard's totals statement, and every figure of the dashboard computed afresh (what the first view after a write
pays). The rounds, medians and plans are bench/rounds.py's. Writes bench/results/decisions.json.
"""

from __future__ import annotations

import sys
from datetime import date

from bench import rounds, synthetic
from tracker.archiving import WITH_ARCHIVED
from tracker.queries.dashboard import (
    _country_implemented,
    figures,
    sector_and_country_counts,
    totals_and_attention,
)
from tracker.queries.expiring import DEFAULT_MONTHS, expiring_count

HOME = synthetic.HOME
# The benchmark's reference day (its expiring page and dashboard), and a past day.
DAYS = (synthetic.REFERENCE_DAY, date(2015, 1, 1))


def every_statement() -> dict[str, object]:
    """Name -> what to run on a session: a statement, or a function of the session (the dashboard's)."""
    found: dict[str, object] = {}
    for as_of in DAYS:
        found[f"expiring count {as_of}"] = expiring_count(as_of, DEFAULT_MONTHS)
    # As the dashboard sends it: in its union, without the archive filter (the statement names live rows itself).
    found["implemented per partner country"] = _country_implemented(HOME).execution_options(**WITH_ARCHIVED)
    found["sectors, countries, implemented (one statement)"] = lambda session: sector_and_country_counts(session, HOME)
    day = synthetic.REFERENCE_DAY
    found[f"dashboard totals {day}"] = lambda session: totals_and_attention(session, day, DEFAULT_MONTHS)
    found[f"dashboard figures afresh {day}"] = lambda session: figures(session, day, HOME, DEFAULT_MONTHS)
    return found


if __name__ == "__main__":
    sys.exit(rounds.main(sys.argv[1:], "bench.decisions", every_statement, "decisions"))
