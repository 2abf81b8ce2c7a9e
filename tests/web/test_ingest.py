"""End to end: a user gives the seed article's URL (served locally), confirms the suggestions, and ends with
the AITEC agreement linked to the source and its snapshot — in the UI and through the CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.inbox_support import local_site
from tests.jobs_support import running_worker, wait_for
from tracker.ingest.fetch.policy import policy_from_config
from tracker.models import (
    Agreement,
    AgreementStatus,
    PartyKind,
    PartyRole,
    RenewalIntent,
    SnapshotMethod,
    Source,
    SourceSnapshot,
    UserRole,
)

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
SEED_PAGE = "tirto_aitec.html"
AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


class PageHandler(BaseHTTPRequestHandler):
    """Serves the fixture pages as a news site would."""

    def do_GET(self) -> None:
        name = self.path.strip("/").split("?")[0]
        path = PAGES / name
        if not name or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        kind = "application/pdf" if name.endswith(".pdf") else "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def news_site(app) -> Iterator[str]:
    """A local web server with the fixture pages, which the app is allowed to fetch from."""
    with local_site(app, PageHandler) as base:
        policy_from_config(app.config)  # the settings parse
        yield base


@pytest.fixture
def story(make_party, make_agreement, get_sector) -> Agreement:
    """The parties and agreements of the seed story, without any source yet (the test adds the article)."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    korea = make_party(
        name="Government of the Republic of Korea",
        kind=PartyKind.STATE,
        country_code="KR",
        aliases=["Korea Selatan", "Korsel"],
    )
    make_agreement(
        title="MoU with Korea on renewable energy and electric vehicles",
        status=AgreementStatus.ANNOUNCED,
        parties=[(ministry, PartyRole.SIGNATORY), (korea, PartyRole.SIGNATORY)],
        sectors=[get_sector("renewable-energy"), get_sector("electric-vehicles")],
    )
    return make_agreement(
        title=AITEC_TITLE,
        start="2006",
        end="2018",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )


def hidden_payload(html: str) -> str:
    """The signed payload of the review form."""
    return re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)


def add_and_link(editor, url: str, agreement: Agreement) -> None:
    """Read the page at `url` and confirm the review, linking it to `agreement`."""
    html = editor.post("/sources/add", data={"url": url}).get_data(as_text=True)
    editor.post(
        "/sources/add/confirm",
        data={
            "payload": hidden_payload(html),
            "link_agreements": [str(agreement.id)],
            "new_instrument": "agreement",
            "new_status": "announced",
            "new_renewal": "none",
        },
    )


