"""The list's facet panel never holds the list up (issue 19, tracker/web/list_page.py): after a write the list of a
query whose counts are not kept shows its rows with a placeholder, and the panel comes from its own endpoint (what
static/js/facets.js fetches) or, without script, from the placeholder's link; kept counts are shown inline."""

from __future__ import annotations

import re

import pytest

from tests.web.a11y_html import parse, text_of
from tracker.models import UserRole

LIST = "/agreements/?status=in_force&sort=title"
PANEL = re.compile(r'<aside class="list-panel".*?</aside>', re.S)


def facet_statements(statements: list[str]) -> list[str]:
    """The statements counting facets over the matching agreements (facets.counted_facets: the `hits` CTE)."""
    return [statement for statement in statements if "hits" in statement]


def panel_of(html: str) -> str:
    """The facet panel as the page or the endpoint has it."""
    return PANEL.search(html).group(0)


def placeholder_of(html: str):
    """The placeholder's element (None when the counts are shown)."""
    found = parse(html).xpath("//div[@id='facet-counts'][@data-facets-url]")
    return found[0] if found else None


@pytest.fixture
def viewer(client_as):
    """A signed-in viewer whose first request is behind it (a client's first request may do more)."""
    client = client_as(UserRole.VIEWER)
    client.get("/")
    return client


def test_the_first_view_after_a_write_shows_the_rows_and_leaves_the_counts_to_the_endpoint(
    viewer, listed, make_agreement, count_statements
):
    make_agreement(title="Delta after the write")  # a write: nothing is kept for the new data version
    with count_statements() as statements:
        html = viewer.get(LIST).get_data(as_text=True)
    assert "Delta after the write" in html and "Alpha steel cooperation" in html
    assert facet_statements(statements) == []
    placeholder = placeholder_of(html)
    assert placeholder is not None and placeholder.get("aria-busy") == "true"
    assert "The counts are being computed." in text_of(placeholder)
    assert placeholder.get("data-facets-url") == "/agreements/facets?status=in_force&sort=title"
    link = placeholder.xpath(".//a")[0]
    assert text_of(link) == "Show the counts"
    assert link.get("href") == "/agreements/?status=in_force&sort=title&facets=1#list-panel"
    assert '<script src="/static/js/facets.js" defer></script>' in html


def test_the_endpoint_counts_once_and_the_list_then_shows_its_panel_inline(viewer, listed, count_statements):
    viewer.get(LIST)
    with count_statements() as statements:
        answer = viewer.get("/agreements/facets?status=in_force&sort=title")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert len(facet_statements(statements)) == 1
    panel = answer.get_data(as_text=True)
    assert panel.startswith('<aside class="list-panel"') and placeholder_of(panel) is None
    # The kept list content (kept with its placeholder's place) now shows the kept panel, on any page of the query.
    with count_statements() as statements:
        html = viewer.get(LIST).get_data(as_text=True)
        second_page = viewer.get(LIST + "&page=2").get_data(as_text=True)
    assert facet_statements(statements) == []
    assert panel_of(html) == panel.strip() == panel_of(second_page)
    # Its links lead to the list, not to the endpoint.
    links = parse(panel).xpath("//section[@class='facet']//a/@href")
    assert links and all(link.startswith("/agreements/?") for link in links)
    assert "/agreements/?status=signed&sort=title&status=in_force" not in links  # in_force is chosen: taken away
    assert "/agreements/?sort=title" in links


def test_without_script_the_link_shows_the_counts_inline(viewer, listed, count_statements):
    with count_statements() as statements:
        html = viewer.get(LIST + "&facets=1").get_data(as_text=True)
    assert len(facet_statements(statements)) == 1
    assert placeholder_of(html) is None
    assert panel_of(html) == viewer.get("/agreements/facets?status=in_force&sort=title").get_data(as_text=True).strip()
    # Neither the facets' links nor the chips carry the parameter on.
    chips = parse(html).xpath("//ul[@class='filter-chips']//a/@href")
    assert chips and "facets=1" not in panel_of(html) and not [chip for chip in chips if "facets" in chip]


def test_the_whole_list_shows_the_kept_counts_inline_after_a_write(viewer, listed, make_agreement, count_statements):
    make_agreement(title="Delta after the write")
    with count_statements() as statements:
        html = viewer.get("/agreements/?sort=title").get_data(as_text=True)
    assert placeholder_of(html) is None
    assert facet_statements(statements) == []
    # One statement reads the facets, from the kept counts alone (no agreement read).
    counts = [statement for statement in statements if " AS facet" in statement]
    assert len(counts) == 1 and "kept_count" in counts[0] and "agreement" not in counts[0]
    statuses = parse(html).xpath("//section[@aria-labelledby='facet-status']//span[@class='count']")
    assert sorted(text_of(count) for count in statuses) == ["1", "3"]


def test_the_endpoint_refuses_what_the_list_refuses_and_asks_for_a_sign_in(viewer, anonymous_client, listed):
    assert viewer.get("/agreements/?status=bogus").status_code == 400
    assert viewer.get("/agreements/facets?status=bogus").status_code == 400
    assert viewer.get("/agreements/facets?signed_from=not-a-date").status_code == 400
    refused = anonymous_client.get("/agreements/facets?status=in_force")
    assert refused.status_code == anonymous_client.get("/agreements/?status=in_force").status_code == 302
    assert "/auth/" in refused.headers["Location"] or "sign" in refused.headers["Location"]
