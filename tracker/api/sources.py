"""API: sources, listed with the source list's filters (q, outlet, language, year, sort); the rest is the kit's.

Creating a source whose URL is already known is a 409 naming the source that has it (`existing_id`).
"""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import Session

from tracker.api.codecs import source_data
from tracker.api.helpers import form_problem, page_args, requested_page
from tracker.api.representations import source_input, source_json
from tracker.api.resources import Records, register
from tracker.forms.sources import SourceQueryForm
from tracker.models import Source
from tracker.queries.pagination import Page
from tracker.queries.sources import source_detail, source_list
from tracker.services import sources as service


def source_listing(session: Session) -> Page:
    """The sources matching the source list's filters, one page."""
    form = SourceQueryForm(formdata=request.args)
    if not form.validate():
        raise form_problem(form)
    page, per_page = page_args()
    return requested_page(source_list(session, form.filters(), page=page, per_page=per_page), page)


register(
    Records(
        name="source",
        plural="sources",
        path="/sources",
        model=Source,
        schema="SourceInput",
        service=service,
        decode=source_data,
        represent=source_json,
        current_input=source_input,
        listing=source_listing,
        detail=source_detail,
    )
)
