"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis): no input gives a 5xx.

Every operation gets valid and invalid parameters, headers and bodies generated from the document; every
answer must be a non-5xx response of a documented status, media type and schema. Runs as an admin, who may
call everything; ids in paths are steered towards records that exist so that writes really happen.
`API_FUZZ_EXAMPLES` sets the examples per operation (default 15).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_support import new_token
from tests.document_support import mou_pdf
from tests.inbox_support import inbox_records
from tracker.api.openapi import document
from tracker.models import PartyRole, UserRole
from tracker.services.documents import DocumentData, Upload, attach_document

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Ids of the records the fixture made, by path parameter; filled per test.
KNOWN_IDS: dict[str, list[int]] = {}


@pytest.fixture
def known_records(app, session, make_agreement, make_party, make_source, get_sector) -> None:
    """A few records for the generated ids to hit."""
    party = make_party(name="AITEC Co., Ltd", country_code="KR")
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)], sectors=[get_sector("electric-vehicles")])
    other = make_agreement(title="Second")
    source = make_source(agreements=[(agreement, "note")])
    upload = Upload("MoU.pdf", mou_pdf())
    document = attach_document(
        session, agreement, upload, DocumentData(), Path(app.config["TRACKER_DOCUMENTS_DIR"]), 10**6
    )
    session.commit()
    item_id = inbox_records(session)["item_id"]
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        agreement_id=[agreement.id, other.id],
        party_id=[party.id],
        source_id=[source.id],
        sector_id=[get_sector("electric-vehicles").id],
        document_id=[document.id],
        item_id=[item_id],
    )


@pytest.fixture
def auth_headers(session, make_user) -> dict[str, str]:
    """An admin's bearer token."""
    return {"Authorization": f"Bearer {new_token(session, make_user(UserRole.ADMIN))}"}


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Two ids in three become the id of a real record; the third stays as generated (mostly a 404)."""
    mapped = dict(path_parameters or {})
    for name, value in mapped.items():
        known = KNOWN_IDS.get(name)
        if known and isinstance(value, int) and value % 3:
            mapped[name] = known[value % len(known)]
    return mapped


schema = schemathesis.openapi.from_dict(document())
schema.config.generation.update(max_examples=EXAMPLES, database="none")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case, app, known_records, auth_headers):
    response = case.call(app=app, headers=auth_headers)
    case.validate_response(response, checks=CHECKS)
