"""The agreement list page (issue 18): facets whose counts match the list they lead to, filters in use as removable
chips, sortable headings, numbered pagination with a go-to-page form and a clear answer past the last page."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.web.a11y_html import parse, problems_of, text_of
from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent, UserRole
from tracker.queries.pagination import Page
from tracker.web.list_page import FACET_SHOWN

TOTAL = re.compile(r"([\d,]+) agreements?\b")


def total_of(html: str) -> int:
    """The list's count of matching agreements ("7 agreements")."""
    return int(TOTAL.search(text_of(parse(html).xpath("//div[@class='result-bar']/p")[0])).group(1).replace(",", ""))


PLACEHOLDER = re.compile(r'<div id="facet-counts" data-facets-url="([^"]*)"[^>]*>.*?</div>', re.S)
COUNTS = re.compile(r'<div id="facet-counts">.*</div>(?=\s*</aside>)', re.S)


def shown(client, url: str) -> str:
    """The list page as a browser shows it once loaded: a facet panel left to the script (after a write, for a query
    whose counts are not kept: tests/web/test_facet_panel.py) is fetched and put in as static/js/facets.js does."""
    html = client.get(url).get_data(as_text=True)
    placeholder = PLACEHOLDER.search(html)
    if placeholder is None:
        return html
    panel = client.get(placeholder.group(1).replace("&amp;", "&")).get_data(as_text=True)
    return html[: placeholder.start()] + COUNTS.search(panel).group(0) + html[placeholder.end() :]


def facets_of(html: str) -> dict[str, list[tuple[str, int, bool, str]]]:
    """Each facet's values as shown: (words, count, chosen, link)."""
    found = {}
    for section in parse(html).xpath("//aside[@id='list-panel']//section[@class='facet']"):
        found[section.get("aria-labelledby").removeprefix("facet-")] = [
            (
                text_of(item.xpath(".//a")[0]).removeprefix("✓ ").split(" (chosen")[0],
                int(text_of(item.xpath(".//span[@class='count']")[0]).replace(",", "")),
                "chosen" in (item.get("class") or ""),
                item.xpath(".//a")[0].get("href"),
            )
            for item in section.xpath(".//li")
        ]
    return found


def query_of(href: str) -> list[tuple[str, str]]:
    """A link's query string as pairs."""
    return parse_qsl(urlsplit(href).query, keep_blank_values=True)


@pytest.fixture
def world(make_party, make_agreement, get_sector, make_user):
    """Nine agreements: statuses, instruments, renewals and officers mixed; some in two sectors, some with partners
    from two countries."""
    korea = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    japan = make_party(name="JICA", kind=PartyKind.STATE, country_code="JP")
    officer = make_user(UserRole.EDITOR)
    technology, energy = get_sector("technology"), get_sector("renewable-energy")
    vehicles = get_sector("electric-vehicles")
    rows = [
        (AgreementStatus.IN_FORCE, InstrumentType.AGREEMENT, [korea], [technology, energy], officer),
        (AgreementStatus.IN_FORCE, InstrumentType.MOU, [korea, japan], [technology], officer),
        (AgreementStatus.IN_FORCE, InstrumentType.MOU, [japan], [energy], None),
        (AgreementStatus.SIGNED, InstrumentType.AGREEMENT, [korea], [technology, vehicles], None),
        (AgreementStatus.SIGNED, InstrumentType.MOU, [], [], officer),
        (AgreementStatus.ANNOUNCED, InstrumentType.AGREEMENT, [japan], [vehicles], None),
        (AgreementStatus.ANNOUNCED, InstrumentType.AGREEMENT, [korea, japan], [energy, vehicles, technology], None),
        (AgreementStatus.EXPIRED, InstrumentType.MOU, [korea], [energy], officer),
        (AgreementStatus.EXPIRED, InstrumentType.AGREEMENT, [], [technology], None),
    ]
    for number, (status, instrument, parties, sectors, owner) in enumerate(rows):
        make_agreement(
            title=f"Cooperation {number}",
            status=status,
            instrument_type=instrument,
            renewal_intent=RenewalIntent.INTENDED if number % 3 == 0 else RenewalIntent.NONE,
            parties=[(party, PartyRole.SIGNATORY) for party in parties],
            sectors=sectors,
            owner_id=owner.id if owner else None,
        )
    return {"officer": officer}


QUERIES = ["", "status=in_force&status=signed", "sector=technology", "country=KR&q=cooperation"]


@pytest.mark.parametrize("query", QUERIES)
def test_each_facet_value_leads_to_as_many_agreements_as_it_counts(client, world, query):
    """Following a value's link (a value not chosen yet, in a facet with nothing chosen) lists exactly its count."""
    html = shown(client, f"/agreements/?{query}")
    facets = facets_of(html)
    assert set(facets) == {"status", "instrument", "sector", "country", "renewal", "owner", "evidence"}
    chosen_facets = {key for key, _value in parse_qsl(query)}
    for name, values in facets.items():
        for words, count, chosen, href in values:
            if chosen or name in chosen_facets:
                continue
            assert total_of(client.get(href).get_data(as_text=True)) == count, (name, words, href)


