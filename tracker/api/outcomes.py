"""API: recording what happened to an agreement (issue 15) as operations on it — its renewal, its termination, its
non-renewal — with the rules of the pages: editors and admins, If-Match with the agreement's version, one
transaction each."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input
from tracker.api.codecs import agreement_data, decoded
from tracker.api.helpers import json_response, load, require_if_match
from tracker.api.representations import agreement_json, version_etag
from tracker.clock import local_today
from tracker.dates import PartialDate, PartialDateError
from tracker.db import get_session
from tracker.models import Agreement, AgreementStatus, NoticeParty
from tracker.queries.agreements import agreement_detail
from tracker.records.problems import InvalidRecord, Problem
from tracker.services import outcomes as service

PATH = "/agreements/<id:agreement_id>"


def live_agreement(agreement_id: int) -> Agreement:
    """The live agreement, if If-Match names its version; 404, 428 or 412 otherwise."""
    agreement = load(get_session(), agreement_detail, agreement_id, archived_too=False)
    require_if_match(version_etag(agreement.version))
    return agreement


def respond(agreement: Agreement, status: int = 200, location: str | None = None) -> Response:
    """The agreement's representation with its ETag."""
    etag = version_etag(agreement.version)
    return json_response(agreement_json(agreement, agreement.source_links), status, etag=etag, location=location)


@bp.post(f"{PATH}/renewal", endpoint="record_renewal")
def record_renewal(agreement_id: int) -> Response:
    """Create the renewing agreement, relate it, and close the old one as renewed (expired or superseded)."""
    session = get_session()
    old = live_agreement(agreement_id)
    body = read_input("RenewalInput")
    old_status = AgreementStatus(body.pop("old_status"))
    new = service.record_renewal(session, old, agreement_data(body), old_status, old.version)
    session.commit()
    return respond(new, 201, url_for(".get_agreement", agreement_id=new.id))


@bp.post(f"{PATH}/termination", endpoint="record_termination")
def record_termination(agreement_id: int) -> Response:
    """Terminated on a day, with who gave notice and why."""
    session = get_session()
    agreement = live_agreement(agreement_id)
    body = read_input("TerminationInput")
    termination = decoded(termination_of, body)
    service.record_termination(session, agreement, termination, agreement.version)
    session.commit()
    return respond(agreement)


def termination_of(body: dict[str, Any]) -> service.Termination:
    """The body as the service takes it; a day that does not exist is a 422 on `on`."""
    notice_by = NoticeParty(body.get("notice_by", NoticeParty.NOT_RECORDED.value))
    try:
        on = PartialDate.parse(body["on"])
    except PartialDateError as error:
        raise InvalidRecord([Problem("on", str(error))]) from error
    return service.Termination(on=on, notice_by=notice_by, reason=body.get("reason", ""))


@bp.post(f"{PATH}/non-renewal", endpoint="record_non_renewal")
def record_non_renewal(agreement_id: int) -> Response:
    """No renewal planned; expired when the end has passed."""
    session = get_session()
    agreement = live_agreement(agreement_id)
    body = read_input("NonRenewalInput")
    service.record_non_renewal(session, agreement, body.get("reason", ""), local_today(), agreement.version)
    session.commit()
    return respond(agreement)
