"""Journey: an editor records the renewal of the demo's AITEC agreement (2006–2018): the form comes pre-filled with
the next period, saving opens the new agreement, which renews the old one; the old one shows renewed and expired."""

from __future__ import annotations

from tracker.demo import load_demo
from tracker.models import UserRole

from .helpers import expect

AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


def test_recording_the_renewal_of_the_aitec_agreement(session, page_as):
    load_demo(session)
    session.commit()
    page, _editor = page_as(UserRole.EDITOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name=AITEC_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(AITEC_TITLE)

    page.get_by_role("link", name="Record renewal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the renewal of")
    expect(page.get_by_label("Title", exact=True)).to_have_value(AITEC_TITLE)
    expect(page.get_by_label("Start", exact=True)).to_have_value("2019")
    expect(page.get_by_label("The old agreement is now")).to_have_value("expired")
    page.get_by_label("Title", exact=True).fill(AITEC_TITLE + " (2019)")
    duration = page.get_by_role("group", name="Duration")
    duration.get_by_label("years").fill("4")
    duration.get_by_label("months").fill("18")  # as people count a period: taken as it is
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Renewal recorded")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(AITEC_TITLE + " (2019)")
    expect(page.locator("dl.facts")).to_contain_text("Duration: 5 years 6 months")
    relations = page.locator("ul.relations")
    expect(relations).to_contain_text("Renews")
    relations.get_by_role("link", name=AITEC_TITLE, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(AITEC_TITLE)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Renewed")
    expect(facts).to_contain_text("Expired")
    expect(page.locator("ul.relations")).to_contain_text("Renewed by")
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(f"Renewal recorded: renewed by “{AITEC_TITLE} (2019)”")
