"""API: parties, listed with the party list's filters (q, kind, country) by name; the rest is the resource kit's."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import Session

from tracker.api.codecs import party_data
from tracker.api.helpers import form_problem, page_args, requested_page
from tracker.api.representations import party_input, party_json
from tracker.api.resources import Records, register
from tracker.forms.parties import PartyQueryForm
from tracker.models import Party
from tracker.queries.pagination import Page
from tracker.queries.parties import party_detail, party_list
from tracker.services import parties as service


def party_listing(session: Session) -> Page:
    """The parties matching the party list's filters, one page."""
    form = PartyQueryForm(formdata=request.args)
    form.set_choices()
    if not form.validate():
        raise form_problem(form)
    page, per_page = page_args()
    return requested_page(party_list(session, form.filters(), page=page, per_page=per_page).page, page)


register(
    Records(
        name="party",
        plural="parties",
        path="/parties",
        model=Party,
        schema="PartyInput",
        service=service,
        decode=party_data,
        represent=party_json,
        current_input=party_input,
        listing=party_listing,
        detail=party_detail,
    )
)
