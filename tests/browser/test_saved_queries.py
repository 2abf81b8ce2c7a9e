"""Journey (issue 18): an officer filters the agreement list, saves the query, finds it on the dashboard with its
count, and makes a calendar feed from it whose iCalendar holds the query's agreements."""

from __future__ import annotations

import re
from datetime import date

import icalendar

from tracker.models import PartyKind, PartyRole, UserRole

from .helpers import expect


def test_save_a_query_see_its_count_and_subscribe_to_it(page_as, make_party, make_agreement, get_sector, feed_today):
    feed_today(date(2030, 6, 1))  # the feed's horizon (three years ahead) reaches these ends, whatever the real day
    ev = get_sector("electric-vehicles")
    hyundai = make_party(name="Hyundai Motor Company", kind=PartyKind.COMPANY, country_code="KR")
    toyota = make_party(name="Toyota Motor Corporation", kind=PartyKind.COMPANY, country_code="JP")
    make_agreement(
        title="Kerja sama kendaraan listrik", end="2031-03", parties=[(hyundai, PartyRole.SIGNATORY)], sectors=[ev]
    )
    make_agreement(title="EV battery recycling MoU", end="2032", parties=[(hyundai, PartyRole.SIGNATORY)], sectors=[ev])
    make_agreement(
        title="Hybrid vehicles training", end="2031-06", parties=[(toyota, PartyRole.SIGNATORY)], sectors=[ev]
    )
    page, _officer = page_as(UserRole.VIEWER)

    page.goto("/agreements/?sector=electric-vehicles&country=KR")
    expect(page.get_by_text("2 agreements", exact=True)).to_be_visible()
    save = page.get_by_role("form", name="Save this query")
    save.get_by_label("Name of the query").fill("Kendaraan listrik Korea")
    save.get_by_role("button", name="Save this query").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved queries")
    expect(page.get_by_text("Query “Kendaraan listrik Korea” saved.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    section = page.get_by_role("region", name="Saved queries")
    expect(section.get_by_role("listitem")).to_have_text(re.compile(r"Kendaraan listrik Korea:\s*2 agreements"))
    section.get_by_role("link", name="Kendaraan listrik Korea").click()
    expect(page).to_have_url(re.compile(r"sector=electric-vehicles"))
    expect(page.get_by_text("2 agreements", exact=True)).to_be_visible()

    page.get_by_role("link", name="Saved queries").click()
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Kendaraan listrik Korea")
    expect(page.get_by_label("Agreement query")).to_have_value("sector=electric-vehicles&country=KR")
    page.get_by_role("button", name="Create calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar created")

    address = page.locator("code.secret").nth(1).inner_text()
    answer = page.request.get(address)
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    summaries = {str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")}
    assert any("Kerja sama kendaraan listrik" in summary for summary in summaries), summaries
    assert any("EV battery recycling MoU" in summary for summary in summaries), summaries
    assert not any("Hybrid vehicles training" in summary for summary in summaries), summaries
