"""The agreement list's journey (issue 18) on a laptop and on a phone: a facet's value filters the list and becomes a
chip, removing the chip keeps the other filters, a heading sorts the rows, "Go to page" moves through the pages; the
page passes the accessibility checks at each step."""

from __future__ import annotations

import re

import pytest

from tests.web.a11y_html import problems_of
from tracker.models import AgreementStatus, PartyKind, PartyRole, UserRole

from .helpers import expect, sign_in

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def accessible(page) -> None:
    """The page as the browser has it passes the suite's accessibility checks (tests/web/a11y_html.py)."""
    assert problems_of(page.content()) == []


def titles(page) -> list[str]:
    """The result rows' titles, in order."""
    return page.locator("table.agreements tbody tr").get_by_role("link").all_inner_texts()


def seed(make_party, make_agreement, get_sector) -> None:
    """Twelve agreements: eight in force with Korea (three of them also in technology), four announced with Japan."""
    korea = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    japan = make_party(name="JICA", kind=PartyKind.STATE, country_code="JP")
    technology, energy = get_sector("technology"), get_sector("renewable-energy")
    for number in range(1, 9):
        make_agreement(
            title=f"Korea cooperation {number:02d}",
            start="2006-03-15",
            end="2018-03-14",
            parties=[(korea, PartyRole.SIGNATORY)],
            sectors=[technology, energy] if number <= 3 else [energy],
        )
    for number in range(1, 5):
        make_agreement(
            title=f"Japan plan {number:02d}",
            status=AgreementStatus.ANNOUNCED,
            parties=[(japan, PartyRole.SIGNATORY)],
            sectors=[technology],
        )


def open_facets(page, viewport) -> object:
    """The facets' panel, opened first where it is a drawer (below a wide screen)."""
    panel = page.get_by_role("complementary", name="Counts by value")
    if viewport["width"] < 1024:
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="Counts by value").click()
    expect(panel).to_be_visible()
    return panel


def choose(page, viewport, facet: str, value: str, count: int) -> None:
    """Follow a facet's value, which counts `count` agreements; the list then says as many."""
    values = open_facets(page, viewport).get_by_role("region", name=facet)
    expect(values.get_by_role("listitem").filter(has_text=value)).to_contain_text(str(count))
    values.get_by_role("link", name=value).click()
    expect(page.get_by_text(f"{count} agreements", exact=True)).to_be_visible()


@pytest.mark.parametrize("viewport", [pytest.param(LAPTOP, id="1366x768"), pytest.param(PHONE, id="390x844")])
def test_facet_chip_sort_and_go_to_page(page_as, make_party, make_agreement, get_sector, viewport):
    """Filter by a facet, take the chip away, sort by a heading, then go to page 2 of 10 rows a page."""
    seed(make_party, make_agreement, get_sector)
    page, _viewer = page_as(UserRole.VIEWER, viewport=viewport)
    page.goto("/agreements/?per_page=10")
    expect(page.get_by_text("12 agreements", exact=True)).to_be_visible()
    expect(page.locator("table.agreements tbody tr").first).to_be_in_viewport()
    accessible(page)

    # A facet's value, with its count, adds the filter: the list then has as many rows as the count said.
    choose(page, viewport, "Sector", "Technology", 7)
    chips = page.get_by_role("list", name="Filters in use")
    expect(chips.get_by_role("link", name=re.compile("Sector: Technology"))).to_be_visible()
    accessible(page)

    # A second facet narrows further; its chip taken away keeps the sector.
    choose(page, viewport, "Status", "In force", 3)
    chips.get_by_role("link", name=re.compile("Status: In force")).click()
    expect(page.get_by_text("7 agreements", exact=True)).to_be_visible()
    expect(chips.get_by_role("link", name=re.compile("Status"))).to_have_count(0)
    expect(chips.get_by_role("link", name=re.compile("Sector: Technology"))).to_be_visible()
    chips.get_by_role("link", name="Clear all").click()
    expect(page.get_by_text("12 agreements", exact=True)).to_be_visible()

    # A heading sorts by its column, again the other way; the sorted column says so.
    heading = page.get_by_role("columnheader", name=re.compile("^Agreement"))
    heading.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(heading).to_have_attribute("aria-sort", "ascending")
    assert titles(page)[:2] == ["Japan plan 01", "Japan plan 02"]
    heading.get_by_role("link").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    assert titles(page)[:2] == ["Korea cooperation 08", "Korea cooperation 07"]
    accessible(page)

    # "Go to page" keeps the query: page 2 of the same order.
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_label("Go to page").fill("2")
    pages.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page).to_have_url(re.compile(r"sort=-title"))
    expect(pages.locator("[aria-current=page]")).to_have_text(re.compile("2"))
    assert titles(page) == ["Japan plan 02", "Japan plan 01"]
    pages.get_by_role("link", name="First").click()
    expect(page.locator("table.agreements tbody tr")).to_have_count(10)
    accessible(page)


def test_the_drawer_opens_by_keyboard_and_closes_with_escape(page_as, make_party, make_agreement, get_sector):
    """On a phone the drawer's button opens it with the focus inside; Escape closes it and gives the focus back."""
    seed(make_party, make_agreement, get_sector)
    page, _viewer = page_as(UserRole.VIEWER, viewport=PHONE)
    page.goto("/agreements/")
    button = page.get_by_role("button", name="Counts by value")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("complementary", name="Counts by value")
    expect(panel).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()


def test_without_script_the_drawer_is_a_link_to_itself(new_context, make_user, make_party, make_agreement, get_sector):
    """Without script "Counts by value" is a link that opens the drawer as the page's target; "Close" leaves it."""
    seed(make_party, make_agreement, get_sector)
    user = make_user(UserRole.VIEWER)
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    sign_in(page, user.email)
    page.goto("/agreements/")
    panel = page.get_by_role("complementary", name="Counts by value")
    expect(panel).to_be_hidden()
    page.get_by_role("link", name="Counts by value").click()
    expect(panel).to_be_visible()
    panel.get_by_role("link", name="Close").click()
    expect(panel).to_be_hidden()


def test_the_counts_fill_in_after_the_list(page_as, make_party, make_agreement, get_sector):
    """After a write a query's list comes first with a placeholder; static/js/facets.js then fills in its counts."""
    seed(make_party, make_agreement, get_sector)
    page, _viewer = page_as(UserRole.VIEWER, viewport=LAPTOP)
    make_agreement(title="Korea cooperation 09", sectors=[get_sector("technology")])
    with page.expect_response(re.compile(r"/agreements/facets\?sector=technology$")) as fetched:
        page.goto("/agreements/?sector=technology")
    assert fetched.value.ok
    expect(page.get_by_text("8 agreements", exact=True)).to_be_visible()
    status = page.get_by_role("complementary", name="Counts by value").get_by_role("region", name="Status")
    expect(status.get_by_role("listitem").filter(has_text="In force")).to_contain_text("4")
    expect(page.get_by_text("The counts are being computed.")).to_have_count(0)
    accessible(page)
