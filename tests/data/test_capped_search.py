"""A search in more agreements than are ranked (issue 19): the best of the typed words' matches, its count a lower
bound that the list page, the bulk form and the API say."""

from __future__ import annotations

import pytest

from tests.web.a11y_html import parse, problems_of, text_of
from tracker.models import GlossaryEntry, UserRole
from tracker.queries import agreements
from tracker.queries.agreements import AgreementFilters, search_agreements


@pytest.fixture
def common(monkeypatch, make_agreement):
    """Four agreements saying "moulds" (title first, then summaries), one "dies"; at most three are ranked."""
    monkeypatch.setattr(agreements, "RANKED_AT_MOST", 3)
    made = [make_agreement(title="Moulds programme")]
    made += [make_agreement(title=f"Steel {name}", summary="moulds") for name in ("A", "B", "C")]
    return [*made, make_agreement(title="Dies")]


def test_a_common_word_pages_through_the_best_ranked_and_says_there_are_more(session, common):
    first = search_agreements(session, AgreementFilters(text="moulds"), page=1, per_page=2)
    assert (first.total, first.total_is_lower_bound, first.pages) == (3, True, 2)
    assert first.items[0].title == "Moulds programme"
    second = search_agreements(session, AgreementFilters(text="moulds"), page=2, per_page=2)
    assert len(second.items) == 1  # the third of three, not the fourth match
    assert search_agreements(session, AgreementFilters(text="moulds"), page=3, per_page=2).items == []


def test_a_search_within_the_limit_is_counted_and_ranked_in_full(session, common):
    found = search_agreements(session, AgreementFilters(text="dies"))
    assert (found.total, found.total_is_lower_bound) == (1, False)
    # The other filters count too: the typed words' matches among them are what is capped.
    narrowed = search_agreements(session, AgreementFilters(text="moulds", ids=[common[0].id, common[1].id]))
    assert (narrowed.total, narrowed.total_is_lower_bound) == (2, False)


def test_the_list_page_says_more_than_and_why(client, common):
    html = client.get("/agreements/?q=moulds").get_data(as_text=True)
    page = parse(html)
    assert text_of(page.xpath("//div[@class='result-bar']/p")[0]) == "More than 3 agreements"
    notice = text_of(page.xpath("//p[@class='notice']")[0])
    assert "the pages show the 3 that best match the words as typed" in notice
    scope = text_of(page.xpath("//input[@value='all']/..")[0])
    assert scope == "All agreements matching this query (more than 3)"
    assert problems_of(html) == []
    plain = parse(client.get("/agreements/?q=dies").get_data(as_text=True))
    assert text_of(plain.xpath("//div[@class='result-bar']/p")[0]) == "1 agreement"
    assert plain.xpath("//p[@class='notice']") == []


def test_the_api_says_its_total_is_a_lower_bound(api_as, common):
    viewer = api_as(UserRole.VIEWER)
    capped = viewer.get("/agreements?q=moulds").get_json()
    assert (capped["total"], capped["total_is_lower_bound"], len(capped["items"])) == (3, True, 3)
    exact = viewer.get("/agreements?q=dies").get_json()
    assert (exact["total"], exact["total_is_lower_bound"]) == (1, False)
    schema = viewer.get("/openapi.json").get_json()
    envelope = schema["components"]["schemas"]["AgreementPage"]["properties"]
    assert envelope["total_is_lower_bound"]["type"] == "boolean"


def test_the_timeline_says_more_than(client, common):
    page = parse(client.get("/agreements/timeline?q=moulds&per_page=10").get_data(as_text=True))
    assert "More than 3 agreements" in text_of(page)
    assert "of more than 3" in text_of(page)


def test_the_glossary_widens_a_search_within_the_limit_counted_in_full(session, common, make_agreement):
    session.add(GlossaryEntry(phrases="dies\ncetakan"))
    session.commit()
    make_agreement(title="Cetakan")
    found = search_agreements(session, AgreementFilters(text="dies"))
    assert ([a.title for a in found.items], found.total, found.total_is_lower_bound) == (["Dies", "Cetakan"], 2, False)
