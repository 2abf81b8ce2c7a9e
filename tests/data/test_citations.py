"""Citing facts to sources and documents: the rules, the quote looked up in the kept text, the evidence level, the
history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.citation_support import aitec_story, attached
from tracker.errors import DuplicateError, InUseError, StateError, ValidationError
from tracker.models import (
    AgreementStatus,
    Change,
    ChangeAction,
    Citation,
    CitationStance,
    CitedFact,
    EvidenceLevel,
    PartyKind,
    SourceKind,
)
from tracker.records.citation import CitationData
from tracker.records.source import SourceData
from tracker.services import citations, sources
from tracker.services.documents import archive_document

END_QUOTE = "kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018"


@pytest.fixture
def story(session, make_party, make_agreement, make_source):
    """The AITEC agreement with the ministry and AITEC, its tirto.id source (with a snapshot) linked."""
    made = aitec_story(session, make_party, make_agreement, make_source)
    return made["agreement"], made["source"], made["ministry"], made["aitec"]


def test_a_cited_fact_finds_its_quote_in_the_snapshot_and_raises_the_evidence_level(session, story):
    agreement, source, _ministry, _aitec = story
    assert agreement.evidence is EvidenceLevel.NONE
    # Typed with straight quotes, other case and line breaks: still the passage of the kept text.
    quote = '"Kita dengan AITEC kan KERJA SAMANYA sudah berlangsung\ndari 2006 dan akan berakhir 2018.'
    citation = citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id, quote=quote))
    session.commit()
    assert citation.quote_found is True
    assert citation.snapshot_id == source.snapshots[0].id
    assert session.get(type(agreement), agreement.id).evidence is EvidenceLevel.NEWS


def test_a_quote_not_in_the_text_is_kept_but_marked_not_found(session, story):
    agreement, source, *_ = story
    data = CitationData(fact=CitedFact.START, source_id=source.id, quote="Kerja sama dimulai 1 Januari 2006")
    citation = citations.cite(session, agreement, data)
    assert citation.quote_found is False


def test_a_quote_with_an_ellipsis_matches_its_parts_in_order(session, story):
    agreement, source, *_ = story
    data = CitationData(fact=CitedFact.END, source_id=source.id, quote="Kita dengan AITEC … akan berakhir 2018")
    assert citations.cite(session, agreement, data).quote_found is True
    reversed_parts = CitationData(fact=CitedFact.START, source_id=source.id, quote="akan berakhir 2018 … Kita dengan")
    assert citations.cite(session, agreement, reversed_parts).quote_found is False


def test_rules_name_their_fields(session, story, make_source, make_party):
    agreement, source, _ministry, _aitec = story
    unlinked = make_source(title="Another", url="https://example.org/other")
    kitech = make_party("KITECH", kind=PartyKind.RESEARCH_INSTITUTE, country_code="KR")
    cases = [
        (CitationData(fact=CitedFact.END), "source_id"),
        (CitationData(fact=CitedFact.END, source_id=unlinked.id), "source_id"),
        (CitationData(fact=CitedFact.PARTY, source_id=source.id), "party_id"),
        (CitationData(fact=CitedFact.PARTY, party_id=kitech.id, source_id=source.id), "party_id"),
        (CitationData(fact=CitedFact.END, source_id=source.id, stance=CitationStance.DIFFERS), "says"),
        (CitationData(fact=CitedFact.END, source_id=source.id, quote="x" * 2001), "quote"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as raised:
            citations.cite(session, agreement, data)
        assert raised.value.field == field, data
    session.rollback()
    assert session.scalars(select(Citation)).all() == []


def test_one_citation_per_fact_and_origin(session, story):
    agreement, source, *_ = story
    citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))
    with pytest.raises(DuplicateError):
        citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id, quote="again"))


def test_an_archived_agreement_takes_no_citation(session, story):
    agreement, source, *_ = story
    agreement.archived_at = agreement.created_at
    session.flush()
    with pytest.raises(StateError):
        citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))


def test_the_evidence_level_is_the_strongest_supporting_origin(session, story):
    agreement, source, _ministry, aitec = story
    news = citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))
    session.commit()
    assert agreement.evidence is EvidenceLevel.NEWS
    # The source turns out to be the ministry's press release: official.
    source.kind = SourceKind.PRESS_RELEASE
    session.flush()
    citations.refresh_evidence(session, citations.citing_agreements(session, source_id=source.id))
    assert agreement.evidence is EvidenceLevel.OFFICIAL
    memorandum = "Memorandum of Understanding between the Ministry of Industry and AITEC Co., Ltd"
    signed = attached(session, agreement.id, "mou.pdf", memorandum)
    citation = citations.cite(
        session,
        agreement,
        CitationData(fact=CitedFact.PARTY, party_id=aitec.id, document_id=signed.id, quote="and AITEC Co., Ltd"),
    )
    assert citation.quote_found is True
    assert agreement.evidence is EvidenceLevel.SIGNED_TEXT
    # A passage that says otherwise is no support: only the news report is left, then nothing.
    citations.update_citation(
        session,
        citation,
        CitationData(
            fact=CitedFact.PARTY, party_id=aitec.id, document_id=signed.id, stance=CitationStance.DIFFERS, says="KITECH"
        ),
    )
    assert agreement.evidence is EvidenceLevel.OFFICIAL
    citations.remove_citation(session, news)
    assert agreement.evidence is EvidenceLevel.NONE
    session.commit()


def test_refreshing_the_level_moves_neither_version_nor_last_update(session, story):
    agreement, source, *_ = story
    version, updated = agreement.version, agreement.updated_at
    citations.cite(session, agreement, CitationData(fact=CitedFact.STATUS, source_id=source.id))
    session.commit()
    session.refresh(agreement)
    assert (agreement.version, agreement.updated_at) == (version, updated)
    assert agreement.status is AgreementStatus.IN_FORCE


def test_history_records_citing_editing_and_removing_on_the_agreement(session, story):
    agreement, source, _ministry, aitec = story
    data = CitationData(fact=CitedFact.PARTY, party_id=aitec.id, source_id=source.id, quote="AITEC Co.Ltd")
    citation = citations.cite(session, agreement, data)
    session.commit()
    edited = CitationData(
        fact=CitedFact.PARTY,
        party_id=aitec.id,
        source_id=source.id,
        quote="AITEC",
        stance=CitationStance.DIFFERS,
        says="KITECH",
    )
    citations.update_citation(session, citation, edited)
    session.commit()
    citations.remove_citation(session, citation)
    session.commit()
    entries = session.scalars(
        select(Change).where(Change.record_type == "agreement", Change.record_id == agreement.id).order_by(Change.id)
    ).all()[-3:]
    cited, changed, removed = entries
    assert cited.action is ChangeAction.LINK
    assert cited.changes["citation"] == [None, f"party: {source.title}"]
    assert cited.changes["party"] == [None, "AITEC Co., Ltd"]
    assert cited.changes["quote"] == [None, "AITEC Co.Ltd"]
    assert changed.action is ChangeAction.UPDATE
    assert changed.changes == {
        "quote": ["AITEC Co.Ltd", "AITEC"],
        "stance": ["supports", "differs"],
        "says": ["", "KITECH"],
    }
    assert changed.summary == f"Edited the citation party: {source.title}"
    assert removed.action is ChangeAction.UNLINK
    assert removed.changes["citation"] == [f"party: {source.title}", None]


def test_a_cited_source_cannot_be_unlinked(session, story):
    agreement, source, *_ = story
    citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))
    session.commit()
    link = source.agreement_links[0]
    with pytest.raises(InUseError, match="cites this source for 1 fact"):
        sources.unlink_source(session, link)


def test_the_source_kind_and_archived_documents_move_the_level(session, story):
    agreement, source, *_ = story
    citations.cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))
    session.commit()
    sources.update_source(
        session, source, SourceData(title=source.title, url=source.url, kind=SourceKind.OFFICIAL_DOCUMENT)
    )
    session.commit()
    assert agreement.evidence is EvidenceLevel.OFFICIAL
    signed = attached(session, agreement.id, "mou.pdf", "")
    citations.cite(session, agreement, CitationData(fact=CitedFact.SIGNED, document_id=signed.id))
    assert agreement.evidence is EvidenceLevel.SIGNED_TEXT
    archive_document(session, signed)
    assert agreement.evidence is EvidenceLevel.OFFICIAL
    session.commit()
