"""The interactive API reference (/api/reference): the page, the vendored Swagger UI files it loads, and its policy.

The browser side (the reference drawn from the served document, no policy violation) is
tests/browser/test_api_reference.py; the accessibility checks read this page's HTML with every other page's.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.web.a11y_html import parse
from tracker.api.docs import SWAGGER_UI
from tracker.models import UserRole

ROOT = Path(__file__).resolve().parents[2]
VENDOR_README = ROOT / "static" / "vendor" / "README.md"
SCRIPT_TYPES = {"text/javascript", "application/javascript"}
# The pages' policy (tests/web/test_auth.py), as directive → sources.
PAGES_POLICY = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def directives(client, url: str) -> dict[str, set[str]]:
    """The Content-Security-Policy the answer to GET url carries, as directive → its sources."""
    with client.get(url) as response:
        policy = response.headers["Content-Security-Policy"]
    return {name: set(sources) for name, *sources in (part.split() for part in policy.split(";"))}


def test_the_reference_page_loads_its_files_from_this_site(client_as):
    viewer = client_as(UserRole.VIEWER)
    response = viewer.get("/api/reference")
    assert response.status_code == 200 and response.mimetype == "text/html"
    doc = parse(response.get_data(as_text=True))
    scripts = doc.xpath("//script")
    sources = [script.get("src") for script in scripts]
    viewer_script = f"/static/{SWAGGER_UI}/swagger-ui-bundle.js"
    assert sources == ["/static/js/enhance.js", viewer_script, "/static/js/api-reference.js"]
    assert all(script.get("defer") is not None and not (script.text or "").strip() for script in scripts)
    sheets = doc.xpath("//link[@rel='stylesheet']/@href")
    assert f"/static/{SWAGGER_UI}/swagger-ui.css" in sheets
    for url in sources + sheets:
        with viewer.get(url) as served:
            assert served.status_code == 200, url
            assert served.mimetype in (SCRIPT_TYPES if url.endswith(".js") else {"text/css"}), url
    # The starting script reads the document's address from the page; the address answers with the document.
    root = doc.get_element_by_id("api-reference")
    assert root.get("data-spec-url") == "/api/v1/openapi.json"
    document = viewer.get(root.get("data-spec-url"))
    assert document.mimetype == "application/json" and "/agreements" in document.get_json()["paths"]
    with viewer.get("/static/js/api-reference.js") as starter:
        code = starter.get_data(as_text=True)
    assert "data-spec-url" in code and "validatorUrl: null" in code


def test_only_the_reference_adds_data_images_to_the_policy(client_as):
    viewer = client_as(UserRole.VIEWER)
    assert directives(viewer, "/api/reference") == {**PAGES_POLICY, "img-src": {"'self'", "data:"}}
    for other in ("/api", "/", f"/static/{SWAGGER_UI}/swagger-ui.css"):
        assert directives(viewer, other) == PAGES_POLICY, other


def test_the_api_page_links_to_the_reference_for_signed_in_users(client_as, anonymous_client):
    page = parse(client_as(UserRole.VIEWER).get("/api").get_data(as_text=True))
    assert page.xpath("//main//a[@href='/api/reference']/text()") == ["the interactive API reference"]
    assert anonymous_client.get("/api/reference").headers["Location"].startswith("/sign-in")


def test_the_vendored_files_are_the_published_ones():
    """Each file of the folder is listed in static/vendor/README.md with its SHA-256, and has it."""
    folder = ROOT / "static" / SWAGGER_UI
    section = VENDOR_README.read_text(encoding="utf-8").split(f"\n## {folder.name}\n")[1].split("\n## ")[0]
    listed = dict(re.findall(r"^\| (\S+) \| ([0-9a-f]{64}) \|$", section, re.MULTILINE))
    assert sorted(listed) == sorted(path.name for path in folder.iterdir())
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
