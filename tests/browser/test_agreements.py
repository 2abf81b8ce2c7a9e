"""Journeys around agreements: record one, query and share the query, two people editing at once, keyboard only."""

from __future__ import annotations

import re

from tracker.models import AgreementStatus, PartyKind, PartyRole, UserRole

from .helpers import expect, tab_to

PERIOD_2006_2018 = re.compile(r"2006\s*–\s*2018")


def story_parties(make_party):
    """The two parties of the seed story."""
    ministry = make_party(name="Ministry of Industry", aliases=["Kemenperin"])
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    return ministry, aitec


def pick_party(page, row: int, typed: str, name: str) -> None:
    """Type into a party row's picker and click the party offered under that name."""
    page.get_by_label("Party", exact=True).nth(row).fill(typed)
    page.get_by_role("listbox").get_by_role("option").filter(has_text=name).first.click()
    expect(page.get_by_label("Party", exact=True).nth(row)).to_have_value(re.compile(re.escape(name)))


def result_titles(page) -> list[str]:
    """The titles in the list of agreements, in order (the headings' sort links left out)."""
    rows = page.get_by_role("table").last.locator("tbody").get_by_role("row")
    return [title.strip() for title in rows.get_by_role("link").all_inner_texts()]


def test_add_an_agreement_with_two_parties_two_sectors_and_years(page_as, make_party):
    """Record the AITEC cooperation from the form (after fixing a bad date) and see it on its page."""
    ministry, aitec = story_parties(make_party)
    page, _editor = page_as(UserRole.EDITOR)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Add agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New agreement")
    page.get_by_label("Title", exact=True).fill("Technology development cooperation with AITEC")
    page.get_by_label("Instrument", exact=True).select_option(label="Agreement")
    page.get_by_label("Status", exact=True).select_option(label="In force")
    page.get_by_label("Renewal", exact=True).select_option(label="Renewal intended")
    page.get_by_label("Start", exact=True).fill("2006")
    page.get_by_label("End", exact=True).fill("2018-13")
    page.get_by_role("checkbox", name="Technology").check()
    page.get_by_role("checkbox", name="Electric vehicles").check()
    pick_party(page, 0, "kemenp", "Ministry of Industry")  # found by its alias, as one types
    pick_party(page, 1, "aitec", "AITEC Co., Ltd")
    page.get_by_label("Role", exact=True).nth(1).select_option(label="Implementing agency")
    page.get_by_role("button", name="Save").click()

    # The bad month is refused next to its field, which says so to assistive technology; the rest is kept.
    end = page.get_by_label("End", exact=True)
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Technology development cooperation with AITEC")
    expect(page.get_by_role("checkbox", name="Electric vehicles")).to_be_checked()
    expect(page.get_by_label("Party", exact=True).nth(1)).to_have_value("AITEC Co., Ltd (South Korea)")
    expect(page.locator("#parties-1-party_id")).to_have_value(str(aitec.id))
    end.fill("2018")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("recorded")
    expect(page.get_by_role("heading", level=1)).to_have_text("Technology development cooperation with AITEC")
    main = page.get_by_role("main")
    expect(main.get_by_text(PERIOD_2006_2018)).to_be_visible()
    expect(main.get_by_role("link", name="Technology", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Electric vehicles")).to_be_visible()
    # The parties table (the facts table lists each party too, with its evidence).
    parties = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Role"))
    expect(parties.get_by_role("row").filter(has_text="Ministry of Industry")).to_contain_text("Signatory")
    expect(parties.get_by_role("row").filter(has_text="AITEC Co., Ltd")).to_contain_text("Implementing agency")
    ministry_link = parties.get_by_role("link", name="Ministry of Industry")
    expect(ministry_link).to_have_attribute("href", f"/parties/{ministry.id}")


def test_query_by_sector_and_country_and_share_the_link(
    page_as, new_context, make_user, make_party, make_agreement, get_sector
):
    """The query's URL, opened by a colleague in another browser, shows the same filters and results."""
    ministry, aitec = story_parties(make_party)
    japan = make_party(name="JICA", kind=PartyKind.STATE, country_code="JP")
    technology, vehicles = get_sector("technology"), get_sector("electric-vehicles")
    make_agreement(
        title="AITEC technology cooperation",
        start="2006",
        end="2018",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[technology],
    )
    make_agreement(
        title="Japanese technology transfer",
        parties=[(ministry, PartyRole.SIGNATORY), (japan, PartyRole.SIGNATORY)],
        sectors=[technology],
    )
    make_agreement(
        title="Korean electric buses",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[vehicles],
    )
    make_agreement(
        title="AITEC moulds training",
        status=AgreementStatus.ANNOUNCED,
        parties=[(aitec, PartyRole.SIGNATORY)],
        sectors=[technology, vehicles],
    )
    page, _editor = page_as(UserRole.EDITOR)

    page.goto("/agreements/")
    expect(page.get_by_text("4 agreements", exact=True)).to_be_visible()
    search = page.get_by_role("search", name="Filter agreements")
    search.get_by_text("More filters and sorting").click()  # folded away below the text search: results first
    search.get_by_role("checkbox", name="Technology").check()
    search.get_by_label("Partner country").select_option("KR")
    search.get_by_label("Sort by").select_option(label="Title, A–Z")
    search.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"sector=technology"))
    expect(page.get_by_text("2 agreements", exact=True)).to_be_visible()
    assert result_titles(page) == ["AITEC moulds training", "AITEC technology cooperation"]
    shared = page.url
    assert "country=KR" in shared

    # A colleague opens the link: signing in leads back to it, with the same filters and the same results.
    colleague = make_user(UserRole.VIEWER)
    other = new_context().new_page()
    other.goto(shared)
    expect(other).to_have_url(re.compile(r"/sign-in"))
    other.get_by_label("E-mail address").fill(colleague.email)
    other.get_by_label("Password").fill("correct horse battery staple")
    other.get_by_role("button", name="Sign in").click()
    expect(other).to_have_url(shared)
    colleague_search = other.get_by_role("search", name="Filter agreements")
    expect(colleague_search.locator("summary")).to_contain_text("in use: Partner country, Sector")
    colleague_search.get_by_text("More filters and sorting").click()
    expect(colleague_search.get_by_role("checkbox", name="Technology")).to_be_checked()
    expect(colleague_search.get_by_label("Partner country")).to_have_value("KR")
    expect(other.get_by_text("2 agreements", exact=True)).to_be_visible()
    assert result_titles(other) == result_titles(page)


