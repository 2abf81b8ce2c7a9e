"""The news inbox end to end: feeds served from a local site (RSS and Atom, Indonesian and English, a near-duplicate,
unrelated news) are read, the relevant items filed with their reasons, the rest left out, nothing filed twice; editors
triage them through the add-from-news review, admins register feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from tests.inbox_support import FEEDS, feed_site
from tests.jobs_support import running_worker, wait_for
from tests.web import test_ingest
from tests.web.test_ingest import AITEC_TITLE, hidden_payload
from tracker.errors import ValidationError
from tracker.inbox import fetch_feeds
from tracker.ingest.fetch.policy import FetchError
from tracker.ingest.newsfeed import FEED, LISTING, SITEMAP, detect, read_entries
from tracker.models import (
    Agreement,
    AgreementSource,
    InboxItem,
    InboxState,
    NewsFeed,
    PartyKind,
    ScheduleRun,
    ScheduleRunState,
    Source,
    SourceSnapshot,
    UserRole,
    utcnow,
)
from tracker.services.inbox import add_feed

# The seed story's parties and agreements (test_ingest's fixture).
story = test_ingest.story

AITEC_NEWS = "Kemenperin dan AITEC Korea Lanjutkan Kerja Sama Industri Cetakan"
MINISTRY = "Ministry of Industry of the Republic of Indonesia"
EV_NEWS = "Indonesia's industry ministry signs electric vehicle MoU with Korean battery maker"


@pytest.fixture
def site(app) -> Iterator[str]:
    """The local news site."""
    with feed_site(app) as base:
        yield base


@pytest.fixture
def feeds(site, session) -> dict[str, NewsFeed]:
    """The site's RSS and Atom feeds, registered."""
    registered = {
        "rss": add_feed(session, "Warta Industri", f"{site}/rss.xml"),
        "atom": add_feed(session, "Industry Wire", f"{site}/atom.xml"),
    }
    session.commit()
    return registered


def run(app) -> dict[str, int]:
    """One run of the feeds schedule's work."""
    with app.app_context():
        return fetch_feeds()


def fresh(session) -> None:
    """Read what the database has now: end the session's snapshot, and forget what it loaded before its commits
    (expire_on_commit is off)."""
    session.rollback()
    session.expire_all()


def items(session, state: InboxState | None = None) -> dict[str, InboxItem]:
    """The recorded items by title (of one state), as the database has them now."""
    fresh(session)
    statement = select(InboxItem) if state is None else select(InboxItem).where(InboxItem.state == state)
    return {item.title: item for item in session.scalars(statement)}


def test_relevant_items_are_filed_with_their_reasons_and_unrelated_ones_left_out(app, story, feeds, session, site):
    totals = run(app)
    assert set(items(session, InboxState.NEW)) == {AITEC_NEWS, EV_NEWS}
    left_out = items(session, InboxState.UNMATCHED)
    assert set(left_out) == {
        "Timnas U-23 Tundukkan Korea Selatan 2-1 di Stadion Gelora Bung Karno",  # names Korea Selatan, nothing more
        "Resep Rendang Daging Sapi yang Empuk untuk Lebaran",
        "Jakarta shares close higher as banks rally",
    }
    # Kept with their pages (to be scored again when the tracker learns a name), without reasons.
    assert all(item.page["text"] and item.reasons == [] for item in left_out.values())
    duplicate = items(session, InboxState.DUPLICATE)[f"{AITEC_NEWS} (foto)"]
    assert duplicate.url_normalized.endswith("/news/aitec-cetakan.html?page=all") and duplicate.canonical_url is None
    aitec = items(session)[AITEC_NEWS]
    # Filed once, under its address without the tracking parameters; the other addresses were skipped.
    assert aitec.url_normalized == f"{site}/news/aitec-cetakan.html".replace("http://", "https://")
    assert aitec.canonical_url == aitec.url_normalized
    assert aitec.language == "id" and aitec.published_at.isoformat() == "2017-10-04T08:32:00+00:00"
    assert aitec.feed.name == "Warta Industri"
    assert {"kind": "party", "name": "AITEC Co., Ltd"} in aitec.reasons
    assert {"kind": "alias", "alias": "Kemenperin", "name": MINISTRY} in aitec.reasons
    assert {"kind": "glossary", "phrase": "cetakan", "meaning": "moulds and dies"} in aitec.reasons
    assert {"kind": "agreement", "id": story.id, "title": AITEC_TITLE} in aitec.reasons
    assert aitec.score > items(session)[EV_NEWS].score >= app.config["TRACKER_INBOX_THRESHOLD"]
    fresh(session)
    # RSS: the article, the football and the recipe are new; the near-duplicate was fetched, then known by its
    # canonical URL. Atom: the syndicated article is known by its address alone, before any fetch; one page is gone.
    assert feeds["rss"].last_result == {"new": 4, "filed": 1, "unmatched": 2, "skipped": 1, "failed": 0}
    assert feeds["atom"].last_result == {"new": 3, "filed": 1, "unmatched": 1, "skipped": 1, "failed": 1}
    assert feeds["rss"].last_error == "" and feeds["rss"].last_fetched_at is not None
    assert totals == {
        **{"feeds": 2, "feeds_failed": 0, "new": 7, "filed": 2, "unmatched": 3, "skipped": 2, "failed": 1},
        **{"rescored": 0, "refiled": 0},
    }


