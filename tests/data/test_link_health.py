"""Link health (issue 17): the re-check schedule's work against a local site classifies each link — alive, changed
(with how much changed), moved (where to), gone (404, 410, a name not found), failing (a timeout, a server error) —
and the list of links to look at takes the gone and moved ones at once, the failing ones from their second failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.link_site import Answer, LinkSite, link_site  # noqa: F401 (the fixture)
from tracker import linkcheck, recheck
from tracker.models import Source, SourceCheck, SourceCheckOutcome, SourceSnapshot
from tracker.queries.link_health import link_health, links_to_look_at
from tracker.services.archive import archive

FIRST = (
    "Kementerian Perindustrian dan AITEC Co., Ltd menandatangani nota kesepahaman pengembangan teknologi cetakan.",
    "Kerja sama ini berlaku sampai tahun 2018 dan dapat diperpanjang atas kesepakatan kedua belah pihak.",
)
SECOND = (FIRST[0], "Kerja sama ini diperpanjang sampai tahun 2023 atas kesepakatan kedua belah pihak.")


def run_recheck(app: Flask) -> dict[str, int]:
    """One run of the re-check schedule's work, as the worker does it."""
    with app.app_context():
        return recheck.recheck_sources()


def last_checks(engine: Engine) -> dict[str, SourceCheck]:
    """Each source's (title's) last check."""
    with Session(engine) as session:
        rows = session.execute(select(Source.title, SourceCheck).join(Source).order_by(SourceCheck.id))
        return {row[0]: row[1] for row in rows}


def test_each_link_is_classified_and_the_ones_to_look_at_are_listed(
    app,
    engine,
    session,
    make_source,
    make_agreement,
    link_site: LinkSite,  # noqa: F811
):
    agreement = make_agreement(title="Kerja sama teknologi cetakan dengan AITEC", start="2006", end="2018")
    link_site.page("/tetap", *FIRST)
    link_site.page("/berubah", *FIRST)
    link_site.page("/lama", *FIRST)
    link_site.page("/hilang", *FIRST)
    link_site.page("/dihapus", *FIRST)
    link_site.page("/lambat", *FIRST)
    link_site.answers["/galat"] = Answer(500)
    titles = {
        "Tetap": link_site.url("/tetap"),
        "Berubah": link_site.url("/berubah"),
        "Pindah": link_site.url("/lama"),
        "Hilang": link_site.url("/hilang"),
        "Dihapus": link_site.url("/dihapus"),
        "Nama tidak dikenal": "http://kemenperin.invalid/siaran-pers",
        "Lambat": link_site.url("/lambat"),
        "Galat server": link_site.url("/galat"),
    }
    for title, url in titles.items():
        make_source(title=title, url=url, agreements=[(agreement, "")])
    first = run_recheck(app)  # every page's first text is kept; the name is not found; the server fails
    assert first == {"checked": 8, "unchanged": 0, "changed": 6, "moved": 0, "gone": 1, "failing": 1, "due": 0}

    # A month later: one page changed, one moved, two were taken down, one hangs, one server fails.
    link_site.page("/berubah", *SECOND)
    link_site.answers["/lama"] = Answer(301, location=link_site.url("/arsip/2017/kerja-sama", host="arsip.test"))
    link_site.page("/arsip/2017/kerja-sama", *FIRST)
    link_site.answers["/hilang"] = Answer(404)
    link_site.answers["/dihapus"] = Answer(410)
    link_site.hanging.add("/lambat")
    link_site.answers["/galat"] = Answer(503)
    second = run_recheck(app)
    assert second == {"checked": 8, "unchanged": 1, "changed": 1, "moved": 1, "gone": 3, "failing": 2, "due": 0}

    checks = last_checks(engine)
    assert checks["Tetap"].outcome == SourceCheckOutcome.UNCHANGED
    changed = checks["Berubah"]
    assert changed.outcome == SourceCheckOutcome.CHANGED
    # "berlaku sampai tahun 2018 dan dapat diperpanjang" became "diperpanjang sampai tahun 2023".
    added, removed = len("diperpanjang") + len("2023"), len("berlaku") + len("2018 dan dapat diperpanjang")
    assert (changed.chars_added, changed.chars_removed) == (added, removed)
    moved = checks["Pindah"]
    assert moved.outcome == SourceCheckOutcome.MOVED
    assert moved.moved_to == link_site.url("/arsip/2017/kerja-sama", host="arsip.test")
    assert moved.chars_added is None  # the same text at its new address
    assert moved.url == link_site.url("/lama")
    assert (checks["Hilang"].outcome, checks["Hilang"].http_status) == (SourceCheckOutcome.GONE, 404)
    assert (checks["Dihapus"].outcome, checks["Dihapus"].http_status) == (SourceCheckOutcome.GONE, 410)
    unknown = checks["Nama tidak dikenal"]
    assert (unknown.outcome, unknown.reason) == (SourceCheckOutcome.GONE, "dns")
    assert unknown.message == {"msgid": "The site's name could not be found (%(host)s).",
                               "params": {"host": "kemenperin.invalid"}}  # fmt: skip
    slow = checks["Lambat"]
    assert (slow.outcome, slow.reason) == (SourceCheckOutcome.FAILING, "timeout")
    assert (checks["Galat server"].outcome, checks["Galat server"].http_status) == (SourceCheckOutcome.FAILING, 503)

    # Nothing kept is lost: the pages that are gone keep their snapshot, the changed page has two.
    with Session(engine) as reader:
        kept = reader.scalars(select(Source.title).select_from(SourceSnapshot).join(Source)).all()
        assert {"Hilang", "Dihapus", "Lambat"} <= set(kept)
        assert len(reader.scalars(select(SourceSnapshot).join(Source).where(Source.title == "Berubah")).all()) == 2

    # The list: moved and gone at once; "Galat server" failed twice (500, then 503), "Lambat" only once.
    listed = links_to_look_at(session, per_page=25)
    names = [item.source.title for item in listed.items]
    assert set(names) == {"Pindah", "Hilang", "Dihapus", "Nama tidak dikenal", "Galat server"}
    assert listed.total == 5
    assert [item.source.title for item in links_to_look_at(session, "moved").items] == ["Pindah"]
    assert [item.source.title for item in links_to_look_at(session, "failing").items] == ["Galat server"]
    assert {item.source.title for item in links_to_look_at(session, "gone").items} == {
        "Hilang",
        "Dihapus",
        "Nama tidak dikenal",
    }
    assert all(item.source.agreement_links[0].agreement.title == agreement.title for item in listed.items)
    # Paginated: two a page, three pages, the last not full.
    pages = [links_to_look_at(session, page=number, per_page=2) for number in (1, 2, 3)]
    assert [len(page.items) for page in pages] == [2, 2, 1] and pages[0].pages == 3
    assert sorted(title for page in pages for title in (item.source.title for item in page.items)) == sorted(names)


