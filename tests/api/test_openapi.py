"""The OpenAPI document: valid OpenAPI 3.1, describing exactly the API's routes; and the API page for people.

Every response of the other API tests is checked against this document (tests/api_support.py), and
tests/api/test_fuzz.py generates requests from it.
"""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from tracker.api.openapi import BASE_PATH, SCHEMAS, document
from tracker.models import UserRole

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_the_document_is_valid_openapi_3_1():
    spec = document()
    assert spec["openapi"] == "3.1.0"
    validate_openapi(spec)  # raises on any breach of the OpenAPI 3.1 schema or a dangling $ref


def test_every_schema_is_valid_json_schema_2020_12():
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema.get("description"), f"{name} has no description"


def documented_operations() -> set[tuple[str, str]]:
    """(METHOD, Flask-style path) of every operation in the document."""
    found = set()
    for path, item in document()["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                found.add((method.upper(), re.sub(r"\{([a-z_]+)\}", r"<\1>", BASE_PATH + path)))
    return found


def routed_operations(app) -> set[tuple[str, str]]:
    """(METHOD, path) of every route of the API blueprint, converters left out."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<[a-z]+:([a-z_]+)>", r"<\1>", rule.rule)
            found.update((method, path) for method in rule.methods - IGNORED_METHODS)
    return found


def test_the_document_describes_exactly_the_routes(app):
    assert documented_operations() == routed_operations(app)


def test_every_component_schema_is_used():
    text = json.dumps(document()["paths"]) + json.dumps(document()["components"]["responses"])
    used = set(re.findall(r"#/components/schemas/(\w+)", text + json.dumps(SCHEMAS)))
    assert set(SCHEMAS) <= used


def test_the_document_is_served_as_is(api_as):
    response = api_as(None).get("/openapi.json")
    assert response.get_json() == json.loads(json.dumps(document()))


def test_the_api_page_lists_every_operation_auth_and_examples(client):
    page = client.get("/api").get_data(as_text=True)
    for _method, path in documented_operations():
        assert re.sub(r"<([a-z_]+)>", r"{\1}", path) in page, path
    assert "Authorization: Bearer" in page and "If-Match" in page and "problem+json" in page
    assert 'id="problem-validation"' in page and "/api/v1/openapi.json" in page


def test_every_problem_type_has_its_anchor_on_the_api_page(client, api_as):
    page = client.get("/api").get_data(as_text=True)
    admin = api_as(UserRole.ADMIN)
    for response in (admin.get("/agreements/999"), admin.post("/parties", {}), api_as(None).get("/parties")):
        slug = response.get_json()["type"].split("#")[1]
        assert f'id="{slug}"' in page


def test_the_api_page_is_for_signed_in_users(anonymous_client):
    assert anonymous_client.get("/api").status_code == 302
