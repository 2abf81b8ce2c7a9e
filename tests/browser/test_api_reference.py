"""Journey: from the API page to the interactive reference (Swagger UI, served by the app), which draws the served
OpenAPI document under the app's content security policy; then a new token, Authorize, and a real call tried out."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracker.models import UserRole

from .helpers import expect

TITLE = "Nota Kesepahaman – Kerja sama teknologi “semikonduktor” dengan KITECH"


def test_the_reference_draws_the_served_document_and_tries_a_call(page_as, make_agreement, live_server):
    make_agreement(title=TITLE, start="2006-03-15", end="2018-03-14")
    page, _viewer = page_as(UserRole.VIEWER)
    problems: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A load the policy blocks is a console error; a file missing is an answer of 400 or more.
    page.on("response", lambda answer: answer.status >= 400 and problems.append(f"{answer.status} {answer.url}"))
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    # A token made on the tokens page, as a person would, for the try-out below.
    page.goto("/account/tokens")
    page.get_by_label("Name").fill("Referensi API")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("code.secret").inner_text()

    page.goto("/api")
    page.get_by_role("link", name="the interactive API reference").click()
    expect(page).to_have_url(re.compile(r"/api/reference$"))
    reference = page.locator("#api-reference")
    # Drawn from the served document: its operations on /agreements, by tag, and the schemas of its components.
    path = page.locator(".opblock-summary-path", has_text=re.compile(r"^/agreements$"))
    operations = reference.locator(".opblock", has=path)
    expect(operations.locator(".opblock-summary-method")).to_have_text(["GET", "POST"])
    expect(operations.first).to_contain_text("List agreements")
    expect(reference.locator(".models")).to_contain_text("AgreementInput")
    expect(reference).not_to_contain_text("The reference is drawn by JavaScript")
    # The page's own heading stays the only h1: the document's title and description are the API page's.
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")

    # Authorize with the token (kept by the page only) and try GET /agreements: the real answer is shown.
    reference.get_by_role("button", name="Authorize").first.click()
    authorizations = page.locator(".auth-container")
    authorizations.get_by_label("Value").fill(token)
    authorizations.get_by_role("button", name="Apply credentials").click()
    authorizations.get_by_role("button", name="Close").click()
    listing = operations.filter(has=page.locator(".opblock-summary-method", has_text="GET"))
    listing.locator(".opblock-summary-control").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()
    answer = listing.locator(".responses-wrapper .live-responses-table")
    expect(answer.locator("tr.response .response-col_status")).to_have_text("200")
    expect(answer).to_contain_text("Kerja sama teknologi")
    assert page.evaluate("window.localStorage.length") == 0

    assert problems == []
    assert hosts == {urlsplit(live_server).netloc}
