"""Archiving at the service and query layer: round trips, refusals, hidden everywhere, nothing deleted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from tracker.archiving import WITH_ARCHIVED, RecordDeletionError
from tracker.errors import DuplicateError, InUseError, StateError
from tracker.models import (
    Agreement,
    AgreementRelation,
    AgreementStatus,
    Base,
    Party,
    PartyKind,
    PartyRole,
    RelationKind,
    Sector,
    Source,
    UserRole,
    utcnow,
)
from tracker.queries import agreements as agreement_queries
from tracker.queries import dashboard as dashboard_queries
from tracker.queries import expiring as expiring_queries
from tracker.queries import parties as party_queries
from tracker.queries import sectors as sector_queries
from tracker.queries import sources as source_queries
from tracker.queries.archive import archive_listing, archiver
from tracker.services import agreements as agreement_services
from tracker.services import parties as party_services
from tracker.services import sectors as sector_services
from tracker.services import sources as source_services
from tracker.services.usage import named_rows

AS_OF = date(2017, 10, 4)
ARCHIVE = {
    Agreement: agreement_services.archive_agreement,
    Party: party_services.archive_party,
    Source: source_services.archive_source,
    Sector: sector_services.archive_sector,
}
RESTORE = {
    Agreement: agreement_services.restore_agreement,
    Party: party_services.restore_party,
    Source: source_services.restore_source,
    Sector: sector_services.restore_sector,
}


@pytest.fixture
def actor(session, make_user):
    """An editor signed in to the session, as the web boundary would set it."""
    user = make_user(UserRole.EDITOR)
    session.info["actor_id"] = user.id
    return user


def archive(session, record) -> None:
    """Archive through the record's own service and commit."""
    ARCHIVE[type(record)](session, record)
    session.commit()


def restore(session, record) -> None:
    """Restore through the record's own service and commit."""
    RESTORE[type(record)](session, record)
    session.commit()


def stored(session, model, record_id):
    """A record as stored, archived or not, read afresh."""
    session.expire_all()
    return session.get(model, record_id, execution_options=WITH_ARCHIVED)


