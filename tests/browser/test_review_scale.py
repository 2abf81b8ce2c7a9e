"""Issue 18 at scale, in a real browser: the news review among hundreds of parties shows the ticked ones first and
finds another by typing part of its alias; the relation form finds the other agreement as one types."""

from __future__ import annotations

import re

from sqlalchemy import select

from tracker.models import Agreement, AgreementRelation, Party, PartyKind, PartyRole, UserRole

from .helpers import expect
from .test_phone import read_the_seed_page

FILLERS = 300


def seed_story_among_many(session, make_party, make_agreement) -> dict[str, Party]:
    """The seed article's parties and agreement, a partner with an alias, and 300 other parties."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    kiat = make_party(
        name="Korea Institute for Advancement of Technology",
        kind=PartyKind.RESEARCH_INSTITUTE,
        country_code="KR",
        aliases=["KIAT"],
    )
    session.add_all(
        Party(name=f"Filler body {number:03d}", kind=PartyKind.COMPANY, country_code="ID") for number in range(FILLERS)
    )
    session.commit()
    make_agreement(
        title="Technology development cooperation with AITEC",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
    )
    return {"ministry": ministry, "aitec": aitec, "kiat": kiat}


def test_the_review_lists_the_ticked_parties_first_and_adds_one_by_its_alias(
    page_as, session, make_party, make_agreement
):
    parties = seed_story_among_many(session, make_party, make_agreement)
    page, _editor = page_as(UserRole.EDITOR)
    read_the_seed_page(page)
    boxes = page.locator("#new_parties").get_by_role("checkbox")
    expect(boxes.first).to_be_checked()
    labels = page.locator("#new_parties li")
    expect(labels.filter(has_text="Ministry of Industry of the Republic of Indonesia")).to_have_count(1)
    expect(labels.filter(has_text="AITEC Co., Ltd")).to_have_count(1)
    assert boxes.count() < 10  # never the 300 others
    expect(page.get_by_text("Filler body 001")).to_have_count(0)
    candidates = page.locator("ul.candidates")
    expect(candidates).to_contain_text("Technology development cooperation with AITEC")
    expect(candidates).to_contain_text("Score")

    page.get_by_label("Also record a new agreement from this page").check()
    page.get_by_label("Title", exact=True).fill("Technology cooperation with KIAT")
    another = page.get_by_label("Another party", exact=True)
    another.fill("kia")
    option = page.get_by_role("listbox").get_by_role("option").first
    expect(option).to_contain_text("Korea Institute for Advancement of Technology")
    option.click()
    expect(another).to_have_value("")
    added = page.locator("#new_parties").get_by_role("checkbox", name=re.compile("Korea Institute for Advancement"))
    expect(added).to_be_checked()
    page.get_by_role("button", name="Confirm and save").last.click()

    expect(page).to_have_url(re.compile(r"/sources/\d+$"))
    session.rollback()
    agreement = session.scalars(select(Agreement).where(Agreement.title == "Technology cooperation with KIAT")).one()
    assert parties["kiat"].id in {link.party_id for link in agreement.party_links}
    assert parties["ministry"].id in {link.party_id for link in agreement.party_links}


def test_the_relation_form_finds_the_other_agreement_as_one_types(page_as, session, make_agreement):
    old = make_agreement(title="Moulds and dies cooperation 2006–2018", start="2006", end="2018")
    new = make_agreement(title="Moulds and dies cooperation 2019–2023", start="2019", end="2023")
    for number in range(40):
        make_agreement(title=f"Unrelated cooperation {number}")
    page, _editor = page_as(UserRole.EDITOR)
    page.goto(f"/agreements/{new.id}")
    page.get_by_label("This agreement", exact=True).select_option("renews")
    other = page.get_by_label("Other agreement", exact=True)
    other.fill("moulds 2006")
    option = page.get_by_role("listbox").get_by_role("option", name=re.compile("2006–2018"))
    expect(option).to_be_visible()
    option.click()
    expect(other).to_have_value("Moulds and dies cooperation 2006–2018")
    page.get_by_role("button", name="Add relation").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{new.id}$"))
    session.rollback()
    relation = session.scalars(select(AgreementRelation)).one()
    assert (relation.subject_id, relation.object_id) == (new.id, old.id)
