"""The app starts on a migrated database and the factories work."""

from tracker.models import AgreementStatus


def test_seed_sectors_present(get_sector):
    assert get_sector("moulds-and-dies").name == "Moulds and dies"


def test_factories_make_linked_records(make_party, make_agreement, make_source):
    party = make_party(name="AITEC Co., Ltd", country_code="KR", aliases=["AITEC"])
    agreement = make_agreement(start="2006", end="2018", parties=[])
    source = make_source(agreements=[(agreement, "2006 to 2018")])
    assert party.aliases[0].alias == "AITEC"
    assert agreement.end.iso() == "2018"
    assert agreement.status is AgreementStatus.IN_FORCE
    assert source.agreement_links[0].note == "2006 to 2018"
