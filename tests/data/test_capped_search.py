"""A search in more agreements than are ranked (issue 19): the typed words' matches by last update, newest first, their
count a lower bound, which the list page, the bulk form and the API say, with the order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.web.a11y_html import parse, problems_of, text_of
from tracker.models import Agreement, AgreementStatus, GlossaryEntry, UserRole
from tracker.queries import agreements
from tracker.queries.agreements import AgreementFilters, search_agreements


@pytest.fixture
def common(monkeypatch, session, make_agreement):
    """Four agreements saying "moulds" (title first, then summaries), one "dies"; at most three are ranked. The best
    match was updated longest ago, "Steel B" last."""
    monkeypatch.setattr(agreements, "RANKED_AT_MOST", 3)
    made = [make_agreement(title="Moulds programme")]
    made += [make_agreement(title=f"Steel {name}", summary="moulds") for name in ("A", "B", "C")]
    made.append(make_agreement(title="Dies"))
    updated = {"Moulds programme": 1, "Steel A": 2, "Steel C": 3, "Steel B": 4, "Dies": 5}
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for agreement in made:
        at = start + timedelta(days=updated[agreement.title])
        session.execute(update(Agreement).where(Agreement.id == agreement.id).values(updated_at=at))
    session.commit()
    return made


def titles(page) -> list[str]:
    """The titles of a page's agreements, in order."""
    return [agreement.title for agreement in page.items]


def test_a_common_word_lists_the_typed_words_matches_by_last_update(session, common):
    first = search_agreements(session, AgreementFilters(text="moulds"), page=1, per_page=2)
    assert (first.total, first.total_is_lower_bound, first.ordered_by_update, first.pages) == (3, True, True, 2)
    assert titles(first) == ["Steel B", "Steel C"]  # newest first, not the best match ("Moulds programme")
    second = search_agreements(session, AgreementFilters(text="moulds"), page=2, per_page=2)
    assert titles(second) == ["Steel A"]  # the third of three, not the fourth match
    assert search_agreements(session, AgreementFilters(text="moulds"), page=3, per_page=2).items == []


def test_a_common_word_with_another_filter_lists_only_what_the_filter_keeps(session, common, make_agreement):
    make_agreement(title="Moulds plan", status=AgreementStatus.TERMINATED)  # the newest match
    in_force = search_agreements(session, AgreementFilters(text="moulds", statuses=[AgreementStatus.IN_FORCE]))
    assert (titles(in_force), in_force.total, in_force.ordered_by_update) == (
        ["Steel B", "Steel C", "Steel A"],
        3,
        True,
    )


def test_a_common_word_ignores_the_glossarys_other_phrases(session, common, make_agreement):
    session.add(GlossaryEntry(phrases="moulds\ncetakan"))
    session.commit()
    make_agreement(title="Cetakan")  # newest of all, but only through the glossary
    found = search_agreements(session, AgreementFilters(text="moulds"))
    assert "Cetakan" not in titles(found) and found.ordered_by_update


def test_a_search_within_the_limit_is_counted_and_ranked_in_full(session, common):
    found = search_agreements(session, AgreementFilters(text="dies"))
    assert (found.total, found.total_is_lower_bound, found.ordered_by_update) == (1, False, False)
    # The other filters count too: the typed words' matches among them are what is capped.
    narrowed = search_agreements(session, AgreementFilters(text="moulds", ids=[common[0].id, common[1].id]))
    assert (narrowed.total, narrowed.total_is_lower_bound, narrowed.ordered_by_update) == (2, False, False)
    assert titles(narrowed) == ["Moulds programme", "Steel A"]  # ranked: the title's match first


def test_the_list_page_says_more_than_and_in_what_order(client, common):
    html = client.get("/agreements/?q=moulds").get_data(as_text=True)
    page = parse(html)
    assert text_of(page.xpath("//div[@class='result-bar']/p")[0]) == "More than 3 agreements"
    notice = text_of(page.xpath("//p[@class='notice']")[0])
    assert "too many to rank by relevance" in notice
    assert "listed by last update, newest first, 3 at most" in notice
    rows = [text_of(cell) for cell in page.xpath("//table//tbody/tr/td//a[contains(@href, '/agreements/')]")]
    assert rows[:3] == ["Steel B", "Steel C", "Steel A"]
    scope = text_of(page.xpath("//input[@value='all']/..")[0])
    assert scope == "All agreements matching this query (more than 3)"
    assert problems_of(html) == []
    plain = parse(client.get("/agreements/?q=dies").get_data(as_text=True))
    assert text_of(plain.xpath("//div[@class='result-bar']/p")[0]) == "1 agreement"
    assert plain.xpath("//p[@class='notice']") == []


def test_the_api_says_its_total_is_a_lower_bound(api_as, common):
    viewer = api_as(UserRole.VIEWER)
    capped = viewer.get("/agreements?q=moulds").get_json()
    assert (capped["total"], capped["total_is_lower_bound"], capped["ordered_by_update"]) == (3, True, True)
    assert [item["title"] for item in capped["items"]] == ["Steel B", "Steel C", "Steel A"]
    exact = viewer.get("/agreements?q=dies").get_json()
    assert (exact["total"], exact["total_is_lower_bound"], exact["ordered_by_update"]) == (1, False, False)
    schema = viewer.get("/openapi.json").get_json()
    envelope = schema["components"]["schemas"]["AgreementPage"]["properties"]
    assert envelope["total_is_lower_bound"]["type"] == envelope["ordered_by_update"]["type"] == "boolean"


def test_the_timeline_says_more_than(client, common):
    page = parse(client.get("/agreements/timeline?q=moulds&per_page=10").get_data(as_text=True))
    assert "More than 3 agreements" in text_of(page)
    assert "of more than 3" in text_of(page)
    assert "listed by last update, newest first" in text_of(page.xpath("//p[@class='notice']")[0])


def test_the_glossary_widens_a_search_within_the_limit_counted_in_full(session, common, make_agreement):
    session.add(GlossaryEntry(phrases="dies\ncetakan"))
    session.commit()
    make_agreement(title="Cetakan")
    found = search_agreements(session, AgreementFilters(text="dies"))
    assert ([a.title for a in found.items], found.total, found.total_is_lower_bound) == (["Dies", "Cetakan"], 2, False)
