"""The pickers' party look-up (GET /lookup/parties) at 5,000 parties: the version statement every look-up pays, the
cold read of every name, and warm look-ups as one types.

    DATABASE_URL=... PYTHONPATH=. .venv/bin/python -m bench.lookup [PARTIES (5000)] [REPEAT (200)]

The database must be upgraded and hold `flask --app app seed-synthetic` data; parties are added (companies with a
short name and an acronym, as the synthetic partners have) until there are PARTIES. Prints medians in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from random import Random

from sqlalchemy import func, insert, select

from bench.synthetic import COMPANY_STEMS, COMPANY_TRADES
from tracker import create_app
from tracker.db import get_session
from tracker.models import Party, PartyAlias, PartyKind
from tracker.queries.lookup import PartyNames, load_party_entries, party_version
from tracker.web.lookup import parties_found

QUERIES = ("kemenp", "kementerian perin", "ministry", "a", "daesan", "korea institute", "société", "zzzz")
COUNTRIES = ("KR", "JP", "CN", "DE", "FR", "US", "SG", "MY", "TH", "VN", "IN", "AU")


def fill_parties(session, wanted: int) -> int:
    """Add made-up companies (with two aliases each) until there are `wanted` parties; how many there are."""
    have = session.scalar(select(func.count(Party.id))) or 0
    rng = Random(5000)
    next_id = (session.scalar(select(func.max(Party.id))) or 0) + 1
    rows, aliases = [], []
    for number in range(wanted - have):
        short = f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_TRADES)} {number}"
        party_id = next_id + number
        rows.append({"id": party_id, "name": f"{short} Co., Ltd", "kind": PartyKind.COMPANY, "notes": "", "version": 1,
                     "country_code": rng.choice(COUNTRIES)})  # fmt: skip
        aliases += [{"party_id": party_id, "alias": short}, {"party_id": party_id, "alias": f"X{party_id}"}]
    if rows:
        session.execute(insert(Party), rows)
        session.execute(insert(PartyAlias), aliases)
        session.commit()
    return max(have, wanted)


def median_ms(action, repeat: int) -> float:
    """The median time of `action()` in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(parties: int = 5000, repeat: int = 200) -> None:
    app = create_app()
    with app.test_request_context("/lookup/parties"):
        session = get_session()
        total = fill_parties(session, parties)
        aliases = session.scalar(select(func.count(PartyAlias.id)))
        print(f"{total} parties, {aliases} aliases")
        print(f"version statement: {median_ms(lambda: party_version(session), repeat):.2f} ms")
        print(f"cold read of every name: {median_ms(lambda: load_party_entries(session), max(repeat // 10, 5)):.1f} ms")
        names = PartyNames()
        app.extensions["tracker.party_names"] = names
        names.finder(session)
        for query in QUERIES:
            found = parties_found(session, query, 10)
            took = median_ms(lambda query=query: parties_found(session, query, 10), repeat)
            first = found[0]["label"] if found else "-"
            print(f"warm look-up {query!r:22} {took:6.2f} ms  {len(found):2} found, first: {first}")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:]))
