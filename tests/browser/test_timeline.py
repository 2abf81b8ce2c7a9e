"""Journey: the timeline of a query draws one bar per agreement, and each bar leads to its agreement."""

from __future__ import annotations

import re

from tracker.models import AgreementStatus, PartyKind, PartyRole, UserRole

from .helpers import expect


def test_timeline_bars_link_to_their_agreements(page_as, make_party, make_agreement, get_sector):
    """The timeline of "technology with Korea" has the two matching agreements, and a bar opens its agreement."""
    ministry = make_party(name="Ministry of Industry")
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    technology = get_sector("technology")
    first = make_agreement(
        title="AITEC technology cooperation",
        start="2006",
        end="2018",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[technology],
    )
    second = make_agreement(
        title="AITEC technology cooperation, renewed",
        start="2018-03",
        end="2023-02-28",
        status=AgreementStatus.SIGNED,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[technology],
    )
    make_agreement(
        title="Electric buses with Korea",
        start="2017",
        end="2020",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("electric-vehicles")],
    )
    page, _viewer = page_as(UserRole.VIEWER)

    page.goto("/agreements/timeline?sector=technology&country=KR")
    chart = page.locator("svg").filter(has=page.locator("a")).first
    expect(chart).to_be_visible()
    bars = chart.get_by_role("link")
    expect(bars).to_have_count(2)
    # Where each bar leads, as a path (whether the link is written relative or absolute).
    hrefs = bars.evaluate_all(
        "links => links.map(link => new URL(link.href.baseVal ?? link.href, document.baseURI).pathname)"
    )
    assert sorted(hrefs) == sorted([f"/agreements/{first.id}", f"/agreements/{second.id}"])
    # Each bar is named by its <title>, so a screen reader (and this locator) knows which agreement it is.
    expect(chart.get_by_role("link", name=re.compile(r"Electric buses"))).to_have_count(0)
    bar = chart.get_by_role("link", name=re.compile(r"renewed"))
    expect(bar).to_have_count(1)

    bar.click()
    expect(page).to_have_url(re.compile(rf"/agreements/{second.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("AITEC technology cooperation, renewed")
