"""WCAG 2.1 AA basics, checked on every page a person can open and in the stylesheets.

Every GET page of the URL map is rendered with real records (and every form once more with its errors) and read
with an HTML parser: labels, announced and linked errors, headings, landmarks, keyboard use, text alternatives,
titles. The stylesheets are parsed with tinycss2: visible focus, and a contrast of at least 4.5:1 for every text
colour against the background it is drawn on. Each check is also run on a bad example, so none can pass by
looking at nothing.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml.html import HtmlElement
from werkzeug.datastructures import MultiDict

from tests.conflict_support import sample_conflict
from tests.html_forms import form_values, replaced
from tests.import_support import AITEC_ROW, csv_file, rows_of
from tests.inbox_support import inbox_records
from tests.web.a11y_css import (
    FOCUSED,
    MAIN_SHEET,
    PRINT_SHEET,
    ROOT,
    STYLESHEETS,
    Sheet,
    colour,
    contrast,
    focus_rules,
    low_contrast,
    main_sheet,
    visible_outline,
)
from tests.web.a11y_html import parse, problems_of, text_of
from tracker.dates import PartialDate
from tracker.models import (
    AgreementRelation,
    CitationStance,
    CitedFact,
    Document,
    DocumentKind,
    FollowUpAction,
    ImportPreset,
    Job,
    JobState,
    PartyRole,
    RelationKind,
    SavedQuery,
    SnapshotMethod,
    SourceSnapshot,
    UserRole,
)
from tracker.records.citation import CitationData
from tracker.services.calendars import FeedData, create_feed
from tracker.services.citations import cite
from tracker.services.glossary import create_entry
from tracker.services.tokens import create_token

PICKER_SCRIPT = "js/enhance.js"

# Endpoints whose GET answer is no page for people: files, feeds, JSON, and the facet panel the list's script puts
# into the list (checked there: the list shows the same panel inline, and without script `facets=1` does).
NOT_PAGES = {
    "static",
    "agreements.facets",
    "health",
    "calendars.feed",
    "exports.agreements",
    "exports.parties",
    "exports.sources",
    "dates.reading",
    "jobs.status",
    "jobs.download",
    "documents.download",
}
NOT_PAGES_PREFIXES = ("api.", "lookup.")

# Pages shown again with their query string made invalid, so their errors are checked too.
INVALID_QUERIES = {
    "agreements.index": "active_in=abc&ends_from=99999&party=co",  # a party's "did you mean" list too
    "expiring.index": "months=0&as_of=yesterday",
    "history.activity": "date_from=not-a-day",
    "parties.index": "page=abc",
    "sources.index": "year=abc&page=0",
    "dashboard.index": "as_of=2026-02-30",
    "conflict_reports.index": "state=nonsense&page=0",
    "imports.preview": "columns-0=nonsense&columns-1=title&columns-2=title&default_status=none",
    "bulk_actions.confirm": "selected=1:1&action=set_status&value=nope",
}


# --- the pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def records(app: Flask, session, make_agreement, make_party, make_source, get_sector, make_user) -> dict[str, Any]:
    """Records of every kind, linked, so that every page shows its tables, lists and buttons."""
    ministry = make_party(aliases=["Kemenperin"])
    aitec = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    sector = get_sector("electric-vehicles")
    agreement = make_agreement(
        start="2006",
        end="2018",
        signed="2006-03-15",
        summary="Technology cooperation.",
        notes="Renewal planned.",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[sector],
    )
    older = make_agreement(title="Technology development cooperation 2001", start="2001", end="2006")
    source = make_source(agreements=[(agreement, "Reports the plan to extend.")])
    target = make_user(UserRole.VIEWER, email="target@kemenperin.example")
    relation = AgreementRelation(subject=agreement, object=older, kind=RelationKind.RENEWS)
    preset = ImportPreset(name="Ministry list", mapping={"fields": {"Title": "title"}})
    action = FollowUpAction(agreement=agreement, title="Joint working group meeting", assignee=target, note="Seoul")
    action.due = PartialDate.parse("2018-06")
    agreement.owner, agreement.unit = target, ministry
    document = Document(
        agreement=agreement,
        kind=DocumentKind.SIGNED_TEXT,
        language="id",
        filename="Nota Kesepahaman AITEC.pdf",
        media_type="application/pdf",
        size=48_213,
        sha256="5f" * 32,
        text="Nota Kesepahaman ini berlaku sejak tanggal 15 Maret 2006 selama 12 (dua belas) tahun.",
    )
    document.dated = PartialDate.parse("2006-03-15")
    snapshot = SourceSnapshot(
        source=source,
        method=SnapshotMethod.FETCH,
        text="“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018.”",
        content_hash="0",
    )
    conflict = sample_conflict(agreement, source)
    session.add_all([relation, preset, action, document, snapshot, conflict])
    session.flush()
    # Every kind of mark: supported by the kept text, by a document, differing, and of a party off the record.
    end = cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id, quote="akan berakhir 2018"))
    cite(session, agreement, CitationData(fact=CitedFact.SIGNED, document_id=document.id, quote="15 Maret 2006"))
    differs = CitationData(
        fact=CitedFact.PARTY,
        party_id=aitec.id,
        source_id=source.id,
        quote="AITEC",
        stance=CitationStance.DIFFERS,
        says="KITECH",
    )
    cite(session, agreement, differs)
    agreement.party_links = [link for link in agreement.party_links if link.party_id != aitec.id]
    session.commit()
    feed, token = create_feed(session, target, FeedData(name="Ends", query="", lead_months=[6]))
    api_token, _text = create_token(session, target)
    entry = create_entry(session, ["semikonduktor", "semiconductor"])  # with a history to show
    job = Job(kind="agreement_export", parameters={}, user=target, state=JobState.RUNNING, done=40, total=100)
    saved = SavedQuery(
        owner_id=target.id, name="EV dengan Korea", query="sector=electric-vehicles&country=KR", shared=True
    )
    session.add_all([job, saved])
    session.commit()
    return {
        "agreement_id": agreement.id,
        "party_id": ministry.id,
        "source_id": source.id,
        "sector_id": sector.id,
        "relation_id": relation.id,
        "action_id": action.id,
        "document_id": document.id,
        "citation_id": end.id,
        "snapshot_id": snapshot.id,
        "user_id": target.id,
        "token_id": api_token.id,
        "preset_id": preset.id,
        "feed_id": feed.id,
        "token": token,
        "entry_id": entry.id,
        "job_id": job.id,
        "conflict_id": conflict.id,
        "saved_id": saved.id,
        **inbox_records(session),
    }


@pytest.fixture
def admin(client: FlaskClient, app: Flask, tmp_path: Path) -> FlaskClient:
    """A signed-in admin, who sees every page and button; uploads wait in the test's own folder."""
    app.config["TRACKER_IMPORT_DIR"] = str(tmp_path / "imports")
    return client


