"""Conflicting reports: what linked sources, documents and citations say about an agreement's facts, compared with
its record and with each other; kept as conflicts, resolved with the history saying so."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conflict_support import MAHATA_URL, TIRTO_URL, link_page
from tracker import demo
from tracker.errors import StateError, ValidationError
from tracker.ingest.extract import extract_text
from tracker.models import (
    Agreement,
    AgreementStatus,
    Change,
    CitationStance,
    CitedFact,
    Conflict,
    ConflictState,
    DocumentKind,
    InstrumentType,
    PartyKind,
    PartyRole,
    RenewalIntent,
    SnapshotMethod,
)
from tracker.queries.evidence import MAX_SOURCES
from tracker.records.citation import CitationData
from tracker.services import citations, documents, outcomes, snapshots, sources
from tracker.services.conflicts import detect_conflicts, resolve_conflict

AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


@pytest.fixture
def parties(make_party):
    """The seed story's recorded parties: the ministry and its directorate, AITEC, KITECH, South Korea."""
    ministry = make_party(
        "Ministry of Industry of the Republic of Indonesia", aliases=["Kementerian Perindustrian", "Kemenperin"]
    )
    return {
        "ministry": ministry,
        "directorate": make_party("Directorate General KPAII", parent=ministry, aliases=["Ditjen KPAII"]),
        "aitec": make_party(
            "AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC", "AITEC Co.Ltd"]
        ),
        "kitech": make_party(
            "Korea Institute of Industrial Technology",
            kind=PartyKind.RESEARCH_INSTITUTE,
            country_code="KR",
            aliases=["KITECH"],
        ),
        "korea": make_party(
            "Government of the Republic of Korea",
            kind=PartyKind.STATE,
            country_code="KR",
            aliases=["Korea Selatan", "Korsel"],
        ),
    }


@pytest.fixture
def aitec(make_agreement, parties):
    """The AITEC agreement as recorded from tirto.id: the ministry and AITEC, 2006–2018, extension intended."""
    return make_agreement(
        AITEC_TITLE,
        instrument_type=InstrumentType.AGREEMENT,
        renewal_intent=RenewalIntent.INTENDED,
        start="2006",
        end="2018",
        parties=[(parties["ministry"], PartyRole.SIGNATORY), (parties["aitec"], PartyRole.SIGNATORY)],
    )


def conflicts_of(session, agreement) -> dict[str, Conflict]:
    """The agreement's current conflicts by fact."""
    rows = session.scalars(select(Conflict).where(Conflict.agreement_id == agreement.id, Conflict.current))
    return {row.fact: row for row in rows}


def said(conflict: Conflict) -> dict[str, object]:
    """Who says what in a conflict, by label ("" for the record)."""
    return {claim["label"]: claim["value"] for claim in conflict.claims}


def test_the_tirto_report_alone_agrees_with_the_record(session, aitec):
    # tirto.id also names South Korea and prepares an MoU on renewable energy: neither is about this agreement.
    link_page(session, aitec, TIRTO_URL)
    assert conflicts_of(session, aitec) == {}


def test_mahata_disagrees_on_the_counterpart_instrument_and_renewal_side_by_side(session, aitec):
    tirto = link_page(session, aitec, TIRTO_URL)
    mahata = link_page(session, aitec, MAHATA_URL)
    found = conflicts_of(session, aitec)
    assert set(found) == {"party", "instrument", "renewal_intent"}  # not the period: Mahata gives only its start
    party = found["party"]
    assert party.state is ConflictState.OPEN
    assert said(party) == {
        "": ["Ministry of Industry of the Republic of Indonesia", "AITEC Co., Ltd"],
        "tirto.id": ["Ministry of Industry of the Republic of Indonesia", "AITEC Co., Ltd"],
        "Mahata News": [
            "Ministry of Industry of the Republic of Indonesia",
            "Korea Institute of Industrial Technology",
        ],
    }
    assert [(c["origin"], c["id"], c["agrees"]) for c in party.claims] == [
        ("record", None, True),
        ("source", tirto.id, True),
        ("source", mahata.id, False),
    ]
    assert said(found["instrument"]) == {"": "agreement", "Mahata News": "mou"}
    assert said(found["renewal_intent"]) == {"": "intended", "tirto.id": "intended", "Mahata News": "renewed"}


def test_resolving_records_the_choice_in_the_history_and_stays_resolved(session, aitec, make_user):
    link_page(session, aitec, TIRTO_URL)
    mahata = link_page(session, aitec, MAHATA_URL)
    editor = make_user()
    session.info["actor_id"] = editor.id
    party = conflicts_of(session, aitec)["party"]
    resolve_conflict(session, party, f"source:{mahata.id}", "The ministry's 2017 annual report names KITECH.")
    session.commit()
    assert (party.state, party.resolved_by_id, party.preferred) == (
        ConflictState.RESOLVED,
        editor.id,
        f"source:{mahata.id}",
    )
    entry = session.scalars(
        select(Change).where(Change.record_type == "agreement", Change.record_id == aitec.id).order_by(Change.id.desc())
    ).first()
    assert entry.summary == "Conflict resolved: Parties, preferred Mahata News"
    assert entry.changes["reason"] == [None, "The ministry's 2017 annual report names KITECH."]
    assert entry.user_id == editor.id
    # Detected again with the same evidence (the agreement edited elsewhere): still the same, resolved conflict.
    detect_conflicts(session, [aitec.id])
    session.commit()
    assert conflicts_of(session, aitec)["party"].id == party.id
    assert party.state is ConflictState.RESOLVED and party.current


