"""Issue 19: the party list and the agreement page's suggestions count and find live agreements from the link tables'
indexes, taking off archived agreements listed from `ix_agreement_archived`, whatever their number; the sector list
reads the counts the database's triggers keep."""

from __future__ import annotations

import pytest

from tests.data.test_query_plans import executed, plan
from tracker.models import PartyKind, PartyRole
from tracker.queries import agreements as agreement_queries
from tracker.queries.parties import PartyFilters, agreement_counts, party_list
from tracker.queries.sectors import sectors_with_counts
from tracker.queries.sources import SourceFilters, live_source_total, source_list
from tracker.services.agreements import archive_agreement
from tracker.services.sources import archive_source

SIGNATORY = PartyRole.SIGNATORY


@pytest.fixture
def linked(session, make_agreement, make_party, get_sector):
    """Four agreements of a ministry and a partner in technology, the ministry twice in one; one archived."""
    ministry = make_party("Ministry of Industry")
    partner = make_party("Partner Co.", PartyKind.COMPANY, "KR")
    technology = get_sector("technology")
    made = [
        make_agreement(
            title=f"Cooperation {n}", parties=[(ministry, SIGNATORY), (partner, SIGNATORY)], sectors=[technology]
        )
        for n in range(4)
    ]
    made[0].party_links.append(type(made[0].party_links[0])(party=ministry, role=PartyRole.WITNESS))
    session.commit()
    archive_agreement(session, made[3])
    session.commit()
    return {"ministry": ministry, "partner": partner, "technology": technology, "agreements": made}


def test_sector_counts_leave_out_archived_agreements(session, linked):
    counts = {sector.slug: total for sector, total in sectors_with_counts(session)}
    assert counts["technology"] == 3
    assert all(total == 0 for slug, total in counts.items() if slug != "technology")


def test_party_counts_count_each_live_agreement_once(session, linked):
    ids = [linked["ministry"].id, linked["partner"].id]
    assert agreement_counts(session, ids) == {linked["ministry"].id: 3, linked["partner"].id: 3}
    listing = party_list(session, PartyFilters(text="Partner"))
    assert listing.agreement_counts == {linked["partner"].id: 3}


def test_party_counts_never_read_agreement_rows(session, linked):
    """Each link is counted from its index; only the archived agreements' partial index is read, never a row."""

    def run() -> None:
        agreement_counts(session, [linked["ministry"].id])

    (statement, parameters), *_ = [found for found in executed(session, run) if "count(" in found[0]]
    text_of_plan = plan(session, statement, parameters)
    assert "ix_agreement_archived" in text_of_plan, text_of_plan
    if session.get_bind().dialect.name == "sqlite":
        assert "SEARCH agreement USING INTEGER PRIMARY KEY" not in text_of_plan, text_of_plan
        agreement_reads = [line for line in text_of_plan.splitlines() if line.startswith("SCAN agreement ")]
        assert all("ix_agreement_archived" in line for line in agreement_reads), text_of_plan


def test_sector_counts_read_the_kept_counts_not_the_links(session, linked):
    """One statement over the sectors and their kept counts (migration 0036): no link or agreement is read."""
    run = executed(session, lambda: sectors_with_counts(session))
    (statement, _parameters), *others = [found for found in run if found[0].startswith("SELECT")]
    assert not others
    assert "kept_count" in statement
    assert "agreement_sector" not in statement and "FROM agreement" not in statement


def test_suggestions_are_the_newest_live_agreements_sharing_a_party(session, linked, make_agreement, make_party):
    first, second, third, _archived = linked["agreements"]
    other = make_party("Unrelated Ltd", PartyKind.COMPANY, "JP")
    make_agreement(title="Elsewhere", parties=[(other, SIGNATORY)])
    found = agreement_queries.relation_suggestions(session, first.id)
    assert found == [(third.id, third.title), (second.id, second.title)]
    # Given the parties (as the page does, from the loaded agreement), the same answer.
    given = [linked["ministry"].id, linked["partner"].id]
    assert agreement_queries.relation_suggestions(session, first.id, given) == found


def test_suggestions_of_an_agreement_with_many_parties(session, linked, make_agreement, make_party):
    many = [
        make_party(f"Member {n}", PartyKind.COMPANY, "DE") for n in range(agreement_queries.PER_PARTY_SUGGESTIONS + 1)
    ]
    hub = make_agreement(title="Hub", parties=[(party, SIGNATORY) for party in many])
    spoke = make_agreement(title="Spoke", parties=[(many[-1], SIGNATORY)])
    assert agreement_queries.relation_suggestions(session, hub.id) == [(spoke.id, "Spoke")]


def test_suggestions_read_a_few_links_per_party(session, linked):
    """Each party's newest agreements come from its (party_id, agreement_id) index, backwards, a few each."""
    first = linked["agreements"][0]
    run = lambda: agreement_queries.relation_suggestions(session, first.id, [linked["ministry"].id])  # noqa: E731
    (statement, parameters), *_ = [found for found in executed(session, run) if "LIMIT" in found[0]]
    text_of_plan = plan(session, statement, parameters)
    assert "ix_agreement_party_party_id" in text_of_plan, text_of_plan


def test_the_unfiltered_source_list_is_counted_from_the_kept_total(session, make_source):
    """Every live source, as the triggers keep the total: an archived one is left out, a new one counted."""
    made = [make_source(url=f"https://example.org/news/{n}") for n in range(3)]
    session.commit()
    archive_source(session, made[0])
    session.commit()
    assert live_source_total(session) == 2 == source_list(session, SourceFilters()).total
