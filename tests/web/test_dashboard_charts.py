"""The dashboard's charts: numbers as bars and as tables, each bar a link to what it counts.

Bar charts by status, sector, partner country and ending quarter, each with the same numbers in a table for
screen readers, every bar linked to the query page filtered to what it counts.
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tracker.charts.quarters import Quarter
from tracker.countries import country_name
from tracker.demo import AGREEMENTS, load_demo
from tracker.models import AgreementStatus, AutoRenewal, NoticeUnit, PartyKind, PartyRole, UserRole
from tracker.queries.dashboard import dashboard, expiries_by_quarter
from tracker.queries.expiring import expiring_agreements
from tracker.services.agreements import archive_agreement
from tracker.services.terms import sync_terms

AS_OF = date(2017, 10, 4)
SVG = "{http://www.w3.org/2000/svg}"
ROW = re.compile(r'<th scope="row">(?:<a href="([^"]*)">)?(.*?)(?:</a>)?</th>\s*<td class="number">(\d+)</td>', re.S)


def charts_on(page: str) -> dict[str, dict]:
    """Each bar chart on the page by its SVG id: the parsed SVG and its table's rows (label, count, link)."""
    found = {}
    for figure in page.split('<figure class="chart chart-bars">')[1:]:
        figure = figure.split("</figure>")[0]
        svg = ET.fromstring(re.search(r"<svg .*?</svg>", figure, re.S).group(0))
        rows = [
            (html_lib.unescape(label), int(count), html_lib.unescape(href))
            for href, label, count in ROW.findall(figure)
        ]
        found[svg.get("id")] = {"svg": svg, "rows": rows}
    return found


def table(chart: dict) -> list[tuple[str, int]]:
    """A chart's table as (label, count) pairs."""
    return [(label, count) for label, count, _href in chart["rows"]]


@pytest.fixture
def world(session, make_party, make_agreement, get_sector):
    """The demo story plus agreements ending in the next two years, one past its end and one terminated."""
    load_demo(session)
    session.commit()
    japan = make_party(name="JETRO", kind=PartyKind.ASSOCIATION, country_code="JP")
    ministry = make_party(name="Ministry of Trade", country_code="ID")
    ev = get_sector("electric-vehicles")
    parties = [(ministry, PartyRole.SIGNATORY), (japan, PartyRole.SIGNATORY)]
    make_agreement(title="Ends Q4 2017", end="2017-12-31", parties=parties, sectors=[ev])
    make_agreement(title="Ends March 2019", end="2019-03", status=AgreementStatus.SIGNED, parties=parties)
    make_agreement(title="Ends past the window", end="2019-10-01", parties=parties)
    make_agreement(title="Ended already", end="2017-06-30", parties=parties)
    make_agreement(title="Terminated", end="2018-06-30", status=AgreementStatus.TERMINATED, parties=parties)


def test_expiries_are_counted_per_quarter_from_the_reference_day(session, world):
    counts = dict(expiries_by_quarter(session, AS_OF))
    assert list(counts) == [
        Quarter(2017, 4),
        *(Quarter(2018, q) for q in (1, 2, 3, 4)),
        *(Quarter(2019, q) for q in (1, 2, 3)),
    ]
    # AITEC's "2018" counts in the first quarter of 2018; terminated, past and far ends are left out.
    assert counts[Quarter(2017, 4)] == 1
    assert counts[Quarter(2018, 1)] == 1
    assert counts[Quarter(2019, 1)] == 1
    assert sum(counts.values()) == 3


def test_agreements_with_a_notice_period_count_in_the_quarter_of_their_decision_date(session, make_agreement):
    # Ends 31 March 2019 unless notice is given six months before: the decision is due by 1 October 2018 (Q4).
    mou = make_agreement(title="MoU kendaraan listrik", end="2019-03-31", notice_period=6)
    # Five-year terms from 2013, renewed unless notice: the current term's decision date, 1 July 2017, has passed
    # while the term runs to the end of 2017; it is overdue, in the expiring list, and in no quarter.
    overdue = make_agreement(
        title="Industrial cooperation MoU",
        start="2013-01-01",
        duration_months=60,
        notice_period=6,
        auto_renewal=AutoRenewal.YES,
    )
    for agreement in (mou, overdue):
        sync_terms(session, agreement)
    session.commit()
    counts = dict(expiries_by_quarter(session, AS_OF))
    assert counts[Quarter(2018, 4)] == 1 and counts[Quarter(2019, 1)] == 0
    assert sum(counts.values()) == 1
    # In 2021 the industrial MoU runs its second term: its decision date, 1 July 2022, counts in that quarter.
    later = dict(expiries_by_quarter(session, date(2021, 1, 1)))
    assert later[Quarter(2022, 3)] == 1 and sum(later.values()) == 1


