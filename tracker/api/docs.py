"""The API's page for people (GET /api): authentication, versions, errors, examples and every operation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from tracker.api.openapi import BASE_PATH, PARAMETERS, document
from tracker.http.problems import SLUGS, TITLES

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


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
