"""A list's first view after a write (issue 19): its count and page found in fewer, cheaper statements, the same
agreements and total as counting and paging them apart."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from tracker.models import Agreement, AgreementSource, AgreementStatus, PartyRole
from tracker.queries import agreements as queries
from tracker.queries.agreements import AgreementFilters, SortOrder, filter_conditions, search_agreements, sort_columns
from tracker.queries.links import links_by_agreement
from tracker.services.agreements import archive_agreement

STATUSES = [AgreementStatus.IN_FORCE, AgreementStatus.EXPIRED, AgreementStatus.SIGNED]


@pytest.fixture
def agreements(session, make_agreement, make_party, make_sector):
    """Fifteen agreements of three statuses, ends from 2015 to 2029, some with a Japanese party or in a sector; the
    last one archived."""
    japan, korea = make_party(name="Japan", country_code="JP"), make_party(name="Korea", country_code="KR")
    energy = make_sector(name="Energy", slug="energy")
    made = []
    for number in range(15):
        made.append(
            make_agreement(
                title=f"Agreement {number % 4} {number}",
                status=STATUSES[number % 3],
                end=str(2015 + number),
                parties=[(japan if number % 2 else korea, PartyRole.SIGNATORY)],
                sectors=[energy] if number % 3 != 1 else [],
            )
        )
    archive_agreement(session, made[-1])
    session.commit()
    return made


def reference(session, filters: AgreementFilters) -> list[int]:
    """Every matching id in the list's order, from the statement the list pages."""
    statement = select(Agreement.id).where(*filter_conditions(session, filters)).order_by(*sort_columns(filters.sort))
    return list(session.scalars(statement))


QUERIES = [
    AgreementFilters(),
    AgreementFilters(statuses=[AgreementStatus.IN_FORCE], ends_from=2016, ends_to=2027),
    AgreementFilters(statuses=[AgreementStatus.IN_FORCE, AgreementStatus.EXPIRED], sort=SortOrder.TITLE),
    AgreementFilters(country="JP", sectors=["energy"], sort=SortOrder.END_DESC),
    AgreementFilters(country="JP", ends_from=2018, sort=SortOrder.UPDATED),
]


@pytest.mark.parametrize("walked_at_most", [3, 500])
@pytest.mark.parametrize("filters", QUERIES)
def test_every_page_and_total_as_counted_apart(session, agreements, filters, walked_at_most, monkeypatch):
    """Whether the matches are walked (few) or counted (more than WALKED_AT_MOST, or a page past them), each page
    lists the same agreements in the same order, and the total is the same, as paging the list's statement."""
    monkeypatch.setattr(queries, "WALKED_AT_MOST", walked_at_most)
    expected = reference(session, filters)
    for page in (1, 2, 3, 9):
        found = search_agreements(session, filters, page=page, per_page=2)
        assert ([agreement.id for agreement in found.items], found.total) == (
            expected[2 * page - 2 : 2 * page],
            len(expected),
        )


def test_few_matches_are_counted_by_their_walk(session, agreements, count_statements):
    """On SQLite a list filtered by linked records with at most WALKED_AT_MOST matches lists their ids once, in its
    order: no COUNT, and no second statement over the filters for the page (its agreements are read by id)."""
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    filters = AgreementFilters(country="JP", statuses=[AgreementStatus.IN_FORCE, AgreementStatus.EXPIRED])
    with count_statements() as statements:
        page = search_agreements(session, filters, per_page=2)
    assert page.total == len(reference(session, filters)) > 2
    counts = [statement for statement in statements if "count(" in statement.lower()]
    assert len(counts) == (0 if on_sqlite else 1)
    assert len([statement for statement in statements if "agreement_party.party_id IN" in statement]) == (
        1 if on_sqlite else 2
    )


def test_filters_without_links_are_counted(session, agreements, count_statements):
    """A filter SQLite counts from an index alone (a status, the years of the end) is counted, not walked: listing up
    to WALKED_AT_MOST ids would cost more."""
    filters = AgreementFilters(statuses=[AgreementStatus.IN_FORCE], ends_from=2016, ends_to=2027)
    with count_statements() as statements:
        search_agreements(session, filters, per_page=2)
    assert len([statement for statement in statements if "count(" in statement.lower()]) == 1


def test_unfiltered_count_reads_no_agreement_row(session, agreements, count_statements):
    """On SQLite the unfiltered list counts the table and the archived agreements' index, not `archived_at IS NULL`
    over every agreement; the archived one is left out all the same (PostgreSQL counts live rows as before)."""
    on_sqlite = session.get_bind().dialect.name == "sqlite"
    with count_statements() as statements:
        page = search_agreements(session, AgreementFilters(), per_page=2)
    assert page.total == len(agreements) - 1
    counts = [" ".join(statement.split()) for statement in statements if "count(" in statement.lower()]
    assert len(counts) == 1
    assert ("archived_at IS NULL" not in counts[0]) == on_sqlite
    assert ("archived_at IS NOT NULL" in counts[0]) == on_sqlite


def test_count_takes_the_end_as_it_is(session, agreements):
    """In the last-updated order with one status the page checks the end row by row (SQLite: `+agreement.end_on`);
    a count has no order and takes the column as it is, so that SQLite counts from ix_agreement_status_end_on."""
    filters = AgreementFilters(statuses=[AgreementStatus.IN_FORCE], ends_from=2016, ends_to=2027)

    def compiled(ordered: bool) -> str:
        statement = select(Agreement.id).where(*filter_conditions(session, filters, ordered=ordered))
        return str(statement.compile(dialect=sqlite.dialect()))

    assert "+agreement.end_on" in compiled(ordered=True)
    assert "+agreement.end_on" not in compiled(ordered=False)


def test_a_page_of_links_is_read_as_rows(session, agreements, make_source):
    """The API list reads a page's source links as rows of their columns, not entities: none enters the session,
    and each reads as its entity would (oldest first, only live sources)."""
    first, second = agreements[0], agreements[1]
    older = make_source(url="https://example.org/a", agreements=[(first, "first note"), (second, "")]).id
    newer = make_source(url="https://example.org/b", agreements=[(first, "later")]).id
    session.expunge_all()
    found = links_by_agreement(session, [first.id, second.id, agreements[2].id])
    assert [(row.source_id, row.note) for row in found[first.id]] == [(older, "first note"), (newer, "later")]
    assert [row.note for row in found[second.id]] == [""] and found[agreements[2].id] == []
    assert not [entity for entity in session.identity_map.values() if isinstance(entity, AgreementSource)]
