"""Conflicting reports (issue 17): an agreement's conflicts side by side on its page, the conflicts list, one
conflict's page, and resolving one (which claim is preferred and why; the agreement's history says so).

Claims are stored as data (enum values, ISO dates, names); they are worded here, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from tracker.auth import can
from tracker.conflicts import RECORD, SOURCE
from tracker.dates import PartialDate, PartialDateError
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.formatting import partial_date
from tracker.forms.conflicts import ConflictFilterForm, ResolveForm
from tracker.http.paging import page_size
from tracker.i18n import _
from tracker.ingest.suggest.words import suggestion_text
from tracker.labels import label
from tracker.models import (
    Agreement,
    AgreementStatus,
    CitedFact,
    Conflict,
    ConflictState,
    InstrumentType,
    RenewalIntent,
)
from tracker.queries.conflicts import conflict_detail, conflict_page, in_page_order
from tracker.queries.evidence import page_disagreements
from tracker.services import conflicts as service
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error

bp = Blueprint("conflict_reports", __name__)

# The enumeration each fact's stored values belong to.
FACT_ENUMS: dict[CitedFact, type[Enum]] = {
    CitedFact.INSTRUMENT: InstrumentType,
    CitedFact.STATUS: AgreementStatus,
    CitedFact.RENEWAL_INTENT: RenewalIntent,
}
DATE_FACTS = (CitedFact.SIGNED, CitedFact.START, CitedFact.END)


@dataclass(frozen=True)
class ClaimView:
    """One claim as a page shows it: who says it, what, whether it fits the record, and where to read it."""

    key: str
    who: str
    says: str
    agrees: bool
    cited: bool
    url: str | None


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a page shows it, with its resolve form when the reader may resolve it."""

    conflict: Conflict
    fact: str
    claims: list[ClaimView]
    preferred: str
    form: ResolveForm | None


def fact_of(conflict: Conflict) -> CitedFact | None:
    """The conflict's fact, or None for a value this version does not know."""
    try:
        return CitedFact(conflict.fact)
    except ValueError:
        return None


def value_words(fact: CitedFact | None, value: Any) -> str:
    """A stored claim value in the reader's words: names listed, dates at their precision, enum values labelled."""
    if value is None or value == [] or value == "":
        return str(_("not recorded"))
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if fact in DATE_FACTS:
        try:
            return partial_date(PartialDate.parse(str(value)))
        except PartialDateError:
            return str(value)
    if fact in FACT_ENUMS:
        try:
            return str(label(FACT_ENUMS[fact](value)))
        except ValueError:
            return str(value)
    return str(value)


def claim_view(fact: CitedFact | None, claim: dict[str, Any]) -> ClaimView:
    """One stored claim, worded."""
    origin = claim.get("origin")
    cited = bool(claim.get("cited"))
    says = claim.get("value") if cited else value_words(fact, claim.get("value"))
    if origin == RECORD:
        return ClaimView(RECORD, str(_("Record")), says, True, False, None)
    key = f"{origin}:{claim.get('id')}"
    who = str(_("%(origin)s (citation)", origin=claim.get("label"))) if cited else str(claim.get("label"))
    url = url_for("sources.detail", source_id=claim["id"]) if origin == SOURCE else None
    return ClaimView(key, who, str(says), bool(claim.get("agrees")), cited, url)


def choices_of(claims: list[ClaimView]) -> list[tuple[str, str]]:
    """The claims one may prefer: each origin once, with what it says."""
    chosen: dict[str, str] = {}
    for claim in claims:
        text = f"{claim.who}: {claim.says}"
        chosen[claim.key] = f"{chosen[claim.key]} / {claim.says}" if claim.key in chosen else text
    return list(chosen.items())


def preferred_words(conflict: Conflict, claims: list[ClaimView]) -> str:
    """Who the resolution preferred, in words."""
    if conflict.state is not ConflictState.RESOLVED:
        return ""
    if conflict.preferred == RECORD:
        return str(_("the record"))
    return next((claim.who for claim in claims if claim.key == conflict.preferred), conflict.preferred)


def conflict_view(conflict: Conflict, form: ResolveForm | None = None, resolvable: bool = False) -> ConflictView:
    """The conflict worded, with a fresh resolve form (prefixed by its id) when open and resolvable."""
    fact = fact_of(conflict)
    claims = [claim_view(fact, claim) for claim in conflict.claims]
    if form is None and resolvable and conflict.state is ConflictState.OPEN:
        form = ResolveForm(formdata=None, prefix=f"conflict-{conflict.id}")
    if form is not None:
        form.offer(choices_of(claims))
    fact_words = str(label(fact)) if fact else conflict.fact
    return ConflictView(conflict, fact_words, claims, preferred_words(conflict, claims), form)