def test_the_next_run_files_nothing_again_and_a_dismissed_item_never_comes_back(app, client_as, story, feeds, session):
    run(app)
    aitec = items(session)[AITEC_NEWS]
    editor = client_as(UserRole.EDITOR)
    response = editor.post(f"/inbox/{aitec.id}/dismiss")
    assert response.status_code == 302
    assert f'id="item-{aitec.id}"' not in editor.get("/inbox").get_data(as_text=True)
    again = run(app)
    # Only the page that could not be fetched is tried again.
    assert again == {
        **{"feeds": 2, "feeds_failed": 0, "new": 1, "filed": 0, "unmatched": 0, "skipped": 7, "failed": 1},
        **{"rescored": 3, "refiled": 0},  # the items left out, scored again: still nothing they name is recorded
    }
    assert items(session)[AITEC_NEWS].state == InboxState.DISMISSED
    assert len(items(session)) == 6  # five pages, and the near-duplicate's address
    refused = editor.post(f"/inbox/{aitec.id}/dismiss", follow_redirects=True)
    assert "This news item has been dealt with already." in refused.get_data(as_text=True)


TIMNAS = "Timnas U-23 Tundukkan Korea Selatan 2-1 di Stadion Gelora Bung Karno"
RENDANG = "Resep Rendang Daging Sapi yang Empuk untuk Lebaran"


def test_an_item_left_out_is_filed_once_the_tracker_knows_what_it_names(
    app, client_as, story, feeds, session, make_party
):
    run(app)
    assert items(session)[TIMNAS].state == InboxState.UNMATCHED  # Korea Selatan alone scores too little
    # The football association, recorded since under the U-23 team's nickname: the item now names two parties.
    make_party(name="Persatuan Sepak Bola Seluruh Indonesia", kind=PartyKind.ASSOCIATION, aliases=["Garuda Muda"])
    # An item left out longer ago than TRACKER_INBOX_RESCORE_DAYS is no longer scored again, and lets its page go.
    items(session)[RENDANG].found_at = utcnow() - timedelta(days=app.config["TRACKER_INBOX_RESCORE_DAYS"] + 1)
    session.commit()

    again = run(app)

    assert (again["rescored"], again["refiled"]) == (2, 1)
    timnas = items(session)[TIMNAS]
    assert timnas.state == InboxState.NEW and timnas.score >= app.config["TRACKER_INBOX_THRESHOLD"]
    assert {"kind": "alias", "alias": "Garuda Muda", "name": "Persatuan Sepak Bola Seluruh Indonesia"} in timnas.reasons
    assert items(session)[RENDANG].page == {} and items(session)[RENDANG].state == InboxState.UNMATCHED
    html = unescape(client_as(UserRole.EDITOR).get("/inbox").get_data(as_text=True))
    assert TIMNAS in html and "Garuda Muda (alias of Persatuan Sepak Bola Seluruh Indonesia)" in html
    # Reviewed from the inbox like any item: its page was kept.
    assert TIMNAS in client_as(UserRole.EDITOR).get(f"/inbox/{timnas.id}/review").get_data(as_text=True)


