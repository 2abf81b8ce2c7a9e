"""Saved queries' current counts, for the dashboard, the saved queries page and the API.

A count is the list's total for the query: a few look-ups (the query's sectors, party, glossary) and one COUNT, which
at 100,000 agreements reads many rows. The counts are kept per process by the data version the dashboard's cache
already reads (`queries.dashboard.data_version`: every write the app makes moves it), so a page view costs nothing
more until the data changes, and a change costs a bounded number of statements: the dashboard counts at most
`DASHBOARD_SHOWN` queries.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from tracker.http.agreements import QueryError, saved_filters
from tracker.models import SavedQuery
from tracker.queries.dashboard import VersionedCache
from tracker.queries.saved_queries import matching_count
from tracker.queries.sectors import sector_choices


class CountsCache(VersionedCache):
    """Counts per (query string, owner), each kept with the data version it was counted at."""

    SIZE = 1024

    def counts(self, session: Session, queries: list[SavedQuery], version: tuple) -> dict[int, int | None]:
        """Each saved query's count by id (None: the query no longer works), from the cache where still current."""
        found: dict[int, int | None] = {}
        sectors: list[tuple[str, str]] | None = None  # read once, and only when something is counted
        for saved in queries:
            key = (saved.query, saved.owner_id)
            cached, count = self.current(key, version)
            if not cached:
                sectors = sectors if sectors is not None else sector_choices(session)
                count = self.keep(key, version, count_of(session, saved, sectors))
            found[saved.id] = count
        return found


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
