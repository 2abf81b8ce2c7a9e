"""The live parties' names as every boundary finds parties by them: the pickers' look-up, the agreement form's party
rows and the agreement query's party filter (tracker/queries/lookup.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from tracker.queries.lookup import PartyFinder, PartyNames


def party_finder(session: Session) -> PartyFinder:
    """The current names, from this app's in-memory index (one per app, so tests' apps never share one)."""
    return current_app.extensions.setdefault("tracker.party_names", PartyNames()).finder(session)