def test_each_decision_of_a_yearly_renewal_in_the_window_counts_in_its_quarter(session, make_agreement):
    # Yearly terms from 2016, renewed unless notice two months before the end: decisions due by 1 November 2017,
    # 1 November 2018 and 1 November 2019; the window (Q4 2017 to Q3 2019) holds the first two.
    yearly = make_agreement(
        title="MoU pertukaran pelajar dengan Universitas Kyoto",
        start="2016-01-01",
        duration_months=12,
        notice_period=2,
        auto_renewal=AutoRenewal.YES,
    )
    # Monthly terms from March 2017 with ten days' notice: a decision every month, three in each quarter.
    monthly = make_agreement(
        title="Sewa ruang pameran bulanan",
        start="2017-03-01",
        duration_months=1,
        notice_period=10,
        notice_unit=NoticeUnit.DAYS,
        auto_renewal=AutoRenewal.YES,
    )
    for agreement in (yearly, monthly):
        sync_terms(session, agreement)
    session.commit()
    counts = dict(expiries_by_quarter(session, AS_OF))
    # Q4 2017 holds the monthly one's decisions of 22 October, 21 November and 22 December, and the yearly one's.
    assert counts[Quarter(2017, 4)] == 3 + 1
    assert counts[Quarter(2018, 4)] == 3 + 1
    assert counts[Quarter(2018, 1)] == 3
    assert sum(counts.values()) == 8 * 3 + 2
    # Each quarter's bar opens the expiring list as of its first day, which lists the yearly renewal by that term's
    # decision date: the chart counts what the list it links to shows.
    from_list = expiring_agreements(session, date(2018, 10, 1), 3)
    assert [(row.agreement.title, row.decision) for row in from_list if row.agreement == yearly] == [
        (yearly.title, date(2018, 11, 1))
    ]


def test_archived_agreements_do_not_count(session, make_agreement):
    agreement = make_agreement(end="2018-02-01")
    assert dict(expiries_by_quarter(session, AS_OF))[Quarter(2018, 1)] == 1
    archive_agreement(session, agreement)
    session.commit()
    assert dict(expiries_by_quarter(session, AS_OF))[Quarter(2018, 1)] == 0


def test_each_chart_table_holds_the_numbers_of_the_data(client, session, world):
    board = dashboard(session, as_of=AS_OF, home_country="ID")
    charts = charts_on(client.get("/?as_of=2017-10-04").text)
    assert set(charts) == {"chart-by-quarter", "chart-by-status", "chart-by-sector", "chart-by-country"}
    labels = {"announced": "Announced", "in_force": "In force", "signed": "Signed", "terminated": "Terminated"}
    assert table(charts["chart-by-status"]) == [(labels[status.value], count) for status, count in board.by_status]
    assert table(charts["chart-by-sector"]) == [(sector.name, sector.count) for sector in board.by_sector]
    assert table(charts["chart-by-country"]) == [(country_name(code), count) for code, count in board.by_country]
    assert table(charts["chart-by-country"]) == [("Japan", 5), ("South Korea", 3)]
    assert table(charts["chart-by-quarter"]) == [
        (f"Q{quarter.number} {quarter.year}", count) for quarter, count in board.by_quarter
    ]
    assert sum(count for _label, count in table(charts["chart-by-quarter"])) == 3


