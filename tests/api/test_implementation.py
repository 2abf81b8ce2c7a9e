"""Implementation (issue 15) in the API: written and read with the agreement, filtered, described in the schema."""

from __future__ import annotations

import pytest

from tests.api.test_records import AGREEMENT
from tests.api_support import assert_problem
from tracker.api.openapi import AGREEMENT_FILTERS, AGREEMENT_INPUT
from tracker.models import ImplementationStatus, UserRole


@pytest.fixture
def editor(api_as):
    """An editor's API client."""
    return api_as(UserRole.EDITOR)


def test_implementation_is_written_read_and_changed_alone(editor):
    body = {**AGREEMENT, "implementation": "ongoing", "implementation_note": "JWG met", "implementation_as_of": "2017"}
    created = editor.post("/agreements", body)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert (record["implementation"], record["implementation_note"], record["implementation_as_of"]) == (
        "ongoing",
        "JWG met",
        "2017",
    )
    location = created.headers["Location"]
    etag = created.headers["ETag"]
    patched = editor.patch(location, {"implementation": "implemented"}, headers={"If-Match": etag})
    assert patched.status_code == 200, patched.get_json()
    changed = patched.get_json()
    assert (changed["implementation"], changed["implementation_note"]) == ("implemented", "JWG met")
    assert_problem(editor.post("/agreements", {**body, "implementation": "finished"}), 422)


def test_the_list_filters_by_implementation(editor, make_agreement):
    done = make_agreement(title="Done", implementation=ImplementationStatus.IMPLEMENTED)
    make_agreement(title="Stalled", implementation=ImplementationStatus.STALLED)
    body = editor.get("/agreements?implementation=implemented").get_json()
    assert [item["id"] for item in body["items"]] == [done.id]
    assert editor.get("/agreements?implementation=implemented&implementation=stalled").get_json()["total"] == 2
    assert_problem(editor.get("/agreements?implementation=finished"), 400, "implementation")


def test_the_schema_names_the_filter_and_the_fields():
    parameters = {parameter["name"]: parameter for parameter in AGREEMENT_FILTERS}
    assert parameters["implementation"]["schema"]["items"]["enum"] == [status.value for status in ImplementationStatus]
    fields = AGREEMENT_INPUT["properties"]
    assert {"implementation", "implementation_note", "implementation_as_of"} <= set(fields)
