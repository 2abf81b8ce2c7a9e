"""Agreement services: the rules on dates, parties, sectors and relations."""

import pytest
from sqlalchemy import func, select

from tracker.archiving import WITH_ARCHIVED
from tracker.dates import PartialDate
from tracker.errors import DuplicateError, NotFoundError, ValidationError
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    InstrumentType,
    PartyKind,
    PartyRole,
    RelationKind,
    RenewalIntent,
    Source,
)
from tracker.records.agreement import AgreementData
from tracker.services.agreements import (
    add_relation,
    archive_agreement,
    create_agreement,
    remove_relation,
    update_agreement,
)


def data(**fields) -> AgreementData:
    """Valid agreement input with overrides."""
    defaults = {
        "title": "Technology development cooperation",
        "instrument_type": InstrumentType.AGREEMENT,
        "status": AgreementStatus.IN_FORCE,
    }
    return AgreementData(**{**defaults, **fields})


def count_agreements(session) -> int:
    return session.scalar(select(func.count()).select_from(Agreement))


def test_create_with_parties_sectors_and_year_only_dates(session, make_party, get_sector):
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    agreement = create_agreement(
        session,
        data(
            start=PartialDate.parse("2006"),
            end=PartialDate.parse("2018"),
            renewal_intent=RenewalIntent.INTENDED,
            sector_ids=[get_sector("technology").id],
            parties=[(ministry.id, PartyRole.SIGNATORY), (aitec.id, PartyRole.SIGNATORY)],
        ),
    )
    session.commit()
    session.expire_all()
    stored = session.get(Agreement, agreement.id)
    assert stored.start.iso() == "2006" and stored.end.iso() == "2018"
    assert stored.renewal_intent is RenewalIntent.INTENDED
    assert [s.slug for s in stored.sectors] == ["technology"]
    assert {(link.party.name, link.role) for link in stored.party_links} == {
        ("Ministry of Industry", PartyRole.SIGNATORY),
        ("AITEC Co., Ltd", PartyRole.SIGNATORY),
    }


def test_one_party_may_hold_two_roles_but_not_the_same_twice(session, make_party):
    ministry = make_party()
    agreement = create_agreement(
        session,
        data(
            parties=[
                (ministry.id, PartyRole.SIGNATORY),
                (ministry.id, PartyRole.FUNDER),
                (ministry.id, PartyRole.SIGNATORY),
            ]
        ),
    )
    session.commit()
    assert sorted(link.role.value for link in agreement.party_links) == ["funder", "signatory"]


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ("2018", "2006", True),
        ("2018-05", "2018-04", True),
        ("2018-05-06", "2018-05-05", True),
        ("2018-05", "2018", False),  # same year at the coarser precision
        ("2018", "2018-01-01", False),
        ("2006", "2018", False),
        ("2018-05-06", "2018-05", False),
    ],
)
def test_end_not_before_start_at_coarser_precision(session, start, end, refused):
    given = data(start=PartialDate.parse(start), end=PartialDate.parse(end))
    if refused:
        with pytest.raises(ValidationError) as caught:
            create_agreement(session, given)
        assert caught.value.field == "end"
    else:
        create_agreement(session, given)


def test_title_required(session):
    with pytest.raises(ValidationError) as caught:
        create_agreement(session, data(title="   "))
    assert caught.value.field == "title"


def test_unknown_sector_or_party_refused_and_nothing_saved(session):
    with pytest.raises(ValidationError) as caught:
        create_agreement(session, data(sector_ids=[999_999]))
    assert caught.value.field == "sectors"
    with pytest.raises(ValidationError) as caught:
        create_agreement(session, data(parties=[(999_999, PartyRole.SIGNATORY)]))
    assert caught.value.field == "parties"
    session.rollback()
    assert count_agreements(session) == 0


def test_update_replaces_parties_and_sectors(session, make_party, make_agreement, get_sector):
    ministry, aitec = make_party(), make_party(name="AITEC Co., Ltd", country_code="KR")
    agreement = make_agreement(parties=[(ministry, PartyRole.SIGNATORY)], sectors=[get_sector("technology")])
    update_agreement(
        session,
        agreement,
        data(
            title="Renamed",
            sector_ids=[get_sector("electric-vehicles").id],
            parties=[(aitec.id, PartyRole.IMPLEMENTING_AGENCY)],
        ),
    )
    session.commit()
    session.expire_all()
    stored = session.get(Agreement, agreement.id)
    assert stored.title == "Renamed"
    assert [s.slug for s in stored.sectors] == ["electric-vehicles"]
    assert [(link.party.name, link.role) for link in stored.party_links] == [
        ("AITEC Co., Ltd", PartyRole.IMPLEMENTING_AGENCY)
    ]
    assert session.scalar(select(func.count()).select_from(AgreementParty)) == 1


def test_faithful_text_in_any_script(session):
    title = "한국-인도네시아 기술협력 — Kerja sama 'teknologi' <b>"
    agreement = create_agreement(session, data(title=title, title_local="Kerja sama pengembangan teknologi"))
    session.commit()
    session.expire_all()
    assert session.get(Agreement, agreement.id).title == title


def test_archive_hides_the_agreement_and_keeps_it_with_its_links(session, make_party, make_agreement, make_source):
    party = make_party()
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)])
    source = make_source(agreements=[(agreement, "quote")])
    archive_agreement(session, agreement)
    session.commit()
    session.expunge_all()
    assert count_agreements(session) == 0
    kept = session.get(Agreement, agreement.id, execution_options=WITH_ARCHIVED)
    assert kept.is_archived and [link.source_id for link in kept.source_links] == [source.id]
    assert session.get(Source, source.id) is not None


def test_relations_both_directions(session, make_agreement):
    old = make_agreement(title="Cooperation 2006–2018", start="2006", end="2018")
    new = make_agreement(title="Cooperation 2019–2023", start="2019", end="2023")
    relation = add_relation(session, new, old.id, RelationKind.RENEWS, "extension announced 2017")
    session.commit()
    assert relation.subject is new and relation.object is old
    assert [r.subject.title for r in old.relations_in] == ["Cooperation 2019–2023"]


def test_relation_rules(session, make_agreement):
    first, second = make_agreement(title="A"), make_agreement(title="B")
    with pytest.raises(ValidationError):
        add_relation(session, first, first.id, RelationKind.AMENDS)
    with pytest.raises(ValidationError):
        add_relation(session, first, 999_999, RelationKind.AMENDS)
    add_relation(session, first, second.id, RelationKind.SUPERSEDES)
    with pytest.raises(DuplicateError):
        add_relation(session, first, second.id, RelationKind.SUPERSEDES)
    with pytest.raises(DuplicateError):  # the reverse claim contradicts the first
        add_relation(session, second, first.id, RelationKind.SUPERSEDES)
    add_relation(session, first, second.id, RelationKind.AMENDS)  # another kind is fine


def test_remove_relation_only_from_an_involved_agreement(session, make_agreement):
    first, second, third = make_agreement(title="A"), make_agreement(title="B"), make_agreement(title="C")
    relation = add_relation(session, first, second.id, RelationKind.IMPLEMENTS)
    session.commit()
    with pytest.raises(NotFoundError):
        remove_relation(session, third, relation.id)
    remove_relation(session, second, relation.id)
    session.commit()
    assert first.relations_out == []
