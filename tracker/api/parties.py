"""API: parties — list with the party list's filters, read, create, replace or patch, archive, restore."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.codecs import party_data
from tracker.api.helpers import (
    form_problem,
    json_response,
    load,
    no_content,
    not_found,
    page_args,
    requested_page,
    require_if_match,
)
from tracker.api.representations import page_json, party_input, party_json, version_etag
from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.forms.parties import PartyQueryForm
from tracker.models import Party
from tracker.queries.parties import party_detail, party_list
from tracker.services import parties as service


@bp.get("/parties")
def list_parties():
    """Parties matching the party list's filters (q, kind, country), by name, one page with the total."""
    form = PartyQueryForm(formdata=request.args)
    form.set_choices()
    if not form.validate():
        raise form_problem(form)
    page, per_page = page_args()
    listing = party_list(get_session(), form.filters(), page=page, per_page=per_page)
    result = requested_page(listing.page, page)
    return json_response(page_json(result, [party_json(party) for party in result.items]))


@bp.get("/parties/<id:party_id>")
def get_party(party_id: int):
    """One party; archived ones only for editors and admins."""
    return party_response(load(get_session(), party_detail, party_id))


@bp.post("/parties")
def create_party():
    """Record a new party."""
    session = get_session()
    party = service.create_party(session, party_data(read_input("PartyInput")))
    session.commit()
    return party_response(party, status=201, location=url_for(".get_party", party_id=party.id))


@bp.route("/parties/<id:party_id>", methods=["PUT", "PATCH"])
def update_party(party_id: int):
    """Replace (PUT) or change some fields of (PATCH) a live party, over the version If-Match names."""
    session = get_session()
    party = load(session, party_detail, party_id, archived_too=False)
    require_if_match(version_etag(party.version))
    current = party_input(party)
    body = read_patch(current, "PartyInput") if request.method == "PATCH" else read_input("PartyInput")
    service.update_party(session, party, party_data(body), party.version)
    session.commit()
    return party_response(party)


@bp.delete("/parties/<id:party_id>")
def archive_party(party_id: int):
    """Archive a party no live agreement or unit uses; an admin can restore it."""
    session = get_session()
    party = any_party(session, party_id)
    require_if_match(version_etag(party.version))
    service.archive_party(session, party)
    session.commit()
    return no_content()


@bp.post("/parties/<id:party_id>/restore")
def restore_party(party_id: int):
    """Restore an archived party whose parent is live (If-Match honoured if sent)."""
    session = get_session()
    party = any_party(session, party_id)
    if request.headers.get("If-Match"):
        require_if_match(version_etag(party.version))
    service.restore_party(session, party)
    session.commit()
    return party_response(party)


def any_party(session: Session, party_id: int) -> Party:
    """A party, archived or not, or 404."""
    party = session.get(Party, party_id, execution_options=WITH_ARCHIVED)
    if party is None:
        raise not_found()
    return party


def party_response(party: Party, status: int = 200, location: str | None = None):
    """The party's representation with its ETag."""
    return json_response(party_json(party), status, etag=version_etag(party.version), location=location)
