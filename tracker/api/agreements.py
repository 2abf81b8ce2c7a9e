"""API: agreements — list with the query page's filters, read, create, replace or patch, archive, restore."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.codecs import agreement_data
from tracker.api.helpers import (
    form_problem,
    json_response,
    load,
    no_content,
    not_found,
    require_if_match,
)
from tracker.api.representations import agreement_input, agreement_json, page_json, version_etag
from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.forms.agreements import AgreementQueryForm
from tracker.http.agreements import agreement_page
from tracker.models import Agreement
from tracker.queries.agreements import agreement_detail, party_exists
from tracker.queries.links import links_by_agreement
from tracker.queries.sectors import sector_choices
from tracker.services import agreements as service


@bp.get("/agreements")
def list_agreements():
    """Agreements matching the query page's filters (same names and meaning), one page with the total."""
    session = get_session()
    form = AgreementQueryForm(formdata=request.args)
    form.set_lookups(lambda party_id: party_exists(session, party_id), sector_choices(session))
    if not form.validate():
        raise form_problem(form)
    page = agreement_page(session, form)
    links = links_by_agreement(session, [agreement.id for agreement in page.items])
    return json_response(page_json(page, [agreement_json(item, links[item.id]) for item in page.items]))


@bp.get("/agreements/<id:agreement_id>")
def get_agreement(agreement_id: int):
    """One agreement; archived ones only for editors and admins."""
    agreement = load(get_session(), agreement_detail, agreement_id)
    return agreement_response(agreement)


@bp.post("/agreements")
def create_agreement():
    """Record a new agreement."""
    session = get_session()
    body = read_input("AgreementInput")
    agreement = service.create_agreement(session, agreement_data(session, body))
    session.commit()
    location = url_for(".get_agreement", agreement_id=agreement.id)
    return agreement_response(agreement, status=201, location=location)


@bp.route("/agreements/<id:agreement_id>", methods=["PUT", "PATCH"])
def update_agreement(agreement_id: int):
    """Replace (PUT) or change some fields of (PATCH) a live agreement, over the version If-Match names."""
    session = get_session()
    agreement = load(session, agreement_detail, agreement_id, archived_too=False)
    require_if_match(version_etag(agreement.version))
    current = agreement_input(agreement)
    body = read_patch(current, "AgreementInput") if request.method == "PATCH" else read_input("AgreementInput")
    service.update_agreement(session, agreement, agreement_data(session, body), agreement.version)
    session.commit()
    return agreement_response(agreement)


@bp.delete("/agreements/<id:agreement_id>")
def archive_agreement(agreement_id: int):
    """Archive an agreement (what "delete" does everywhere); an admin can restore it."""
    session = get_session()
    agreement = any_agreement(session, agreement_id)
    require_if_match(version_etag(agreement.version))
    service.archive_agreement(session, agreement)
    session.commit()
    return no_content()


@bp.post("/agreements/<id:agreement_id>/restore")
def restore_agreement(agreement_id: int):
    """Restore an archived agreement whose parties, sectors and sources are live (If-Match honoured if sent)."""
    session = get_session()
    agreement = any_agreement(session, agreement_id)
    if request.headers.get("If-Match"):
        require_if_match(version_etag(agreement.version))
    service.restore_agreement(session, agreement)
    session.commit()
    return agreement_response(load(session, agreement_detail, agreement_id))


def any_agreement(session: Session, agreement_id: int) -> Agreement:
    """An agreement, archived or not, or 404."""
    agreement = session.get(Agreement, agreement_id, execution_options=WITH_ARCHIVED)
    if agreement is None:
        raise not_found()
    return agreement


def agreement_response(agreement: Agreement, status: int = 200, location: str | None = None):
    """The agreement's representation with its ETag."""
    data = agreement_json(agreement, agreement.source_links)
    return json_response(data, status, etag=version_etag(agreement.version), location=location)
