"""The party page's overview gives the same agreements, partners and sources whichever way it finds them: grouping
every link (a party with few agreements), walking the newest sources (a party with many), or falling back to the
grouping when the walk finds too few; checked against the same numbers worked out in Python from the records."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tracker.models import PartyRole
from tracker.queries import parties as queries
from tracker.services.agreements import archive_agreement
from tracker.services.parties import archive_party

WAYS = {
    "grouped": {"WALK_FROM": 10**9},
    "walked": {"WALK_FROM": 0},
    "walk too short": {"WALK_FROM": 0, "WALK": 2},
}


@pytest.fixture
def network(session, make_party, make_agreement, make_source, make_user):
    """A ministry with two units, a dozen partners, 40 agreements (some archived) and 60 sources, some undated."""
    chance = random.Random(12)
    ministry = make_party(name="Ministry")
    units = [make_party(name=f"Unit {n}", parent=ministry) for n in range(2)]
    partners = [make_party(name=f"Partner {n:02}", country_code="KR") for n in range(12)]
    agreements = []
    for number in range(40):
        ours = chance.sample([ministry, *units], chance.randint(1, 2))
        theirs = chance.sample(partners, chance.randint(0, 3))
        roles = [(party, PartyRole.SIGNATORY) for party in ours + theirs]
        if theirs and number % 5 == 0:  # a partner in two roles counts once
            roles.append((theirs[0], PartyRole.WITNESS))
        year = chance.choice([None, *range(1995, 2025)])
        agreements.append(
            make_agreement(title=f"Agreement {number:02}", start=str(year) if year else None, parties=roles)
        )
    for number in range(60):
        day = chance.choice([None, date(2000 + number % 20, 1 + number % 12, 1)])
        linked = chance.sample(agreements, chance.randint(1, 3))
        make_source(
            title=f"Source {number:02}",
            url=f"https://news.example/{number}",
            published_on=day,
            agreements=[(agreement, "") for agreement in linked],
        )
    session.info["actor_id"] = make_user().id
    for agreement in agreements[::7]:
        archive_agreement(session, agreement)
    session.commit()
    return {"ministry": ministry, "unit": units[0], "partner": partners[0], "agreements": agreements}


def expected(session, party_ids: set[int], include_archived: bool = False) -> dict:
    """What the overview should show, from the records themselves."""
    agreements = [
        agreement
        for agreement in session.info["network"]
        if (include_archived or not agreement.is_archived)
        and {link.party_id for link in agreement.party_links} & party_ids
    ]
    partners: dict[str, set[int]] = {}
    sources: dict[int, set[int]] = {}
    for agreement in agreements:
        for link in agreement.party_links:
            if link.party_id not in party_ids:
                partners.setdefault(link.party.name, set()).add(agreement.id)
        for link in agreement.source_links:
            sources.setdefault(link.source_id, set()).add(agreement.id)
    by_source = {source_id: session.get(queries.Source, source_id) for source_id in sources}
    newest = sorted(
        sources,
        key=lambda source_id: (
            by_source[source_id].published_on is None,
            by_source[source_id].published_on and -by_source[source_id].published_on.toordinal(),
            -source_id,
        ),
    )
    return {
        "total": len(agreements),
        "partners": sorted(((-len(ids), name) for name, ids in partners.items()))[: queries.LISTED],
        "partners_total": len(partners),
        "sources": [(by_source[source_id].title, len(sources[source_id])) for source_id in newest][: queries.LISTED],
        "sources_total": len(sources),
    }


def shown(overview: queries.PartyOverview) -> dict:
    """The same numbers, as the overview gives them."""
    return {
        "total": overview.agreements.total,
        "partners": [(-partner.agreements, partner.party.name) for partner in overview.partners],
        "partners_total": overview.partners_total,
        "sources": [(entry.source.title, entry.agreements) for entry in overview.sources],
        "sources_total": overview.sources_total,
    }


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("whose", ["ministry", "unit", "partner"])
def test_every_way_gives_the_records_numbers(session, network, monkeypatch, way, whose):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(queries, name, value)
    session.info["network"] = network["agreements"]
    party = network[whose]
    tree = queries.party_tree_ids(session, party.id)
    overview = queries.party_overview(session, party.id)
    assert shown(overview) == expected(session, tree)
    assert overview.sources_total > queries.LISTED or whose != "ministry"  # the ministry's list is cut short


@pytest.mark.parametrize("way", WAYS)
def test_an_archived_partys_page_counts_its_archived_agreements(session, network, monkeypatch, way):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(queries, name, value)
    partner = network["partner"]
    for link in list(partner.agreement_links):
        if not link.agreement.is_archived:
            archive_agreement(session, link.agreement)
    archive_party(session, partner)
    session.commit()
    session.info["network"] = network["agreements"]
    overview = queries.party_overview(session, partner.id, include_archived=True)
    assert shown(overview) == expected(session, {partner.id}, include_archived=True)
    assert overview.agreements.total == len({link.agreement_id for link in partner.agreement_links}) > 0


@pytest.mark.parametrize("way", WAYS)
def test_pages_follow_each_other_latest_start_first(session, network, monkeypatch, way):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(queries, name, value)
    ministry = network["ministry"]
    first = queries.party_overview(session, ministry.id, page=1, per_page=7)
    pages = [first] + [
        queries.party_overview(session, ministry.id, page=page, per_page=7)
        for page in range(2, first.agreements.pages + 1)
    ]
    listed = [entry.agreement for overview in pages for entry in overview.agreements.items]
    assert len(listed) == first.agreements.total == len({agreement.id for agreement in listed})

    def began(agreement) -> tuple:
        start = agreement.start_on or agreement.signed_on
        return (start is None, -(start.toordinal() if start else 0), agreement.title.lower(), agreement.id)

    assert listed == sorted(listed, key=began)
    assert not any(agreement.is_archived for agreement in listed)
