"""Synthetic data (`flask seed-synthetic`): counts, reproducibility, coverage, and data the app accepts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bench import synthetic
from tracker.dates import PartialDate, Precision
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    AgreementStatus,
    AgreementTerm,
    AutoRenewal,
    ImplementationStatus,
    InstrumentType,
    Party,
    PartyRole,
    Ratification,
    RelationKind,
    RenewalIntent,
    Sector,
    Source,
    SourceSnapshot,
    UserRole,
    agreement_sector,
)
from tracker.services.terms import term_rows
from tracker.terms import terms_of
from tracker.urls import normalize_url


def run(app: Flask, *args: str):
    """Invoke a CLI command of the app."""
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def seeded(app: Flask) -> Callable[..., None]:
    """seeded(n, seed=...) fills the test database through the command, which must succeed."""

    def fill(count: int, seed: int = 7) -> None:
        result = run(app, "seed-synthetic", "--agreements", str(count), "--seed", str(seed))
        assert result.exit_code == 0, result.output

    return fill


def snapshot_of_data(engine: Engine) -> list[tuple]:
    """What a run wrote, in a comparable form."""
    with engine.connect() as connection:
        agreements = connection.execute(
            text("SELECT id, title, title_local, status, start_on, end_on, end_precision FROM agreement ORDER BY id")
        ).all()
        links = connection.execute(text("SELECT agreement_id, party_id, role FROM agreement_party ORDER BY id")).all()
        sources = connection.execute(text("SELECT id, url, title FROM source ORDER BY id")).all()
        texts = connection.execute(text("SELECT source_id, text FROM source_snapshot ORDER BY id")).all()
    return [*agreements, *links, *sources, *texts]


def test_counts(seeded, session: Session) -> None:
    seeded(40)
    assert session.scalar(select(func.count(Agreement.id))) == 40
    per_agreement = select(AgreementSource.agreement_id, func.count()).group_by(AgreementSource.agreement_id)
    source_counts = [count for _id, count in session.execute(per_agreement)]
    assert len(source_counts) == 40 and min(source_counts) >= 1
    assert 2 <= sum(source_counts) / 40 <= 4  # about three sources per agreement
    assert session.scalar(select(func.count(SourceSnapshot.id))) == session.scalar(select(func.count(Source.id)))
    signatories = select(AgreementParty.agreement_id).where(AgreementParty.role == PartyRole.SIGNATORY)
    assert session.scalar(select(func.count()).select_from(signatories.subquery())) >= 80
    # Every country pycountry knows has its state party, and there are a few hundred partner organisations.
    assert session.scalar(select(func.count(func.distinct(Party.country_code)))) > 200
    organisations = select(func.count(Party.id)).where(Party.kind.in_(["company", "association", "research_institute"]))
    assert session.scalar(organisations) >= synthetic.PARTNER_ORGANISATIONS


def test_same_seed_same_data_other_seed_other_data(app: Flask, engine: Engine) -> None:
    assert run(app, "seed-synthetic", "--agreements", "40", "--seed", "5").exit_code == 0
    first = snapshot_of_data(engine)
    with engine.begin() as connection:
        for table in ("agreement_relation", "agreement_source", "agreement_sector", "agreement_party", "agreement"):
            connection.execute(text(f"DELETE FROM {table}"))
        for table in ("source_snapshot", "source", "party_alias"):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("UPDATE party SET parent_id = NULL"))
        connection.execute(text("DELETE FROM party"))
    assert run(app, "seed-synthetic", "--agreements", "40", "--seed", "5", "--append").exit_code == 0
    again = snapshot_of_data(engine)
    # Ids continue after the deleted ones; everything else is the same.
    assert [row[1:] for row in again] == [row[1:] for row in first]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM agreement_party"))
    assert run(app, "seed-synthetic", "--agreements", "40", "--seed", "6", "--append").exit_code == 0
    titles = {row[1] for row in snapshot_of_data(engine)[-40:]}
    assert titles != {row[1] for row in first[:40]}


def test_every_sector_status_instrument_renewal_role_and_precision_occur(seeded, session: Session) -> None:
    seeded(30)
    sectors = set(session.scalars(select(Sector.id)))
    assert len(sectors) == 4 + len(synthetic.EXTRA_SECTORS)
    assert set(session.scalars(select(agreement_sector.c.sector_id))) == sectors
    assert set(session.scalars(select(Agreement.status))) == set(AgreementStatus)
    assert set(session.scalars(select(Agreement.instrument_type))) == set(InstrumentType)
    assert set(session.scalars(select(Agreement.renewal_intent))) == set(RenewalIntent)
    assert set(session.scalars(select(AgreementParty.role))) == set(PartyRole)
    assert set(session.scalars(select(AgreementRelation.kind))) == set(RelationKind)
    assert set(session.scalars(select(Agreement.start_precision))) >= set(Precision)
    assert set(session.scalars(select(Source.language))) == {"id", "en"}


def test_dates_and_urls_are_what_the_app_would_store(seeded, session: Session) -> None:
    seeded(100)
    for agreement in session.scalars(select(Agreement)):
        for partial in (agreement.signed, agreement.start, agreement.end):
            if partial is not None:
                assert PartialDate.parse(partial.iso()) == partial
                assert synthetic.FIRST_YEAR - 1 <= partial.value.year <= synthetic.LAST_YEAR
        if agreement.start and agreement.end:
            assert agreement.start.value <= agreement.end.value
    for url, normalized in session.execute(select(Source.url, Source.url_normalized)):
        assert normalize_url(url) == normalized


def test_issue_15_facts_occur_and_the_terms_are_those_the_service_writes(seeded, session: Session) -> None:
    seeded(300)
    agreements = list(session.scalars(select(Agreement)))
    assert {agreement.implementation for agreement in agreements} == set(ImplementationStatus)
    assert {agreement.ratification for agreement in agreements} == set(Ratification)
    assert {agreement.auto_renewal for agreement in agreements} == set(AutoRenewal)
    assert any(agreement.in_force for agreement in agreements)
    assert any("/KEMENPERIN/" in agreement.document_number for agreement in agreements)
    assert all(
        " Tahun " in agreement.ratifying_instrument for agreement in agreements if agreement.ratifying_instrument
    )
    columns = (AgreementTerm.agreement_id, AgreementTerm.number, AgreementTerm.end_on, AgreementTerm.decision_on)
    stored = sorted(tuple(row) for row in session.execute(select(*columns)))
    written = term_rows((agreement.id, terms_of(agreement)) for agreement in agreements)
    assert stored == sorted(tuple(row.values()) for row in written)
    assert len(written) > 100  # some agreements renew themselves term after term


def test_refuses_a_database_with_agreements_unless_appending(app: Flask, make_agreement, session: Session) -> None:
    make_agreement(title="Recorded by hand")
    session.commit()
    refused = run(app, "seed-synthetic", "--agreements", "5")
    assert refused.exit_code == 1 and "--append" in refused.output
    assert session.scalar(select(func.count(Agreement.id))) == 1
    session.rollback()  # end the read transaction, to see what the command writes
    assert run(app, "seed-synthetic", "--agreements", "5", "--append").exit_code == 0
    assert session.scalar(select(func.count(Agreement.id))) == 6


def test_appending_reuses_parties_of_the_same_name(app: Flask, seeded, session: Session) -> None:
    seeded(5)
    parties = session.scalar(select(func.count(Party.id)))
    session.rollback()
    assert run(app, "seed-synthetic", "--agreements", "5", "--seed", "8", "--append").exit_code == 0
    assert session.scalar(select(func.count(Party.id))) == parties
    assert session.scalar(select(func.count(Agreement.id))) == 10


def test_pages_and_api_work_on_synthetic_data(seeded, client_as, api_as, session: Session) -> None:
    seeded(40)
    viewer = client_as(UserRole.VIEWER)
    agreement_id = session.scalar(select(Agreement.id).order_by(Agreement.id.desc()))
    query = "sector=technology&country=JP&status=in_force&ends_from=2020&ends_to=2030"
    for url in (
        "/agreements/",
        f"/agreements/?{query}",
        f"/agreements/?q={synthetic.COMMON_WORD}",
        f"/agreements/{agreement_id}",
        "/expiring/?months=24&as_of=2026-11-01",
        "/",
        "/parties/",
        "/sources/",
    ):
        assert viewer.get(url).status_code == 200, url
    listed = api_as(UserRole.VIEWER).get(f"/api/v1/agreements?q={synthetic.COMMON_WORD}")
    assert listed.status_code == 200 and listed.get_json()["items"]


def test_export_of_synthetic_data_imports_back_as_already_present(seeded, app: Flask, tmp_path: Path) -> None:
    seeded(30)
    exported = tmp_path / "agreements.csv"
    assert run(app, "export", str(exported)).exit_code == 0
    dry_run = run(app, "import", str(exported))
    assert dry_run.exit_code == 0, dry_run.output
    assert "0 to create, 30 already present" in dry_run.output
