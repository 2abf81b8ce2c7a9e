"""Journeys on a phone (390×844 and 360×740) and a laptop (1366×768): a header that folds into a menu button, pages
that never scroll sideways, results before the filters, periods that never break inside a range's date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.models import AgreementStatus, PartyKind, PartyRole, RenewalIntent, UserRole

from .helpers import expect, sign_in, tab_to

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
PHONES = [pytest.param(PHONE, id="390x844"), pytest.param(SMALL_PHONE, id="360x740")]
HEADER_MOST = 80  # pixels: one line, the brand and the menu button

SEED_PAGE = Path(__file__).parents[1] / "fixtures" / "pages" / "tirto_aitec.html"
AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"
BATTERY_TITLE = (
    "Nota Kesepahaman tentang Kerja Sama Pengembangan Industri Kendaraan Bermotor Listrik Berbasis Baterai "
    "(Memorandum of Understanding on battery electric vehicle industry development)"
)
# A source address as people paste them: long, without a space to break at.
LONG_URL = (
    "https://www.kemenperin.go.id/artikel/18232/Kemenperin-dan-AITEC-Korea-Selatan-Sepakat-Lanjutkan-Kerja-Sama-"
    "Pengembangan-Teknologi-Cetakan-dan-Pengecoran?utm_source=newsletter&utm_medium=email&utm_campaign=oktober2017"
)

# What makes a page wider than the screen: the page itself, or a field or button outside it that does not sit in a
# box that scrolls on its own (a wide table, a chart).
WIDTHS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = element => {
    for (let box = element.parentElement; box; box = box.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) { return true; }
    }
    return false;
  };
  const fields = "main input:not([type=hidden]), main select, main textarea, main button";
  const outside = [...document.querySelectorAll(fields)]
    .filter(field => field.getBoundingClientRect().right > width + 0.5 && !scrolls(field))
    .map(field => field.id || field.name || field.textContent.trim());
  return {width, page: document.documentElement.scrollWidth, body: document.body.scrollWidth, outside};
}"""

# Each period's text, the number of lines it is drawn on, and the lines each of its dates (the parts around the
# dash) is drawn on.
LINES = """all => all.map(period => {
  const lines = range => new Set([...range.getClientRects()].map(box => Math.round(box.top))).size;
  const text = period.firstChild;
  const whole = document.createRange();
  whole.selectNodeContents(period);
  let offset = 0;
  const dates = text.data.split("–").map(part => {
    const range = document.createRange();
    range.setStart(text, offset);
    range.setEnd(text, offset + part.length);
    offset += part.length + 1;
    return lines(range);
  });
  return [text.data, lines(whole), dates];
})"""