@pytest.fixture
def world(session, actor, make_party, make_agreement, make_source, make_sector, get_sector):
    """A live agreement and archived records around it, every kind archived through its service."""
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    aitec = make_party(name="AITEC", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC Korea"])
    old_partner = make_party(name="Old Partner", kind=PartyKind.COMPANY, country_code="JP", aliases=["OPC"])
    textiles = make_sector(name="Textiles")
    live = make_agreement(
        title="Live cooperation",
        end="2018-03",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    gone = make_agreement(
        title="Archived cooperation",
        end="2018-02",
        parties=[(ministry, PartyRole.SIGNATORY), (old_partner, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology"), textiles],
    )
    stale = make_agreement(title="Archived stale", end="2016", parties=[(old_partner, PartyRole.FUNDER)])
    live_source = make_source(title="Live source", url="https://tirto.id/live", agreements=[(live, "")])
    gone_source = make_source(title="Archived source", url="https://tirto.id/gone", outlet="gone.example")
    gone_source.agreement_links = []
    session.add(AgreementRelation(subject=live, object=gone, kind=RelationKind.RENEWS))
    session.commit()
    source_services.link_source(session, gone, gone_source)
    session.commit()
    for record in (gone, stale, gone_source, old_partner, textiles):
        archive(session, record)
    return {
        "ministry": ministry,
        "aitec": aitec,
        "old_partner": old_partner,
        "textiles": textiles,
        "live": live,
        "gone": gone,
        "stale": stale,
        "live_source": live_source,
        "gone_source": gone_source,
    }


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Agreement, Party, Source, Sector])
def test_archive_and_restore_round_trip(session, actor, kind, make_agreement, make_party, make_source, make_sector):
    record = {Agreement: make_agreement, Party: make_party, Source: make_source, Sector: make_sector}[kind]()
    archive(session, record)
    record_id = record.id
    kept = stored(session, kind, record_id)
    assert kept.is_archived and kept.archived_by_id == actor.id
    session.expunge_all()  # `get` answers from the identity map first; a request starts with an empty one
    assert session.get(kind, record_id) is None
    restore(session, stored(session, kind, record_id))
    back = stored(session, kind, record_id)
    assert (back.archived_at, back.archived_by_id) == (None, None)
    session.expunge_all()
    assert session.get(kind, record_id) is not None


def test_archive_outside_a_signed_in_session_records_no_user(session, make_agreement):
    agreement = make_agreement()
    archive(session, agreement)
    assert stored(session, Agreement, agreement.id).archived_by_id is None


def test_archiving_twice_or_restoring_a_live_record_is_a_clear_conflict(session, actor, make_party):
    party = make_party(name="AITEC")
    with pytest.raises(StateError) as caught:
        party_services.restore_party(session, party)
    assert caught.value.status_code == 409 and "“AITEC” is not archived" in caught.value.message
    archive(session, party)
    with pytest.raises(StateError) as caught:
        party_services.archive_party(session, party)
    assert caught.value.status_code == 409 and "“AITEC” is archived already" in caught.value.message


def test_archive_listing_and_archiver(session, actor, world):
    listing = archive_listing(session)
    assert [agreement.title for agreement in listing.agreements] == ["Archived stale", "Archived cooperation"]
    assert [party.name for party in listing.parties] == ["Old Partner"]
    assert [source.title for source in listing.sources] == ["Archived source"]
    assert [sector.name for sector in listing.sectors] == ["Textiles"]
    assert listing.archivers == {actor.id: actor}
    assert archiver(session, world["gone"]) is actor
    assert archiver(session, world["live"]) is None


# --- refusals to archive -----------------------------------------------------------------------


def test_party_used_only_by_archived_agreements_can_be_archived(session, actor, make_party, make_agreement):
    party = make_party(name="AITEC")
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)])
    with pytest.raises(InUseError):
        party_services.archive_party(session, party)
    session.rollback()
    archive(session, agreement)
    archive(session, party)
    assert stored(session, Party, party.id).is_archived


def test_party_with_live_units_is_refused_and_with_archived_units_is_not(session, actor, make_party):
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="BPPI", parent=ministry)
    with pytest.raises(InUseError) as caught:
        party_services.archive_party(session, ministry)
    assert "cannot be archived" in caught.value.message and "“BPPI”" in caught.value.message
    session.rollback()
    archive(session, unit)
    archive(session, ministry)


def test_sector_used_only_by_archived_agreements_can_be_archived(session, actor, make_sector, make_agreement):
    sector = make_sector(name="Textiles")
    agreement = make_agreement(title="Textile MoU", sectors=[sector])
    with pytest.raises(InUseError) as caught:
        sector_services.archive_sector(session, sector)
    assert "“Textile MoU”" in caught.value.message
    session.rollback()
    archive(session, agreement)
    archive(session, sector)


def test_source_cited_only_by_archived_agreements_can_be_archived(session, actor, make_source, make_agreement):
    agreement = make_agreement(title="MoU on moulds")
    source = make_source(agreements=[(agreement, "")])
    with pytest.raises(InUseError) as caught:
        source_services.archive_source(session, source)
    assert "“MoU on moulds”" in caught.value.message
    session.rollback()
    archive(session, agreement)
    archive(session, source)


def test_refusal_counts_only_live_users(session, actor, make_party, make_agreement):
    party = make_party()
    agreements = [make_agreement(title=f"Agreement {n}", parties=[(party, PartyRole.SIGNATORY)]) for n in range(7)]
    for agreement in agreements[:3]:
        archive(session, agreement)
    with pytest.raises(InUseError) as caught:
        party_services.archive_party(session, party)
    assert "Agreement 3" in caught.value.message and "more" not in caught.value.message


# --- restoring ---------------------------------------------------------------------------------


