"""The full-text index follows every change made through the services, ranks matches, and takes any input.

After each step the index is compared with the records (`search.stale_documents`: the indexed text against a fresh
computation, and the FTS5 index against its content table on SQLite / the tsvector against a recomputed one on
PostgreSQL), and the query page's search is asked what it finds.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from tests.data.test_migrations import scratch_url  # noqa: F401  (a fixture: an empty database of its own)
from tracker import migrate, search
from tracker.archiving import WITH_ARCHIVED
from tracker.db import make_engine
from tracker.ingest.extract.result import Extracted
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    InstrumentType,
    Party,
    PartyKind,
    PartyRole,
    SnapshotMethod,
    Source,
    SourceSnapshot,
    agreement_search,
)
from tracker.queries.agreements import AgreementFilters, SortOrder, search_agreements
from tracker.records.agreement import AgreementData
from tracker.records.party import PartyData
from tracker.records.sector import SectorData
from tracker.records.source import SourceData
from tracker.services import agreements as agreement_services
from tracker.services import parties as party_services
from tracker.services import sectors as sector_services
from tracker.services import snapshots as snapshot_services
from tracker.services import sources as source_services


def in_sync(session) -> bool:
    """Whether the index agrees with the records (after writing what the session holds)."""
    session.flush()
    return search.stale_documents(session.connection()) == []


def found(session, words: str, sort: SortOrder = SortOrder.RELEVANCE) -> list[str]:
    """Titles of the live agreements the query page finds for `words`, in its order."""
    assert in_sync(session)
    page = search_agreements(session, AgreementFilters(text=words, sort=sort), per_page=100)
    return [agreement.title for agreement in page.items]


def indexed(session, agreement: Agreement) -> dict[str, str]:
    """The agreement's indexed text, column by column."""
    row = session.execute(select(agreement_search).where(agreement_search.c.agreement_id == agreement.id)).one()
    return dict(row._mapping)


def data_of(agreement: Agreement, **changes) -> AgreementData:
    """The agreement as the service's input, with `changes`."""
    data = AgreementData(
        title=agreement.title,
        title_local=agreement.title_local,
        instrument_type=agreement.instrument_type,
        status=agreement.status,
        renewal_intent=agreement.renewal_intent,
        summary=agreement.summary,
        notes=agreement.notes,
        start=agreement.start,
        end=agreement.end,
        sector_ids=[sector.id for sector in agreement.sectors],
        parties=[(link.party_id, link.role) for link in agreement.party_links],
    )
    return dataclasses.replace(data, **changes)


def party_data_of(party, **changes) -> PartyData:
    """The party as the service's input, with `changes`."""
    data = PartyData(
        name=party.name,
        kind=party.kind,
        country_code=party.country_code,
        parent_id=party.parent_id,
        aliases=[alias.alias for alias in party.aliases],
        notes=party.notes,
    )
    return dataclasses.replace(data, **changes)


def snapshot(session, source, words: str, retrieved_at: datetime | None = None) -> SourceSnapshot:
    """Keep a pasted text of the source, as the review screen does."""
    kept = snapshot_services.add_snapshot(
        session, source, Extracted(title=source.title, text=words), SnapshotMethod.PASTE, None
    )
    if retrieved_at is not None:
        kept.retrieved_at = retrieved_at
        session.flush()
    return kept


