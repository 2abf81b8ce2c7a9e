"""Journey: the news feeds brought two relevant items; an editor dismisses one and reviews and links the other to the
AITEC agreement, which then cites it."""

from __future__ import annotations

import re

from tests.inbox_support import feed_site
from tests.web import test_ingest
from tracker.inbox import fetch_feeds
from tracker.models import UserRole
from tracker.services.inbox import add_feed

from .helpers import expect

AITEC_TITLE = test_ingest.AITEC_TITLE
# The seed story's parties and agreements (test_ingest's fixture).
story = test_ingest.story
AITEC_NEWS = "Kemenperin dan AITEC Korea Lanjutkan Kerja Sama Industri Cetakan"
EV_NEWS = "Indonesia's industry ministry signs electric vehicle MoU with Korean battery maker"


def test_triage_the_inbox(app, session, page_as, story):
    """Dismiss the electric-vehicle news, link the moulds-and-dies article to the AITEC agreement."""
    with feed_site(app) as site:
        add_feed(session, "Warta Industri", f"{site}/rss.xml")
        add_feed(session, "Industry Wire", f"{site}/atom.xml")
        session.commit()
        with app.app_context():
            assert fetch_feeds()["filed"] == 2
    page, _editor = page_as(UserRole.EDITOR)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox (2 new)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(AITEC_NEWS)  # the better match first
    expect(rows.nth(1)).to_contain_text("AITEC Co., Ltd (party)")
    expect(rows.nth(1)).to_contain_text("“cetakan” (glossary: moulds and dies)")
    expect(page.get_by_role("main")).not_to_contain_text("Timnas")

    page.get_by_role("button", name=re.compile(rf"Dismiss\s*: {re.escape(EV_NEWS)}")).click()
    expect(page.get_by_role("status")).to_contain_text("dismissed; it will not come back")
    expect(page.get_by_role("table")).not_to_contain_text(EV_NEWS)

    page.get_by_role("link", name=re.compile(rf"Review and link\s*: {AITEC_NEWS}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the source")
    expect(page.get_by_role("checkbox", name=AITEC_TITLE)).to_be_checked()
    page.get_by_label("What the source supports (a note or a quote)").fill(
        "Kemenperin ingin melanjutkan kerja sama dengan AITEC yang berjalan sejak 2006."
    )
    page.get_by_role("button", name="Confirm and save").click()

    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("status")).to_contain_text("recorded with its text")
    expect(page.get_by_role("main")).to_contain_text("Nothing waits in the inbox.")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox", exact=True)).to_be_visible()

    page.goto(f"/agreements/{story.id}")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=AITEC_NEWS)).to_be_visible()
    expect(main).to_contain_text("berjalan sejak 2006")
