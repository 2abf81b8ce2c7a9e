"""Saved queries' current counts, for the dashboard, the saved queries page and the API.

A count is the list's total for the query: a few look-ups (the query's sectors, party, glossary) and one COUNT, which
at 100,000 agreements reads many rows. The counts are kept per process by the data version the dashboard's cache
already reads (`queries.dashboard.data_version`: every write the app makes moves it), so a page view costs nothing
more until the data changes, and a change costs a bounded number of statements: the dashboard counts at most
`DASHBOARD_SHOWN` queries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from sqlalchemy.orm import Session

from tracker.http.agreements import QueryError, saved_filters
from tracker.models import SavedQuery
from tracker.queries.saved_queries import matching_count
from tracker.queries.sectors import sector_choices


class CountsCache:
    """Counts per (query string, owner), each kept with the data version it was counted at."""

    MAX_AGE = 300.0  # rows written without the app (raw SQL) are seen within this many seconds
    SIZE = 1024

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, int], tuple[tuple, float, int | None]] = OrderedDict()

    def counts(self, session: Session, queries: list[SavedQuery], version: tuple) -> dict[int, int | None]:
        """Each saved query's count by id (None: the query no longer works), from the cache where still current."""
        found: dict[int, int | None] = {}
        sectors: list[tuple[str, str]] | None = None  # read once, and only when something is counted
        for saved in queries:
            key, now = (saved.query, saved.owner_id), self._clock()
            with self._lock:
                entry = self._entries.get(key)
            if entry is not None and entry[0] == version and now - entry[1] < self.MAX_AGE:
                found[saved.id] = entry[2]
                continue
            sectors = sectors if sectors is not None else sector_choices(session)
            found[saved.id] = self._store(key, version, now, count_of(session, saved, sectors))
        return found

    def _store(self, key: tuple[str, int], version: tuple, now: float, count: int | None) -> int | None:
        """Keep a count, forgetting the least recently stored beyond SIZE."""
        with self._lock:
            self._entries[key] = (version, now, count)
            self._entries.move_to_end(key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return count


def count_of(session: Session, saved: SavedQuery, sectors: list[tuple[str, str]] | None = None) -> int | None:
    """How many agreements the saved query matches now (`owner=me` being its owner); None when it no longer works
    (a sector renamed, a party gone)."""
    try:
        return matching_count(session, saved_filters(session, saved.query, me=saved.owner_id, sectors=sectors))
    except QueryError:
        return None


def counts_cache() -> CountsCache:
    """The app's cache of saved queries' counts (one per process)."""
    return current_app.extensions.setdefault("tracker.saved_query_counts", CountsCache())