def may_resolve(archived: bool) -> bool:
    """Whether the reader may resolve conflicts of a live (not archived) agreement."""
    return not archived and can("conflict_reports.resolve")


def conflicts_context(agreement: Agreement) -> dict[str, Any]:
    """What the agreement page's conflicts section needs (templates/agreements/_conflicts.html), from the conflicts
    loaded with the agreement (queries/agreements.agreement_detail: no statement of their own)."""
    resolvable = may_resolve(agreement.is_archived)
    rows = in_page_order(agreement.conflicts)
    return {"conflicts": [conflict_view(row, resolvable=resolvable) for row in rows]}


@dataclass(frozen=True)
class PageDisagreement:
    """Where a page under review would disagree about one fact of a recorded agreement, worded."""

    fact: str
    claims: list[ClaimView]


# How many of the agreements the review suggests are compared with the page (the best first).
REVIEW_AGREEMENTS = 3


def review_conflicts(agreement_ids: list[int], outlet: str, title: str, text: str) -> dict[str, Any]:
    """What the review screen shows before linking (templates/ingest/_conflicts.html): for each candidate agreement,
    where the page differs from its record and its linked sources, side by side."""
    label = outlet or str(_("This page"))
    found = page_disagreements(get_session(), agreement_ids[:REVIEW_AGREEMENTS], label, suggestion_text(title, text))
    return {
        "page_conflicts": [
            (agreement, [_page_view(disagreement) for disagreement in disagreements])
            for agreement, disagreements in found
        ]
    }


def _page_view(disagreement: Any) -> PageDisagreement:
    """A page's disagreement, worded; the page is named "This page" when its outlet is unknown."""
    claims = [claim_view(disagreement.fact, claim) for claim in disagreement.claims]
    return PageDisagreement(str(label(disagreement.fact)), claims)


# --- pages -----------------------------------------------------------------------------------------------------


@bp.get("/conflicts")
def index():
    """The conflicts of every live agreement, open first; `?state=open|resolved|all`, `?agreement=<id>`."""
    form = ConflictFilterForm(request.args)
    if not form.validate():
        return render_template("conflicts/index.html", form=form, page=None, views=[]), 400
    state = None if form.state.data == "all" else ConflictState(form.state.data)
    page = conflict_page(get_session(), form.page.data or 1, page_size(), state, form.agreement.data)
    views = [conflict_view(row) for row in page.items]
    return render_template("conflicts/index.html", form=form, page=page, views=views)


@bp.get("/conflicts/<id:conflict_id>")
def detail(conflict_id: int):
    """One conflict side by side, with its resolve form for editors."""
    return render_conflict(conflict_id)


def render_conflict(conflict_id: int, form: ResolveForm | None = None, status: int = 200):
    """The conflict's page, with the form as given (after a refused POST) or fresh."""
    conflict = conflict_detail(get_session(), conflict_id) or abort(404)
    view = conflict_view(conflict, form, resolvable=may_resolve(conflict.agreement.is_archived))
    return render_template("conflicts/detail.html", view=view, agreement=conflict.agreement), status


@bp.post("/conflicts/<id:conflict_id>/resolve")
def resolve(conflict_id: int):
    """Resolve the conflict; a refused input shows the conflict's page with the message next to its field."""
    session = get_session()
    conflict = conflict_detail(session, conflict_id) or abort(404)
    if conflict.agreement.is_archived:
        abort(404)
    form = ResolveForm(prefix=f"conflict-{conflict_id}")
    form.offer(choices_of([claim_view(fact_of(conflict), claim) for claim in conflict.claims]))
    if not form.validate():
        return render_conflict(conflict_id, form, INVALID_FORM_STATUS)
    try:
        service.resolve_conflict(session, conflict, form.preferred.data, form.reason.data)
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_conflict(conflict_id, form, error.status_code)
    agreement_id = conflict.agreement_id
    fact = str(label(CitedFact(conflict.fact))) if fact_of(conflict) else conflict.fact
    session.commit()
    flash(_("Conflict about %(fact)s resolved.", fact=fact), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id, _anchor="conflicts"))
