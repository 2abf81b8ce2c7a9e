"""Test support for the JSON API: clients with tokens, and a check of every response against the OpenAPI document.

Loaded as a plugin by tests/conftest.py, so that `api_as` is a fixture of every test module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from tracker.api.openapi import BASE_PATH, document
from tracker.models import User, UserRole
from tracker.services.tokens import create_token

PROBLEM = "application/problem+json"


@cache
def path_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Each documented path as a regular expression over real URLs, with the path as documented."""
    patterns = []
    for path in document()["paths"]:
        regex = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(BASE_PATH + path))
        patterns.append((re.compile(f"^{regex}$"), path))
    return patterns


def documented_path(url: str) -> str | None:
    """The documented path a URL belongs to, if any."""
    path = urlsplit(url).path
    return next((documented for pattern, documented in path_patterns() if pattern.match(path)), None)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A response object, following a reference to the shared ones."""
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = document()["components"][section][name]
    return node


@cache
def validator_for(reference: str) -> Draft202012Validator:
    """A 2020-12 validator for a component schema reference, inside the whole document."""
    return Draft202012Validator({"$ref": reference, "components": document()["components"]})


def check_against_spec(method: str, url: str, response: TestResponse) -> None:
    """The response is one the document describes for this operation, in media type, headers and body."""
    path = documented_path(url)
    if path is None:
        assert response.mimetype == PROBLEM, f"{method} {url}: undocumented URL should answer problem+json"
        return
    operation = document()["paths"][path].get(method.lower())
    if operation is None:
        assert response.status_code == 405 and response.mimetype == PROBLEM, f"{method} {url}"
        return
    responses = operation["responses"]
    spec = resolve(responses.get(str(response.status_code)) or responses["default"])
    check_headers(spec, response, f"{method} {url}")
    check_body(spec, response, f"{method} {url}")


def check_headers(spec: dict[str, Any], response: TestResponse, what: str) -> None:
    """Every header the document names for the response is there."""
    for name in spec.get("headers", {}):
        assert response.headers.get(name), f"{what}: {response.status_code} without {name}"


def check_body(spec: dict[str, Any], response: TestResponse, what: str) -> None:
    """The body has the documented media type and follows the documented schema."""
    content = spec.get("content")
    if not content:
        assert not response.data, f"{what}: {response.status_code} should have no body"
        return
    assert response.mimetype in content, f"{what}: {response.mimetype} not in {list(content)}"
    schema = content[response.mimetype].get("schema")
    if schema is not None:
        errors = list(validator_for(schema["$ref"]).iter_errors(response.get_json()))
        assert not errors, f"{what}: {response.status_code} body breaks the schema: {errors[0].message}"


class ApiClient:
    """A test client that sends a bearer token and checks every answer against the OpenAPI document."""

    def __init__(self, client: FlaskClient, token: str | None = None, user: User | None = None) -> None:
        self.client = client
        self.token = token
        self.user = user

    def request(self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None, **kwargs):
        """Send a request to BASE_PATH + path; `json=` sends a JSON body."""
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        sent.update(headers or {})
        url = path if path.startswith("/api") else BASE_PATH + path
        if json is not None:
            kwargs["json"] = json
        response = self.client.open(url, method=method, headers=sent, **kwargs)
        check_against_spec(method, url, response)
        return response

    def get(self, path: str, **kwargs):
        """GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs):
        """POST."""
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, etag: str | None = None, **kwargs):
        """PUT, with If-Match when `etag` is given."""
        return self.request("PUT", path, json=json, headers=if_match(etag, kwargs), **kwargs)

    def patch(self, path: str, json: Any = None, etag: str | None = None, **kwargs):
        """PATCH, with If-Match when `etag` is given."""
        return self.request("PATCH", path, json=json, headers=if_match(etag, kwargs), **kwargs)

    def delete(self, path: str, etag: str | None = None, **kwargs):
        """DELETE, with If-Match when `etag` is given."""
        return self.request("DELETE", path, headers=if_match(etag, kwargs), **kwargs)

    def etag(self, path: str) -> str:
        """The current ETag of a record."""
        response = self.get(path)
        assert response.status_code == 200, response.get_json()
        return response.headers["ETag"]


def if_match(etag: str | None, kwargs: dict[str, Any]) -> dict[str, str]:
    """Headers with If-Match added when an ETag is given."""
    headers = dict(kwargs.pop("headers", None) or {})
    if etag is not None:
        headers["If-Match"] = etag
    return headers


def new_token(session, user: User, name: str = "test") -> str:
    """A committed token for the user; returns its text."""
    _token, text = create_token(session, user, name)
    session.commit()
    return text


@pytest.fixture
def api_as(app: Flask, session, make_user) -> Callable[..., ApiClient]:
    """An API client with a new user's token: api_as(UserRole.VIEWER); api_as(None) sends no token."""

    def make(role: UserRole | None = UserRole.ADMIN) -> ApiClient:
        if role is None:
            return ApiClient(app.test_client())
        user = make_user(role)
        return ApiClient(app.test_client(), new_token(session, user), user)

    return make


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    """The answer is a problem of this status (naming `field` among its errors, if given); returns it."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("/api#problem-")
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body
