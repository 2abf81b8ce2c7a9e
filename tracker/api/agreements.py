"""API: agreements, listed with the query page's filters (same names and meaning); the rest is the resource kit's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from sqlalchemy.orm import Session

from tracker.api.codecs import agreement_data
from tracker.api.helpers import form_problem
from tracker.api.representations import agreement_input, agreement_json
from tracker.api.resources import Records, register
from tracker.forms.agreements import AgreementQueryForm
from tracker.http.agreements import agreement_page
from tracker.http.parties import party_finder
from tracker.models import Agreement
from tracker.queries.agreements import agreement_detail
from tracker.queries.links import links_by_agreement
from tracker.queries.pagination import Page
from tracker.queries.sectors import sector_choices
from tracker.services import agreements as service


def agreement_listing(session: Session) -> Page:
    """The agreements matching the query page's filters, one page."""
    form = AgreementQueryForm(formdata=request.args)
    form.set_choices(lambda: party_finder(session), sector_choices(session))
    if not form.validate():
        raise form_problem(form)
    return agreement_page(session, form)


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
    )
)