def test_admins_score_the_items_left_out_again_from_the_feeds_page(app, client_as, story, feeds, session, make_party):
    run(app)
    admin = client_as(UserRole.ADMIN)
    page = admin.get("/admin/feeds").get_data(as_text=True)
    assert "/admin/feeds/score-again" in page
    response = admin.post("/admin/feeds/score-again", follow_redirects=True)
    assert "scored again: 3; now waiting in the inbox: 0." in unescape(response.get_data(as_text=True))
    make_party(name="Persatuan Sepak Bola Seluruh Indonesia", kind=PartyKind.ASSOCIATION, aliases=["Garuda Muda"])
    response = admin.post("/admin/feeds/score-again", follow_redirects=True)
    assert "scored again: 3; now waiting in the inbox: 1." in unescape(response.get_data(as_text=True))
    assert items(session)[TIMNAS].state == InboxState.NEW
    assert client_as(UserRole.EDITOR).post("/admin/feeds/score-again").status_code == 403


def test_an_item_whose_page_is_already_a_source_is_skipped(app, story, feeds, session, site, make_source):
    make_source(title=AITEC_NEWS, url=f"{site}/news/aitec-cetakan.html")
    session.commit()
    run(app)
    assert AITEC_NEWS not in items(session)
    assert EV_NEWS in items(session, InboxState.NEW)


def test_a_feed_that_is_missing_or_not_a_feed_is_recorded_as_failed_with_the_reason(app, client_as, session, site):
    missing = add_feed(session, "Gone", f"{site}/old-rss.xml")
    html = add_feed(session, "A page, not a feed", f"{site}/news/resep-rendang.html", FEED)  # said to be RSS
    session.commit()
    totals = run(app)
    assert totals["feeds"] == 2 and totals["feeds_failed"] == 2
    fresh(session)
    # Why, kept as the message's data: worded when shown, in the reader's language.
    assert missing.last_error_message == {"msgid": "The page was not found (404).", "params": {}}
    assert html.last_error_message == {"msgid": "This address gives no RSS or Atom feed.", "params": {}}
    assert missing.last_error == html.last_error == ""
    admin = client_as(UserRole.ADMIN)
    page = unescape(admin.get("/admin/feeds").get_data(as_text=True))
    assert "Failed: The page was not found (404)." in page and "Failed: This address gives no RSS or Atom feed." in page
    assert admin.post("/language", data={"locale": "id", "next": "/"}).status_code == 302
    page = unescape(admin.get("/admin/feeds").get_data(as_text=True))
    assert "Halaman tidak ditemukan (404)." in page and "Alamat ini tidak memberikan umpan RSS atau Atom." in page
    assert items(session) == {}


def test_the_inbox_ranks_the_items_and_says_why_each_is_there(app, client_as, story, feeds, session):
    run(app)
    html = unescape(client_as(UserRole.EDITOR).get("/inbox").get_data(as_text=True))
    assert html.index(AITEC_NEWS) < html.index(EV_NEWS)
    ministry = MINISTRY
    row = html[html.index(AITEC_NEWS) : html.index(EV_NEWS)]
    assert (
        f"names Kemenperin (alias of {ministry}), AITEC Co., Ltd (party), "
        "Korea Selatan (alias of Government of the Republic of Korea); "
    ) in row
    assert "“cetakan” (glossary: moulds and dies)" in row and f"may concern “{AITEC_TITLE}”" in row
    assert "Inbox (2 new)" in html
    assert "Timnas" not in html and "Rendang" not in html
    assert client_as(UserRole.VIEWER).get("/inbox").status_code == 403


def confirm_from_inbox(editor, item: InboxItem, **fields):
    """Open the item's review and confirm it with the fields given."""
    review = editor.get(f"/inbox/{item.id}/review")
    assert review.status_code == 200, review.get_data(as_text=True)
    html = review.get_data(as_text=True)
    data = {
        "payload": hidden_payload(html),
        "inbox_item": str(item.id),
        "new_instrument": "mou",
        "new_status": "signed",
        "new_renewal": "not_recorded",
        **fields,
    }
    return html, editor.post("/sources/add/confirm", data=data)


