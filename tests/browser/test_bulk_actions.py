"""Journey: an editor ticks agreements on the list (one by one, then the whole page), changes their status in one
bulk action after confirming the count, and sees the result; the same works without the script."""

from __future__ import annotations

from tracker.models import AgreementStatus, RenewalIntent, UserRole

from .helpers import expect


def test_ticking_rows_and_changing_their_status(page_as, make_agreement):
    for title in ("Nota Kesepahaman Industri Baja", "MoU on Électric Vehicles", "Perjanjian Tekstil Hijau"):
        make_agreement(title=title, status=AgreementStatus.IN_FORCE, renewal_intent=RenewalIntent.NOT_RECORDED)
    make_agreement(title="Letter of intent on batteries", status=AgreementStatus.SIGNED)
    page, _editor = page_as(UserRole.EDITOR)
    page.goto("/agreements/?status=in_force")

    count = page.locator("#bulk-count")
    expect(count).to_have_text("0 selected")
    page.get_by_label("Select “Nota Kesepahaman Industri Baja”").check()
    page.get_by_label("Select “Perjanjian Tekstil Hijau”").check()
    expect(count).to_have_text("2 selected")
    select_page = page.get_by_label("Select every row on this page", exact=True)
    expect(select_page).to_be_visible()
    select_page.check()
    expect(count).to_have_text("3 selected")
    select_page.uncheck()
    expect(count).to_have_text("0 selected")
    page.get_by_label("Select “Nota Kesepahaman Industri Baja”").check()
    page.get_by_label("Select “MoU on Électric Vehicles”").check()

    page.get_by_label("Action").select_option(label="Change the status")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("2 agreements selected.")).to_be_visible()
    page.get_by_label("New status").select_option(label="Expired")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the status of 2 agreements to “Expired”?")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("2 agreements changed.")).to_be_visible()
    # Back on the list of in-force agreements, which the two have left.
    expect(page.get_by_text("1 agreement", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Perjanjian Tekstil Hijau")).to_be_visible()
    expect(page.get_by_role("link", name="MoU on Électric Vehicles")).to_have_count(0)


def test_all_matching_without_the_script(page_as, make_agreement):
    for number in range(3):
        make_agreement(title=f"Kerja Sama Otomotif {number}", status=AgreementStatus.SIGNED)
    page, _editor = page_as(UserRole.EDITOR, java_script_enabled=False)
    page.goto("/agreements/?q=Otomotif")
    expect(page.get_by_label("Select every row on this page", exact=True)).to_be_hidden()
    page.get_by_label("All 3 agreements matching this query").check()
    page.get_by_label("Action").select_option(label="Archive")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archive 3 agreements? An admin can restore them from the archive."
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("3 agreements archived.")).to_be_visible()
    expect(page.get_by_text("No agreement matches these filters.")).to_be_visible()
