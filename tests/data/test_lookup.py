"""The pickers' party look-up (tracker/queries/lookup.py): names and aliases in English and Indonesian, accents and
case folded, ranked and limited; the per-process index read again when a party or alias changes."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tracker.models import PartyKind
from tracker.queries.lookup import PartyFinder, PartyNames, find_parties, load_party_entries
from tracker.records.party import PartyData
from tracker.services import parties as party_service


@pytest.fixture
def world(make_party):
    """Parties as the ministry records them: English names with Indonesian aliases and the other way round,
    accented names, acronyms shared across countries."""
    return {
        "industry": make_party(
            name="Ministry of Industry of the Republic of Indonesia",
            aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
        ),
        "trade": make_party(name="Ministry of Trade of the Republic of Indonesia", aliases=["Kemendag"]),
        "energy": make_party(
            name="Kementerian Energi dan Sumber Daya Mineral",
            aliases=["Ministry of Energy and Mineral Resources", "Kementerian ESDM"],
        ),
        "meti": make_party(
            name="Ministry of Economy, Trade and Industry", country_code="JP", aliases=["METI", "Kementerian Ekonomi"]
        ),
        "sgs": make_party(
            name="Société Générale de Surveillance", kind=PartyKind.COMPANY, country_code="CH", aliases=["SGS"]
        ),
        "winds": make_party(name="Trade Winds Ltd", kind=PartyKind.COMPANY, country_code="SG"),
        "japan": make_party(name="Government of Japan", kind=PartyKind.STATE, country_code="JP", aliases=["Jepang"]),
        "kitech": make_party(
            name="Korea Institute of Industrial Technology",
            kind=PartyKind.RESEARCH_INSTITUTE,
            country_code="KR",
            aliases=["KITECH"],
        ),
        "kitech_id": make_party(
            name="Kerja sama Inovasi Teknologi", kind=PartyKind.OTHER, country_code="ID", aliases=["KITECH"]
        ),
    }


def ids(hits) -> list[int]:
    return [hit.party.id for hit in hits]


def finder(session) -> PartyFinder:
    return PartyFinder(load_party_entries(session))


def test_kemenp_finds_the_ministry_by_its_alias_and_not_the_trade_ministry(session, world):
    hits = finder(session).find("kemenp")
    assert ids(hits) == [world["industry"].id]
    assert hits[0].matched == "Kemenperin"


@pytest.mark.parametrize(
    "typed",
    ["Kementerian Perindustrian", "kementerian perindustrian", "Ministry of Industry", "MINISTRY OF INDUSTRY"],
)
def test_english_and_indonesian_names_find_the_same_party_first(session, world, typed):
    assert ids(finder(session).find(typed))[0] == world["industry"].id


@pytest.mark.parametrize("typed", ["societe generale", "SOCIÉTÉ", "Générale", "generale de surv"])
def test_accents_and_case_are_folded_on_both_sides(session, world, typed):
    assert ids(finder(session).find(typed)) == [world["sgs"].id]


def test_an_indonesian_name_finds_the_english_named_party_and_the_other_way_round(session, world):
    assert ids(finder(session).find("jepang")) == [world["japan"].id]
    assert ids(finder(session).find("mineral resources")) == [world["energy"].id]
    assert ids(finder(session).find("energi dan")) == [world["energy"].id]


def test_ranking_puts_the_start_of_a_name_first_then_the_start_of_a_word_shorter_first_then_inside(session, world):
    hits = finder(session).find("trade")
    # "Trade Winds Ltd" begins with it; "Ministry of Trade …" (46 letters) and "Ministry of Economy, Trade and
    # Industry" (39) have a word that begins with it, the shorter first.
    assert ids(hits) == [world["winds"].id, world["meti"].id, world["trade"].id]
    assert [hit.rank for hit in hits] == [1, 2, 2]


def test_an_exact_alias_comes_before_longer_names_that_begin_with_it(session, world, make_party):
    make_party(name="SGS Indonesia Testing Services", kind=PartyKind.COMPANY)
    hits = finder(session).find("sgs")
    assert ids(hits)[0] == world["sgs"].id and hits[0].rank == 0


def test_letters_inside_a_word_match_last_and_every_word_may_be_apart(session, world):
    hits = finder(session).find("ndustri")
    # Inside "Kementerian Perindustrian" (25 letters) and "Korea Institute of Industrial Technology" (40); no word
    # of "Ministry of Economy, Trade and Industry" holds it.
    assert ids(hits) == [world["industry"].id, world["kitech"].id] and {hit.rank for hit in hits} == {3}
    assert ids(finder(session).find("korea technology")) == [world["kitech"].id]


def test_the_limit_keeps_the_best(session, make_party):
    for number in range(15, 0, -1):
        make_party(name=f"Partner {number:02d}", kind=PartyKind.COMPANY, country_code="KR")
    entries = load_party_entries(session)
    names = [hit.party.name for hit in find_parties(entries, "partner", limit=5)]
    assert names == ["Partner 01", "Partner 02", "Partner 03", "Partner 04", "Partner 05"]
    assert find_parties(entries, "   ", limit=5) == []


def test_exact_names_aliases_and_labels_in_either_language(session, world):
    lookup = finder(session)
    assert [entry.id for entry in lookup.exact("kemenperin")] == [world["industry"].id]
    assert [entry.id for entry in lookup.exact("government of japan (jepang)")] == [world["japan"].id]
    assert [entry.id for entry in lookup.exact("Government of Japan (Japan)")] == [world["japan"].id]
    assert lookup.exact("Government of Japan (Korea Selatan)") == []
    assert {entry.id for entry in lookup.exact("KITECH")} == {world["kitech"].id, world["kitech_id"].id}
    assert lookup.get(world["japan"].id).is_named("JEPANG")


def test_archived_parties_are_not_offered(session, world):
    party_service.archive_party(session, world["winds"])
    session.commit()
    assert world["winds"].id not in ids(finder(session).find("trade"))


def test_the_index_is_read_again_only_when_a_party_or_alias_changes(session, world):
    names = PartyNames()
    statements: list[str] = []
    engine = session.get_bind()

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        first = names.finder(session)
        statements.clear()
        assert names.finder(session) is first
        assert len(statements) == 1  # the version only
        session.rollback()

        data = PartyData(name="Trade Winds Ltd", kind=PartyKind.COMPANY, country_code="SG", aliases=["Angin Dagang"])
        party_service.update_party(session, world["winds"], data)
        session.commit()
        assert ids(names.finder(session).find("angin dagang")) == [world["winds"].id]

        party_service.create_party(session, PartyData(name="Badan Riset dan Inovasi Nasional", kind=PartyKind.OTHER))
        session.commit()
        assert [hit.party.name for hit in names.finder(session).find("inovasi nas")] == [
            "Badan Riset dan Inovasi Nasional"
        ]
    finally:
        event.remove(engine, "before_cursor_execute", record)