def test_review_and_link_records_the_source_with_its_snapshot_and_marks_the_item_linked(
    app, client_as, story, feeds, session
):
    run(app)
    aitec = items(session)[AITEC_NEWS]
    editor = client_as(UserRole.EDITOR)
    html, response = confirm_from_inbox(
        editor, aitec, link_agreements=[str(story.id)], note="Kemenperin ingin memperpanjang kerja sama dengan AITEC."
    )
    assert AITEC_TITLE in html and f'name="inbox_item" type="hidden" value="{aitec.id}"' in html
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    item = items(session)[AITEC_NEWS]
    assert item.state == InboxState.LINKED and item.triaged_by.role == UserRole.EDITOR and item.triaged_at
    source = session.get(Source, item.source_id)
    assert source.title == AITEC_NEWS and len(source.snapshots) == 1 and "AITEC" in source.snapshots[0].text
    link = session.scalars(select(AgreementSource)).one()
    assert (link.agreement_id, link.note) == (story.id, "Kemenperin ingin memperpanjang kerja sama dengan AITEC.")
    page = editor.get("/inbox").get_data(as_text=True)
    assert f'id="item-{item.id}"' not in page and "Inbox (1 new)" in page
    gone = editor.get(f"/inbox/{item.id}/review", follow_redirects=True)
    assert "This news item has been dealt with already." in gone.get_data(as_text=True)


