"""Implementation (issue 15): the list filter, the dashboard's counts per partner country and the party's count."""

from __future__ import annotations

import pytest

from tracker.importing.fields import guess_target
from tracker.importing.values import Vocabulary
from tracker.models import ImplementationStatus, PartyKind, PartyRole
from tracker.queries.agreements import AgreementFilters, search_agreements
from tracker.queries.dashboard import CountryImplementation, sector_and_country_counts
from tracker.queries.parties import party_overview
from tracker.services.agreements import archive_agreement


@pytest.fixture
def korea(make_party, make_agreement):
    """Three agreements with Korea (two implemented, one of them with two Korean parties), one stalled with Japan."""
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    aitec = make_party(name="AITEC", kind=PartyKind.COMPANY, country_code="KR")
    kotra = make_party(name="KOTRA", country_code="KR")
    japan = make_party(name="JETRO", country_code="JP")
    implemented = ImplementationStatus.IMPLEMENTED
    make_agreement(
        title="AITEC",
        implementation=implemented,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY), (kotra, PartyRole.WITNESS)],
    )
    make_agreement(title="KOTRA", implementation=implemented, parties=[(kotra, PartyRole.SIGNATORY)])
    ongoing = ImplementationStatus.ONGOING
    make_agreement(title="Korea ongoing", implementation=ongoing, parties=[(aitec, PartyRole.OTHER)])
    make_agreement(title="Japan", implementation=ImplementationStatus.STALLED, parties=[(japan, PartyRole.SIGNATORY)])
    return {"ministry": ministry, "aitec": aitec, "kotra": kotra}


def titles(session, **filters) -> list[str]:
    """Titles of the agreements the filters find, sorted."""
    return sorted(agreement.title for agreement in search_agreements(session, AgreementFilters(**filters)).items)


def test_the_list_filters_by_any_of_several_implementation_statuses(session, korea):
    assert titles(session, implementations=[ImplementationStatus.IMPLEMENTED]) == ["AITEC", "KOTRA"]
    stalled_or_ongoing = [ImplementationStatus.STALLED, ImplementationStatus.ONGOING]
    assert titles(session, implementations=stalled_or_ongoing) == ["Japan", "Korea ongoing"]
    assert titles(session, implementations=[ImplementationStatus.NOT_RECORDED]) == []


def test_the_dashboard_counts_implemented_agreements_per_partner_country_once_each(session, korea):
    implementation = sector_and_country_counts(session, "ID")[2]
    assert implementation == [CountryImplementation("KR", 3, 2), CountryImplementation("JP", 1, 0)]


def test_archived_agreements_count_nowhere(session, korea, make_agreement):
    gone = make_agreement(
        title="Archived", implementation=ImplementationStatus.IMPLEMENTED, parties=[(korea["aitec"], PartyRole.OTHER)]
    )
    archive_agreement(session, gone)
    session.commit()
    assert sector_and_country_counts(session, "ID")[2][0] == CountryImplementation("KR", 3, 2)
    assert party_overview(session, korea["aitec"].id).implemented == 1


def test_a_partys_page_counts_its_implemented_agreements_with_its_total(session, korea):
    overview = party_overview(session, korea["kotra"].id)
    assert (overview.implemented, overview.agreements.total) == (2, 2)
    overview = party_overview(session, korea["ministry"].id)
    assert (overview.implemented, overview.agreements.total) == (1, 1)


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Implementation", "implementation"),
        ("Implementation status", "implementation"),
        ("Pelaksanaan", "implementation"),
        ("Status Pelaksanaan", "implementation"),
        ("Catatan pelaksanaan", "implementation_note"),
        ("Implementation as of", "implementation_as_of"),
    ],
)
def test_an_import_recognises_the_headers_in_both_languages(app, header, target):
    with app.app_context():
        assert guess_target(header) == target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("implemented", ImplementationStatus.IMPLEMENTED),
        ("Implemented", ImplementationStatus.IMPLEMENTED),
        ("Terlaksana", ImplementationStatus.IMPLEMENTED),
        ("Sedang berjalan", ImplementationStatus.ONGOING),
        ("Belum dilaksanakan", ImplementationStatus.NOT_STARTED),
        ("Not started", ImplementationStatus.NOT_STARTED),
        ("Terhenti", ImplementationStatus.STALLED),
        ("stalled", ImplementationStatus.STALLED),
    ],
)
def test_an_import_reads_the_values_in_both_languages(app, text, expected):
    with app.app_context():
        assert Vocabulary().choice(ImplementationStatus, text) is expected