def add_check(session, source: Source, outcome: SourceCheckOutcome, when: datetime) -> None:
    """A check recorded at a given moment."""
    session.add(SourceCheck(source_id=source.id, outcome=outcome, checked_at=when, url=source.url))


def test_gone_since_is_the_first_failure_of_the_current_run_and_the_newest_problem_comes_first(session, make_source):
    day = datetime(2026, 11, 1, 3, 30, tzinfo=UTC)
    lama = make_source(title="Berita lama", url="https://antaranews.com/berita/1")
    baru = make_source(title="Berita baru", url="https://antaranews.com/berita/2")
    for offset, outcome in enumerate(("gone", "unchanged", "failing", "failing", "gone")):
        add_check(session, lama, SourceCheckOutcome(outcome), day + timedelta(days=offset))
    add_check(session, baru, SourceCheckOutcome.UNCHANGED, day)
    add_check(session, baru, SourceCheckOutcome.GONE, day + timedelta(days=3))
    session.commit()

    health = link_health(session, lama.id)
    assert health.last.outcome == SourceCheckOutcome.GONE
    assert health.since == day + timedelta(days=2)  # the failing run began after the check that found it alive
    assert link_health(session, baru.id).since == day + timedelta(days=3)
    assert [item.source.title for item in links_to_look_at(session).items] == ["Berita baru", "Berita lama"]

    add_check(session, lama, SourceCheckOutcome.CHANGED, day + timedelta(days=5))
    session.commit()
    alive = link_health(session, lama.id)
    assert alive.last.outcome == SourceCheckOutcome.CHANGED and alive.since is None
    assert [item.source.title for item in links_to_look_at(session).items] == ["Berita baru"]
    archive(session, baru)
    session.commit()
    assert links_to_look_at(session).items == []  # an archived source is nobody's to look at
    assert link_health(session, make_source(title="Belum dicek", url="https://kompas.id/x").id) is None


def test_the_text_difference_counts_characters_and_stays_linear_on_long_texts():
    assert linkcheck.text_difference("Nota kesepahaman berlaku 2018", "Nota kesepahaman berlaku 2023") == (4, 4)
    assert linkcheck.text_difference(None, "Kerja sama baru") == (len("Kerja sama baru"), 0)
    assert linkcheck.text_difference("a  b\n c", "a b c") == (0, 0)  # compared as normalised
    long_old = " ".join(f"kata{n}" for n in range(6000))
    long_new = " ".join(f"kata{n}" for n in range(1, 6001))
    assert linkcheck.text_difference(long_old, long_new) == (len("kata6000"), len("kata0"))


def test_a_run_checks_at_most_so_many_pages_of_one_site(app, engine, make_source, link_site: LinkSite):  # noqa: F811
    app.config["TRACKER_RECHECK_PER_HOST"] = 2
    for number in range(3):
        link_site.page(f"/berita-{number}", *FIRST)
        make_source(title=f"Berita {number}", url=link_site.url(f"/berita-{number}"))
    make_source(title="Arsip", url=link_site.url("/arsip-1", host="arsip.test"))
    link_site.page("/arsip-1", *FIRST)
    result = run_recheck(app)
    assert (result["checked"], result["due"]) == (3, 1)
    assert set(last_checks(engine)) == {"Berita 0", "Berita 1", "Arsip"}
    assert run_recheck(app)["checked"] == 3  # the one left waits for the next run, then goes first
    assert "Berita 2" in last_checks(engine)