def test_restoring_an_agreement_waits_for_its_archived_records(session, world):
    with pytest.raises(StateError) as caught:
        agreement_services.restore_agreement(session, world["gone"])
    message = caught.value.message
    assert "restore them first" in message
    assert "Parties: “Old Partner”." in message
    assert "Sectors: “Textiles”." in message
    assert "Sources: “Archived source”." in message
    assert "Ministry of Industry" not in message and "Technology" not in message
    session.rollback()
    for record in (world["old_partner"], world["textiles"], world["gone_source"]):
        restore(session, stored(session, type(record), record.id))
    restore(session, stored(session, Agreement, world["gone"].id))
    assert [a.title for a in agreement_queries.search_agreements(session, FILTERS).items] == [
        "Archived cooperation",
        "Live cooperation",
    ]


def test_restoring_a_unit_waits_for_its_parent(session, actor, make_party):
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="BPPI", parent=ministry)
    archive(session, unit)
    archive(session, ministry)
    with pytest.raises(StateError) as caught:
        party_services.restore_party(session, stored(session, Party, unit.id))
    assert "restore “Ministry of Industry” first" in caught.value.message
    session.rollback()
    restore(session, stored(session, Party, ministry.id))
    restore(session, stored(session, Party, unit.id))


# --- hidden from every list and query ----------------------------------------------------------

FILTERS = agreement_queries.AgreementFilters(sort=agreement_queries.SortOrder.TITLE)


def titles(agreements) -> list[str]:
    return [agreement.title for agreement in agreements]


def test_agreement_search_hides_archived(session, world):
    search = agreement_queries.search_agreements
    assert titles(search(session, FILTERS).items) == ["Live cooperation"]
    assert search(session, FILTERS).total == 1
    by_text = agreement_queries.AgreementFilters(text="cooperation")
    assert titles(search(session, by_text).items) == ["Live cooperation"]
    by_party = agreement_queries.AgreementFilters(party_id=world["ministry"].id)
    assert titles(search(session, by_party).items) == ["Live cooperation"]
    by_archived_name = agreement_queries.AgreementFilters(text="OPC")
    assert search(session, by_archived_name).items == []
    by_sector = agreement_queries.AgreementFilters(sectors=["technology"])
    assert titles(search(session, by_sector).items) == ["Live cooperation"]


def test_agreement_suggestions_and_chains_hide_archived(session, world):
    live = world["live"]
    assert agreement_queries.relation_suggestions(session, live.id) == []
    assert agreement_queries.succession_chain(session, live.id) == []
    assert source_queries.recent_agreement_suggestions(session) == [(live.id, "Live cooperation")]


def test_count_queries_hide_archived(session, world):
    assert session.scalar(select(func.count()).select_from(Agreement)) == 1
    assert session.scalar(select(func.count()).select_from(Source)) == 1
    assert named_rows(session, select(Agreement.title).order_by(Agreement.title)) == "“Live cooperation”"


def test_party_lists_and_choices_hide_archived(session, world):
    listing = party_queries.party_list(session, party_queries.PartyFilters())
    assert [party.name for party in listing.page.items] == ["AITEC", "Ministry of Industry"]
    assert listing.agreement_counts == {world["aitec"].id: 1, world["ministry"].id: 1}
    assert [label for _id, label in party_queries.party_choices(session)] == [
        "AITEC (South Korea)",
        "Ministry of Industry (Indonesia)",
    ]
    assert party_queries.party_list(session, party_queries.PartyFilters(text="OPC")).page.items == []


def test_party_page_hides_archived_agreements_and_units(session, world, make_party):
    ministry = world["ministry"]
    unit = make_party(name="Old unit", parent=ministry)
    archive(session, unit)
    session.expunge_all()
    party = party_queries.party_detail(session, ministry.id)
    titles = [entry.agreement.title for entry in party_queries.party_overview(session, ministry.id).agreements.items]
    assert titles == ["Live cooperation"]
    assert party.children == []


def test_archived_party_page_shows_everything_it_links_to(session, world):
    session.expunge_all()
    assert party_queries.party_detail(session, world["old_partner"].id) is None
    party = party_queries.party_detail(session, world["old_partner"].id, include_archived=True)
    assert sorted(link.agreement.title for link in party.agreement_links) == ["Archived cooperation", "Archived stale"]


