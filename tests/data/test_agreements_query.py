"""The agreement query: every filter alone and combined, sorting, pagination."""

import pytest

from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent
from tracker.queries.agreements import (
    AgreementFilters,
    SortOrder,
    search_agreements,
)


@pytest.fixture
def story(make_party, make_agreement, make_source, get_sector):
    """The seed story plus a few agreements to tell apart."""
    government = make_party(name="Government of Indonesia", kind=PartyKind.STATE)
    ministry = make_party(name="Ministry of Industry", aliases=["Kemenperin"], parent=government)
    directorate = make_party(name="Directorate General KPAII", parent=ministry)
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    jetro = make_party(name="JETRO", kind=PartyKind.ASSOCIATION, country_code="JP")
    tech = make_agreement(
        title="Technology development cooperation",
        start="2006",
        end="2018",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(directorate, PartyRole.IMPLEMENTING_AGENCY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    ev = make_agreement(
        title="MoU on renewable energy and electric vehicles",
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.ANNOUNCED,
        parties=[(ministry, PartyRole.SIGNATORY)],
        sectors=[get_sector("renewable-energy"), get_sector("electric-vehicles")],
        summary="Jeju to be carbon-free by 2030",
    )
    japan = make_agreement(
        title="Automotive parts 100% local",
        signed="2015-03-02",
        end="2020-06",
        status=AgreementStatus.EXPIRED,
        parties=[(jetro, PartyRole.SIGNATORY)],
        notes="under_score",
    )
    make_source(title="Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel", agreements=[(tech, "quote")])
    return {"tech": tech, "ev": ev, "japan": japan, "ministry": ministry, "government": government, "aitec": aitec}


def titles(session, **filters):
    page = search_agreements(session, AgreementFilters(**filters), per_page=100)
    return sorted(agreement.title for agreement in page.items)


TECH, EV, JAPAN = (
    "Technology development cooperation",
    "MoU on renewable energy and electric vehicles",
    ("Automotive parts 100% local"),
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [JAPAN, EV, TECH]),
        ({"text": "jeju"}, [EV]),  # summary, case-insensitive
        ({"text": "kemenperin"}, [EV]),  # party alias
        ({"text": "AITEC"}, [TECH]),  # party name
        ({"text": "korsel"}, [TECH]),  # source title
        ({"text": "100%"}, [JAPAN]),  # punctuation is no query syntax
        ({"text": "under_score"}, [JAPAN]),  # the words "under" and "score", side by side
        ({"text": "%"}, [JAPAN, EV, TECH]),  # a word without letters or digits is no filter
        ({"text": "KOREA-bound jeju"}, []),
        ({"text": "energ"}, [EV]),  # a word also finds longer words it begins
        ({"text": "Jéjú"}, [EV]),  # accents folded
        ({"text": "technology cooperation"}, [TECH]),  # every word must match
        ({"text": "technology jeju"}, []),
        ({"country": "KR"}, [TECH]),
        ({"country": "ID"}, [EV, TECH]),
        ({"sectors": ["electric-vehicles"]}, [EV]),
        ({"sectors": ["technology", "electric-vehicles"]}, [EV, TECH]),
        ({"statuses": [AgreementStatus.ANNOUNCED, AgreementStatus.EXPIRED]}, [JAPAN, EV]),
        ({"instruments": [InstrumentType.MOU]}, [EV]),
        ({"renewals": [RenewalIntent.INTENDED]}, [TECH]),
        ({"active_in": 2006}, [TECH]),
        ({"active_in": 2016}, [JAPAN, TECH]),  # year-only end 2018 still active in 2018
        ({"active_in": 2018}, [JAPAN, TECH]),
        ({"active_in": 2019}, [JAPAN]),
        ({"active_in": 2021}, []),
        ({"active_in": 2014}, [TECH]),  # the Japanese one only started (was signed) in 2015
        ({"ends_from": 2018, "ends_to": 2018}, [TECH]),
        ({"ends_from": 2019}, [JAPAN]),
        ({"ends_to": 2019}, [TECH]),
        ({"signed_from": 2015, "signed_to": 2015}, [JAPAN]),
        ({"signed_from": 2016}, []),  # unknown signing dates never match a signed filter
        (
            {
                "country": "KR",
                "sectors": ["technology"],
                "statuses": [AgreementStatus.IN_FORCE],
                "ends_from": 2017,
                "ends_to": 2019,
            },
            [TECH],
        ),
        ({"country": "KR", "statuses": [AgreementStatus.ANNOUNCED]}, []),
    ],
)
def test_filters(session, story, filters, expected):
    assert titles(session, **filters) == sorted(expected)