def test_a_new_different_claim_opens_a_new_conflict_and_the_old_one_is_no_longer_found(
    session, aitec, parties, make_user
):
    mahata = link_page(session, aitec, MAHATA_URL)
    party = conflicts_of(session, aitec)["party"]
    session.info["actor_id"] = make_user().id
    resolve_conflict(session, party, "record", "The signed text names AITEC.")
    session.commit()
    # A citation says the signed text names someone else again: the disagreement is not the one resolved.
    citations.cite(
        session,
        aitec,
        CitationData(
            fact=CitedFact.PARTY,
            party_id=parties["aitec"].id,
            source_id=mahata.id,
            quote="Kerja sama Kemenperin dengan KITECH",
            stance=CitationStance.DIFFERS,
            says="KITECH, not AITEC",
        ),
    )
    session.commit()
    rows = session.scalars(select(Conflict).where(Conflict.fact == "party").order_by(Conflict.id)).all()
    assert [(row.state, row.current) for row in rows] == [
        (ConflictState.RESOLVED, False),
        (ConflictState.OPEN, True),
    ]
    assert rows[1].claims[-1] == {
        "origin": "source",
        "id": mahata.id,
        "label": "Mahata News",
        "value": "KITECH, not AITEC",
        "agrees": False,
        "cited": True,
    }


def test_unlinking_the_disagreeing_report_leaves_its_conflicts_shown_as_no_longer_found(session, aitec):
    link_page(session, aitec, TIRTO_URL)
    mahata = link_page(session, aitec, MAHATA_URL)
    link = next(link for link in aitec.source_links if link.source_id == mahata.id)
    sources.unlink_source(session, link)
    session.commit()
    rows = session.scalars(select(Conflict).where(Conflict.agreement_id == aitec.id)).all()
    assert len(rows) == 3 and not any(row.current for row in rows)
    assert all(row.state is ConflictState.OPEN for row in rows)


def test_a_new_snapshot_of_a_linked_source_is_read_again(session, aitec, make_source):
    source = make_source(url="https://example.org/berita/1", outlet="Kabar Industri", title="Kerja sama AITEC")
    sources.link_source(session, aitec, source)
    session.commit()
    assert conflicts_of(session, aitec) == {}
    page = extract_text(
        "Kerja sama AITEC\nKerja sama Kemenperin dengan AITEC berlangsung sejak 2007 dan berakhir 2018."
    )
    snapshots.add_snapshot(session, source, page, SnapshotMethod.PASTE, None)
    assert said(conflicts_of(session, aitec)["start"]) == {"": "2006", "Kabar Industri": "2007"}


def test_a_document_attached_and_archived_is_read_then_left_out(session, aitec, tmp_path):
    text = "NOTA KESEPAHAMAN antara Kementerian Perindustrian dan AITEC Co., Ltd, berlaku sejak 2006 hingga 2016."
    upload = documents.Upload("Nota Kesepahaman AITEC.txt", text.encode())
    data = documents.DocumentData(DocumentKind.SIGNED_TEXT, "id", None)
    document = documents.attach_document(session, aitec, upload, data, tmp_path, 1_000_000)
    found = conflicts_of(session, aitec)
    assert said(found["end"]) == {"": "2018", "Nota Kesepahaman AITEC.txt": "2016"}
    assert found["end"].claims[1]["origin"] == "document"
    documents.archive_document(session, document)
    assert conflicts_of(session, aitec) == {}


@pytest.mark.parametrize(
    "text",
    [
        # Names only the ministry: AITEC left out is not a disagreement.
        "Kemenperin ingin memperpanjang kerja sama teknologi dengan Korea Selatan.",
        # Gives only the start year, as recorded; "ingin memperpanjang" is the intention recorded.
        "Kerja sama Kemenperin dengan AITEC dimulai sejak 2006. Kemenperin ingin memperpanjang kerja sama itu.",
        # Names the ministry's directorate instead of the ministry: a unit of a recorded party.
        "Ditjen KPAII dan AITEC Co.Ltd bekerja sama sejak 2006 hingga 2018.",
        # Names the state of Korea beside AITEC's name left out: the country, not a counterpart.
        "Kemenperin akan melanjutkan kerja sama dengan Korea Selatan.",
        # Cues in a line about something else: the MoU being prepared on electric vehicles.
        "Kerja sama Kemenperin dengan AITEC akan berakhir 2018.\nKita siapkan Memorandum of Understanding (MoU). "
        "Proyek itu telah diperpanjang.",
        # The common word "perjanjian" for an agreement recorded as an MoU is no disagreement either way.
        "Perjanjian kerja sama Kemenperin dengan AITEC berlaku 2006–2018.",
    ],
)
def test_no_false_conflict_for_an_article_that_leaves_things_out(session, aitec, make_source, text):
    source = make_source(url="https://example.org/berita/2", outlet="Kabar Industri", title="Kerja sama", excerpt=text)
    sources.link_source(session, aitec, source)
    assert conflicts_of(session, aitec) == {}