def story(make_party, make_agreement, make_source, get_sector):
    """The AITEC story with long bilingual titles, a company and a state, precise dates and a long source address."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    korea = make_party(
        name="Government of the Republic of Korea", kind=PartyKind.STATE, country_code="KR", aliases=["Korsel"]
    )
    agreement = make_agreement(
        title=AITEC_TITLE,
        start="2006-03-15",
        end="2018-03-14",
        renewal_intent=RenewalIntent.INTENDED,
        summary="Kerja sama pengembangan teknologi cetakan dan pengecoran (moulds, dies and casting).",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology"), get_sector("electric-vehicles")],
    )
    make_agreement(
        title=BATTERY_TITLE,
        start="2017-09-28",
        end="2022-09-27",
        parties=[(ministry, PartyRole.SIGNATORY), (korea, PartyRole.SIGNATORY)],
        sectors=[get_sector("electric-vehicles"), get_sector("renewable-energy")],
    )
    make_agreement(
        title="MoU with Korea on renewable energy and electric vehicles",
        status=AgreementStatus.ANNOUNCED,
        parties=[(ministry, PartyRole.SIGNATORY), (korea, PartyRole.SIGNATORY)],
        sectors=[get_sector("renewable-energy")],
    )
    source = make_source(
        title="Kemenperin dan AITEC Korea Selatan sepakat lanjutkan kerja sama pengembangan teknologi",
        url=LONG_URL,
        outlet="kemenperin.go.id",
        agreements=[(agreement, "Harjanto: kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018.")],
    )
    return agreement, source


def read_the_seed_page(page) -> None:
    """Add the tirto.id article from the news, as pasted HTML, up to its review screen."""
    page.goto("/sources/add")
    page.get_by_label("Or paste the page or its text").fill(SEED_PAGE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Read the page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the source")


@pytest.mark.parametrize("viewport", PHONES)
def test_the_header_folds_into_a_menu_button_on_a_phone(
    page_as, make_party, make_agreement, make_source, get_sector, viewport
):
    """An admin's header (the longest menu) keeps to one line on the dashboard, the list, an agreement and the form."""
    agreement, _source = story(make_party, make_agreement, make_source, get_sector)
    page, _admin = page_as(UserRole.ADMIN, viewport=viewport)
    for path in ("/", "/agreements/", f"/agreements/{agreement.id}", "/agreements/new"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        height = page.locator("header.site-header").bounding_box()["height"]
        assert height <= HEADER_MOST, f"{path}: the header is {height} px high"
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()


def test_the_menu_opens_and_closes_by_keyboard(page_as):
    """Tab to the button, Enter opens, Tab goes on into the menu, Escape closes and gives the focus back."""
    page, _editor = page_as(UserRole.EDITOR, viewport=PHONE)
    page.goto("/agreements/")
    menu_button = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    menu_id = menu_button.get_attribute("aria-controls")
    expect(page.locator(f"#{menu_id}")).to_have_count(1)
    expect(page.locator(f"#{menu_id} nav")).to_have_attribute("aria-label", "Main")

    tab_to(page, menu_button)
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Expiring")).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    expect(nav).to_be_hidden()

    page.keyboard.press("Space")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    tab_to(page, nav.get_by_role("link", name="Expiring"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Expiring agreements")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")

    # The account and the language switch are in the menu too; a click opens and closes it as well.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()


def test_an_escape_used_by_a_search_box_leaves_the_menu_open(page_as, make_party):
    """Escape empties a list's search box first (static/js/enhance.js 1.); only a second one closes the menu."""
    make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    page, _editor = page_as(UserRole.EDITOR, viewport=PHONE)
    page.goto("/agreements/new")
    menu_button = page.get_by_role("button", name="Menu")
    menu_button.click()
    search = page.get_by_label("Find a sector").first
    search.fill("vehic")
    search.press("Escape")
    expect(search).to_have_value("")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    search.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(search).to_be_focused()  # the focus was not in the menu: it stays where it was


def test_without_script_the_menu_is_a_link_to_itself(new_context, make_user):
    """No script: "Menu" is a link that opens the menu as the page's target; its links and "Close the menu" work."""
    user = make_user(UserRole.EDITOR)
    page = new_context(viewport=SMALL_PHONE, java_script_enabled=False).new_page()
    sign_in(page, user.email)
    nav = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    expect(nav).to_be_hidden()
    assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_MOST

    page.get_by_role("link", name="Menu").click()
    expect(page).to_have_url(re.compile(r"#site-menu$"))
    expect(nav.get_by_role("link", name="Sources")).to_be_visible()
    page.get_by_role("link", name="Close the menu").click()
    expect(nav).to_be_hidden()

    page.get_by_role("link", name="Menu").click()
    nav.get_by_role("link", name="Sources").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sources")
    expect(nav).to_be_hidden()


def test_on_a_wide_screen_the_menu_is_always_shown(page_as):
    """At 1366 px there is no menu button: the navigation, the account and the language switch are in view."""
    page, _editor = page_as(UserRole.EDITOR, viewport=LAPTOP)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert page.locator("header.site-header").bounding_box()["height"] <= 2 * HEADER_MOST


@pytest.mark.parametrize("viewport", PHONES)
def test_no_main_page_scrolls_sideways_on_a_phone(
    page_as, make_party, make_agreement, make_source, get_sector, viewport
):
    """The list, an agreement, the new agreement form, the dashboard, the expiring list, the sources, a source and the
    add-from-news review fit the screen; wide tables scroll in their own box."""
    agreement, source = story(make_party, make_agreement, make_source, get_sector)
    page, _editor = page_as(UserRole.EDITOR, viewport=viewport)
    paths = [
        "/agreements/",
        f"/agreements/{agreement.id}",
        "/agreements/new",
        "/?as_of=2017-10-04",
        "/expiring/?months=24&as_of=2017-10-04",
        "/sources/",
        f"/sources/{source.id}",  # its long address
    ]
    seen = {}
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        seen[path] = page.evaluate(WIDTHS)
    read_the_seed_page(page)
    page.wait_for_load_state("networkidle")  # measured once its scripts and look-ups are done, not mid-layout
    seen["review"] = page.evaluate(WIDTHS)
    expected = {"width": viewport["width"], "page": viewport["width"], "body": viewport["width"], "outside": []}
    assert {path: widths for path, widths in seen.items() if widths != expected} == {}


@pytest.mark.parametrize("viewport", PHONES)
def test_the_review_lists_candidate_agreements_readably_on_a_phone(
    page_as, make_party, make_agreement, make_source, get_sector, viewport
):
    """The candidates are a list as long as it needs, each title across the screen with its period and reasons under
    it, never a small scrolling box of squeezed columns."""
    story(make_party, make_agreement, make_source, get_sector)
    page, _editor = page_as(UserRole.EDITOR, viewport=viewport)
    read_the_seed_page(page)
    candidates = page.get_by_role("group", name="Link the source to existing agreements").get_by_role("listitem")
    expect(candidates.first).to_contain_text(AITEC_TITLE)
    assert candidates.count() >= 2
    box = page.locator("ul.candidates")
    scroll, client, list_width = box.evaluate("list => [list.scrollHeight, list.clientHeight, list.clientWidth]")
    assert scroll <= client, "the candidates scroll inside a box"
    for candidate in candidates.all():
        label = candidate.locator("label").bounding_box()
        assert label["width"] >= 0.6 * list_width, f"a title squeezed into {label['width']} of {list_width} px"
        # The period, the status and the reasons describe the box to a screen reader.
        about = candidate.locator(".candidate-about")
        expect(about).to_be_visible()
        expect(candidate.get_by_role("checkbox")).to_have_attribute("aria-describedby", about.get_attribute("id"))
    first = page.get_by_role("checkbox", name=AITEC_TITLE)
    expect(first).to_be_checked()
    expect(first).to_have_accessible_description(re.compile(r"15\sMarch\s2006–14\sMarch\s2018\s+In force"))


@pytest.mark.parametrize("viewport", [pytest.param(LAPTOP, id="1366x768"), pytest.param(PHONE, id="390x844")])
def test_the_list_shows_results_before_the_filters(
    page_as, make_party, make_agreement, make_source, get_sector, viewport
):
    """The first result is on the first screen; the other filters open below the text search, naming those in use."""
    story(make_party, make_agreement, make_source, get_sector)
    page, _editor = page_as(UserRole.EDITOR, viewport=viewport)
    page.goto("/agreements/?sort=title")
    first = page.locator("table.agreements tbody tr").first.get_by_role("link").first
    expect(first).to_have_text("MoU with Korea on renewable energy and electric vehicles")
    expect(first).to_be_in_viewport()

    search = page.get_by_role("search", name="Filter agreements")
    expect(search.get_by_label("Text", exact=True)).to_be_visible()
    expect(search.get_by_role("checkbox", name="In force")).to_be_hidden()
    search.get_by_text("More filters and sorting").click()
    search.get_by_role("checkbox", name="In force").check()
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("2 agreements", exact=True)).to_be_visible()
    expect(search.locator("summary")).to_contain_text("in use: Status")
    expect(page.locator("table.agreements tbody tr").first.get_by_role("link").first).to_be_in_viewport()


def test_a_refused_filter_opens_the_filters_and_every_status_is_shown(page_as, make_sector):
    """A wrong year opens the panel at its field; the nine statuses show whole, a long sector list scrolls."""
    for name in ("Kimia hilir", "Logam dasar", "Tekstil dan produk tekstil", "Alas kaki", "Farmasi", "Kosmetik"):
        make_sector(name)
    for name in ("Semiconductors", "Shipbuilding", "Aerospace", "Ceramics", "Glass", "Pulp and paper", "Rubber"):
        make_sector(name)
    page, _editor = page_as(UserRole.EDITOR, viewport=LAPTOP)
    page.goto("/agreements/?active_in=twenty")
    expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
    expect(page.get_by_label("Active in year")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Active in year")).to_be_visible()
    statuses = page.locator("ul#status")
    expect(statuses.get_by_role("checkbox")).to_have_count(9)
    scroll, client = statuses.evaluate("list => [list.scrollHeight, list.clientHeight]")
    assert scroll <= client, f"the status list is cut off: {scroll} px in a box of {client}"
    sectors = page.locator("ul#sector")
    scroll, client = sectors.evaluate("list => [list.scrollHeight, list.clientHeight]")
    assert scroll > client, "the long sector list scrolls in its own box"


@pytest.mark.parametrize("viewport", [pytest.param({"width": 1280, "height": 900}, id="1280"), *PHONES])
def test_periods_never_break_inside_a_date(page_as, make_party, make_agreement, make_source, get_sector, viewport):
    """In the list's narrow period column "15 March 2006–14 March 2018" stays on one line; on a phone's card it may
    break after the dash, never inside a date."""
    agreement, _source = story(make_party, make_agreement, make_source, get_sector)
    page, _editor = page_as(UserRole.EDITOR, viewport=viewport)
    for path in ("/agreements/", f"/agreements/{agreement.id}"):
        page.goto(path)
        periods = page.get_by_role("main").locator(".period")
        expect(periods.first).to_be_visible()
        expect(periods.filter(has_text="15 March 2006–14 March 2018")).to_have_count(1)
        drawn = periods.evaluate_all(LINES)
        assert [text for text, _lines, dates in drawn if dates != [1] * len(dates)] == [], f"{path}: a date broken"
        if viewport["width"] >= 1024:
            assert [text for text, lines, _dates in drawn if lines != 1] == [], f"{path}: a period broken over lines"
