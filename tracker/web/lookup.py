"""The pickers' look-ups: GET /lookup/parties, /lookup/agreements and /lookup/sources?q=…&limit=… answer a JSON list
of the records the typed text names, best first, which static/js/enhance.js offers as one types (section 7).

Each item has `id`, `label` (what the picker shows and puts in the field) and `detail` (what tells two apart).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy.orm import Session

from tracker.db import get_session
from tracker.formatting import partial_date
from tracker.forms.lookup import LookupForm
from tracker.http.parties import party_finder
from tracker.http.problems import problem
from tracker.labels import label
from tracker.models import Agreement, Source
from tracker.queries.lookup import (
    DEFAULT_LIMIT,
    PartyEntry,
    PartyHit,
    find_agreements,
    find_sources,
)

bp = Blueprint("lookup", __name__, url_prefix="/lookup")


def party_detail_line(entry: PartyEntry) -> str:
    """What tells a party from its namesakes: its aliases and its kind."""
    parts = [", ".join(entry.aliases)] if entry.aliases else []
    return " · ".join([*parts, str(label(entry.kind))])


def party_item(hit: PartyHit) -> dict[str, Any]:
    """One party as the picker offers it."""
    entry = hit.party
    return {
        "id": entry.id,
        "label": entry.label,
        "name": entry.name,
        "matched": hit.matched,
        "aliases": list(entry.aliases),
        "country_code": entry.country_code,
        "kind": entry.kind.value,
        "detail": party_detail_line(entry),
    }


def agreement_item(agreement: Agreement) -> dict[str, Any]:
    """One agreement as the picker offers it: its title, and its number, status and signing."""
    signed = partial_date(agreement.signed) if agreement.signed else None
    parts = [f"#{agreement.id}", str(label(agreement.status))] + ([signed] if signed else [])
    if agreement.title_local:
        parts.insert(1, agreement.title_local)
    return {"id": agreement.id, "label": agreement.title, "detail": " · ".join(parts)}


def source_item(source: Source) -> dict[str, Any]:
    """One source as the picker offers it: its title, and its number, outlet and address."""
    parts = [f"#{source.id}", *(part for part in (source.outlet, source.url) if part)]
    return {"id": source.id, "label": source.title or source.url or f"#{source.id}", "detail": " · ".join(parts)}


def answer(items: Callable[[Session, str, int], list[dict[str, Any]]]):
    """The items found for `?q=` (at most `?limit=`) as JSON, or a 400 problem saying what was refused."""
    form = LookupForm(request.args)
    if not form.validate():
        return problem(400, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return jsonify(items(get_session(), form.q.data or "", form.limit.data or DEFAULT_LIMIT))


def parties_found(session: Session, text: str, limit: int) -> list[dict[str, Any]]:
    """The parties `text` names, as picker items."""
    return [party_item(hit) for hit in party_finder(session).find(text, limit)]


def agreements_found(session: Session, text: str, limit: int) -> list[dict[str, Any]]:
    """The agreements `text` names, as picker items."""
    return [agreement_item(agreement) for agreement in find_agreements(session, text, limit)]


def sources_found(session: Session, text: str, limit: int) -> list[dict[str, Any]]:
    """The sources `text` names, as picker items."""
    return [source_item(source) for source in find_sources(session, text, limit)]


@bp.get("/parties")
def parties():
    """Parties by name or alias, in either language, accents and case aside."""
    return answer(parties_found)


@bp.get("/agreements")
def agreements():
    """Agreements by number or by the words of their titles, as the list page's search finds them."""
    return answer(agreements_found)


@bp.get("/sources")
def sources():
    """Sources by number, or by the words of their title, outlet or address."""
    return answer(sources_found)


def reference_choices(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Picker items as a "did you mean" list offers them: ("#id Label", label, detail)."""
    return [(f"#{item['id']} {item['label']}", item["label"], item["detail"]) for item in items]


def agreement_choices(text: str, limit: int) -> list[tuple[str, str, str]]:
    """What an agreement reference typed without the script could mean (forms/base.ReferenceField.search)."""
    return reference_choices(agreements_found(get_session(), text, limit))


def source_choices(text: str, limit: int) -> list[tuple[str, str, str]]:
    """What a source reference typed without the script could mean (forms/base.ReferenceField.search)."""
    return reference_choices(sources_found(get_session(), text, limit))