def upload_token(client: FlaskClient) -> str:
    """A real upload waiting to be mapped, for the import's mapping and preview pages."""
    data = {"file": (io.BytesIO(csv_file(rows_of([AITEC_ROW]))), "agreements.csv")}
    response = client.post("/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def is_page(endpoint: str) -> bool:
    """Whether the endpoint's GET answer is an HTML page for people."""
    return endpoint not in NOT_PAGES and not endpoint.startswith(NOT_PAGES_PREFIXES)


def page_urls(app: Flask, records: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(endpoint, URL) of every GET page of the URL map, arguments filled from real records."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or not is_page(rule.endpoint):
            continue
        unknown = sorted(set(rule.arguments) - set(records))
        assert not unknown, f"{rule.endpoint}: no record for URL argument(s) {unknown}; add them to `records`"
        _, url = rule.build({name: records[name] for name in rule.arguments})
        yield rule.endpoint, url
        if rule.endpoint in INVALID_QUERIES:
            yield rule.endpoint, f"{url}?{INVALID_QUERIES[rule.endpoint]}"


@dataclass
class Page:
    """A page as the browser received it."""

    what: str
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def html_page(what: str, response) -> Page:
    """The response as a page; it must be HTML and no server error."""
    assert response.status_code < 500 and response.status_code not in (301, 302, 303), f"{what}: {response.status_code}"
    assert response.mimetype == "text/html", f"{what}: {response.mimetype}"
    return Page(what, response.status_code, response.get_data(as_text=True), dict(response.headers))


@pytest.fixture
def pages(app: Flask, admin: FlaskClient, records: dict[str, Any]) -> list[Page]:
    """Every GET page as an admin sees it, the review of a pasted article, and the import's pages."""
    records = {**records, "upload_token": upload_token(admin)}
    found, redirected = [], set()
    for endpoint, url in page_urls(app, records):
        response = admin.get(url)
        if response.status_code == 302:
            redirected.add(endpoint)
        else:
            found.append(html_page(f"GET {url}", response))
    assert redirected == {"auth.sign_in"}, "only the sign-in page sends a signed-in person elsewhere"
    found.append(html_page("POST /sources/add (review)", review(admin)))
    return found


def review(client: FlaskClient):
    """The review of a pasted news article."""
    pasted = (ROOT / "tests/fixtures/seed_article.txt").read_text(encoding="utf-8")
    return client.post("/sources/add", data={"pasted": pasted})


# Forms sent empty or wrong, so that each shows its errors: (URL, form data).
INVALID_POSTS: list[tuple[str, dict[str, str]]] = [
    (
        "/agreements/new",
        {
            "title": "",
            "signed": "2006-13",
            "end": "soon",
            "parties-0-party": "999999",
            "parties-1-party": "indus",  # "did you mean", with a new party's kind and country
            "duration_months-years": "-1",
        },
    ),
    ("/agreements/{agreement_id}/edit", {"title": "", "start": "20066", "sectors": "abc", "version": "1"}),
    ("/agreements/{agreement_id}/relations", {"kind": "nonsense", "other": ""}),
    ("/agreements/{agreement_id}/documents", {"document-kind": "nonsense", "document-dated": "2006-13"}),
    (
        "/conflicts/{conflict_id}/resolve",
        {"conflict-{conflict_id}-preferred": "nonsense", "conflict-{conflict_id}-reason": ""},
    ),
    ("/agreements/{agreement_id}/citations/new", {"fact": "nonsense", "origin": "source:0", "stance": "differs"}),
    ("/citations/{citation_id}/edit", {"fact": "end", "origin": "", "quote": "x" * 2001, "stance": "differs"}),
    ("/parties/new", {"name": "", "country_code": "XX"}),
    ("/parties/{party_id}/edit", {"name": "", "parent_id": "-3", "version": "1"}),
    ("/sectors/new", {"name": "", "slug": "Not a slug!"}),
    ("/sectors/{sector_id}/edit", {"name": "", "version": "1"}),
    ("/sources/new", {"title": "", "url": "ftp://nowhere", "published_on": "2017-02-30"}),
    ("/sources/{source_id}/edit", {"title": "", "url": "notaurl", "version": "1"}),
    ("/sources/{source_id}/links/new", {"agreement_id": "", "note": ""}),
    ("/agreements/{agreement_id}/sources/new", {"title": "", "url": "bad"}),
    ("/agreements/{agreement_id}/sources/{source_id}/edit", {"note": "x" * 6000, "version": "abc"}),
    ("/sources/add", {}),
    ("/import", {}),
    ("/users/new", {"email": "not-an-email", "role": "boss"}),
    ("/users/{user_id}/role", {"role": "boss"}),
    ("/users/{user_id}/password", {"password": "short", "confirm": "other"}),
    ("/account/password", {"current": "", "password": "short", "confirm": "other"}),
    ("/account/tokens", {"name": "x" * 500}),
    ("/account/calendars/new", {"name": "", "lead_months": "abc"}),
    ("/saved-queries/new", {"name": "", "query": "ends_from=2020&ends_to=2019"}),
    ("/account/digest", {"months": "abc", "lead_months": "0"}),
]


@pytest.fixture
def error_pages(admin: FlaskClient, records: dict[str, Any]) -> list[Page]:
    """Each form shown again with its errors after a bad submission (URLs that do not exist are left out)."""
    found = []
    for url, data in INVALID_POSTS:
        url = url.format(**records)
        response = admin.post(url, data=data)
        if response.status_code in (404, 405):
            pytest.fail(f"POST {url} answered {response.status_code}: update INVALID_POSTS")
        if response.status_code in (301, 302, 303):
            pytest.fail(f"POST {url} with bad data was accepted: update INVALID_POSTS")
        found.append(html_page(f"POST {url}", response))
    payload = parse(review(admin).get_data(as_text=True)).xpath("//input[@name='payload']")[0].get("value")
    for data in ({"create_new": "y", "new_start": "20x", "new_sectors": "abc"}, {"link_agreements": "999999"}):
        confirm = admin.post("/sources/add/confirm", data={"payload": payload, **data})
        found.append(html_page(f"POST /sources/add/confirm {data}", confirm))
    return found


def report(pages: list[Page]) -> str:
    """Every problem of every page, a line each."""
    return "\n".join(f"{page.what}: {problem}" for page in pages for problem in problems_of(page.text))


def test_every_page_passes_the_checks(pages: list[Page]):
    assert len(pages) > 30
    assert report(pages) == ""


def test_every_form_with_errors_announces_them(error_pages: list[Page]):
    assert report(error_pages) == ""
    for page in error_pages:
        doc = parse(page.text)
        assert doc.xpath("//*[@aria-invalid='true'] | //*[contains(concat(' ', @class, ' '), ' error ')]"), page.what


def test_the_sign_in_page_passes_the_checks(anonymous_client: FlaskClient, make_user):
    page = html_page("GET /sign-in", anonymous_client.get("/sign-in"))
    failed = html_page("POST /sign-in", anonymous_client.post("/sign-in", data={"email": "", "password": ""}))
    assert report([page, failed]) == ""
    assert parse(failed.text).xpath("//*[@aria-invalid='true']")


def test_a_viewer_sees_pages_that_pass_the_checks(client_as, records):
    viewer = client_as(UserRole.VIEWER)
    urls = ["/", "/agreements/", f"/agreements/{records['agreement_id']}", "/expiring/", "/parties/", "/sources/"]
    urls += ["/agreements/999999", "/users/"]  # not found, refused: error pages are pages too
    seen = [html_page(f"GET {url}", viewer.get(url)) for url in urls]
    assert [page.status for page in seen[-2:]] == [404, 403]
    assert report(seen) == ""


def test_field_errors_are_tied_to_their_fields(error_pages: list[Page]):
    """The agreement form shows the summary first, links each error to its field, and marks the field invalid."""
    doc = parse(error_pages[0].text)
    summary = doc.xpath("//form//*[contains(concat(' ', @class, ' '), ' error-summary ')]")
    assert summary and summary[0].get("role") == "alert"
    links = {link.get("href") for link in summary[0].xpath(".//a")}
    title = doc.get_element_by_id("title")
    assert "#title" in links and title.get("aria-invalid") == "true"
    message = doc.get_element_by_id(title.get("aria-describedby").split()[-1])
    assert "error" in message.get("class") and text_of(message)


def test_the_navigation_marks_the_current_section(admin: FlaskClient, records):
    detail = parse(admin.get(f"/agreements/{records['agreement_id']}").get_data(as_text=True))
    assert [text_of(a) for a in detail.xpath("//header//nav//a[@aria-current]")] == ["Agreements"]
    index = parse(admin.get("/parties/").get_data(as_text=True))
    assert [a.get("aria-current") for a in index.xpath("//header//nav//a[@aria-current]")] == ["page"]


# --- the checks catch what they are for ---------------------------------------------------------------------

INVALID = 'aria-invalid="true" aria-describedby="e"'
GOOD_PAGE = """<!doctype html><html lang="en"><head><title>Parties · Tracker</title></head><body>
<a href="#main">Skip to content</a>
<header><nav aria-label="Main"><a href="/" aria-current="page">Home</a></nav></header>
<main id="main"><h1>Parties</h1><h2>List</h2>
<form><label for="q">Text</label><input id="q" name="q"><button type="submit">Search</button></form>
<svg role="img" aria-label="Chart"></svg><img src="/x.png" alt=""></main><footer>Tracker</footer></body></html>"""


def test_a_good_page_passes():
    assert problems_of(GOOD_PAGE) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('lang="en"', 'lang=""'), "no lang"),
        (("Parties · Tracker", " · Tracker"), "does not name the page"),
        (('<a href="#main">Skip to content</a>', ""), "skip link"),
        (('<main id="main">', "<main>"), "<main"),
        (("<footer>Tracker</footer>", ""), "<footer>"),
        (('aria-label="Main"', ""), "no aria-label"),
        (('<label for="q">Text</label>', ""), "has no label"),
        (('<label for="q">', '<label for="z">'), "labels nothing"),
        (('<input id="q" name="q">', '<input id="q" name="q" aria-describedby="gone">'), "not on the page"),
        (('<input id="q" name="q">', '<input id="q" name="q" aria-invalid="true">'), "names no error"),
        (
            ('<input id="q" name="q">', f'<input id="q" name="q" {INVALID}><p class="error" id="e">Bad</p>'),
            "no summary",
        ),
        (('<label for="q">Text</label>', '<div class="has-error"><label for="q">Text</label></div>'), "shows an error"),
        (("<h2>List</h2>", "<h3>List</h3>"), "skipped"),
        (("<h2>List</h2>", "<h1>List</h1>"), "2 h1"),
        (("<h1>Parties</h1>", ""), "0 h1"),
        (('<button type="submit">', '<button type="submit" onclick="go()">'), "inline handlers"),
        (('<input id="q" name="q">', '<input id="q" name="q" tabindex="3">'), "tabindex=3"),
        (("<h2>List</h2>", '<h2>List</h2><span role="button">Go</span>'), "cannot be reached"),
        (('<a href="/" aria-current="page">Home</a>', '<a aria-current="page">Home</a>'), "without href"),
        (("Search</button>", "</button>"), "has no text"),
        (('alt=""', ""), "has no alt"),
        (('role="img" aria-label="Chart"', ""), "needs role=img"),
        (
            ('aria-current="page">Home</a>', 'aria-current="page">A</a><a href="/b" aria-current="true">B</a>'),
            "marked current",
        ),
        (('<input id="q" name="q">', '<input id="q" name="q"><select id="q"></select>'), "used 2 times"),
        (("<h2>List</h2>", '<h2>List</h2><div class="error-summary"><a href="#q">Bad</a></div>'), "in the summary"),
        (("<h2>List</h2>", "<h2>List</h2><script>go()</script>"), "inline code"),
        (("<h2>List</h2>", '<h2 style="color: red">List</h2>'), "style attribute"),
    ],
)
def test_each_check_finds_its_problem(change: tuple[str, str], expected: str):
    old, new = change
    assert old in GOOD_PAGE
    problems = problems_of(GOOD_PAGE.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


def test_a_form_with_a_live_summary_passes():
    page = GOOD_PAGE.replace(
        '<input id="q" name="q">',
        '<div role="alert"><a href="#q">Text: Bad</a></div>'
        '<input id="q" name="q" aria-invalid="true" aria-describedby="e"><p class="error" id="e">Bad</p>',
    )
    assert problems_of(page) == []


# --- the stylesheets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_text_colours_have_enough_contrast(path: Path):
    assert {MAIN_SHEET, PRINT_SHEET} <= set(STYLESHEETS)
    sheet = main_sheet() if path == MAIN_SHEET else Sheet.read(path, main_sheet())
    assert list(sheet.text_pairs()), "no colour found: the parser read nothing"
    assert low_contrast(sheet) == []


def test_the_contrast_check_fails_on_a_pale_colour(tmp_path: Path):
    pale = "\n.pale { color: #999999; }\n.chip { color: #ffffff; background: #7fb2e5; }"
    css = MAIN_SHEET.read_text(encoding="utf-8") + pale
    path = tmp_path / "pale.css"
    path.write_text(css, encoding="utf-8")
    found = low_contrast(Sheet.read(path))
    assert any(line.startswith(".pale") for line in found) and any(line.startswith(".chip") for line in found)


def test_contrast_is_computed_as_wcag_says():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert colour("#fff") == (255, 255, 255) and colour("rgb(1, 2, 3)") == (1, 2, 3) and colour("none") is None
    with pytest.raises(AssertionError):
        colour("hsl(0 0% 50%)")


@pytest.mark.parametrize("element", FOCUSED)
def test_focus_is_visible(element: str):
    sheet = main_sheet()
    rules = focus_rules(sheet, element)
    assert rules, f"no :focus-visible rule for {element}"
    assert any(visible_outline(sheet, rule) for rule in rules), f"the focus of {element} draws no visible outline"
    for rule in sheet.rules:
        for selector in rule.selectors:
            if ":focus" in selector and "outline" in rule.declarations:
                assert rule.declarations["outline"] not in ("none", "0"), f"{selector} hides the focus"


def test_fields_and_focus_stand_out_from_the_page():
    """Non-text contrast (1.4.11): field borders and the focus ring have at least 3:1 against the page."""
    sheet = main_sheet()
    page = sheet.page()[1]
    for name in ("--field-border", "--focus"):
        assert contrast(colour(sheet.properties[name]), page) >= 3, name


# --- layout, print, script -----------------------------------------------------------------------------------


def test_the_layout_adapts_to_small_screens():
    sheet = main_sheet()
    small = [rule for rule in sheet.rules if "max-width" in rule.media]
    assert small, "no rules for small screens"
    selectors = {selector for rule in small for selector in rule.selectors}
    assert {"table", ".site-header nav ul"} <= selectors, selectors
    assert any(rule.declarations.get("overflow-x") == "auto" for rule in small if "table" in rule.selectors)


def print_header(doc: HtmlElement) -> str:
    """The line only a printed page shows: the tracker, the page, when, where."""
    return text_of(doc.xpath("//*[contains(concat(' ', @class, ' '), ' print-header ')]")[0])


def test_pages_link_the_print_stylesheet(admin: FlaskClient, records):
    for url in (f"/agreements/{records['agreement_id']}", "/expiring/"):
        doc = parse(admin.get(url).get_data(as_text=True))
        assert doc.xpath("//link[@rel='stylesheet' and @media='print' and contains(@href, 'css/print.css')]"), url
        assert re.search(r"\d{4}", print_header(doc)), "the printed sheet says when it was printed"
    before = print_header(parse(admin.get("/expiring/").get_data(as_text=True)))
    time.sleep(1.1)
    assert print_header(parse(admin.get("/expiring/").get_data(as_text=True))) != before, "the clock must not stop"
    response = admin.get("/static/css/print.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    response.close()


def test_the_print_style_makes_a_briefing_sheet():
    sheet = Sheet.read(PRINT_SHEET, main_sheet())
    declared = {selector: rule.declarations for rule in sheet.rules for selector in rule.selectors}
    hidden = {selector for selector, values in declared.items() if values.get("display", "").startswith("none")}
    assert {".site-header", ".actions", ".pagination", "form", "button", ".skip-link"} <= hidden, hidden
    after = [values for selector, values in declared.items() if "::after" in selector]
    assert any("attr(href)" in values.get("content", "") for values in after)
    assert any(values.get("break-inside") == "avoid" for selector, values in declared.items() if selector == "tr")
    assert declared[".print-only"]["display"] != "none"
    ink, paper = sheet.page()
    assert ink == (0, 0, 0) and paper == (255, 255, 255)


def test_the_script_is_served_and_allowed(admin: FlaskClient):
    page = admin.get("/agreements/new")
    doc = parse(page.get_data(as_text=True))
    scripts = doc.xpath("//script")
    assert [script.get("src") for script in scripts] == [f"/static/{PICKER_SCRIPT}"]
    assert all(script.get("defer") is not None and not (script.text or "").strip() for script in scripts)
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
    script = admin.get(f"/static/{PICKER_SCRIPT}")
    assert script.status_code == 200 and script.mimetype in ("text/javascript", "application/javascript")
    assert "data-filter" in script.get_data(as_text=True)
    script.close()


def test_the_agreement_form_marks_its_pickers_and_works_without_script(admin: FlaskClient, make_party, get_sector):
    make_party(name="AITEC Co., Ltd", country_code="KR")
    page = admin.get("/agreements/new").get_data(as_text=True)
    doc = parse(page)
    sectors = doc.get_element_by_id("sectors")
    picker = next(sectors.iterancestors("fieldset"))
    assert picker.get("data-filter") and picker.get("data-filter-count")
    # A party is typed (the script offers the look-up's answers as one types): a labelled text input, no list of all.
    typed = doc.get_element_by_id("parties-0-party")
    assert typed.tag == "input" and typed.get("data-lookup") == "/lookup/parties" and typed.get("role") is None
    assert doc.xpath("//label[@for='parties-0-party']") and not doc.xpath("//select[contains(@id, '-party')]")
    assert not doc.xpath("//*[contains(@id, '-filter')]"), "the filter boxes are made by the script, not the page"
    sector = get_sector("electric-vehicles")
    values = replaced(form_values(page, "/agreements/new"), title="Plain form", **{"parties-0-party": "aitec co., ltd"})
    response = admin.post("/agreements/new", data=MultiDict([*values, ("sectors", str(sector.id))]))
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "AITEC Co., Ltd" in saved and sector.name in saved


def test_the_script_is_valid_javascript():
    """The browser behaviour is tested end to end; here node, where present, checks the syntax."""
    node = Path("/usr/bin/node")
    if not node.exists():
        pytest.skip("node is not installed")
    script = ROOT / "static" / PICKER_SCRIPT
    result = subprocess.run([str(node), "--check", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_saved_query_pages_pass_the_checks(admin: FlaskClient, records):
    """The saved queries' own pages as their owner sees them: the list with its buttons, the edit form, the list's
    "Save this query" form and the dashboard's section."""
    created = admin.post("/saved-queries/new", data={"name": "Kendaraan listrik", "query": "sector=electric-vehicles"})
    assert created.status_code == 302
    index = admin.get("/saved-queries").get_data(as_text=True)
    edit_url = re.search(r'href="(/saved-queries/[0-9]+/edit)"', index).group(1)
    pages = [html_page(f"GET {url}", admin.get(url)) for url in (*SAVED_QUERY_PAGES, edit_url)]
    assert [page.status for page in pages] == [200] * len(pages)
    assert "Kendaraan listrik" in pages[-2].text and "Save this query" in pages[-3].text
    assert report(pages) == ""


SAVED_QUERY_PAGES = ("/saved-queries", "/saved-queries/new?query=country%3DKR", "/agreements/", "/")
