"""API: conflicting reports (issue 17) — list them (open first; by state and agreement), read one, resolve one.

Claims are data, as stored: enum values (`mou`, `renewed`), ISO dates at their precision, party names; the pages
word them in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from tracker.api.blueprint import bp
from tracker.api.bodies import read_object, validate
from tracker.api.helpers import json_response, not_found, page_args
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import page_json, timestamp
from tracker.db import get_session
from tracker.i18n import _
from tracker.models import MAX_ID, Conflict, ConflictState
from tracker.queries.conflicts import conflict_detail, conflict_page
from tracker.services import conflicts as service

STATES = {state.value: state for state in ConflictState}


def claim_json(claim: dict[str, Any]) -> dict[str, Any]:
    """A claim as stored, every property present."""
    return {
        "origin": claim.get("origin"),
        "id": claim.get("id"),
        "label": claim.get("label", ""),
        "value": claim.get("value"),
        "agrees": bool(claim.get("agrees")),
        "cited": bool(claim.get("cited")),
    }


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """A conflict as the API shows it."""
    return {
        "id": conflict.id,
        "agreement_id": conflict.agreement_id,
        "agreement_title": conflict.agreement.title,
        "fact": conflict.fact,
        "state": conflict.state.value,
        "current": conflict.current,
        "detected_at": timestamp(conflict.detected_at),
        "claims": [claim_json(claim) for claim in conflict.claims],
        "preferred": conflict.preferred or None,
        "reason": conflict.reason,
        "resolved_at": timestamp(conflict.resolved_at) if conflict.resolved_at else None,
        "resolved_by": conflict.resolved_by.email if conflict.resolved_by else None,
        "url": url_for(".get_conflict", conflict_id=conflict.id),
    }


def one_conflict(conflict_id: int) -> Conflict:
    """A conflict of a live agreement, or 404."""
    conflict = conflict_detail(get_session(), conflict_id)
    if conflict is None:
        raise not_found()
    return conflict


def _filters() -> tuple[ConflictState | None, int | None]:
    """`?state=open|resolved` and `?agreement=<id>`; 400 naming the parameter that is wrong."""
    state_text = request.args.get("state", "")
    if state_text and state_text not in STATES:
        message = _("Use one of: %(values)s.", values=", ".join(STATES))
        raise ApiError(400, str(message), [field_error("state", message)])
    agreement_text = request.args.get("agreement", "")
    agreement_id = None
    if agreement_text:
        if not agreement_text.isdigit() or not 1 <= int(agreement_text) <= MAX_ID:
            message = _("Give an agreement's id.")
            raise ApiError(400, str(message), [field_error("agreement", message)])
        agreement_id = int(agreement_text)
    return STATES.get(state_text), agreement_id


@bp.get("/conflicts", endpoint="list_conflicts")
def list_conflicts() -> Response:
    """Conflicts of live agreements, open first (those still found before those no longer found), newest first."""
    state, agreement_id = _filters()
    page, per_page = page_args()
    result = conflict_page(get_session(), page, per_page, state, agreement_id)
    return json_response(page_json(result, [conflict_json(conflict) for conflict in result.items]))


@bp.get("/conflicts/<id:conflict_id>", endpoint="get_conflict")
def get_conflict(conflict_id: int) -> Response:
    """One conflict with its claims."""
    return json_response(conflict_json(one_conflict(conflict_id)))


@bp.post("/conflicts/<id:conflict_id>/resolve", endpoint="resolve_conflict")
def resolve_conflict(conflict_id: int) -> Response:
    """Resolve the conflict: the preferred claim ("record", "source:<id>", "document:<id>") and why."""
    session = get_session()
    conflict = one_conflict(conflict_id)
    data = validate(read_object(), "ConflictResolution")
    service.resolve_conflict(session, conflict, data["preferred"], data["reason"])
    session.commit()
    return json_response(conflict_json(conflict))