def test_two_people_editing_the_same_agreement_get_the_conflict_page(page_as, make_party, make_agreement):
    """The second save is stopped: the page shows who changed what, keeps the second person's input, and saving
    again deliberately applies it."""
    ministry, aitec = story_parties(make_party)
    agreement = make_agreement(
        title="Technology development cooperation",
        start="2006",
        end="2018",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
    )
    first, first_user = page_as(UserRole.EDITOR)
    second, _second_user = page_as(UserRole.EDITOR)
    for page in (first, second):
        page.goto(f"/agreements/{agreement.id}")
        page.get_by_role("main").get_by_role("link", name="Edit", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Edit")

    first.get_by_label("Title", exact=True).fill("Technology development cooperation with AITEC")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("status")).to_contain_text("saved")

    second.get_by_label("Summary").fill("Harjanto: the cooperation runs from 2006 and ends in 2018.")
    second.get_by_label("Status", exact=True).select_option(label="Expired")
    second.get_by_role("button", name="Save").click()

    conflict = second.get_by_role("alert").filter(has_text="Someone else saved this record")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(first_user.email)
    change = conflict.get_by_role("row").filter(has_text="Title")
    expect(change).to_contain_text("Technology development cooperation")
    expect(change).to_contain_text("Technology development cooperation with AITEC")
    # The second person's input is still in the form.
    expect(second.get_by_label("Summary")).to_have_value("Harjanto: the cooperation runs from 2006 and ends in 2018.")
    expect(second.get_by_label("Status", exact=True)).to_have_value("expired")

    second.get_by_label("Title", exact=True).fill("Technology development cooperation with AITEC Co., Ltd")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("status")).to_contain_text("saved")
    expect(second.get_by_role("heading", level=1)).to_have_text(
        "Technology development cooperation with AITEC Co., Ltd"
    )
    expect(second.get_by_role("main")).to_contain_text("Harjanto: the cooperation runs from 2006")
    expect(second.get_by_role("main")).to_contain_text("Expired")


def test_keyboard_only_sign_in_and_record_an_agreement(new_context, make_user, make_party):
    """Everything with Tab, Space, typing and Enter: skip link, sign in, navigation, the form and its pickers."""
    ministry, aitec = story_parties(make_party)
    user = make_user(UserRole.EDITOR)
    page = new_context().new_page()
    keyboard = page.keyboard

    page.goto("/sign-in")
    tab_to(page, page.get_by_label("E-mail address"))
    keyboard.type(user.email)
    tab_to(page, page.get_by_label("Password"))
    keyboard.type("correct horse battery staple")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile("skip", re.IGNORECASE))).to_be_focused()
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")
    tab_to(page, page.get_by_role("link", name="Add agreement"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New agreement")

    tab_to(page, page.get_by_label("Title", exact=True))
    keyboard.type("Technology development cooperation with AITEC")
    tab_to(page, page.get_by_label("Start", exact=True))
    keyboard.type("2006")
    tab_to(page, page.get_by_label("End", exact=True))
    keyboard.type("2018")
    for sector in ("Technology", "Electric vehicles"):
        tab_to(page, page.get_by_role("checkbox", name=sector))
        keyboard.press("Space")
    # The party pickers ask the server as one types (static/js/enhance.js section 7): Enter picks the first match.
    parties = page.get_by_label("Party", exact=True)
    for row, typed, name in ((0, "Ministry", "Ministry of Industry"), (1, "aitec", "AITEC Co., Ltd")):
        tab_to(page, parties.nth(row))
        keyboard.type(typed)
        expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text(name)
        keyboard.press("Enter")
    expect(page.locator("#parties-0-party_id")).to_have_value(str(ministry.id))
    expect(page.locator("#parties-1-party_id")).to_have_value(str(aitec.id))
    tab_to(page, page.get_by_role("button", name="Save"))
    keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/agreements/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Technology development cooperation with AITEC")
    main = page.get_by_role("main")
    expect(main.get_by_text(PERIOD_2006_2018)).to_be_visible()
    expect(main.get_by_role("link", name="Electric vehicles")).to_be_visible()
    parties = main.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Role"))
    expect(parties.get_by_role("link", name="AITEC Co., Ltd")).to_be_visible()
