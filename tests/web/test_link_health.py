"""Link health in the pages (issue 17): the source page says how its link was when last checked — changed, moved
(with a link to where), gone since when (its saved text still shown as the evidence), failing — and "Check now"
(editors) records a check; the list of links to look at shows the gone, moved and twice-failing links with the
agreements they are evidence for, filtered by kind and in pages."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.jobs_support import running_worker, wait_for
from tests.link_site import Answer, LinkSite, link_site  # noqa: F401 (the fixture)
from tests.web.a11y_html import problems_of
from tracker import linkcheck, recheck
from tracker.models import Source, SourceCheck, SourceCheckOutcome, UserRole

ARTICLE = (
    "Kementerian Perindustrian dan AITEC Co., Ltd menandatangani nota kesepahaman pengembangan teknologi cetakan.",
    "Kerja sama ini berlaku sampai tahun 2018 dan dapat diperpanjang atas kesepakatan kedua belah pihak.",
)
EVIDENCE = "menandatangani nota kesepahaman pengembangan teknologi cetakan"


def run_recheck(app: Flask) -> dict[str, int]:
    """One run of the re-check schedule's work."""
    with app.app_context():
        return recheck.recheck_sources()


def test_the_source_page_shows_each_kind_of_link_health_and_keeps_the_evidence(
    app,
    session,
    client_as,
    make_source,
    make_agreement,
    link_site: LinkSite,  # noqa: F811
):
    agreement = make_agreement(title="Kerja sama teknologi cetakan dengan AITEC", start="2006", end="2018")
    for path in ("/berubah", "/lama", "/hilang", "/galat"):
        link_site.page(path, *ARTICLE)
    sources = {
        path: make_source(title=f"Berita {path[1:]}", url=link_site.url(path), agreements=[(agreement, "")])
        for path in ("/berubah", "/lama", "/hilang", "/galat")
    }
    unknown = make_source(title="Siaran pers", url="http://kemenperin.invalid/siaran-pers")
    run_recheck(app)
    link_site.page("/berubah", ARTICLE[0], "Kerja sama ini diperpanjang sampai tahun 2023.")
    link_site.answers["/lama"] = Answer(308, location=link_site.url("/arsip/kerja-sama", host="arsip.test"))
    link_site.page("/arsip/kerja-sama", *ARTICLE)
    link_site.answers["/hilang"] = Answer(404)
    link_site.answers["/galat"] = Answer(502)
    run_recheck(app)
    viewer = client_as(UserRole.VIEWER)

    def page(path: str) -> str:
        return viewer.get(f"/sources/{sources[path].id}").get_data(as_text=True)

    changed = page("/berubah")
    assert "Alive, text changed" in changed and "characters added" in changed
    moved = page("/lama")
    new_address = link_site.url("/arsip/kerja-sama", host="arsip.test")
    assert "Moved since" in moved and f'<a href="{new_address}"' in moved
    gone = page("/hilang")
    assert "Gone since" in gone and "The page was not found (404)." in gone
    # Kept as the message's data, worded in the reader's language, whichever language the worker ran in.
    assert viewer.post("/language", data={"locale": "id", "next": "/"}).status_code == 302
    assert "Halaman tidak ditemukan (404)." in page("/hilang")
    assert "Halaman tidak ditemukan (404)." in viewer.get("/sources/links").get_data(as_text=True)
    assert viewer.post("/language", data={"locale": "en", "next": "/"}).status_code == 302
    assert "Saved text: the evidence now that the link is gone" in gone and EVIDENCE in gone
    assert '<details class="snapshot" open>' in gone
    failing = page("/galat")
    assert "Failing since" in failing and "(502)" in failing and EVIDENCE in failing
    for html in (changed, moved, gone, failing):
        assert problems_of(html) == []  # headings, names, no inline script or style
    name_gone = viewer.get(f"/sources/{unknown.id}").get_data(as_text=True)
    assert "Gone since" in name_gone and "kemenperin.invalid" in name_gone
    assert "No text of this source has been saved." in name_gone  # never fetched: no evidence to show
    assert "Check now" not in gone  # viewers see, editors check

    listed = viewer.get("/sources/links").get_data(as_text=True)
    for title in ("Berita lama", "Berita hilang", "Siaran pers"):
        assert title in listed
    assert "Berita galat" not in listed  # failing once: perhaps passing
    assert "Berita berubah" not in listed and agreement.title in listed
    assert problems_of(listed) == []
    only_moved = viewer.get("/sources/links?kind=moved").get_data(as_text=True)
    assert "Berita lama" in only_moved and "Berita hilang" not in only_moved
    assert viewer.get("/sources/links?kind=pindah").status_code == 400
    assert 'href="/sources/links"' in viewer.get("/sources/").get_data(as_text=True)
    assert 'href="/sources/links"' in viewer.get("/").get_data(as_text=True)

    link_site.answers["/galat"] = Answer(503)
    run_recheck(app)
    twice = viewer.get("/sources/links?kind=failing").get_data(as_text=True)
    assert "Berita galat" in twice and "(503)" in twice

    # An editor sets the moved source to its new address: it leaves the list until its next check.
    session.rollback()
    moved_source = session.get(Source, sources["/lama"].id)
    moved_source.url = new_address
    session.commit()
    assert "Berita lama" not in viewer.get("/sources/links").get_data(as_text=True)
    assert "The link was edited after this check" in page("/lama")


