"""The timeline page: the query page's agreements as an inline SVG, each bar a link to its agreement."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given

from tests.web.test_fuzz import FUZZ_SETTINGS, fields_of, submission
from tracker.demo import AGREEMENTS, load_demo
from tracker.formatting import period
from tracker.models import Agreement, AgreementRelation, AgreementStatus, PartyRole, RelationKind, UserRole

SVG = "{http://www.w3.org/2000/svg}"


def timeline_svg(html: str) -> ET.Element:
    """The page's timeline SVG, parsed as XML (which fails unless it is well-formed)."""
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="timeline".*?</svg>', html, re.DOTALL)
    assert match, "no timeline SVG on the page"
    return ET.fromstring(match.group(0))


def row_links(svg: ET.Element) -> list[ET.Element]:
    """The rows' links, top to bottom."""
    return [link for link in svg.iter(f"{SVG}a") if "timeline-row" in link.get("class", "")]


def linked_ids(svg: ET.Element) -> list[int]:
    """The agreement ids the rows link to, top to bottom."""
    return [int(link.get("href").rsplit("/", 1)[1]) for link in row_links(svg)]


def table_ids(html: str) -> list[int]:
    """The agreement ids the query page's table links to, top to bottom."""
    return [int(number) for number in re.findall(r'<a href="/agreements/(\d+)">', html)]


def get_timeline(client, query: str = "") -> tuple[str, ET.Element]:
    """The timeline page's HTML and SVG for a query string."""
    response = client.get(f"/agreements/timeline{query}")
    assert response.status_code == 200, response.text
    return response.text, timeline_svg(response.text)


@pytest.fixture
def demo(session) -> dict[str, Agreement]:
    """The tirto.id demo story, agreements by title."""
    load_demo(session)
    session.commit()
    return {agreement.title: agreement for agreement in session.query(Agreement)}


def test_demo_story_shows_aitec_2006_2018_fading_over_its_year_only_ends(app, client, demo):
    html, svg = get_timeline(client, "?as_of=2017-10-04&sort=title")
    assert sorted(linked_ids(svg)) == sorted(agreement.id for agreement in demo.values())
    aitec = demo[AGREEMENTS[0].title]
    (link,) = [link for link in row_links(svg) if link.get("href") == f"/agreements/{aitec.id}"]
    title = link.find(f"{SVG}title").text
    assert title == f"{aitec.title}: 2006–2018, In force; Implementation: Implemented"
    assert link.get("aria-label") == title
    masks = {rect.get("mask") for rect in link.iter(f"{SVG}rect") if rect.get("mask")}
    assert masks == {"url(#timeline-fade-in)", "url(#timeline-fade-out)"}
    # The two announced agreements have no dates: honest rows without bars.
    undated = [row for row in row_links(svg) if "dates not known" in row.find(f"{SVG}title").text]
    assert len(undated) == 2
    assert all(not row.findall(f"{SVG}rect[@class='bar']") for row in undated)
    assert "No start or end known" in html
    # The reference day lies between the 2017 and 2018 year lines.
    ticks = {
        int(text.text): float(text.get("x")) for text in svg.iter(f"{SVG}text") if text.get("class") == "tick-label"
    }
    today = svg.find(f"{SVG}g[@class='today']/{SVG}line")
    assert ticks[2017] - 30 < float(today.get("x1")) < ticks[2018]
    with app.test_request_context():
        day = app.jinja_env.filters["date"](date(2017, 10, 4))  # as the page formats dates
    assert f"Seen from {day}" in html
    assert "Fading: the date is known only to the year or month" in html


def test_svg_is_labelled_and_every_row_is_a_keyboard_reachable_link(client, demo):
    _html, svg = get_timeline(client)
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "timeline-caption"
    assert svg.find(f"{SVG}desc") is not None
    for link in row_links(svg):
        assert link.get("href", "").startswith("/agreements/")  # SVG 2 href: focusable and followed
        assert "{http://www.w3.org/1999/xlink}href" not in link.attrib
        assert link.find(f"{SVG}title").text


@pytest.mark.parametrize(
    "query",
    [
        "?status=in_force",
        "?status=announced&sort=title",
        "?sector=technology",
        "?country=JP",
        "?q=cooperation&sort=-start",
        "?ends_from=2019&ends_to=2030&sort=end",
        "?active_in=2010",
    ],
)
def test_filters_draw_the_same_agreements_as_the_table(client, make_agreement, make_party, get_sector, query):
    japan = make_party(name="JETRO", country_code="JP")
    tech = get_sector("technology")
    make_agreement(title="Old cooperation", start="2006", end="2018", sectors=[tech])
    make_agreement(
        title="Japanese cooperation", start="2015-04", end="2020-03-31", parties=[(japan, PartyRole.SIGNATORY)]
    )
    make_agreement(title="Announced MoU", status=AgreementStatus.ANNOUNCED)
    make_agreement(title="Expired deal", status=AgreementStatus.EXPIRED, start="2009-01-01", end="2012", sectors=[tech])
    _html, svg = get_timeline(client, query)
    expected = table_ids(client.get(f"/agreements/{query}").text)
    assert expected, "the query should match something"
    assert linked_ids(svg) == expected


def test_bars_link_to_the_right_agreements(app, client, make_agreement):
    first = make_agreement(title="First", start="2010", end="2012")
    second = make_agreement(title="Second", start="2013-01-01", end="2014-12-31")
    _html, svg = get_timeline(client, "?sort=start")
    assert linked_ids(svg) == [first.id, second.id]
    titles = [link.find(f"{SVG}title").text for link in row_links(svg)]
    with app.test_request_context():
        second_period = period(second.start, second.end)  # days in the locale's format
    assert titles == ["First: 2010–2012, In force", f"Second: {second_period}, In force"]
    assert "2013" in second_period and "2014" in second_period
    for link, agreement in zip(row_links(svg), (first, second), strict=True):
        assert client.get(link.get("href")).status_code == 200
        assert agreement.title in client.get(link.get("href")).text