def test_each_bar_shows_and_links_what_its_table_row_says(client, world):
    for chart_id, chart in charts_on(client.get("/?as_of=2017-10-04").text).items():
        svg = chart["svg"]
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.find(f"{SVG}title").get("id") == title_id and svg.find(f"{SVG}desc").get("id") == desc_id
        links = [a.get("href") for a in svg.iter(f"{SVG}a")]
        assert links == [href for _label, _count, href in chart["rows"] if href], chart_id
        assert all(a.get("tabindex") == "-1" for a in svg.iter(f"{SVG}a"))  # the table's links take the keyboard
        values = [int(text.text) for text in svg.iter(f"{SVG}text") if text.get("class") == "bar-value"]
        assert values == [count for _label, count, _href in chart["rows"]], chart_id
        assert len([rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar"]) == len(values)


def test_bars_link_to_the_query_page_filtered_accordingly(client, session, world):
    page = client.get("/?as_of=2017-10-04").text
    charts = charts_on(page)
    assert "Decisions and ends per quarter" in page
    assert "Decision dates, one per term, else ends of open agreements per quarter, next two years" in page
    hrefs = {label: href for chart in charts.values() for label, _count, href in chart["rows"]}
    assert hrefs["Announced"] == "/agreements/?status=announced"
    assert hrefs["Technology"] == "/agreements/?sector=technology"
    assert hrefs["South Korea"] == "/agreements/?country=KR"
    # A quarter's bar opens the expiring list of its three months (from the reference day in the first quarter).
    assert hrefs["Q4 2017"] == "/expiring/?as_of=2017-10-04&months=3"
    quarter = hrefs["Q1 2018"]
    assert quarter == "/expiring/?as_of=2018-01-01&months=3"
    listed = client.get(quarter).text
    assert AGREEMENTS[0].title in listed
    assert "Terminated" not in re.findall(r'<a href="/agreements/\d+">([^<]*)</a>', listed)


def test_status_bars_are_drawn_like_the_timeline_draws_statuses(client, world):
    svg = charts_on(client.get("/?as_of=2017-10-04").text)["chart-by-status"]["svg"]
    fills = [rect.get("fill") for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert "url(#chart-by-status-pattern-prospective)" in fills  # announced: hatched
    assert "#1b6e3a" in fills  # in force: solid green
    assert svg.find(f".//{SVG}pattern[@id='chart-by-status-pattern-prospective']") is not None


def test_many_countries_fold_into_one_bar(client, make_party, make_agreement):
    home = make_party(name="Ministry", country_code="ID")
    for code in ("JP", "KR", "CN", "DE", "FR", "GB", "US", "IN", "SG", "MY", "TH", "VN", "AU", "NL"):
        make_agreement(
            title=f"With {code}",
            parties=[(home, PartyRole.SIGNATORY), (make_party(name=code, country_code=code), PartyRole.SIGNATORY)],
        )
    rows = charts_on(client.get("/").text)["chart-by-country"]["rows"]
    assert len(rows) == 12
    assert rows[-1] == ("3 other countries", 3, "")
    assert sum(count for _label, count, _href in rows) == 14


def test_viewers_see_the_charts(client_as, world):
    charts = charts_on(client_as(UserRole.VIEWER).get("/?as_of=2017-10-04").text)
    assert len(charts) == 4


def test_an_empty_tracker_shows_no_charts(client):
    assert charts_on(client.get("/").text) == {}


def test_the_dashboard_page_costs_a_bounded_number_of_statements(
    client, make_party, make_agreement, get_sector, count_statements
):
    sector = get_sector("technology")

    def add(number: int) -> None:
        party = make_party(name=f"Partner {number}", country_code=["JP", "KR", "DE"][number % 3])
        make_agreement(
            title=f"Agreement {number}",
            end=f"{2018 + number % 2}-0{1 + number % 9}",
            parties=[(party, PartyRole.SIGNATORY)],
            sectors=[sector],
        )

    add(0)
    with count_statements() as few:
        assert client.get("/?as_of=2017-10-04").status_code == 200
    for number in range(1, 20):
        add(number)
    with count_statements() as many:
        assert client.get("/?as_of=2017-10-04").status_code == 200
    assert len(many) == len(few) <= 14, many


def test_counts_leave_out_archived_agreements_of_live_partners(session, make_party, make_agreement, get_sector):
    # The counts subtract archived agreements from all rows: the archived one shares a live partner and sector.
    first = make_party(name="Korean partner one", kind=PartyKind.COMPANY, country_code="KR")
    second = make_party(name="Korean partner two", kind=PartyKind.COMPANY, country_code="KR")
    technology = get_sector("technology")
    both = [(first, PartyRole.SIGNATORY), (second, PartyRole.SIGNATORY)]
    make_agreement(title="Live", end="2018-03", parties=both, sectors=[technology], status=AgreementStatus.SIGNED)
    gone = make_agreement(title="Gone", parties=[(first, PartyRole.SIGNATORY)], sectors=[technology])
    make_agreement(title="Also live", parties=[(second, PartyRole.FUNDER)], status=AgreementStatus.SIGNED)
    archive_agreement(session, gone)
    session.commit()
    board = dashboard(session, as_of=AS_OF, home_country="ID")
    assert board.by_country == [("KR", 2)]
    assert [(sector.slug, sector.count) for sector in board.by_sector] == [("technology", 1)]
    assert board.by_status == [(AgreementStatus.SIGNED, 2)]
    assert board.totals.agreements == 2