def test_the_list_is_paginated_and_says_when_not_everything_is_shown(
    app,
    client_as,
    make_source,
    link_site: LinkSite,  # noqa: F811
):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for number in range(3):
        make_source(title=f"Berita hilang {number}", url=link_site.url(f"/hilang-{number}"))
    run_recheck(app)
    viewer = client_as(UserRole.VIEWER)
    first = viewer.get("/sources/links").get_data(as_text=True)
    assert "3 links" in first and "2 shown on this page" in first and "Page 1 of 2" in first
    last = viewer.get("/sources/links?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in last and last.count("Berita hilang") == 1


def test_check_now_records_a_check_an_editor_sees_the_link_gone_and_the_snapshot_stays(
    app,
    session,
    client_as,
    make_source,
    link_site: LinkSite,  # noqa: F811
):
    link_site.page("/siaran", *ARTICLE)
    source = make_source(title="Siaran pers Kemenperin", url=link_site.url("/siaran"))
    editor, viewer = client_as(UserRole.EDITOR), client_as(UserRole.VIEWER)
    assert viewer.post(f"/sources/{source.id}/refetch").status_code == 403
    assert "This link has not been checked yet." in editor.get(f"/sources/{source.id}").get_data(as_text=True)

    def check_now() -> str:
        response = editor.post(f"/sources/{source.id}/refetch")
        assert response.status_code == 303
        url = response.headers["Location"]

        def finished() -> str:
            page = editor.get(url).get_data(as_text=True)
            return "" if "<progress" in page else page

        with running_worker(app):
            return wait_for(finished, "the check to finish")

    check_now()
    page = editor.get(f"/sources/{source.id}").get_data(as_text=True)
    assert "Alive, text changed" in page and "Check now" in page  # the first text kept
    link_site.answers["/siaran"] = Answer(301, location=link_site.url("/siaran-pers/2017", host="arsip.test"))
    link_site.page("/siaran-pers/2017", *ARTICLE)
    job_page = check_now()
    assert "The link has moved: it now leads to" in job_page and "arsip.test" in job_page
    assert "Moved since" in editor.get(f"/sources/{source.id}").get_data(as_text=True)
    link_site.answers["/siaran"] = Answer(410)
    check_now()
    page = editor.get(f"/sources/{source.id}").get_data(as_text=True)
    assert "Gone since" in page and "(410)" in page and EVIDENCE in page
    session.rollback()
    outcomes = session.scalars(select(SourceCheck.outcome).order_by(SourceCheck.id)).all()
    assert outcomes == [SourceCheckOutcome.CHANGED, SourceCheckOutcome.MOVED, SourceCheckOutcome.GONE]


def test_the_dashboard_counts_the_links_to_look_at_as_checks_come_in(
    app, session, client_as, make_source, make_agreement
):
    agreement = make_agreement(title="Kerja sama teknologi cetakan dengan AITEC", start="2006", end="2018")
    gone = make_source(title="Berita hilang", url="https://warta.example/hilang", agreements=[(agreement, "")])
    moved = make_source(title="Berita lama", url="https://warta.example/lama", agreements=[(agreement, "")])
    viewer = client_as(UserRole.VIEWER)

    def counted() -> str:
        html = viewer.get("/?as_of=2017-10-04").get_data(as_text=True)
        start = html.index('id="links-to-look-at"')
        return html[start : html.index("</p>", start)]

    assert "none" in counted()  # and the figures are cached now: a new check must be seen all the same
    linkcheck.record(session, gone.id, linkcheck.Health(SourceCheckOutcome.GONE, gone.url, "http", 404))
    session.commit()
    assert "<strong>1</strong>" in counted()
    linkcheck.record(
        session, moved.id, linkcheck.Health(SourceCheckOutcome.MOVED, moved.url, moved_to="https://arsip.example/lama")
    )
    linkcheck.record(session, gone.id, linkcheck.Health(SourceCheckOutcome.FAILING, gone.url, "timeout"))
    session.commit()
    assert "<strong>2</strong>" in counted()  # gone, then failing: still to look at
    assert '/sources/links"' in counted()