def test_one_value_per_agreement_sums_to_the_total_and_several_values_are_said(client, world):
    """Status, instrument, renewal and evidence counts add up to the total; an agreement in two sectors counts under
    both, and the sector and country facets say so."""
    html = client.get("/agreements/").get_data(as_text=True)
    total, facets = total_of(html), facets_of(html)
    assert total == 9
    for name in ("status", "instrument", "renewal", "evidence"):
        assert sum(count for _w, count, _c, _h in facets[name]) == total, name
    assert sum(count for _w, count, _c, _h in facets["sector"]) == 12  # 2+1+1+2+0+1+3+1+1
    assert {w: c for w, c, _ch, _h in facets["country"]} == {"South Korea": 5, "Japan": 4}
    assert [c for _w, c, _ch, _h in facets["owner"]] == [4]  # the others have no officer
    captions = [text_of(p) for p in parse(html).xpath("//p[contains(@class, 'facet-caption')]")]
    assert captions == [
        "An agreement in several sectors counts under each.",
        "An agreement counts under the country of each of its partners.",
    ]
    assert problems_of(html) == []


def test_facet_links_add_to_a_selection_replace_a_single_choice_and_take_a_chosen_value_away(client, world):
    html = shown(client, "/agreements/?sector=technology&country=KR&sort=title&page=2")
    facets = facets_of(html)
    technology = next(value for value in facets["sector"] if value[0] == "Technology")
    assert technology[2] is True and ("sector", "technology") not in query_of(technology[3])
    energy = next(value for value in facets["sector"] if value[0] == "Renewable energy")
    assert energy[2] is False
    assert {("sector", "technology"), ("sector", "renewable-energy"), ("country", "KR")} <= set(query_of(energy[3]))
    japan = next(value for value in facets["country"] if value[0] == "Japan")
    assert ("country", "JP") in query_of(japan[3]) and ("country", "KR") not in query_of(japan[3])
    for values in facets.values():
        for _words, _count, _chosen, href in values:
            assert ("sort", "title") in query_of(href) and "page" not in dict(query_of(href))


def test_the_officer_facet_names_the_officer_and_me_is_chosen(client_as, world):
    officer = world["officer"]
    client = client_as(UserRole.VIEWER)
    facets = facets_of(shown(client, "/agreements/"))
    assert [(words, count) for words, count, _c, _h in facets["owner"]] == [(officer.email, 4)]
    assert ("owner", str(officer.id)) in query_of(facets["owner"][0][3])


def test_a_long_facet_is_capped_and_its_link_lists_it_whole(client, make_agreement, make_sector):
    sectors = [make_sector(f"Sector {letter}") for letter in "ABCDEFGHIJ"]
    for number, sector in enumerate(sectors):
        for _ in range(number + 1):
            make_agreement(title=f"In {sector.name}", sectors=[sector])
    html = shown(client, "/agreements/")
    listed = facets_of(html)["sector"]
    assert [words for words, *_rest in listed] == [f"Sector {letter}" for letter in "JIHGFE"][:FACET_SHOWN]
    more = parse(html).xpath("//section[@aria-labelledby='facet-sector']//a[@class='facet-more']")[0]
    assert text_of(more) == "4 more values"
    whole = facets_of(shown(client, more.get("href")))["sector"]
    assert len(whole) == 10


def test_the_counts_follow_a_change_of_the_data(client, make_agreement):
    """The counts are kept per data version: a new agreement is counted on the next view."""
    make_agreement(title="First")
    assert facets_of(shown(client, "/agreements/"))["status"][0][1] == 1
    make_agreement(title="Second")
    assert facets_of(shown(client, "/agreements/"))["status"][0][1] == 2


def test_chips_name_each_filter_and_removing_one_keeps_the_rest(client, world):
    html = client.get("/agreements/?status=in_force&status=signed&country=KR&sort=title&per_page=10&page=2")
    doc = parse(html.get_data(as_text=True))
    chips = {
        text_of(a).split(" ×")[0].removesuffix(" (remove this filter)"): a.get("href")
        for a in doc.xpath("//ul[@class='filter-chips']//a")
    }
    assert set(chips) == {"Status: In force", "Status: Signed", "Partner country: South Korea", "Clear all"}
    kept = query_of(chips["Status: In force"])
    assert ("status", "signed") in kept and ("country", "KR") in kept and ("status", "in_force") not in kept
    assert "page" not in dict(kept) and ("sort", "title") in kept
    assert query_of(chips["Clear all"]) == [("sort", "title"), ("per_page", "10")]
    assert total_of(client.get(chips["Status: In force"]).get_data(as_text=True)) == 1


def test_no_chips_without_filters(client, world):
    assert not parse(client.get("/agreements/?sort=title").get_data(as_text=True)).xpath("//ul[@class='filter-chips']")


