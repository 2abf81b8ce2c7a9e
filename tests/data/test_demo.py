"""The demo story loads through the models, flushes without committing, and never duplicates itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from tracker import demo
from tracker.dates import Precision
from tracker.models import (
    Agreement,
    AgreementStatus,
    Citation,
    CitedFact,
    EvidenceLevel,
    ImplementationStatus,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Sector,
    Source,
)
from tracker.queries.dashboard import CountryImplementation, figures
from tracker.urls import normalize_url

AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


def count(session, model) -> int:
    """Rows of a model."""
    return session.scalar(select(func.count()).select_from(model))


def agreement(session, title: str) -> Agreement:
    """The agreement with that title."""
    return session.scalars(select(Agreement).where(Agreement.title == title)).one()


def party(session, name: str) -> Party:
    """The party with that name."""
    return session.scalars(select(Party).where(Party.name == name)).one()


def test_load_demo_adds_the_story(session):
    assert demo.is_empty(session)
    summary = demo.load_demo(session)
    session.commit()
    assert summary == "3 agreements, 6 parties, 3 sources"
    assert not demo.is_empty(session)
    assert (count(session, Agreement), count(session, Party), count(session, Source)) == (3, 6, 3)
    # The migration's sectors are reused, not duplicated.
    assert count(session, Sector) == 4


def test_parties_hierarchy_and_aliases(session):
    demo.load_demo(session)
    directorate = party(session, demo.DIRECTORATE)
    assert directorate.parent.name == demo.MINISTRY
    assert directorate.parent.parent.name == demo.GOVERNMENT_ID
    assert "Ditjen KPAII" in [a.alias for a in directorate.aliases]
    ministry = party(session, demo.MINISTRY)
    assert {a.alias for a in ministry.aliases} == {"Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"}
    aitec = party(session, demo.AITEC)
    assert (aitec.kind, aitec.country_code) == (PartyKind.COMPANY, "KR")
    assert session.scalars(select(PartyAlias.party_id).where(PartyAlias.alias == "Korsel")).one() == (
        party(session, demo.GOVERNMENT_KR).id
    )


def test_aitec_agreement(session):
    demo.load_demo(session)
    record = agreement(session, AITEC_TITLE)
    assert record.instrument_type is InstrumentType.AGREEMENT
    assert record.status is AgreementStatus.IN_FORCE
    assert record.renewal_intent is RenewalIntent.INTENDED
    assert (record.start.iso(), record.end.iso()) == ("2006", "2018")
    assert record.end.precision is Precision.YEAR
    assert record.end_on == date(2018, 1, 1)
    assert record.title_local == "Kerja sama pengembangan teknologi Kemenperin – AITEC"
    assert [s.slug for s in record.sectors] == ["technology"]
    roles = {(link.party.name, link.role) for link in record.party_links}
    assert roles == {
        (demo.MINISTRY, PartyRole.SIGNATORY),
        (demo.AITEC, PartyRole.SIGNATORY),
        (demo.DIRECTORATE, PartyRole.IMPLEMENTING_AGENCY),
    }
    notes = {link.source.outlet: link.note for link in record.source_links}
    assert "akan berakhir 2018. Kami ingin memperpanjang" in notes["tirto.id"]
    assert "Antara" in notes
    assert record.implementation is ImplementationStatus.IMPLEMENTED
    assert record.implementation_as_of.iso() == "2017-10-04" and "Carried out since 2006" in record.implementation_note


def test_the_aitec_facts_are_cited_to_the_tirto_report(session):
    demo.load_demo(session)
    session.commit()
    record = agreement(session, AITEC_TITLE)
    cited = {
        (citation.fact, citation.party.name if citation.party else None): citation for citation in record.citations
    }
    assert set(cited) == {
        (CitedFact.PARTY, demo.MINISTRY),
        (CitedFact.PARTY, demo.AITEC),
        (CitedFact.START, None),
        (CitedFact.END, None),
        (CitedFact.STATUS, None),
        (CitedFact.RENEWAL_INTENT, None),
    }
    # Every quote is the report's own words, found in its excerpt (the demo fetches no page).
    assert all(citation.quote_found and citation.source.outlet == "tirto.id" for citation in cited.values())
    assert "akan berakhir 2018" in cited[(CitedFact.END, None)].quote
    assert record.evidence is EvidenceLevel.NEWS
    others = session.scalars(select(Agreement).where(Agreement.title != AITEC_TITLE)).all()
    assert [other.evidence for other in others] == [EvidenceLevel.NONE, EvidenceLevel.NONE]
    demo.load_demo(session)
    assert count(session, Citation) == 6


def test_implementation_by_partner_country_shows_in_the_demo(session):
    demo.load_demo(session)
    session.commit()
    mou = agreement(session, "MoU with Korea on renewable energy and electric vehicles")
    assert (mou.implementation, mou.implementation_as_of.iso()) == (ImplementationStatus.NOT_STARTED, "2017-10")
    moulds = agreement(session, "Cooperation on moulds and dies with Korea")
    assert moulds.implementation is ImplementationStatus.NOT_RECORDED  # only being explored: nothing to say yet
    board = figures(session, date(2017, 10, 4), "ID")
    assert board.implementation_by_country == [CountryImplementation("KR", 3, 1)]


def test_announced_agreements(session):
    demo.load_demo(session)
    mou = agreement(session, "MoU with Korea on renewable energy and electric vehicles")
    assert (mou.instrument_type, mou.status) == (InstrumentType.MOU, AgreementStatus.ANNOUNCED)
    assert {s.slug for s in mou.sectors} == {"renewable-energy", "electric-vehicles"}
    assert "Jeju" in mou.summary
    assert "Kita siapkan Memorandum of Understanding (MoU)." in mou.source_links[0].note
    moulds = agreement(session, "Cooperation on moulds and dies with Korea")
    assert [s.slug for s in moulds.sectors] == ["moulds-and-dies"]
    assert "Saya coba jajaki" in moulds.source_links[0].note


def test_sources(session):
    demo.load_demo(session)
    tirto = session.scalars(select(Source).where(Source.outlet == "tirto.id")).one()
    assert tirto.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert tirto.author == "Dipna Videlia Putsanra"
    assert (tirto.published_on, tirto.language) == (date(2017, 10, 4), "id")
    assert tirto.url_normalized == normalize_url(tirto.url)
    assert "AITEC Co.Ltd" in tirto.excerpt
    antara = session.scalars(select(Source).where(Source.outlet == "Antara")).one()
    assert antara.url_normalized == normalize_url(antara.url)
    assert "antaranews.com" in antara.url


def test_load_demo_flushes_but_does_not_commit(session):
    demo.load_demo(session)
    assert not demo.is_empty(session)
    session.rollback()
    assert demo.is_empty(session)


def test_second_load_adds_nothing(session):
    demo.load_demo(session)
    session.commit()
    assert demo.load_demo(session) == "nothing new, every demo record already exists"
    assert (count(session, Agreement), count(session, Party), count(session, Source)) == (3, 6, 3)


def test_missing_sector_is_recreated(session, get_sector):
    # The app never deletes a sector; a database may still lack one (removed by hand, older versions).
    session.connection().execute(delete(Sector.__table__).where(Sector.__table__.c.slug == "moulds-and-dies"))
    session.commit()
    assert demo.load_demo(session) == "3 agreements, 6 parties, 3 sources, 1 sector"
    assert get_sector("moulds-and-dies").name == "Moulds and dies"
