"""The API's pages for people: GET /api (authentication, versions, errors, examples and every operation) and
GET /api/reference (the interactive reference, Swagger UI drawing the served OpenAPI document)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from tracker.api.openapi import BASE_PATH, PARAMETERS, document
from tracker.auth import CONTENT_SECURITY_POLICY
from tracker.http.problems import SLUGS, TITLES

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
# Swagger UI's files as published on npm (swagger-ui-dist), kept under static/ (static/vendor/README.md).
SWAGGER_UI = "vendor/swagger-ui-5.35.0"
# The app's policy, plus images from data: URLs, for the reference page only: Swagger UI's stylesheet draws its icons
# (a list's arrow, the lock, copy) as data: images, which the app's policy blocks. An image cannot run script; scripts,
# styles and connections stay this site's, and the viewer needs neither inline code, eval nor workers.
REFERENCE_POLICY = f"{CONTENT_SECURITY_POLICY}; img-src 'self' data:"


@bp.get("/api")
def index():
    """The API documentation page, built from the OpenAPI document so that both say the same."""
    base = request.host_url.rstrip("/") + BASE_PATH
    return render_template(
        "api/index.html",
        operations=operations(),
        problems=problem_types(),
        base=base,
        spec_url=url_for("api.openapi"),
    )


@bp.get("/api/reference")
def reference():
    """The interactive reference: Swagger UI draws the served OpenAPI document in the browser."""
    page = render_template("api/reference.html", viewer=SWAGGER_UI, spec_url=url_for("api.openapi"))
    return page, {"Content-Security-Policy": REFERENCE_POLICY}


def operations() -> list[dict[str, Any]]:
    """Every operation: method, path, summary and the query parameters it takes."""
    found = []
    for path, item in document()["paths"].items():
        for method in METHODS:
            if method in item:
                found.append(operation(BASE_PATH + path, method, item[method]))
    return found


def operation(path: str, method: str, spec: dict[str, Any]) -> dict[str, Any]:
    """One row of the table."""
    names = [parameter_name(parameter) for parameter in spec.get("parameters", [])]
    return {"method": method.upper(), "path": path, "summary": spec.get("summary", ""), "parameters": names}


def parameter_name(parameter: dict[str, Any]) -> str:
    """A parameter's name, following a reference to the shared ones."""
    if "$ref" in parameter:
        parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[-1]]
    return parameter["name"]


def problem_types() -> list[dict[str, Any]]:
    """The problem types by anchor, status and title."""
    return [{"slug": slug, "status": status, "title": TITLES[status]} for status, slug in SLUGS.items()]