def test_a_new_agreement_recorded_from_an_item_marks_it_created(app, client_as, story, feeds, session):
    run(app)
    ev = items(session)[EV_NEWS]
    before = len(session.scalars(select(Agreement)).all())
    _html, response = confirm_from_inbox(
        client_as(UserRole.EDITOR), ev, create_new="y", new_title="MoU on electric vehicle batteries with Hanjin Energy"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    item = items(session)[EV_NEWS]
    assert item.state == InboxState.CREATED
    assert len(session.scalars(select(Agreement)).all()) == before + 1
    assert session.scalars(select(SourceSnapshot)).one().source_id == item.source_id


def test_admins_register_edit_and_stop_reading_feeds(client_as, session, site):
    admin = client_as(UserRole.ADMIN)
    response = admin.post("/admin/feeds", data={"name": "Warta Industri", "url": f" {site}/rss.xml "})
    assert response.status_code == 302
    feed = session.scalars(select(NewsFeed)).one()
    assert feed.url == f"{site}/rss.xml" and feed.active and feed.added_by.role == UserRole.ADMIN
    twice = admin.post("/admin/feeds", data={"name": "Again", "url": f"{site}/rss.xml"})
    assert twice.status_code == 409 and "The feed “Warta Industri” already has this address." in twice.get_data(
        as_text=True
    )
    bad = admin.post("/admin/feeds", data={"name": "FTP", "url": "ftp://warta.example/rss.xml"})
    assert bad.status_code == 422 and "Only http:// and https:// links are accepted." in bad.get_data(as_text=True)
    saved = admin.post(f"/admin/feeds/{feed.id}/edit", data={"name": "Warta Industri — Ekonomi", "url": feed.url})
    assert saved.status_code == 302
    fresh(session)
    assert feed.name == "Warta Industri — Ekonomi" and not feed.active
    assert client_as(UserRole.EDITOR).get("/admin/feeds").status_code == 403


def test_fetch_now_is_done_by_the_worker(app, client_as, story, feeds, session, engine):
    admin = client_as(UserRole.ADMIN)
    page = admin.get("/admin/feeds").get_data(as_text=True)
    assert "Fetch now" in page and "Never" in page
    assert admin.post("/admin/feeds/fetch").status_code == 302
    with running_worker(app):
        wait_for(lambda: done_runs(engine), "the feeds run to finish")
    assert set(items(session, InboxState.NEW)) == {AITEC_NEWS, EV_NEWS}
    page = admin.get("/admin/feeds").get_data(as_text=True)
    assert "New items: 4, filed in the inbox: 1, left out: 2, seen before: 1, not fetched: 0." in page


def done_runs(engine) -> list:
    """The feeds runs that finished."""
    with engine.connect() as connection:
        finished = (ScheduleRunState.DONE.value, ScheduleRunState.FAILED.value)
        table = ScheduleRun.__table__
        rows = connection.execute(
            select(table.c.state).where(table.c.schedule == "feeds", table.c.state.in_(finished))
        ).all()
    return rows


# --- sitemaps and listing pages ------------------------------------------------------------------


def served(name: str, site: str) -> bytes:
    """A fixture as the local site serves it."""
    return (FEEDS / name).read_text(encoding="utf-8").replace("{site}", site).encode()


def test_a_news_sitemap_gives_its_pages_newest_first_with_their_titles_and_dates():
    site = "https://warta.example"
    body = served("sitemap.xml", site)
    assert detect(body) == SITEMAP
    entries = read_entries(body, f"{site}/sitemap.xml")
    assert [entry.url for entry in entries] == [
        f"{site}/wire/ev-mou-korea.html",
        f"{site}/news/aitec-cetakan.html",
        f"{site}/news/resep-rendang.html",
    ]  # the javascript: address is left out
    assert entries[1].title == AITEC_NEWS and entries[1].published_at.isoformat() == "2017-10-04T08:32:00+00:00"
    assert entries[0].title == "" and entries[2].published_at.isoformat() == "2017-10-03T00:00:00+00:00"
    with pytest.raises(FetchError, match="sitemap index"):
        read_entries(served("sitemap-index.xml", site), site)
    with pytest.raises(FetchError, match="no sitemap"):
        read_entries(served("rss.xml", site), site, SITEMAP)


def test_a_listing_page_gives_its_article_links_of_the_same_site_and_nothing_else():
    site = "https://www.warta.example"
    body = served("ekonomi.html", site)
    assert detect(body) == LISTING and detect(served("rss.xml", site)) == "feed"
    entries = read_entries(body, f"{site}/ekonomi.html")
    assert [(entry.url, entry.title) for entry in entries] == [
        (f"{site}/news/aitec-cetakan.html", AITEC_NEWS),  # its tracking parameters and fragment gone, once
        (f"{site}/wire/ev-mou-korea.html", "Indonesia's industry ministry signs electric vehicle MoU"),
    ]
    # The same page read from the site's other host name ("www." aside) gives the same links.
    assert len(read_entries(body, "https://warta.example/ekonomi.html")) == 2
    with pytest.raises(FetchError, match="no feed, sitemap or list of articles"):
        read_entries(served("news/resep-rendang.html", site), site)


def test_sitemaps_and_listing_pages_bring_news_into_the_inbox(app, story, session, site):
    sitemap = add_feed(session, "Warta Industri (sitemap)", f"{site}/sitemap.xml")
    listing = add_feed(session, "Warta Industri — Ekonomi", f"{site}/ekonomi.html", LISTING)
    index = add_feed(session, "Warta Industri (indeks)", f"{site}/sitemap-index.xml", SITEMAP)
    session.commit()
    totals = run(app)
    assert set(items(session, InboxState.NEW)) == {AITEC_NEWS, EV_NEWS}
    assert set(items(session, InboxState.UNMATCHED)) == {RENDANG}
    fresh(session)
    assert sitemap.last_result == {"new": 3, "filed": 2, "unmatched": 1, "skipped": 0, "failed": 0}
    assert listing.last_result == {"new": 0, "filed": 0, "unmatched": 0, "skipped": 2, "failed": 0}  # seen
    assert index.last_error_message["msgid"].startswith("This is a sitemap index")
    assert (totals["feeds"], totals["feeds_failed"]) == (3, 1)


def test_admins_say_what_a_feeds_address_gives(client_as, session, site):
    admin = client_as(UserRole.ADMIN)
    page = admin.get("/admin/feeds").get_data(as_text=True)
    assert 'name="kind"' in page and "Sitemap (sitemap.xml, news sitemap)" in page
    data = {"name": "Kemenperin — siaran pers", "url": f"{site}/ekonomi.html"}
    refused = admin.post("/admin/feeds", data={**data, "kind": "podcast"})
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    assert admin.post("/admin/feeds", data={**data, "kind": "listing"}).status_code == 302
    feed = session.scalars(select(NewsFeed)).one()
    assert feed.kind == "listing"
    assert "Page listing articles (a section or press-release page)" in admin.get("/admin/feeds").get_data(as_text=True)
    edit = admin.get(f"/admin/feeds/{feed.id}/edit").get_data(as_text=True)
    assert '<option selected value="listing">' in edit or 'value="listing" selected' in edit
    saved = admin.post(f"/admin/feeds/{feed.id}/edit", data={**data, "kind": "auto", "active": "y"})
    assert saved.status_code == 302
    fresh(session)
    assert feed.kind == "auto"
    with pytest.raises(ValidationError):
        add_feed(session, "Bad", f"{site}/other.xml", "podcast")
