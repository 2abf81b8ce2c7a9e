"""Journey: the expiring list seen from 4 October 2017 with a chosen window, then a wider one."""

from __future__ import annotations

import re

from tracker.models import AgreementStatus, UserRole

from .helpers import expect


def titles_in(table) -> list[str]:
    """The agreement titles listed in a table."""
    return [title.strip() for title in table.get_by_role("row").get_by_role("link").all_inner_texts()]


def test_the_expiring_view_with_a_chosen_window(page_as, make_agreement):
    """Six months from 4 October 2017 catch an end in "2018" (from 1 January) but not one in June 2019."""
    make_agreement(title="AITEC technology cooperation", start="2006", end="2018")
    make_agreement(title="Moulds and dies training", start="2015-07", end="2019-06")
    make_agreement(title="Textile machinery grant", start="2010", end="2016", status=AgreementStatus.IN_FORCE)
    make_agreement(title="Old expired programme", start="2001", end="2017-11", status=AgreementStatus.EXPIRED)
    page, _viewer = page_as(UserRole.VIEWER)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expiring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Expiring agreements")
    window = page.get_by_role("search", name="Choose the window")
    window.get_by_label("Ending within (months)").fill("6")
    window.get_by_label("As of").fill("2017-10-04")
    window.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"months=6"))
    expect(page.get_by_role("heading", name="Ending within 6 months")).to_be_visible()
    soon = page.get_by_role("table", name="Agreements ending soon")
    expect(soon).to_be_visible()
    assert titles_in(soon) == ["AITEC technology cooperation"]
    attention = page.get_by_role("table", name="Past the end, no renewal under way")
    assert titles_in(attention) == ["Textile machinery grant"]

    # A quick window keeps the reference date.
    page.get_by_role("navigation", name="Window").get_by_role("link", name="24 months").click()
    expect(page.get_by_role("heading", name="Ending within 24 months")).to_be_visible()
    expect(page.get_by_role("navigation", name="Window").get_by_role("link", name="24 months")).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.get_by_role("search", name="Choose the window").get_by_label("As of")).to_have_value("2017-10-04")
    assert titles_in(page.get_by_role("table", name="Agreements ending soon")) == [
        "AITEC technology cooperation",
        "Moulds and dies training",
    ]


def test_a_long_list_comes_a_page_at_a_time(page_as, make_agreement):
    """Thirty agreements ending soon and twelve needing attention: pages of 25 (the default), a printable page, the
    full list of those needing attention."""
    for n in range(30):
        make_agreement(title=f"Ending {n:02d}", end=f"2017-11-{n + 1:02d}")
    for n in range(12):
        make_agreement(title=f"Stale {n:02d}", end=f"2016-01-{n + 1:02d}", status=AgreementStatus.IN_FORCE)
    page, _viewer = page_as(UserRole.VIEWER)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expiring").click()
    window = page.get_by_role("search", name="Choose the window")
    window.get_by_label("As of").fill("2017-10-04")
    window.get_by_role("button", name="Show").click()
    soon = page.get_by_role("table", name="Agreements ending soon")
    assert titles_in(soon) == [f"Ending {n:02d}" for n in range(25)]
    assert titles_in(page.get_by_role("table", name="Past the end, no renewal under way")) == [
        f"Stale {n:02d}" for n in range(10)
    ]

    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next").click()
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of 2")
    assert titles_in(page.get_by_role("table", name="Agreements ending soon")) == [
        f"Ending {n:02d}" for n in range(25, 30)
    ]

    page.get_by_role("link", name="Show up to 500 on one page, for printing").click()
    assert len(titles_in(page.get_by_role("table", name="Agreements ending soon"))) == 30
    expect(page.get_by_role("navigation", name="Pages")).to_have_count(0)

    page.get_by_role("link", name="Show all 12 agreements needing attention").click()
    expect(page).to_have_url(re.compile(r"show=attention"))
    assert titles_in(page.get_by_role("table", name="Past the end, no renewal under way")) == [
        f"Stale {n:02d}" for n in range(12)
    ]
    page.get_by_role("link", name="Back to the agreements ending soon").click()
    expect(page.get_by_role("table", name="Agreements ending soon")).to_be_visible()