def test_source_lists_and_choices_hide_archived(session, world):
    page = source_queries.source_list(session, source_queries.SourceFilters())
    assert [source.title for source in page.items] == ["Live source"]
    assert [label for _id, label in source_queries.recent_source_suggestions(session)] == ["Live source — tirto.id"]
    assert source_queries.known_outlets(session) == ["tirto.id"]
    assert [source.title for source in source_queries.recent_sources(session)] == ["Live source"]


def test_source_page_hides_archived_agreements(session, world, make_source):
    live_id, gone_id = world["live"].id, world["gone"].id
    source = make_source(title="Both", url="https://tirto.id/both", agreements=[(world["live"], "")])
    source_id = source.id
    source_services.link_source(session, stored(session, Agreement, gone_id), source)
    session.commit()
    session.expunge_all()
    loaded = source_queries.source_detail(session, source_id)
    assert [link.agreement.title for link in source_queries.sorted_links(loaded)] == ["Live cooperation"]
    listed = source_queries.source_list(session, source_queries.SourceFilters(text="Both")).items[0]
    assert len(listed.agreement_links) == 1  # the citation count of the list
    assert source_queries.agreement_link(session, gone_id, source_id) is None
    assert source_queries.agreement_link(session, live_id, source_id) is not None


def test_sector_lists_and_choices_hide_archived(session, world):
    names = [sector.name for sector in sector_queries.all_sectors(session)]
    assert "Textiles" not in names and "Technology" in names
    assert "textiles" not in dict(sector_queries.sector_choices(session))
    assert world["textiles"].id not in dict(sector_queries.sector_id_choices(session))
    counts = {sector.slug: count for sector, count in sector_queries.sectors_with_counts(session)}
    assert "textiles" not in counts
    assert counts["technology"] == 1  # the archived agreement filed under it is not counted


def test_agreement_page_hides_archived_relations_and_sources(session, world):
    live_id = world["live"].id
    # Reached only by a race (the source archived while a link was made): the page must still work.
    stored(session, Source, world["live_source"].id).archived_at = utcnow()
    session.commit()
    session.expunge_all()
    agreement = agreement_queries.agreement_detail(session, live_id)
    assert agreement.relations_out == [] and agreement.relations_in == []
    assert agreement.source_links == []
    assert [link.party.name for link in agreement.party_links] == ["Ministry of Industry", "AITEC"]
    assert [sector.slug for sector in agreement.sectors] == ["technology"]


def test_archived_agreement_page_shows_everything_it_links_to(session, world):
    session.expunge_all()
    gone_id = world["gone"].id
    assert agreement_queries.agreement_detail(session, gone_id) is None
    agreement = agreement_queries.agreement_detail(session, gone_id, include_archived=True)
    assert [link.party.name for link in agreement.party_links] == ["Ministry of Industry", "Old Partner"]
    assert sorted(sector.name for sector in agreement.sectors) == ["Technology", "Textiles"]
    assert [link.source.title for link in agreement.source_links] == ["Archived source"]
    assert [relation.subject.title for relation in agreement.relations_in] == ["Live cooperation"]


def test_dashboard_hides_archived(session, world):
    board = dashboard_queries.dashboard(session, as_of=AS_OF, home_country="ID")
    assert board.totals == dashboard_queries.Totals(agreements=1, parties=2, sources=1)
    assert board.by_status == [(AgreementStatus.IN_FORCE, 1)]
    assert [(count.slug, count.count) for count in board.by_sector] == [("technology", 1)]
    assert board.by_country == [("KR", 1)]
    assert titles(entry.agreement for entry in board.expiring) == ["Live cooperation"]
    assert board.needs_attention == 0
    assert [source.title for source in board.recent_sources] == ["Live source"]


def test_expiring_lists_hide_archived(session, world):
    report = expiring_queries.expiring_report(session, as_of=AS_OF, months=12)
    assert titles(entry.agreement for entry in report.expiring) == ["Live cooperation"]
    assert report.needs_attention == []
    assert expiring_queries.count_needing_attention(session, AS_OF) == 0