def test_a_period_in_different_years_disagrees(session, aitec, make_source):
    text = "Kerja sama Kemenperin dengan AITEC berlaku dari 2006 sampai 2016."
    source = make_source(url="https://example.org/berita/3", outlet="Kabar Industri", title="AITEC", excerpt=text)
    sources.link_source(session, aitec, source)
    found = conflicts_of(session, aitec)
    assert set(found) == {"end"}
    assert said(found["end"]) == {"": "2018", "Kabar Industri": "2016"}


def test_two_reports_disagree_with_each_other_where_the_record_says_nothing(
    session, make_agreement, parties, make_source
):
    agreement = make_agreement(
        "AITEC without dates",
        parties=[(parties["ministry"], PartyRole.SIGNATORY), (parties["aitec"], PartyRole.SIGNATORY)],
    )
    for number, years in enumerate(("2006–2018", "2006–2016")):
        text = f"Kerja sama Kemenperin dengan AITEC berlaku {years}."
        source = make_source(
            url=f"https://example.org/b/{number}", outlet=f"Outlet {number}", title="AITEC", excerpt=text
        )
        sources.link_source(session, agreement, source)
    found = conflicts_of(session, agreement)
    assert set(found) == {"end"}
    assert [(c["label"], c["value"], c["agrees"]) for c in found["end"].claims] == [
        ("", None, True),
        ("Outlet 0", "2018", False),
        ("Outlet 1", "2016", False),
    ]


def test_resolving_checks_its_input(session, aitec, make_user):
    mahata = link_page(session, aitec, MAHATA_URL)
    conflict = conflicts_of(session, aitec)["instrument"]
    for preferred, reason, field in (
        ("source:999", "why", "preferred"),
        ("document:1", "why", "preferred"),
        (f"source:{mahata.id}", "  ", "reason"),
        (f"source:{mahata.id}", "x" * 2001, "reason"),
    ):
        with pytest.raises(ValidationError) as raised:
            resolve_conflict(session, conflict, preferred, reason)
        assert raised.value.field == field
    resolve_conflict(session, conflict, f"source:{mahata.id}", "The MoU is attached.")
    with pytest.raises(StateError):
        resolve_conflict(session, conflict, "record", "Again")


def test_detection_reads_a_bounded_number_of_sources_with_a_bounded_number_of_statements(
    session, aitec, make_source, count_statements
):
    def add(number: int) -> None:
        text = "Kerja sama Kemenperin dengan KITECH berlaku 2006–2018."
        source = make_source(
            url=f"https://example.org/n/{number}", outlet=f"Outlet {number}", title="KITECH", excerpt=text
        )
        sources.link_source(session, aitec, source)

    add(0)
    session.commit()
    with count_statements() as few:
        detect_conflicts(session, [aitec.id])
    for number in range(1, MAX_SOURCES + 5):
        add(number)
    session.commit()
    with count_statements() as many:
        detect_conflicts(session, [aitec.id])
    assert len(many) == len(few) <= 12, many
    party = conflicts_of(session, aitec)["party"]
    assert len(party.claims) == 1 + MAX_SOURCES  # the record, then the first MAX_SOURCES sources linked


def test_the_demo_shows_the_seed_conflict(session):
    demo.load_demo(session)
    session.commit()
    aitec = session.scalars(select(Agreement).where(Agreement.title == AITEC_TITLE)).one()
    found = conflicts_of(session, aitec)
    assert set(found) == {"party", "instrument", "renewal_intent"}
    assert said(found["party"])["Mahata News"] == ["Ministry of Industry of the Republic of Indonesia", demo.KITECH]
    others = session.scalars(select(Conflict).where(Conflict.agreement_id != aitec.id)).all()
    assert others == []


def test_recording_the_renewal_settles_the_renewal_disagreement(session, aitec):
    link_page(session, aitec, MAHATA_URL)
    assert "renewal_intent" in conflicts_of(session, aitec)
    data = outcomes.renewal_data(aitec, date(2018, 1, 2))
    outcomes.record_renewal(session, aitec, data, AgreementStatus.EXPIRED)
    session.commit()
    # Mahata News says "extended", as the record now does: no longer found, still listed.
    assert "renewal_intent" not in conflicts_of(session, aitec)
    row = session.scalars(select(Conflict).where(Conflict.fact == "renewal_intent")).one()
    assert row.current is False and row.state is ConflictState.OPEN
