"""Journey: a date typed as people write it is read back as it is typed, then saved at that precision."""

from __future__ import annotations

import re

from sqlalchemy import select

from tracker.dates import Precision
from tracker.models import Agreement, UserRole

from .helpers import expect


def test_a_typed_signing_date_is_read_back_then_saved_at_day_precision(page_as, session):
    page, _editor = page_as(UserRole.EDITOR)
    page.goto("/agreements/new")
    signed = page.get_by_label("Signed", exact=True)
    reading = page.locator("#signed-reading")

    signed.press_sequentially("4 Oktober 20", delay=20)
    expect(reading).to_contain_text("is not a date")  # a text that is no date yet says why
    signed.press_sequentially("17", delay=20)
    expect(reading).to_have_text("Read as: 4 October 2017 (exact day)")
    expect(signed).to_have_attribute("aria-describedby", re.compile(r"\bsigned-reading\b"))
    page.get_by_label("Start", exact=True).press_sequentially("2017")
    expect(page.locator("#start-reading")).to_have_text("Read as: 2017 (year only)")

    page.get_by_role("button", name="Save").click()  # no title yet: the form comes back
    expect(page.get_by_label("Title", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(reading).to_have_text("Read as: 4 October 2017 (exact day)")  # read again at once, under the input
    expect(page.locator("#signed-hint")).to_contain_text("Only as precise as is known")  # the usual hint is back

    page.get_by_label("Title", exact=True).fill("MoU on battery materials")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    expect(page.get_by_role("definition").filter(has_text="4 October 2017")).to_have_count(1)
    agreement = session.scalars(select(Agreement).where(Agreement.title == "MoU on battery materials")).one()
    assert (agreement.signed.iso(), agreement.signed.precision) == ("2017-10-04", Precision.DAY)