@pytest.mark.parametrize(
    ("sort", "title_sort", "title_link", "period_sort", "period_link"),
    [
        ("", None, "title", None, "start"),
        ("title", "ascending", "-title", None, "start"),
        ("-title", "descending", "title", None, "start"),
        ("start", None, "title", "ascending", "-start"),
        ("-start", None, "title", "descending", "start"),
    ],
)
def test_headings_sort_and_say_how(client, world, sort, title_sort, title_link, period_sort, period_link):
    ordered = f"sort={sort}&" if sort else ""
    doc = parse(client.get(f"/agreements/?{ordered}status=in_force&page=1").get_data(as_text=True))
    title, period = doc.xpath("//table[@class='agreements']//th[@class='sortable']")
    for heading, state, link in ((title, title_sort, title_link), (period, period_sort, period_link)):
        assert heading.get("aria-sort") == state
        query = dict(query_of(heading.xpath(".//a")[0].get("href")))
        assert query["sort"] == link and query["status"] == "in_force" and "page" not in query
    rows = [text_of(row.xpath(".//td//a")[0]) for row in doc.xpath("//table[@class='agreements']/tbody/tr")]
    if sort == "title":
        assert rows == ["Cooperation 0", "Cooperation 1", "Cooperation 2"]
    if sort == "-title":
        assert rows == ["Cooperation 2", "Cooperation 1", "Cooperation 0"]


@pytest.mark.parametrize(
    ("page", "pages", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (5, 12, [1, None, 3, 4, 5, 6, 7, None, 12]),
        (1, 12, [1, 2, 3, None, 12]),
        (12, 12, [1, None, 10, 11, 12]),
        (4, 12, [1, 2, 3, 4, 5, 6, None, 12]),
        (40, 12, [1, None, 10, 11, 12]),
    ],
)
def test_the_page_window(page, pages, window):
    assert Page(items=[], total=pages * 10, page=page, per_page=10).window() == window


def test_numbered_pages_first_last_and_go_to_page(client, make_agreement):
    for number in range(45):
        make_agreement(title=f"Agreement {number:02d}")
    doc = parse(client.get("/agreements/?q=agreement&sort=title&per_page=10&page=3").get_data(as_text=True))
    nav = doc.xpath("//nav[@class='pagination']")[0]
    links = {text_of(a).removeprefix("Page "): dict(query_of(a.get("href"))) for a in nav.xpath(".//ul//a")}
    assert list(links) == ["First", "Previous", "1", "2", "3", "4", "5", "Next", "Last"]
    assert links["First"]["page"] == "1" and links["Last"]["page"] == "5" and links["Next"]["page"] == "4"
    assert all(query["q"] == "agreement" and query["sort"] == "title" for query in links.values())
    assert text_of(nav.xpath(".//*[@aria-current='page']")[0]) == "Page 3"
    form = nav.xpath(".//form[@class='go-to-page']")[0]
    assert form.get("method") == "get"
    hidden = [(field.get("name"), field.get("value")) for field in form.xpath(".//input[@type='hidden']")]
    assert hidden == [("q", "agreement"), ("sort", "title"), ("per_page", "10")]
    assert form.xpath(".//input[@id='go-to-page']")[0].get("name") == "page"
    # The form's GET, as the browser sends it, lists page 5: the last five agreements.
    html = client.get("/agreements/", query_string=[*hidden, ("page", "5")]).get_data(as_text=True)
    assert [text_of(a) for a in parse(html).xpath("//table[@class='agreements']/tbody//td//a")] == [
        f"Agreement {number}" for number in range(40, 45)
    ]


def test_a_page_past_the_end_says_so(client, make_agreement):
    for number in range(12):
        make_agreement(title=f"Agreement {number:02d}")
    response = client.get("/agreements/?per_page=10&page=9")
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    alert = doc.xpath("//p[@class='error'][@role='alert']")[0]
    assert text_of(alert).startswith("There is no page 9: this list has 2 pages.")
    assert dict(query_of(alert.xpath(".//a")[0].get("href")))["page"] == "2"
    assert not doc.xpath("//table[@class='agreements']")
    assert problems_of(response.get_data(as_text=True)) == []


def test_a_refused_query_still_shows_its_chips(client):
    response = client.get("/agreements/?active_in=abc&status=in_force")
    assert response.status_code == 400
    chips = parse(response.get_data(as_text=True)).xpath("//ul[@class='filter-chips']//a/span[1]")
    assert [text_of(chip) for chip in chips] == ["Active in year: abc", "Status: In force"]


def test_the_kept_count_follows_every_write(client, session, make_agreement):
    """The list's count is kept per data version (http/counts.KeptCounts): a new, edited or archived agreement shows."""
    first = make_agreement(title="Kept count one")
    assert total_of(client.get("/agreements/?q=&status=in_force").get_data(as_text=True)) == 1
    make_agreement(title="Kept count two")
    assert total_of(client.get("/agreements/?q=&status=in_force").get_data(as_text=True)) == 2
    first.status = AgreementStatus.EXPIRED
    session.commit()
    assert total_of(client.get("/agreements/?q=&status=in_force").get_data(as_text=True)) == 1
    assert total_of(client.get("/agreements/?q=&status=expired").get_data(as_text=True)) == 1
    assert client.post(f"/agreements/{first.id}/delete").status_code == 302  # archived
    assert total_of(client.get("/agreements/?q=&status=expired").get_data(as_text=True)) == 0
