"""Party rules at the service and query layer: duplicates, aliases, parents, archiving, lists."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.errors import DuplicateError, InUseError, ValidationError
from tracker.models import Party, PartyAlias, PartyKind, PartyRole
from tracker.queries.parties import (
    PartyFilters,
    party_choices,
    party_detail,
    party_list,
)
from tracker.records.party import PartyData, clean_aliases
from tracker.services.parties import archive_party, create_party, update_party
from tracker.text import normalise_name

KOREAN_INSTITUTE = "한국생산기술연구원"


def data(name: str = "AITEC Co., Ltd", **fields) -> PartyData:
    """Party input with defaults for the fields a test does not care about."""
    fields.setdefault("kind", PartyKind.COMPANY)
    fields.setdefault("country_code", "KR")
    return PartyData(name=name, **fields)


def party_count(session) -> int:
    """How many parties are stored."""
    return session.scalar(select(func.count()).select_from(Party))


# --- normalising names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("AITEC", "aitec"),
        ("Société  Générale", "societe generale"),
        ("  Kementerian\tPerindustrian ", "kementerian perindustrian"),
        ("Straße", "STRASSE"),
        (KOREAN_INSTITUTE, KOREAN_INSTITUTE),
    ],
)
def test_normalise_name_ignores_case_accents_and_spacing(left, right):
    assert normalise_name(left) == normalise_name(right)


def test_normalise_name_keeps_different_names_apart():
    assert normalise_name("AITEC") != normalise_name("AITEC Co., Ltd")


# --- create and update ---------------------------------------------------------------------------


def test_create_party_with_everything(session, make_party):
    ministry = make_party(name="Ministry of Trade, Industry and Energy", country_code="KR")
    party = create_party(
        session,
        data(
            name="  Korea   Evaluation Institute ",
            kind=PartyKind.RESEARCH_INSTITUTE,
            country_code="kr",
            parent_id=ministry.id,
            aliases=["KEIT", " KEIT ", "keit", "Korea Evaluation Institute", "", "한국산업기술평가관리원"],
            notes="Funds industrial R&D.",
        ),
    )
    session.commit()
    assert party.name == "Korea Evaluation Institute"
    assert party.country_code == "KR"
    assert party.parent is ministry
    assert party.notes == "Funds industrial R&D."
    # Repeats and the party's own name are dropped quietly; the first spelling wins.
    assert sorted(alias.alias for alias in party.aliases) == sorted(["KEIT", "한국산업기술평가관리원"])


def test_create_party_without_country_for_international_bodies(session):
    party = create_party(session, data(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=""))
    assert party.country_code is None


def test_create_party_refuses_unknown_country(session):
    with pytest.raises(ValidationError) as caught:
        create_party(session, data(country_code="XX"))
    assert caught.value.field == "country_code"
    assert party_count(session) == 0


def test_create_party_requires_a_name(session):
    with pytest.raises(ValidationError) as caught:
        create_party(session, data(name="   "))
    assert caught.value.field == "name"


def test_create_party_refuses_an_overlong_alias(session):
    with pytest.raises(ValidationError) as caught:
        create_party(session, data(aliases=["A" * 301]))
    assert caught.value.field == "aliases"


def test_clean_aliases_drops_blanks_repeats_and_own_name():
    assert clean_aliases("AITEC Co., Ltd", ["AITEC", "aitec", "  ", "aitec co., ltd", "Aitéc"]) == ["AITEC"]


def test_korean_names_round_trip(session):
    party = create_party(session, data(name=KOREAN_INSTITUTE, kind=PartyKind.RESEARCH_INSTITUTE, aliases=["KITECH"]))
    session.commit()
    session.expire_all()
    stored = session.get(Party, party.id)
    assert stored.name == KOREAN_INSTITUTE
    assert [alias.alias for alias in stored.aliases] == ["KITECH"]


def test_update_party_changes_fields_and_aliases(session, make_party):
    party = make_party(name="AITEC", country_code="KR", aliases=["Aitec Korea", "Old name"])
    update_party(
        session,
        party,
        data(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, aliases=["AITEC", "Aitec Korea", "AITEC KOREA", "New"]),
    )
    session.commit()
    session.expire_all()
    stored = session.get(Party, party.id)
    assert stored.name == "AITEC Co., Ltd"
    assert stored.kind is PartyKind.COMPANY
    assert sorted(alias.alias for alias in stored.aliases) == ["AITEC", "Aitec Korea", "New"]


def test_update_party_may_change_an_alias_only_in_case(session, make_party):
    party = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["Aitec"])
    update_party(session, party, data(aliases=["AITEC"]))
    session.commit()
    assert [alias.alias for alias in party.aliases] == ["AITEC"]
    assert session.scalar(select(func.count()).select_from(PartyAlias)) == 1


def test_update_party_keeps_its_own_name_without_calling_it_a_duplicate(session, make_party):
    party = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    update_party(session, party, data(name="AITEC Co., Ltd", aliases=["AITEC"], notes="Moulds and dies."))
    assert party.notes == "Moulds and dies."


# --- duplicates ----------------------------------------------------------------------------------


def test_same_name_in_same_country_is_a_duplicate(session, make_party):
    make_party(name="AITEC Co., Ltd", country_code="KR")
    with pytest.raises(DuplicateError) as caught:
        create_party(session, data(name="aitec  co., ltd"))
    assert caught.value.field == "name"
    assert "AITEC Co., Ltd" in caught.value.message
    assert caught.value.status_code == 409


def test_duplicate_check_ignores_accents(session, make_party):
    make_party(name="Société Générale", kind=PartyKind.COMPANY, country_code="FR")
    with pytest.raises(DuplicateError):
        create_party(session, data(name="SOCIETE GENERALE", country_code="FR"))


def test_name_equal_to_another_partys_alias_is_a_duplicate(session, make_party):
    make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    with pytest.raises(DuplicateError) as caught:
        create_party(session, data(name="Aitec"))
    assert caught.value.field == "name"
    assert "AITEC Co., Ltd" in caught.value.message


def test_alias_equal_to_another_partys_name_is_a_duplicate(session, make_party):
    make_party(name="AITEC", country_code="KR")
    with pytest.raises(DuplicateError) as caught:
        create_party(session, data(name="AITEC Co., Ltd", aliases=["aitec"]))
    assert caught.value.field == "aliases"
    assert "AITEC" in caught.value.message


def test_alias_equal_to_another_partys_alias_is_a_duplicate(session, make_party):
    make_party(name="Korea Institute of Industrial Technology", country_code="KR", aliases=["KITECH"])
    with pytest.raises(DuplicateError) as caught:
        create_party(session, data(name=KOREAN_INSTITUTE, aliases=["Kitech"]))
    assert caught.value.field == "aliases"
    assert "Korea Institute of Industrial Technology" in caught.value.message


def test_same_name_in_another_country_is_allowed(session, make_party):
    make_party(name="Ministry of Industry", country_code="ID")
    party = create_party(session, data(name="Ministry of Industry", kind=PartyKind.MINISTRY, country_code="MY"))
    assert party.id is not None


def test_two_parties_without_country_count_as_the_same_country(session, make_party):
    make_party(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=None)
    with pytest.raises(DuplicateError):
        create_party(session, data(name="unido", country_code=None))


def test_party_without_country_does_not_clash_with_one_in_a_country(session, make_party):
    make_party(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=None)
    party = create_party(session, data(name="UNIDO", country_code="AT"))
    assert party.country_code == "AT"


def test_update_into_a_duplicate_is_refused_and_changes_nothing(session, make_party):
    make_party(name="AITEC Co., Ltd", country_code="KR")
    other = make_party(name="KEIT", country_code="KR")
    with pytest.raises(DuplicateError):
        update_party(session, other, data(name="AITEC Co., Ltd"))
    session.rollback()
    assert session.get(Party, other.id).name == "KEIT"


# --- parents -------------------------------------------------------------------------------------


def test_parent_must_exist(session):
    with pytest.raises(ValidationError) as caught:
        create_party(session, data(parent_id=999999))
    assert caught.value.field == "parent_id"


def test_party_cannot_be_its_own_parent(session, make_party):
    party = make_party(name="Ministry of Industry")
    with pytest.raises(ValidationError) as caught:
        update_party(session, party, data(name="Ministry of Industry", country_code="ID", parent_id=party.id))
    assert caught.value.field == "parent_id"


def test_parent_may_not_make_a_cycle(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    agency = make_party(name="BPPI", parent=ministry)
    centre = make_party(name="Centre for Moulds", parent=agency)
    with pytest.raises(ValidationError) as caught:
        update_party(session, ministry, data(name="Ministry of Industry", country_code="ID", parent_id=centre.id))
    assert caught.value.field == "parent_id"
    assert "Centre for Moulds" in caught.value.message


def test_parent_may_be_moved_within_the_tree(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    agency = make_party(name="BPPI", parent=ministry)
    centre = make_party(name="Centre for Moulds", parent=agency)
    update_party(session, centre, data(name="Centre for Moulds", country_code="ID", parent_id=ministry.id))
    assert centre.parent is ministry


# --- archive (what "delete" does) ----------------------------------------------------------------


def test_archive_unused_party_hides_it_and_keeps_its_aliases(session, make_party):
    party = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    archive_party(session, party)
    session.commit()
    assert party_count(session) == 0
    assert session.scalar(select(func.count()).select_from(PartyAlias)) == 1


def test_archive_party_used_by_agreements_names_them(session, make_party, make_agreement):
    party = make_party(name="AITEC Co., Ltd", country_code="KR")
    make_agreement(title="Moulds and dies cooperation", parties=[(party, PartyRole.SIGNATORY)])
    make_agreement(title="Technology transfer", parties=[(party, PartyRole.SIGNATORY), (party, PartyRole.FUNDER)])
    with pytest.raises(InUseError) as caught:
        archive_party(session, party)
    assert "cannot be archived" in caught.value.message
    assert "Moulds and dies cooperation" in caught.value.message
    assert "Technology transfer" in caught.value.message
    assert "more" not in caught.value.message
    assert caught.value.status_code == 409
    session.rollback()
    assert party_count(session) == 1


def test_archive_party_used_by_many_agreements_names_five_and_counts_the_rest(session, make_party, make_agreement):
    party = make_party()
    for number in range(1, 8):
        make_agreement(title=f"Agreement {number}", parties=[(party, PartyRole.SIGNATORY)])
    with pytest.raises(InUseError) as caught:
        archive_party(session, party)
    assert "Agreement 5" in caught.value.message
    assert "Agreement 6" not in caught.value.message
    assert "and 2 more" in caught.value.message


def test_archive_party_with_units_names_them(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    make_party(name="BPPI", parent=ministry)
    with pytest.raises(InUseError) as caught:
        archive_party(session, ministry)
    assert "BPPI" in caught.value.message


# --- queries -------------------------------------------------------------------------------------


def test_party_list_filters_by_text_over_names_and_aliases(session, make_party):
    make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["Advanced Industry"])
    make_party(name="Ministry of Industry", country_code="ID")
    make_party(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=None)

    def names(**filters):
        return [party.name for party in party_list(session, PartyFilters(**filters)).page.items]

    assert names() == ["AITEC Co., Ltd", "Ministry of Industry", "UNIDO"]
    assert names(text="industry") == ["AITEC Co., Ltd", "Ministry of Industry"]
    assert names(text="advanced aitec") == ["AITEC Co., Ltd"]
    assert names(kind=PartyKind.COMPANY) == ["AITEC Co., Ltd"]
    assert names(country_code="ID") == ["Ministry of Industry"]
    assert names(text="%") == []


def test_party_list_pages_and_counts_agreements(session, make_party, make_agreement):
    parties = [make_party(name=f"Party {number:02}") for number in range(1, 6)]
    make_agreement(parties=[(parties[0], PartyRole.SIGNATORY), (parties[0], PartyRole.FUNDER)])
    first = party_list(session, PartyFilters(), page=1, per_page=2)
    assert [party.name for party in first.page.items] == ["Party 01", "Party 02"]
    assert (first.page.total, first.page.pages) == (5, 3)
    assert first.agreement_counts == {parties[0].id: 1}
    past_the_end = party_list(session, PartyFilters(), page=9, per_page=2)
    assert past_the_end.page.page == 3
    assert [party.name for party in past_the_end.page.items] == ["Party 05"]


def test_party_detail_loads_aliases_and_units(session, make_party):
    party = make_party(name="Ministry of Industry", country_code="ID", aliases=["Kemenperin", "MoI"])
    make_party(name="Directorate of Access", parent=party)
    session.expire_all()
    loaded = party_detail(session, party.id)
    assert sorted(alias.alias for alias in loaded.aliases) == ["Kemenperin", "MoI"]
    assert [child.name for child in loaded.children] == ["Directorate of Access"]
    assert party_detail(session, 999999) is None


def test_party_choices_are_sorted_and_name_the_country(session, make_party):
    make_party(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=None)
    aitec = make_party(name="aitec Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    choices = party_choices(session)
    assert [label for _id, label in choices] == [
        "aitec Co., Ltd (South Korea)",
        "Ministry of Industry (Indonesia)",
        "UNIDO",
    ]
    assert choices[0][0] == aitec.id
    assert choices[1][0] == ministry.id
