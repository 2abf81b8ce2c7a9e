"""Journey: an editor adds a follow-up action with a due date, sees it overdue in needs attention, marks it done, and
it leaves the list."""

from __future__ import annotations

from tracker.models import UserRole

from .helpers import expect


def test_a_follow_up_action_from_overdue_to_done(page_as, make_agreement):
    make_agreement(title="AITEC technology cooperation", start="2006", end="2030")
    page, _editor = page_as(UserRole.EDITOR)

    page.get_by_role("link", name="My agreements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My agreements")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="AITEC technology cooperation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AITEC technology cooperation")
    adding = page.locator("form.action-form")
    adding.get_by_label("Action").fill("Joint working group meeting")
    adding.get_by_label("Due").fill("4 Oktober 2017")
    adding.get_by_role("button", name="Add action").click()

    expect(page.get_by_text("Action “Joint working group meeting” added.")).to_be_visible()
    actions = page.locator("table.actions-table")
    expect(actions).to_contain_text("Joint working group meeting")
    expect(actions).to_contain_text("4 October 2017")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expiring").click()
    overdue = page.get_by_role("table", name="Follow-up actions overdue")
    expect(overdue).to_contain_text("Joint working group meeting")
    expect(overdue).to_contain_text("AITEC technology cooperation")
    overdue.get_by_role("button", name="Mark done: Joint working group meeting").click()

    expect(page.get_by_text("“Joint working group meeting” marked done.")).to_be_visible()
    expect(page.get_by_role("table", name="Follow-up actions overdue")).to_have_count(0)
    expect(page.get_by_text("No follow-up action is overdue.")).to_be_visible()
