"""The kept counts, versions and notice bound written by batch (tracker/importing/kept.py, migration 0042): inside
`insert_triggers_off` the insert triggers do not count (SQLite: dropped; PostgreSQL: standing aside for the
transaction's setting), the caller counts each batch, and the result is what the triggers count row by row; after the
block, and in every other transaction, the triggers count again. Both engines."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, text

from bench import synthetic
from tests.data.test_import_indexing import imported, shared_sources_file
from tests.import_support import broken_last_row_file, csv_file, generated_rows
from tracker import importing
from tracker.importing import kept
from tracker.importing.apply import BATCH
from tracker.models import Agreement, AgreementStatus, InstrumentType, RenewalIntent
from tracker.queries.agreements import AgreementFilters
from tracker.queries.dashboard import KeptFigures, kept_figures, sector_and_country_counts, status_counts
from tracker.queries.facets import facet_counts

KEPT = text("SELECT kind, key, total FROM kept_count ORDER BY kind, key")
STATUS = text("SELECT total FROM kept_count WHERE kind = 'status' AND key = :status")
LONGEST_NOTICE = {
    "sqlite": "SELECT max(CAST(julianday(end_on) - julianday(decision_on) AS INTEGER)) FROM agreement_term",
    "postgresql": "SELECT max(end_on - decision_on) FROM agreement_term",
}
BOUND = text("SELECT total FROM kept_count WHERE kind = 'bound' AND key = 'notice days'")


def kept_rows(session: Any) -> list[tuple]:
    """Every kept row."""
    return [tuple(row) for row in session.execute(KEPT)]


def in_force(session: Any) -> int:
    """The kept count of live agreements in force."""
    return session.execute(STATUS, {"status": AgreementStatus.IN_FORCE.value}).scalar() or 0


def new_agreement(session: Any, title: str) -> None:
    """An agreement in force inserted with Core, as the import and the seed insert them."""
    session.execute(
        insert(Agreement).values(
            title=title,
            instrument_type=InstrumentType.MOU,
            status=AgreementStatus.IN_FORCE,
            renewal_intent=RenewalIntent.NOT_RECORDED,
        )
    )


def terms_file(count: int) -> bytes:
    """`shared_sources_file`'s rows with written-out terms: a term every two years, notices of 30 to 149 days."""
    rows = generated_rows(count)
    rows[0] += ["duration_months", "auto_renewal", "notice_period", "notice_unit"]
    for number, row in enumerate(rows[1:]):
        row[10] = f"https://example.org/news/{number % 700}"
        row += ["24", "yes", str(30 + number % 120), "days"]
    return csv_file(rows)


def test_inside_the_block_inserts_are_not_counted_and_after_it_they_are(session):
    connection = session.connection()
    before = in_force(session)
    with kept.insert_triggers_off(connection) as off:
        assert off
        new_agreement(session, "Counted by the caller")
        assert in_force(session) == before
    new_agreement(session, "Counted by the trigger")
    assert in_force(session) == before + 1


def test_an_import_counts_by_batch_what_the_triggers_count_row_by_row(session, monkeypatch):
    data = terms_file(BATCH + 300)
    _plan, result = imported(session, data)
    assert result is not None and result.agreements == BATCH + 300
    batched = kept_rows(session)
    longest = session.execute(text(LONGEST_NOTICE[session.connection().dialect.name])).scalar()
    assert session.execute(BOUND).scalar() >= longest > 100
    session.rollback()
    monkeypatch.setattr(importing.kept, "insert_triggers_off", lambda _connection: nullcontext(False))
    imported(session, data)
    assert kept_rows(session) == batched


def test_after_an_import_the_triggers_count_again_in_its_transaction(session):
    _plan, result = imported(session, shared_sources_file(BATCH + 10))
    assert result is not None
    before = in_force(session)
    new_agreement(session, "Written after the import")
    assert in_force(session) == before + 1


def test_a_failed_import_leaves_the_counts_as_they_were_and_the_triggers_counting(session):
    before = kept_rows(session)
    plan, result = imported(session, broken_last_row_file(BATCH + 50))
    assert not plan.ok and result is None
    assert kept_rows(session) == before
    new_agreement(session, "Written after the failed import")
    assert in_force(session) == in_force_in(before) + 1


def in_force_in(rows: list[tuple]) -> int:
    """The count of agreements in force among kept rows."""
    return next((total for kind, key, total in rows if (kind, key) == ("status", "in_force")), 0)


def test_the_synthetic_seed_counts_what_a_recount_counts(app: Flask, session, monkeypatch):
    # Small batches and chunks: several of each, on PostgreSQL's parallel path and SQLite's single transaction.
    monkeypatch.setattr(synthetic, "BATCH", 10)
    monkeypatch.setattr(synthetic, "CHUNK", 20)
    result = app.test_cli_runner().invoke(args=["seed-synthetic", "--agreements", "55", "--seed", "4"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    by_sector, by_country, implementation = sector_and_country_counts(session, "ID")
    assert kept_figures(session, "ID") == KeptFigures(status_counts(session), by_sector, by_country, implementation)
    every_status = AgreementFilters(statuses=list(AgreementStatus))
    assert facet_counts(session, AgreementFilters()) == facet_counts(session, every_status)
    terms = session.execute(text("SELECT count(*) FROM agreement_term")).scalar()
    versions = dict(session.execute(text("SELECT key, total FROM kept_count WHERE kind = 'version'")).all())
    assert versions["dates"] >= 55 + terms and versions["terms"] >= 55 + terms
    links = session.execute(text("SELECT count(*) FROM agreement_party")).scalar()
    links += session.execute(text("SELECT count(*) FROM agreement_source")).scalar()
    links += session.execute(text("SELECT count(*) FROM source")).scalar()
    assert versions["parties"] >= 55 + links  # each agreement, link and source once (migration 0043)
    longest = session.execute(text(LONGEST_NOTICE[session.connection().dialect.name])).scalar()
    assert session.execute(BOUND).scalar() >= (longest or 0)
    assert session.scalar(select(Agreement.id).limit(1)) is not None
