"""API: one change made to many agreements (issue 18), as the list page's bulk actions make it — all or nothing, one
transaction, one history entry per agreement changed.

The agreements are named by `ids` (taken as they are), by `records` (each with the version the client read: if one
changed since, nothing is saved and the answer is 412 naming them in `stale`), or by `query`, the list's query
string (`status=in_force&sector=textiles`, at most TRACKER_BULK_MAX_ROWS agreements).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input
from tracker.api.helpers import json_response
from tracker.auth import can
from tracker.db import get_session
from tracker.http.agreements import all_matching
from tracker.http.problems import problem
from tracker.services.bulk_changes import BulkAction, StaleSelectionError, apply_change, bulk_change, matching_versions

# The rule each action follows, as for one agreement through the API (tracker/access.py).
RULE_OF = {BulkAction.ARCHIVE.value: "api.archive_agreement"}
CHANGE_RULE = "api.update_agreement"


@bp.post("/agreements/bulk", endpoint="bulk_agreements")
def bulk_agreements() -> Response:
    """Make one change to the agreements named; answer the count and each agreement's outcome."""
    body = read_input("BulkChangeInput")
    if not can(RULE_OF.get(body["action"], CHANGE_RULE)):
        abort(403)
    session = get_session()
    change = bulk_change(session, body["action"], body.get("value"))
    try:
        outcome = apply_change(session, change, named(body))
    except StaleSelectionError as error:
        session.rollback()
        stale = [{"id": key, "version": version} for key, version in error.stale.items()]
        return problem(412, error.message, stale=stale)
    session.commit()
    records = [{"id": key, "outcome": "changed"} for key in outcome.changed]
    records += [{"id": key, "outcome": "unchanged"} for key in outcome.unchanged]
    answer = {
        "action": change.action.value,
        "count": outcome.count,
        "changed": len(outcome.changed),
        "unchanged": len(outcome.unchanged),
        "records": records,
    }
    return json_response(answer)


def named(body: dict[str, Any]) -> dict[int, int | None]:
    """The agreements the body names, with the versions it read (None: as they are)."""
    if "records" in body:
        return {record["id"]: record["version"] for record in body["records"]}
    if "ids" in body:
        return matching_versions(body["ids"])
    return matching_versions(all_matching(get_session(), body["query"]))
