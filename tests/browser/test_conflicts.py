"""Journey: the AITEC agreement's page shows the seed story's conflicting reports side by side (tirto.id: AITEC;
Mahata News: KITECH, an MoU, extended); an editor resolves the counterpart's, and it stays shown as resolved."""

from __future__ import annotations

from tests.conflict_support import demo_story
from tracker.models import UserRole

from .helpers import expect


def test_resolve_the_seed_conflict_on_the_agreement_page(page_as, session):
    aitec = demo_story(session)
    page, _editor = page_as(UserRole.EDITOR)
    page.goto(f"/agreements/{aitec.id}")

    parties = page.locator("section.conflict", has=page.get_by_role("heading", name="Parties"))
    table = parties.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Record", "tirto.id", "Mahata News"])
    expect(table.get_by_role("cell").nth(2)).to_contain_text("Korea Institute of Industrial Technology")
    expect(table.get_by_role("cell").nth(2)).to_contain_text("differs")
    expect(page.locator("section.conflict", has=page.get_by_role("heading", name="Instrument"))).to_contain_text(
        "Memorandum of understanding"
    )

    # Without a reason the form says so next to the field; then Mahata News is preferred, and why.
    parties.get_by_label("Preferred claim").select_option(
        label="Mahata News: Ministry of Industry of the Republic of Indonesia; Korea Institute of Industrial Technology"
    )
    parties.get_by_role("button", name="Resolve Parties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conflict about Parties Open")
    expect(page.locator(".error")).to_contain_text("Say why this claim is preferred.")
    page.get_by_label("Why this claim").fill("The 2006 MoU in the ministry's archive names KITECH.")
    page.get_by_role("button", name="Resolve Parties").click()

    expect(page.get_by_role("status")).to_contain_text("Conflict about Parties resolved.")
    parties = page.locator("section.conflict", has=page.get_by_role("heading", name="Parties"))
    expect(parties).to_contain_text("Resolved")
    expect(parties).to_contain_text("preferred Mahata News")
    expect(parties).to_contain_text("The 2006 MoU in the ministry's archive names KITECH.")
    expect(parties.get_by_role("button", name="Resolve Parties")).to_have_count(0)

    page.get_by_role("link", name="History").first.click()
    expect(page.get_by_text("Conflict resolved: Parties, preferred Mahata News")).to_be_visible()
