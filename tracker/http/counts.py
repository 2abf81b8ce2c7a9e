"""Counts of list queries kept while the data stays the same, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from tracker.db import SAFE_METHODS
from tracker.queries.dashboard import VersionedCache, data_version
from tracker.queries.pagination import count_of


class KeptCounts(VersionedCache):
    """How many rows each list query matches, kept per data version (`data_version`) as the agreement list's facets
    are. At 100,000 agreements counting took a quarter of the agreement list's CPU (4.5 ms unfiltered, 11 ms for the
    benchmark's filtered query), half of the source list's (12 ms over 276,000 sources) and 20 ms of the expiring
    page's, on every page of them; a view of unchanged data costs one look-up of the version instead."""

    SIZE = 64

    def counter(self, session: Session, key: Hashable) -> Callable[..., int]:
        """A `count(statement, counted=None)` for a list query (key: what it counts, without its order or page): the
        kept count, or the statement's (or `counted()`'s, a cheaper way to the same number), then kept."""

        def count(statement: Select, counted: Callable[[], int] | None = None) -> int:
            version = request_data_version(session)
            found, total = self.current(key, version)
            if found:
                return total
            return self.keep(key, version, counted() if counted else count_of(session, statement))

        return count

    def keeper(
        self, session: Session, part: Callable[[tuple], tuple] = tuple
    ) -> Callable[[Hashable, Callable[[], Any]], Any]:
        """A `keep(key, compute)` for one request: the value kept for `key` at `part` of the data version (read once,
        on first use; all of it by default), else `compute()`'s, then kept. The expiring page keeps its page's ids
        and the groups of needs attention this way, besides its counts, under the dates version alone
        (`dates_version`): a write to what they do not read leaves them kept."""
        versions: list[tuple] = []

        def keep(key: Hashable, compute: Callable[[], Any]) -> Any:
            if not versions:
                versions.append(part(request_data_version(session)))
            found, value = self.current(key, versions[0])
            return value if found else self.keep(key, versions[0], compute())

        return keep


def kept_counts() -> KeptCounts:
    """The process's kept counts, one cache per app."""
    return current_app.extensions.setdefault("tracker.list_counts", KeptCounts())


def request_data_version(session: Session) -> tuple:
    """The data version, read once per GET request: a list's kept results, count and facets go by one look-up.
    A request that may write reads it afresh each time (its own writes move it)."""
    if not has_request_context() or request.method not in SAFE_METHODS:
        return data_version(session)
    if "data_version" not in g:
        g.data_version = data_version(session)
    return g.data_version
