"""Issue 15's expiring list at 100,000 agreements, timed on two copies of one database: the code before and after
the list took the count's two parts (and the quarter chart every term's decision date).

    PYTHONPATH=. .venv/bin/python -m bench.expiring_list LABEL=[TREE@]URL LABEL=[TREE@]URL [ROUNDS (6)] [REPEAT (20)]

The list's first 10 rows as the dashboard and the expiring page select them (the statement alone, then the
dashboard's preview with its parties), the expiring page's first page (its rows, its count and the groups of needs
attention), the decisions and ends per quarter, and the whole dashboard computed afresh. Answers are ids and counts,
so rounds and databases compare; the quarter chart's differ by design (one decision per term after). The rounds,
medians and plans are bench/rounds.py's. Writes bench/results/expiring_list.json.
"""

from __future__ import annotations

import sys
from datetime import date

from bench import rounds, synthetic
from tracker.queries.dashboard import dashboard, expiries_by_quarter
from tracker.queries.expiring import DEFAULT_MONTHS, expiring_statement, expiring_view, first_expiring

HOME = synthetic.HOME
# As bench/decisions.py: the benchmark's reference day (its expiring page and dashboard), and a past day.
DAYS = (synthetic.REFERENCE_DAY, date(2015, 1, 1))
SHOWN = 10
PER_PAGE = 25


def first_ids(as_of):
    """The ids of the list's first rows, from the statement the list runs (its last statement, for the plan)."""
    return lambda session: [row.id for row in session.scalars(expiring_statement(as_of, DEFAULT_MONTHS).limit(SHOWN))]


def every_statement() -> dict[str, object]:
    """Name -> a function of the session returning ids and counts."""
    day = synthetic.REFERENCE_DAY
    found: dict[str, object] = {f"list's first {SHOWN} rows {as_of}": first_ids(as_of) for as_of in DAYS}
    found[f"dashboard preview (with parties) {day}"] = lambda session: [
        row.agreement.id for row in first_expiring(session, day, DEFAULT_MONTHS, SHOWN)
    ]
    found[f"expiring page 1 (rows, count, attention groups) {day}"] = lambda session: _page(session, day)
    for as_of in DAYS:
        found[f"decisions and ends per quarter {as_of}"] = lambda session, as_of=as_of: expiries_by_quarter(
            session, as_of
        )
    found[f"dashboard afresh {day}"] = lambda session: [
        row.agreement.id for row in dashboard(session, day, HOME, DEFAULT_MONTHS).expiring
    ]
    return found


def _page(session, as_of) -> tuple:
    """The expiring page's first page as ids and counts."""
    view = expiring_view(session, as_of, DEFAULT_MONTHS, 1, PER_PAGE)
    return [row.agreement.id for row in view.page.items], view.page.total, [(g.key, g.total) for g in view.groups]


if __name__ == "__main__":
    sys.exit(rounds.main(sys.argv[1:], "bench.expiring_list", every_statement, "expiring_list"))
