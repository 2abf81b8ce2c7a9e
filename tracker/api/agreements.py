"""API: agreements, listed with the query page's filters (same names and meaning); the rest is the resource kit's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from flask import request
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker.api.codecs import agreement_data
from tracker.api.helpers import form_problem
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import agreement_input, agreement_json
from tracker.api.resources import Records, register
from tracker.forms.agreements import AgreementQueryForm
from tracker.http.agreements import agreement_page
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.models import MAX_ID, Agreement, SavedQuery
from tracker.queries.agreements import agreement_detail
from tracker.queries.links import links_by_agreement
from tracker.queries.pagination import Page
from tracker.queries.sectors import sector_choices
from tracker.services import agreements as service
from tracker.services.saved_queries import visible

# What the query string still says when `saved` gives the filters.
PAGE_ARGS = ("page", "per_page", "sort")


def agreement_listing(session: Session) -> Page:
    """The agreements matching the query page's filters, one page; `?saved=<id>` takes the filters of a saved query
    the user sees instead (the page, its size and the order still from the query string)."""
    form = AgreementQueryForm(formdata=saved_args(session) or request.args)
    form.set_choices(lambda: party_finder(session), sector_choices(session))
    if not form.validate():
        raise form_problem(form)
    return agreement_page(session, form)


def saved_args(session: Session) -> MultiDict[str, str] | None:
    """The query string with a saved query's filters in place of its own, or None without `saved`; 400 naming
    `saved` when the user sees no such saved query."""
    raw = request.args.get("saved", "").strip()
    if not raw:
        return None
    saved = session.get(SavedQuery, int(raw)) if raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID else None
    if not visible(current_user, saved):
        message = _("There is no such saved query.")
        raise ApiError(400, str(message), [field_error("saved", message)])
    args = MultiDict(parse_qsl(saved.query))
    for name in PAGE_ARGS:
        args.setlist(name, request.args.getlist(name) or args.getlist(name))
    return args


def listed(session: Session, agreements: Sequence[Agreement]) -> list[dict[str, Any]]:
    """A page of agreements represented, their source links read in one statement."""
    links = links_by_agreement(session, [agreement.id for agreement in agreements])
    return [agreement_json(agreement, links[agreement.id]) for agreement in agreements]


def represent(agreement: Agreement) -> dict[str, Any]:
    """One agreement with the source links it has loaded."""
    return agreement_json(agreement, agreement.source_links)


register(
    Records(
        name="agreement",
        plural="agreements",
        path="/agreements",
        model=Agreement,
        schema="AgreementInput",
        service=service,
        decode=agreement_data,
        represent=represent,
        current_input=agreement_input,
        listing=agreement_listing,
        detail=agreement_detail,
        represent_page=listed,
        kept_list=True,
    )
)