def test_review_then_confirm_links_the_aitec_agreement(client_as, news_site, story, session):
    editor = client_as(UserRole.EDITOR)
    response = editor.post("/sources/add", data={"url": f"{news_site}/{SEED_PAGE}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel" in html
    for expected in (
        "AITEC Co., Ltd",
        "2006–2018",
        "Renewal intended",
        "Technology",
        "Renewable energy",
        "Electric vehicles",
        "Moulds and dies",
    ):
        assert expected in html, expected
    assert session.scalars(select(Source)).all() == []  # nothing saved before the confirmation
    response = editor.post(
        "/sources/add/confirm",
        data={
            "payload": hidden_payload(html),
            "link_agreements": [str(story.id)],
            "note": "2006 to 2018, to extend",
            "new_instrument": "agreement",
            "new_status": "announced",
            "new_renewal": "none",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    source = session.scalars(select(Source)).one()
    assert [link.agreement.title for link in source.agreement_links] == [AITEC_TITLE]
    snapshot = session.scalars(select(SourceSnapshot)).one()
    assert snapshot.method is SnapshotMethod.FETCH and "AITEC" in snapshot.text
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "AITEC" in page and "2006 to 2018, to extend" in page


def test_a_known_url_is_reviewed_again_and_keeps_a_new_snapshot(client_as, news_site, story, session):
    editor = client_as(UserRole.EDITOR)
    add_and_link(editor, f"{news_site}/{SEED_PAGE}", story)
    again = editor.post("/sources/add", data={"url": f"{news_site}/{SEED_PAGE}/?utm_source=x"})
    review = again.get_data(as_text=True)
    assert again.status_code == 200 and 'id="recorded-source"' in review
    response = confirm_with(editor, review, link_agreements=[str(story.id)], note="")
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    source = session.scalars(select(Source)).one()
    assert [link.agreement_id for link in source.agreement_links] == [story.id]
    assert [snapshot.method for snapshot in source.snapshots] == [SnapshotMethod.FETCH] * 2


def test_a_pasted_page_already_recorded_fills_the_source_it_lacked(client_as, story, session, make_source):
    """A source recorded by an import (its URL as title, nothing else) takes the pasted page's text and metadata."""
    written = "http://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ/"
    recorded = make_source(
        title=written, url=written, outlet="", published_on=None, language="", agreements=[(story, "")]
    )
    editor = client_as(UserRole.EDITOR)
    page = (PAGES / SEED_PAGE).read_text(encoding="utf-8")
    review = editor.post("/sources/add", data={"pasted": page}).get_data(as_text=True)
    assert "already recorded as source" in review and f"/sources/{recorded.id}" in review
    response = confirm_with(editor, review, link_agreements=[str(story.id)], note="2006 to 2018, to extend")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/sources/{recorded.id}")
    session.expire_all()  # the fixture's source object was loaded before the request
    source = session.scalars(select(Source)).one()
    assert source.url == written  # as the user wrote it
    assert source.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert (source.outlet, source.language, source.published_on.year) == ("tirto.id", "id", 2017)
    assert source.excerpt and "AITEC" in source.snapshots[0].text
    assert [snapshot.method for snapshot in source.snapshots] == [SnapshotMethod.PASTE]
    assert [(link.agreement_id, link.note) for link in source.agreement_links] == [
        (story.id, "2006 to 2018, to extend")
    ]


def test_what_the_recorded_source_has_stays(client_as, story, session, make_source):
    written = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
    make_source(title="Kerja sama AITEC", url=written, outlet="Tirto", agreements=[(story, "the quote")])
    editor = client_as(UserRole.EDITOR)
    page = (PAGES / SEED_PAGE).read_text(encoding="utf-8")
    review = editor.post("/sources/add", data={"pasted": page}).get_data(as_text=True)
    assert confirm_with(editor, review, link_agreements=[str(story.id)], note="another").status_code == 302
    session.expire_all()
    source = session.scalars(select(Source)).one()
    assert (source.title, source.outlet, source.agreement_links[0].note) == ("Kerja sama AITEC", "Tirto", "the quote")
    assert len(source.snapshots) == 1


def test_refused_links_say_why(client_as, news_site):
    editor = client_as(UserRole.EDITOR)
    for url, message in [
        ("http://127.0.0.1:9/x", "port"),
        ("http://10.0.0.1/x", "private"),
        ("javascript:alert(1)", "http"),
        (f"{news_site}/press_release.pdf", "PDF"),
        (f"{news_site}/missing.html", "404"),
    ]:
        response = editor.post("/sources/add", data={"url": url})
        assert response.status_code == 422, url
        assert message.lower() in response.get_data(as_text=True).lower(), (url, message)


def confirm_with(editor, page_html: str, **fields) -> Any:
    """Post the review of `page_html` with these fields (nothing else ticked)."""
    data = {"payload": hidden_payload(page_html), "new_instrument": "agreement", "new_status": "announced"}
    return editor.post("/sources/add/confirm", data={**data, "new_renewal": "none", **fields})


def test_any_other_agreement_is_named_by_number_or_title(client_as, story, session, make_agreement):
    other = make_agreement(title="Moulds and dies MoU with KOMEA")
    editor = client_as(UserRole.EDITOR)
    page = (PAGES / SEED_PAGE).read_text(encoding="utf-8")
    review = editor.post("/sources/add", data={"pasted": page}).get_data(as_text=True)
    assert 'list="link_other-suggestions"' in review and f'value="#{other.id} Moulds and dies MoU with KOMEA"' in review
    refused = confirm_with(editor, review, link_other="No such agreement")
    assert refused.status_code == 422
    assert "No agreement has this number or title." in refused.get_data(as_text=True)
    unknown_tick = confirm_with(editor, review, link_agreements=["999999"])
    assert unknown_tick.status_code == 422
    response = confirm_with(
        editor, review, link_agreements=[str(story.id)], link_other="moulds and dies mou with komea"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    source = session.scalars(select(Source)).one()
    assert sorted(link.agreement_id for link in source.agreement_links) == sorted([story.id, other.id])


def test_tampered_review_is_refused(client_as, story, session):
    editor = client_as(UserRole.EDITOR)
    response = editor.post("/sources/add/confirm", data={"payload": "forged", "link_agreements": [str(story.id)]})
    assert response.status_code == 302
    session.rollback()
    assert session.scalars(select(Source)).all() == []


def test_pasted_html_and_uploads(client_as, story, session):
    editor = client_as(UserRole.EDITOR)
    page = (PAGES / SEED_PAGE).read_text(encoding="utf-8")
    assert "AITEC Co., Ltd" in editor.post("/sources/add", data={"pasted": page}).get_data(as_text=True)
    from io import BytesIO

    upload = {"upload": (BytesIO(page.encode()), "artikel.html")}
    assert editor.post("/sources/add", data=upload, content_type="multipart/form-data").status_code == 200
    bad = {"upload": (BytesIO(b"%PDF-1.4"), "artikel.pdf")}
    assert editor.post("/sources/add", data=bad, content_type="multipart/form-data").status_code == 422


def test_cli_adds_and_links_the_suggested_agreement(app, news_site, story, session):
    result = app.test_cli_runner().invoke(args=["add-source", f"{news_site}/{SEED_PAGE}", "--link-suggested"])
    assert result.exit_code == 0, result.output
    assert "AITEC" in result.output and "Recorded source" in result.output
    session.rollback()
    source = session.scalars(select(Source)).one()
    assert [link.agreement.id for link in source.agreement_links] == [story.id]
    assert len(source.snapshots) == 1
    again = app.test_cli_runner().invoke(args=["add-source", f"{news_site}/{SEED_PAGE}", "--link-suggested"])
    assert again.exit_code == 0 and "Already recorded" in again.output


def test_cli_needs_a_decision(app, news_site, story):
    result = app.test_cli_runner().invoke(args=["add-source", f"{news_site}/{SEED_PAGE}"])
    assert result.exit_code != 0 and "Nothing saved" in result.output


def finished_page(client, url: str) -> str:
    """The job's page once the job has finished, else ""."""
    page = client.get(url).get_data(as_text=True)
    return "" if "<progress" in page else page


def test_refetch_keeps_a_new_snapshot_and_says_whether_the_text_changed(app, client_as, news_site, story, session):
    editor = client_as(UserRole.EDITOR)
    add_and_link(editor, f"{news_site}/{SEED_PAGE}", story)
    session.rollback()
    source = session.scalars(select(Source)).one()
    source.url = f"{news_site}/{SEED_PAGE}"  # the article's own URL is its canonical one, not reachable in tests
    session.commit()
    assert "Check now" in editor.get(f"/sources/{source.id}").get_data(as_text=True)
    response = editor.post(f"/sources/{source.id}/refetch")  # a background job, run here by a worker
    assert response.status_code == 303
    with running_worker(app):
        job_page = wait_for(lambda: finished_page(editor, response.headers["Location"]), "the fetch job to finish")
    assert "the text is unchanged" in job_page
    session.rollback()
    assert len(session.scalars(select(SourceSnapshot)).all()) == 2


def test_a_new_agreement_from_a_page_takes_dates_as_the_importer_reads_them(client_as, session):
    editor = client_as(UserRole.EDITOR)
    review = editor.post("/sources/add", data={"pasted": (PAGES / SEED_PAGE).read_text(encoding="utf-8")})
    page = review.get_data(as_text=True)
    fields = {"create_new": "y", "new_title": "Kerja sama pengembangan teknologi dengan AITEC"}
    refused = confirm_with(editor, page, **fields, new_start="Maret 2006", new_end="31 Pebruari 2018")
    assert refused.status_code == 422 and "That day does not exist in that month." in refused.get_data(as_text=True)
    response = confirm_with(editor, page, **fields, new_start="Maret 2006", new_end="Jakarta, 4 Oktober 2018")
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    agreement = session.scalars(select(Agreement)).one()
    assert (agreement.start.iso(), agreement.end.iso()) == ("2006-03", "2018-10-04")