@pytest.fixture
def korea(session):
    """An agreement made through the service, with a party that has an alias."""
    party = party_services.create_party(
        session, PartyData(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    )
    agreement = agreement_services.create_agreement(
        session,
        AgreementData(
            title="Technology development cooperation",
            title_local="Kerja Sama Pengembangan Teknologi",
            instrument_type=InstrumentType.AGREEMENT,
            status=AgreementStatus.IN_FORCE,
            summary="Moulds and dies for the automotive industry",
            notes="Jeju visit planned",
            parties=[(party.id, PartyRole.SIGNATORY)],
        ),
    )
    session.commit()
    return agreement, party


TECH = "Technology development cooperation"


# --- the per-test reset ---------------------------------------------------------------------------


def test_each_test_starts_with_an_empty_consistent_index(session, make_agreement):
    # conftest's reset deletes every row of every table (the previous test's agreements too).
    assert session.execute(select(agreement_search)).all() == []
    assert in_sync(session)
    make_agreement(title="Left for the next test to clear")
    assert in_sync(session)


# --- inserts and edits ----------------------------------------------------------------------------


def test_a_new_agreement_is_found_by_every_field(session, korea):
    assert indexed(session, korea[0]) == {
        "agreement_id": korea[0].id,
        "title": "Technology development cooperation Kerja Sama Pengembangan Teknologi",
        "summary": "Moulds and dies for the automotive industry",
        "notes": "Jeju visit planned",
        "parties": "AITEC Co., Ltd AITEC",
        "sectors": "",
        "sources": "",
        "documents": "",
    }
    for words in ("technology", "pengembangan", "automotive", "jeju", "aitec", "ltd", "kerja sama", "KERJA"):
        assert found(session, words) == [TECH], words
    assert found(session, "technology unheard") == []


def test_edited_fields_are_searched_with_their_new_words(session, korea):
    agreement, _party = korea
    changes = {
        "title": "Tooling cooperation",
        "title_local": "Kerja Sama Perkakas",
        "summary": "Dies",
        "notes": "Busan",
    }
    agreement_services.update_agreement(session, agreement, data_of(agreement, **changes), agreement.version)
    session.commit()
    for old in ("technology", "pengembangan", "moulds", "jeju"):
        assert found(session, old) == [], old
    for new in ("tooling", "perkakas", "dies", "busan", "aitec"):
        assert found(session, new) == ["Tooling cooperation"], new


def test_document_numbers_and_ratifying_instruments_are_searched_with_the_titles(session, korea):
    agreement, _party = korea
    numbers = {"document_number": "B-123/KEMENPERIN/2019", "ratifying_instrument": "Keppres No. 37 Tahun 1993"}
    agreement_services.update_agreement(session, agreement, data_of(agreement, **numbers), agreement.version)
    session.commit()
    assert indexed(session, agreement)["title"] == (
        "Technology development cooperation Kerja Sama Pengembangan Teknologi B-123/KEMENPERIN/2019 "
        "Keppres No. 37 Tahun 1993"
    )
    for words in ("Keppres No. 37", "B-123/KEMENPERIN/2019", "b-123", "KEMENPERIN/2019", "keppres 1993"):
        assert found(session, words) == [TECH], words
    for words in ("B-124/KEMENPERIN/2019", "Keppres No. 38", "2019/KEMENPERIN"):
        assert found(session, words) == [], words
    agreement_services.update_agreement(session, agreement, data_of(agreement), agreement.version)  # both cleared
    session.commit()
    assert found(session, "keppres") == found(session, "B-123") == []
    assert (
        indexed(session, agreement)["title"] == "Technology development cooperation Kerja Sama Pengembangan Teknologi"
    )


def test_renamed_party_is_searched_by_its_new_name(session, korea):
    _agreement, party = korea
    party_services.update_party(session, party, party_data_of(party, name="Korea Tooling Corporation"), party.version)
    session.commit()
    assert found(session, "ltd") == []
    assert found(session, "corporation") == [TECH]
    assert found(session, "aitec") == [TECH]  # the alias stays


def test_aliases_added_and_removed(session, korea):
    _agreement, party = korea
    party_services.update_party(session, party, party_data_of(party, aliases=["AITEC", "Ai-Tec"]), party.version)
    session.commit()
    assert found(session, "ai-tec") == [TECH]
    party_services.update_party(session, party, party_data_of(party, aliases=[]), party.version)
    session.commit()
    assert found(session, "ai-tec") == []
    assert found(session, "aitec") == [TECH]  # still in the name "AITEC Co., Ltd"
    assert indexed(session, korea[0])["parties"] == "AITEC Co., Ltd"


def test_party_links_added_and_removed(session, korea):
    agreement, party = korea
    kotra = party_services.create_party(
        session, PartyData(name="KOTRA", kind=PartyKind.ASSOCIATION, country_code="KR", aliases=["Korea Trade"])
    )
    parties = [(party.id, PartyRole.SIGNATORY), (kotra.id, PartyRole.WITNESS), (kotra.id, PartyRole.FUNDER)]
    agreement_services.update_agreement(session, agreement, data_of(agreement, parties=parties), agreement.version)
    session.commit()
    assert found(session, "kotra trade") == [TECH]
    assert indexed(session, agreement)["parties"] == "AITEC Co., Ltd AITEC KOTRA Korea Trade"  # each party once
    parties = [(kotra.id, PartyRole.SIGNATORY)]
    agreement_services.update_agreement(session, agreement, data_of(agreement, parties=parties), agreement.version)
    session.commit()
    assert found(session, "aitec") == []
    assert found(session, "kotra") == [TECH]


def test_source_links_added_and_removed_and_retitled(session, korea):
    agreement = korea[0]
    source = source_services.create_source(session, SourceData(title="Indonesia Ingin Lanjutkan Kerja Sama"))
    link = source_services.link_source(session, agreement, source, "quote")
    session.commit()
    assert found(session, "lanjutkan") == [TECH]
    source_services.update_source(
        session, source, dataclasses.replace(SourceData(title="RI dan Korsel"), language=""), source.version
    )
    session.commit()
    assert found(session, "lanjutkan") == []
    assert found(session, "korsel") == [TECH]
    source_services.unlink_source(session, link)
    session.commit()
    assert found(session, "korsel") == []
    assert indexed(session, agreement)["sources"] == ""


def test_the_latest_snapshot_text_is_searched(session, korea):
    agreement = korea[0]
    source = source_services.create_source(session, SourceData(title="Antara report"))
    source_services.link_source(session, agreement, source)
    first = snapshot(session, source, "Perpanjangan kerja sama dengan AITEC di Cikarang")
    session.commit()
    assert found(session, "cikarang") == [TECH]
    snapshot(session, source, "Kerja sama diperpanjang hingga 2023 di Bekasi", first.retrieved_at + timedelta(days=1))
    session.commit()
    assert found(session, "bekasi") == [TECH]
    assert found(session, "cikarang") == []  # the page changed: its old text no longer counts
    # A snapshot backdated before the latest does not replace it.
    snapshot(session, source, "Semarang", first.retrieved_at - timedelta(days=1))
    session.commit()
    assert found(session, "semarang") == [] and found(session, "bekasi") == [TECH]


def test_a_source_linked_to_several_agreements_feeds_each(session, korea, make_agreement):
    other = make_agreement(title="Electric vehicles MoU")
    source = source_services.create_source(session, SourceData(title="Kendaraan listrik dan teknologi"))
    source_services.link_source(session, korea[0], source)
    source_services.link_source(session, other, source)
    snapshot(session, source, "Hyundai", datetime(2024, 1, 1, tzinfo=UTC))
    session.commit()
    assert sorted(found(session, "hyundai")) == ["Electric vehicles MoU", TECH]


def test_sector_names_and_keywords_are_searched(session, korea, get_sector):
    agreement = korea[0]
    vehicles = get_sector("electric-vehicles")
    agreement_services.update_agreement(
        session, agreement, data_of(agreement, sector_ids=[vehicles.id]), agreement.version
    )
    session.commit()
    assert indexed(session, agreement)["sectors"].startswith("Electric vehicles kendaraan listrik")
    for words in ("electric vehicles", "kendaraan listrik", "mobil"):
        assert found(session, words) == [TECH], words
    agreement_services.update_agreement(session, agreement, data_of(agreement, sector_ids=[]), agreement.version)
    session.commit()
    assert found(session, "kendaraan") == []
    assert indexed(session, agreement)["sectors"] == ""


def test_renamed_sector_and_its_new_keywords_are_searched(session, korea, make_sector):
    agreement = korea[0]
    sector = make_sector(name="Tooling")
    agreement_services.update_agreement(
        session, agreement, data_of(agreement, sector_ids=[sector.id]), agreement.version
    )
    session.commit()
    sector_services.update_sector(session, sector, SectorData(name="Dies", slug="tooling", keywords=["cetakan"]))
    session.commit()
    assert found(session, "tooling") == []
    assert indexed(session, agreement)["sectors"] == "Dies cetakan"
    assert found(session, "cetakan") == [TECH]


# --- archive and restore --------------------------------------------------------------------------


def test_archived_agreement_is_not_found_until_restored(session, korea):
    agreement = korea[0]
    agreement_services.archive_agreement(session, agreement)
    session.commit()
    assert found(session, "technology") == []
    agreement_services.restore_agreement(session, agreement)
    session.commit()
    assert found(session, "technology") == [TECH]


def test_archived_party_no_longer_contributes(session, korea):
    agreement, party = korea
    # A party in a live agreement cannot be archived: the agreement goes first.
    agreement_services.archive_agreement(session, agreement)
    party_services.archive_party(session, party)
    session.commit()
    assert indexed(session, agreement)["parties"] == ""
    assert in_sync(session)
    party_services.restore_party(session, party)
    agreement_services.restore_agreement(session, agreement)
    session.commit()
    assert indexed(session, agreement)["parties"] == "AITEC Co., Ltd AITEC"
    assert found(session, "aitec") == [TECH]


def test_archived_source_no_longer_contributes(session, korea):
    agreement = korea[0]
    source = source_services.create_source(session, SourceData(title="Antara report"))
    source_services.link_source(session, agreement, source)
    snapshot(session, source, "Cikarang")
    session.commit()
    agreement_services.archive_agreement(session, agreement)
    source_services.archive_source(session, source)
    session.commit()
    assert indexed(session, agreement)["sources"] == ""
    assert in_sync(session)
    source_services.restore_source(session, source)
    agreement_services.restore_agreement(session, agreement)
    session.commit()
    assert found(session, "cikarang antara") == [TECH]


def test_archived_sector_no_longer_contributes(session, korea, make_sector):
    agreement = korea[0]
    sector = make_sector(name="Tooling")
    filed = data_of(agreement, sector_ids=[sector.id])
    agreement_services.update_agreement(session, agreement, filed, agreement.version)
    session.commit()
    agreement_services.archive_agreement(session, agreement)
    sector_services.archive_sector(session, sector)
    session.commit()
    assert indexed(session, agreement)["sectors"] == ""
    assert in_sync(session)
    sector_services.restore_sector(session, sector)
    agreement_services.restore_agreement(session, agreement)
    session.commit()
    assert found(session, "tooling") == [TECH]


def test_archived_agreements_are_still_indexed_for_the_archive(session, korea):
    agreement = korea[0]
    agreement_services.archive_agreement(session, agreement)
    session.commit()
    statement = select(Agreement.title).where(search.matches(Agreement.id, "jeju")).execution_options(**WITH_ARCHIVED)
    assert session.scalars(statement).all() == [TECH]


def test_removing_a_link_row_directly_also_updates_the_index(session, korea):
    # Triggers, not the ORM, keep the index: any writer (Core, bulk loads, SQL) is followed.
    agreement = korea[0]
    source = source_services.create_source(session, SourceData(title="Antara report"))
    source_services.link_source(session, agreement, source)
    session.commit()
    session.execute(AgreementSource.__table__.delete().where(AgreementSource.source_id == source.id))
    session.execute(text("UPDATE party SET name = 'Renamed Company'"))
    session.commit()
    assert indexed(session, agreement)["sources"] == ""
    assert found(session, "renamed") == [TECH]


# --- ranking, languages and diacritics ------------------------------------------------------------


def test_a_title_match_ranks_above_a_notes_only_match(session, make_agreement):
    make_agreement(title="Cooperation on textiles", notes="see also the moulds programme")
    make_agreement(title="Moulds and dies cooperation", notes="")
    make_agreement(title="Steel", summary="moulds", notes="")
    assert found(session, "moulds") == ["Moulds and dies cooperation", "Steel", "Cooperation on textiles"]
    assert found(session, "mould") == ["Moulds and dies cooperation", "Steel", "Cooperation on textiles"]


def test_a_chosen_sort_is_kept_while_searching(session, make_agreement):
    make_agreement(title="B moulds")
    make_agreement(title="A", notes="moulds")
    assert found(session, "moulds") == ["B moulds", "A"]
    assert found(session, "moulds", SortOrder.TITLE) == ["A", "B moulds"]
    # Without words, "best match" is the newest change first.
    assert found(session, "", SortOrder.RELEVANCE) == ["A", "B moulds"]


def test_both_languages_and_folded_diacritics(session, make_agreement, make_party):
    partner = make_party(name="Société Générale de Surveillance", country_code="CH", aliases=["SGS"])
    make_agreement(
        title="Memorandum of understanding on vocational training",
        title_local="Nota Kesepahaman tentang Pelatihan Vokasi",
        parties=[(partner, PartyRole.SIGNATORY)],
    )
    make_agreement(title="Hợp tác công nghiệp Việt Nam", title_local="Kerja sama industri Vietnam")
    training = ["Memorandum of understanding on vocational training"]
    assert found(session, "pelatihan vokasi") == training
    assert found(session, "vocational") == training
    assert found(session, "societe generale") == training
    assert found(session, "SOCIÉTÉ") == training
    assert found(session, "Sgs") == training
    assert found(session, "viet nam cong nghiep") == ["Hợp tác công nghiệp Việt Nam"]
    assert found(session, "industri") == ["Hợp tác công nghiệp Việt Nam"]


def test_short_words_match_whole_words_only(session, make_agreement):
    make_agreement(title="EV batteries")
    make_agreement(title="Evaluation of textiles")
    assert found(session, "ev") == ["EV batteries"]
    assert found(session, "eva") == ["Evaluation of textiles"]


# --- any input ------------------------------------------------------------------------------------

# Query syntax of either engine, and characters that tokenizers treat in their own ways.
PUNCTUATION = [*"\"'*-+^:()&|!\\%_\x00\t ", '""', "<->", ":*", "title:", "\u200b"]
SYNTAX = st.sampled_from(
    [*PUNCTUATION, "NEAR", "AND", "OR", "NOT", "é", "ß", "ǅ", "İ", "한국", "技術", "𝔘", "¹²", "a" * 300]
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(words=st.lists(st.one_of(SYNTAX, st.text(st.characters(exclude_categories=("Cs",)), max_size=8)), max_size=8))
def test_any_text_is_a_valid_search_on_this_engine(session, korea, words):
    text_ = "".join(words)
    ranked = search_agreements(session, AgreementFilters(text=text_), per_page=10)
    sorted_ = search_agreements(session, AgreementFilters(text=text_, sort=SortOrder.TITLE), per_page=10)
    assert ranked.total == sorted_.total <= 1
    assert ranked.total == 1 or search.search_terms(text_)  # only words can filter the agreement out


@pytest.mark.parametrize("words", ['"AITEC', "AITEC*", "aitec)", "(aitec", "-aitec", "aitec:", "'aitec'", "aitec\\"])
def test_punctuation_around_a_word_is_not_syntax(session, korea, words):
    assert found(session, words) == [TECH]


def test_search_through_the_page_and_the_api(client, session, korea, make_agreement, api_as):
    make_agreement(title="Jeju carbon-free island", notes="AITEC")
    page = client.get("/agreements/", query_string={"q": 'jeju "aitec'})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("Jeju carbon-free island") < html.index(TECH)  # best match first
    assert TECH not in client.get("/agreements/", query_string={"q": "jeju nowhere"}).get_data(as_text=True)
    listed = api_as().get("/agreements", query_string={"q": "jeju aitec"}).get_json()
    assert [item["title"] for item in listed["items"]] == ["Jeju carbon-free island", TECH]
    listed = api_as().get("/agreements", query_string={"q": "jeju aitec", "sort": "-title"}).get_json()
    assert [item["title"] for item in listed["items"]] == [TECH, "Jeju carbon-free island"]


# --- the migration --------------------------------------------------------------------------------


def test_the_migration_indexes_agreements_recorded_before_it(scratch_url):  # noqa: F811 (the imported fixture)
    migrate.upgrade(scratch_url, "0005")
    engine = make_engine(scratch_url)
    try:
        now = datetime(2017, 10, 4, tzinfo=UTC)
        with engine.begin() as connection:
            stamps = {"created_at": now, "updated_at": now, "version": 1}
            # Written as revision 0005's code wrote it: the model's later columns are not there yet.
            connection.execute(
                text(
                    "INSERT INTO agreement (id, title, title_local, instrument_type, summary, notes, status,"
                    " renewal_intent, created_at, updated_at, version) VALUES (1, 'Technology cooperation', '',"
                    " 'agreement', '', '', 'in_force', 'none', '2017-10-04 00:00:00', '2017-10-04 00:00:00', 1)"
                )
            )
            connection.execute(
                insert(Party.__table__), [{"id": 1, "name": "AITEC", "kind": "company", "notes": "", **stamps}]
            )
            connection.execute(
                insert(AgreementParty.__table__), [{"agreement_id": 1, "party_id": 1, "role": "signatory"}]
            )
            connection.execute(
                insert(Source.__table__),
                [
                    {
                        "id": 1,
                        "title": "Antara",
                        "kind": "news_article",
                        "outlet": "",
                        "author": "",
                        "language": "id",
                        "excerpt": "",
                        **stamps,
                    }
                ],
            )
            connection.execute(
                insert(AgreementSource.__table__), [{"agreement_id": 1, "source_id": 1, "note": "", "created_at": now}]
            )
            connection.execute(
                insert(SourceSnapshot.__table__),
                [
                    {
                        "source_id": 1,
                        "retrieved_at": now,
                        "method": "paste",
                        "title": "",
                        "text": "di Cikarang",
                        "content_hash": "0" * 64,
                    }
                ],
            )
        for _round in range(2):  # and again after a downgrade
            migrate.upgrade(scratch_url)
            with engine.begin() as connection:
                assert search.stale_documents(connection) == []
                found_ids = connection.scalars(
                    select(Agreement.id).where(search.matches(Agreement.id, "aitec cikarang"))
                )
                assert list(found_ids) == [1]
            migrate.downgrade(scratch_url, "0005")
    finally:
        engine.dispose()


def test_the_sectors_migration_indexes_agreements_filed_before_it(scratch_url):  # noqa: F811 (the fixture)
    migrate.upgrade(scratch_url, "0010")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO agreement (id, title, title_local, instrument_type, summary, notes, status, "
                    "renewal_intent, created_at, updated_at, version) VALUES (1, 'Charging stations', '', 'mou', '', "
                    "'', 'signed', 'none', :now, :now, 1)"
                ),
                {"now": datetime(2023, 5, 2, tzinfo=UTC)},
            )
            connection.execute(
                text(
                    "INSERT INTO agreement_sector (agreement_id, sector_id) "
                    "SELECT 1, id FROM sector WHERE slug = 'electric-vehicles'"
                )
            )
        for _round in range(2):  # and again after a downgrade
            migrate.upgrade(scratch_url)
            with engine.begin() as connection:
                assert search.stale_documents(connection) == []
                found_ids = connection.scalars(select(Agreement.id).where(search.matches(Agreement.id, "listrik")))
                assert list(found_ids) == [1]
            migrate.downgrade(scratch_url, "0010")
            with engine.begin() as connection:
                assert list(connection.scalars(text("SELECT agreement_id FROM agreement_search"))) == [1]
    finally:
        engine.dispose()


def test_a_bulk_load_is_indexed_once_it_ends(session, engine):
    now = datetime(2017, 10, 4, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    with engine.begin() as connection, search.bulk_load(connection):
        agreements = (
            connection.execute(
                insert(Agreement.__table__).returning(Agreement.id),
                [
                    {
                        "title": f"Loaded {number}",
                        "title_local": "",
                        "instrument_type": "mou",
                        "summary": "",
                        "notes": "",
                        "status": "signed",
                        "renewal_intent": "none",
                        **stamps,
                    }
                    for number in range(3)
                ],
            )
            .scalars()
            .all()
        )
        party = connection.execute(
            insert(Party.__table__).returning(Party.id),
            [{"name": "Bulk Party", "kind": "company", "notes": "", **stamps}],
        ).scalar_one()
        connection.execute(
            insert(AgreementParty.__table__), [{"agreement_id": agreements[0], "party_id": party, "role": "signatory"}]
        )
    assert found(session, "bulk party") == ["Loaded 0"]
    assert sorted(found(session, "loaded")) == ["Loaded 0", "Loaded 1", "Loaded 2"]
    # The triggers are back on afterwards.
    session.rollback()  # SQLite: the integrity check in `found` took the write lock
    with engine.begin() as connection:
        connection.execute(text("UPDATE party SET name = 'Renamed Party'"))
    assert found(session, "renamed") == ["Loaded 0"]