def test_new_links_cannot_reach_archived_records(session, world):
    live = world["live"]
    with pytest.raises(Exception, match="does not exist"):
        agreement_services.add_relation(session, live, world["stale"].id, RelationKind.AMENDS)
    session.rollback()
    data = agreement_services.AgreementData(
        title="New",
        instrument_type=live.instrument_type,
        status=live.status,
        parties=[(world["old_partner"].id, PartyRole.SIGNATORY)],
    )
    with pytest.raises(Exception, match="does not exist"):
        agreement_services.create_agreement(session, data)
    session.rollback()
    with pytest.raises(Exception, match="no such party"):
        party_services.create_party(
            session,
            party_services.PartyData(
                name="Unit", kind=PartyKind.OTHER, country_code="JP", parent_id=world["old_partner"].id
            ),
        )


# --- duplicate checks still see archived records -----------------------------------------------


def test_party_name_and_alias_of_an_archived_party_are_taken(session, world):
    with pytest.raises(DuplicateError) as caught:
        party_services.create_party(
            session, party_services.PartyData(name="old partner", kind=PartyKind.COMPANY, country_code="JP")
        )
    assert "That party is archived; an admin can restore it." in caught.value.message
    session.rollback()
    with pytest.raises(DuplicateError) as caught:
        party_services.create_party(
            session, party_services.PartyData(name="New", kind=PartyKind.COMPANY, country_code="JP", aliases=["OPC"])
        )
    assert caught.value.field == "aliases" and "archived" in caught.value.message


def test_url_of_an_archived_source_is_taken(session, world):
    data = source_services.SourceData(title="Again", url="https://TIRTO.id/gone#top")
    with pytest.raises(source_services.DuplicateSourceError) as caught:
        source_services.create_source(session, data)
    assert "An archived source, “Archived source”" in caught.value.message
    assert "an admin can restore it" in caught.value.message
    assert caught.value.source_id == world["gone_source"].id
    session.rollback()
    with pytest.raises(source_services.DuplicateSourceError):
        source_services.link_new_source(session, stored(session, Agreement, world["live"].id), data)


def test_name_and_slug_of_an_archived_sector_are_taken(session, world):
    with pytest.raises(DuplicateError) as caught:
        sector_services.create_sector(session, sector_services.SectorData(name="TEXTILES", slug="cloth"))
    assert caught.value.field == "name" and "That sector is archived" in caught.value.message
    session.rollback()
    with pytest.raises(DuplicateError) as caught:
        sector_services.create_sector(session, sector_services.SectorData(name="Cloth", slug="textiles"))
    assert caught.value.field == "slug" and "archived" in caught.value.message


# --- nothing is ever deleted -------------------------------------------------------------------


def row_counts(session) -> dict[str, int]:
    """Rows in every table, counted without any archive filter (core tables, not entities)."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables
    }


def test_archiving_every_kind_deletes_no_row(session, actor, make_party, make_agreement, make_source, make_sector):
    party = make_party(name="AITEC", aliases=["AITEC Korea"])
    sector = make_sector(name="Textiles")
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)], sectors=[sector])
    older = make_agreement(title="Older")
    source = make_source(agreements=[(agreement, "note")])
    session.add(AgreementRelation(subject=agreement, object=older, kind=RelationKind.RENEWS))
    session.commit()
    before = row_counts(session)
    for record in (agreement, older, source, party, sector):
        archive(session, record)
    after = row_counts(session)
    history = {"change"}  # the history may record the archiving; nothing else may change
    assert {name: count for name, count in after.items() if name not in history} == {
        name: count for name, count in before.items() if name not in history
    }


def test_deleting_a_record_is_refused_by_the_session(session, make_party, make_source):
    party = make_party()
    session.delete(party)
    with pytest.raises(RecordDeletionError):
        session.flush()
    session.rollback()
    source = make_source()
    with pytest.raises(RecordDeletionError):
        session.execute(delete(Source).where(Source.id == source.id))
    session.rollback()
    assert stored(session, Party, party.id) is not None and stored(session, Source, source.id) is not None
