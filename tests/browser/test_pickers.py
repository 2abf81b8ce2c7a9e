"""Journeys with the party pickers that search on the server: typing "kemenp" finds the ministry by its alias, a row
is added without saving, a party not yet recorded is created from the form, and the list's party filter."""

from __future__ import annotations

import re

from tracker.models import PartyKind, PartyRole, UserRole

from .helpers import expect


def recorded_parties(make_party):
    """The ministry among namesakes and look-alikes, as the synthetic data has them."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    make_party(name="Ministry of Trade of the Republic of Indonesia", aliases=["Kemendag"])
    make_party(name="Ministry of Economy, Trade and Industry", country_code="JP", aliases=["METI"])
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    for number in range(30):
        make_party(name=f"Daesan Motors {number} Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    return ministry, aitec


def test_type_kemenp_pick_the_ministry_add_rows_without_saving_create_a_party_and_save(page_as, make_party):
    ministry, aitec = recorded_parties(make_party)
    page, _editor = page_as(UserRole.EDITOR)
    page.goto("/agreements/new")
    page.get_by_label("Title", exact=True).fill("Technology development cooperation with AITEC and BRIN")
    page.get_by_label("Start", exact=True).fill("2006")
    page.get_by_label("End", exact=True).fill("2018")
    party_inputs = page.get_by_label("Party", exact=True)
    expect(party_inputs).to_have_count(3)

    party_inputs.nth(0).fill("kemenp")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_contain_text("Ministry of Industry of the Republic of Indonesia (Indonesia)")
    expect(options.first).to_contain_text("Kemenperin")
    expect(options.filter(has_text="Ministry of Trade")).to_have_count(0)
    options.first.click()
    expect(party_inputs.nth(0)).to_have_value("Ministry of Industry of the Republic of Indonesia (Indonesia)")
    expect(page.locator("#parties-0-party_id")).to_have_value(str(ministry.id))

    # The keyboard: the first match is highlighted, the arrows move (the last option creates a party of the name
    # typed), Enter picks without submitting the form.
    party_inputs.nth(1).fill("aitec")
    expect(options.first).to_contain_text("AITEC Co., Ltd")
    expect(options.first).to_have_attribute("aria-selected", "true")
    party_inputs.nth(1).press("ArrowDown")
    expect(options.last).to_have_text("Create a new party “aitec”")
    expect(options.last).to_have_attribute("aria-selected", "true")
    party_inputs.nth(1).press("ArrowUp")
    party_inputs.nth(1).press("Enter")
    expect(page.locator("#parties-1-party_id")).to_have_value(str(aitec.id))
    page.get_by_label("Role", exact=True).nth(1).select_option(label="Implementing agency")

    # Two more rows, in place: nothing is sent, nothing typed is lost.
    add = page.get_by_role("button", name="Add another party")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    add.click()
    add.click()
    expect(party_inputs).to_have_count(5)
    assert posts == []
    expect(page).to_have_url(re.compile(r"/agreements/new$"))
    expect(party_inputs.nth(4)).to_be_focused()
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Technology development cooperation with AITEC and BRIN"
    )

    # A party not yet recorded: its name, "Create a new party", its kind; created when the agreement is saved.
    party_inputs.nth(4).fill("Badan Riset dan Inovasi Nasional")
    page.get_by_role("listbox").get_by_role("option", name=re.compile("Create a new party")).click()
    expect(page.locator("#parties-4-party_id")).to_have_value("new")
    page.locator("#parties-4-new_kind").select_option(label="Research institute")
    page.locator("#parties-4-new_country").select_option("ID")
    page.get_by_label("Role", exact=True).nth(4).select_option(label="Witness")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    main = page.get_by_role("main")
    # The parties table (the facts table lists each party too, with its evidence).
    parties = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Role"))
    expect(parties.get_by_role("row").filter(has_text="Ministry of Industry of the Republic")).to_contain_text(
        "Signatory"
    )
    expect(parties.get_by_role("row").filter(has_text="AITEC Co., Ltd")).to_contain_text("Implementing agency")
    expect(parties.get_by_role("row").filter(has_text="Badan Riset dan Inovasi Nasional")).to_contain_text("Witness")
    parties.get_by_role("link", name="Badan Riset dan Inovasi Nasional").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Badan Riset dan Inovasi Nasional")


def test_the_list_filter_finds_the_ministry_as_one_types_and_links_by_id(page_as, make_party, make_agreement):
    ministry, aitec = recorded_parties(make_party)
    make_agreement(title="AITEC technology cooperation", parties=[(ministry, PartyRole.SIGNATORY)])
    make_agreement(title="AITEC moulds training", parties=[(aitec, PartyRole.SIGNATORY)])
    page, _viewer = page_as(UserRole.VIEWER)
    page.goto("/agreements/")
    search = page.get_by_role("search", name="Filter agreements")
    search.get_by_text("More filters and sorting").click()  # folded away below the text search: results first
    party = search.get_by_label("Party (with its units)")
    party.fill("kementerian perin")
    search.get_by_role("listbox").get_by_role("option").first.click()
    expect(party).to_have_value("Ministry of Industry of the Republic of Indonesia (Indonesia)")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"party={ministry.id}(&|$)"))
    expect(page.get_by_text("1 agreement", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="AITEC technology cooperation")).to_be_visible()
    expect(page.get_by_role("search", name="Filter agreements").get_by_label("Party (with its units)")).to_have_value(
        "Ministry of Industry of the Republic of Indonesia (Indonesia)"
    )