def test_party_filter_includes_its_units(session, story):
    assert titles(session, party_id=story["ministry"].id) == sorted([EV, TECH])  # TECH through its directorate
    assert titles(session, party_id=story["government"].id) == sorted([EV, TECH])
    assert titles(session, party_id=story["aitec"].id) == [TECH]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (SortOrder.TITLE, [JAPAN, EV, TECH]),
        (SortOrder.TITLE_DESC, [TECH, EV, JAPAN]),
        (SortOrder.START, [TECH, EV, JAPAN]),  # unknown starts last, in the order they were recorded
        (SortOrder.END, [TECH, JAPAN, EV]),
        (SortOrder.END_DESC, [JAPAN, TECH, EV]),
        (SortOrder.SIGNED, [JAPAN, TECH, EV]),  # unknown signing dates last
        (SortOrder.SIGNED_DESC, [JAPAN, EV, TECH]),
    ],
)
def test_sorting(session, story, sort, expected):
    page = search_agreements(session, AgreementFilters(sort=sort))
    assert [agreement.title for agreement in page.items] == expected


@pytest.fixture
def signings(make_agreement):
    """MoUs signed at every precision a ministry's list gives, and one whose signing is not known."""
    spelled = {
        "MoU Pengembangan Baterai Kendaraan Listrik": "2019",
        "MoU on nickel smelter investment": "2019-12-31",
        "Nota Kesepahaman Energi Terbarukan": "2021-10",
        "Letter of Intent on moulds and dies": "2023-11-14",
        "Perjanjian Kerja Sama Industri Tekstil": "2024",
        "MoU on electronics (signing date not reported)": None,
    }
    return {title: make_agreement(title=title, signed=signed).id for title, signed in spelled.items()}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"signed_from": 2019, "signed_to": 2023}, [0, 1, 2, 3]),  # "2019" and "2021-10" at their precision
        ({"signed_from": 2020}, [2, 3, 4]),  # 2019-12-31 is before 2020
        ({"signed_to": 2019}, [0, 1]),
        ({"signed_from": 2021, "signed_to": 2021}, [2]),
        ({"signed_from": 2024, "signed_to": 2024}, [4]),
    ],
)
def test_signed_year_filters_compare_partial_dates_at_their_precision(session, signings, filters, expected):
    ids = list(signings.values())
    found = search_agreements(session, AgreementFilters(**filters), per_page=100).items
    assert sorted(agreement.id for agreement in found) == sorted(ids[index] for index in expected)


def test_signed_sort_puts_unknown_signing_dates_last_both_ways(session, signings):
    ids = list(signings.values())
    for sort, expected in ((SortOrder.SIGNED, [0, 1, 2, 3, 4, 5]), (SortOrder.SIGNED_DESC, [4, 3, 2, 1, 0, 5])):
        found = search_agreements(session, AgreementFilters(sort=sort), per_page=100).items
        assert [agreement.id for agreement in found] == [ids[index] for index in expected], sort


def test_sort_by_last_update(session, story):
    story["tech"].summary = "touched"
    session.commit()
    newest = search_agreements(session, AgreementFilters(sort=SortOrder.UPDATED_DESC)).items
    oldest = search_agreements(session, AgreementFilters(sort=SortOrder.UPDATED)).items
    assert newest[0].title == TECH and oldest[-1].title == TECH


def test_pagination(session, make_agreement):
    for number in range(7):
        make_agreement(title=f"Agreement {number}")
    first = search_agreements(session, AgreementFilters(sort=SortOrder.TITLE), page=1, per_page=3)
    last = search_agreements(session, AgreementFilters(sort=SortOrder.TITLE), page=3, per_page=3)
    beyond = search_agreements(session, AgreementFilters(sort=SortOrder.TITLE), page=9, per_page=3)
    assert (first.total, first.pages) == (7, 3)
    assert [a.title for a in first.items] == ["Agreement 0", "Agreement 1", "Agreement 2"]
    assert [a.title for a in last.items] == ["Agreement 6"]
    assert beyond.items == [] and beyond.total == 7


def test_text_in_other_scripts(session, make_agreement):
    make_agreement(title="한국 기술 협력")
    assert titles(session, text="기술") == ["한국 기술 협력"]


def test_succession_chain_follows_renewals_both_ways(session, make_agreement):
    from tracker.models import RelationKind
    from tracker.queries.agreements import succession_chain
    from tracker.services.agreements import add_relation

    first = make_agreement(title="2006–2018", start="2006", end="2018")
    second = make_agreement(title="2019–2023", start="2019", end="2023")
    third = make_agreement(title="2024–2028", start="2024", end="2028")
    amendment = make_agreement(title="Amendment", start="2010")
    loner = make_agreement(title="Alone")
    add_relation(session, second, first.id, RelationKind.RENEWS)
    add_relation(session, third, second.id, RelationKind.SUPERSEDES)
    add_relation(session, amendment, first.id, RelationKind.AMENDS)  # not a new version
    session.commit()
    for member in (first, second, third):
        assert [a.title for a in succession_chain(session, member.id)] == ["2006–2018", "2019–2023", "2024–2028"]
    assert succession_chain(session, amendment.id) == []
    assert succession_chain(session, loner.id) == []