def test_a_renewal_is_joined_to_what_it_renews(client, session, make_agreement):
    old = make_agreement(title="Technology cooperation 2006", start="2006", end="2018")
    new = make_agreement(title="Technology cooperation 2019", start="2019-03", status=AgreementStatus.SIGNED)
    session.add(AgreementRelation(subject=new, object=old, kind=RelationKind.RENEWS))
    session.commit()
    html, svg = get_timeline(client, "?sort=start")
    (path,) = [p for p in svg.iter(f"{SVG}path") if p.get("class") == "connector"]
    assert path.find(f"{SVG}title").text == "“Technology cooperation 2019” renews “Technology cooperation 2006”"
    assert path.get("marker-end") == "url(#timeline-arrow)"
    assert "Line: a renewal" in html
    # The open end of the renewal is drawn with an arrow.
    assert len([p for p in svg.iter(f"{SVG}polygon") if p.get("class") == "open-arrow"]) == 1


def test_pages_like_the_list(client, make_agreement):
    for number in range(12):
        make_agreement(title=f"Agreement {number:02}", start=str(2000 + number), end=str(2003 + number))
    html, svg = get_timeline(client, "?per_page=10&sort=title")
    assert len(linked_ids(svg)) == 10
    assert "Page 1 of 2" in html
    assert 'href="/agreements/timeline?per_page=10&amp;sort=title&amp;page=2"' in html
    _html, second = get_timeline(client, "?per_page=10&sort=title&page=2")
    assert linked_ids(second) == table_ids(client.get("/agreements/?per_page=10&sort=title&page=2").text)
    assert len(linked_ids(second)) == 2


def test_view_switch_keeps_the_query_string(client, make_agreement, get_sector):
    make_agreement(sectors=[get_sector("technology")])
    table = client.get("/agreements/?status=in_force&sector=technology").text
    assert 'href="/agreements/timeline?status=in_force&amp;sector=technology">Timeline</a>' in table
    timeline_page = client.get("/agreements/timeline?status=in_force&sector=technology").text
    assert 'href="/agreements/?status=in_force&amp;sector=technology">Table</a>' in timeline_page
    assert 'href="/agreements/timeline">Timeline</a>' in client.get("/agreements/").text


def test_text_is_escaped_and_the_svg_stays_well_formed(client, make_agreement):
    make_agreement(title='Tom & Jerry <script>alert("x")</script> “Kerja sama”', start="2010", end="2011")
    html, svg = get_timeline(client)
    assert "<script>alert" not in html
    (link,) = row_links(svg)
    assert link.find(f"{SVG}title").text.startswith('Tom & Jerry <script>alert("x")</script> “Kerja sama”')


def test_nothing_found_and_bad_filters(client, make_agreement):
    make_agreement()
    assert "No agreement matches these filters." in client.get("/agreements/timeline?q=nothing").text
    for query in ("?ends_from=2020&ends_to=2010", "?as_of=2017-13-01", "?status=bogus", "?page=0"):
        response = client.get(f"/agreements/timeline{query}")
        assert response.status_code == 400, query
        assert 'aria-invalid="true"' in response.text or "Correct the highlighted filters" in response.text


def test_viewers_see_the_timeline_and_strangers_do_not(client_as, anonymous_client, make_agreement):
    agreement = make_agreement(start="2006", end="2018")
    response = client_as(UserRole.VIEWER).get("/agreements/timeline")
    assert response.status_code == 200
    assert linked_ids(timeline_svg(response.text)) == [agreement.id]
    assert anonymous_client.get("/agreements/timeline").status_code in (302, 401)


def test_the_timeline_costs_a_bounded_number_of_statements(client, session, make_agreement, count_statements):
    def add(number: int) -> Agreement:
        return make_agreement(title=f"Agreement {number:02}", start=str(2000 + number % 20), end="2030")

    previous = add(0)
    with count_statements() as few:
        assert client.get("/agreements/timeline?per_page=100").status_code == 200
    for number in range(1, 30):
        agreement = add(number)
        session.add(AgreementRelation(subject=agreement, object=previous, kind=RelationKind.RENEWS))
        previous = agreement
    session.commit()
    with count_statements() as many:
        html = client.get("/agreements/timeline?per_page=100").text
    assert len(connectors := re.findall(r'class="connector"', html)) == 29, connectors
    assert len(many) == len(few) <= 11, many


def test_fuzzed_query_strings_never_fail(client, make_party, make_agreement, get_sector):
    """Whatever the query string holds, the timeline answers with a page or a 400, never a crash."""
    ministry = make_party(name="Ministry of Industry")
    make_agreement(
        start="2006", end="2018", parties=[(ministry, PartyRole.SIGNATORY)], sectors=[get_sector("technology")]
    )
    make_agreement(title="Undated MoU", status=AgreementStatus.ANNOUNCED)
    fields = fields_of(client, "/agreements/timeline")
    assert {"q", "party", "sector", "status", "as_of", "per_page"} <= set(fields)

    @FUZZ_SETTINGS
    @given(params=submission(fields))
    def get(params):
        response = client.get("/agreements/timeline", query_string=params)
        assert response.status_code in (200, 400), (params, response.status_code)
        if 'class="timeline"' in response.text:  # a page past the last, or no match, has no chart
            timeline_svg(response.text)

    get()
