"""Journey: add a source from a pasted page, confirm the suggested link, find the source on the agreement."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.models import AgreementStatus, PartyKind, PartyRole, RenewalIntent, UserRole

from .helpers import expect

SEED_PAGE = Path(__file__).parents[1] / "fixtures" / "pages" / "tirto_aitec.html"
AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


def test_add_a_source_from_pasted_html_and_confirm_the_suggested_link(page_as, make_party, make_agreement, get_sector):
    """The tirto.id article, pasted as HTML, is read, suggests the AITEC agreement, and ends up as its evidence."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    korea = make_party(
        name="Government of the Republic of Korea",
        kind=PartyKind.STATE,
        country_code="KR",
        aliases=["Korea Selatan", "Korsel"],
    )
    make_agreement(
        title="MoU with Korea on renewable energy and electric vehicles",
        status=AgreementStatus.ANNOUNCED,
        parties=[(ministry, PartyRole.SIGNATORY), (korea, PartyRole.SIGNATORY)],
        sectors=[get_sector("renewable-energy")],
    )
    agreement = make_agreement(
        title=AITEC_TITLE,
        start="2006",
        end="2018",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    page, _editor = page_as(UserRole.EDITOR)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sources").click()
    page.get_by_role("link", name="Add from the news").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a source from the news")
    page.get_by_label("Or paste the page or its text").fill(SEED_PAGE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Read the page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review the source")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Indonesia Ingin Lanjutkan Kerja Sama")
    suggested = page.get_by_role("checkbox", name=AITEC_TITLE)
    expect(suggested).to_be_checked()
    expect(
        page.get_by_role("checkbox", name="MoU with Korea on renewable energy and electric vehicles")
    ).not_to_be_checked()
    note = page.get_by_label("What the source supports (a note or a quote)")
    expect(note).to_have_value(re.compile(r"2006"))
    note.fill("Harjanto: kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018.")
    page.get_by_role("button", name="Confirm and save").click()

    expect(page).to_have_url(re.compile(r"/sources/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("recorded with its text")
    page.get_by_role("main").get_by_role("link", name=AITEC_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.id}$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"Indonesia Ingin Lanjutkan Kerja Sama"))).to_be_visible()
    expect(main).to_contain_text("sudah berlangsung dari 2006 dan akan berakhir 2018")
