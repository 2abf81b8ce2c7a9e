"""An import's writing of the search index and of the kept counts: on SQLite their triggers are dropped for the
import and each batch is indexed and counted once (tracker/importing/apply.py, kept.py); the result is what the
triggers would have written, and a failed import leaves nothing behind, the triggers included. (The kept counts by
batch on both engines: test_kept_by_batch.py.)"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest
from sqlalchemy import inspect, text

from tests.import_support import broken_last_row_file, csv_file, generated_rows
from tracker import importing, search
from tracker.importing import import_table
from tracker.importing.apply import BATCH, Writer
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table
from tracker.models import AgreementStatus
from tracker.queries.agreements import AgreementFilters
from tracker.queries.facets import facet_counts

# What a rerun changes: the times of writing.
TIMES = ("created_at", "updated_at", "occurred_at")
WRITTEN = ("agreement", "agreement_party", "agreement_sector", "agreement_source", "agreement_term", "source")
WRITTEN += ("party", "party_alias", "change", "citation", "agreement_search", "kept_count")


def shared_sources_file(count: int) -> bytes:
    """Rows whose sources repeat, within a batch and across batches (row N links source N mod 700)."""
    rows = generated_rows(count)
    for number, row in enumerate(rows[1:]):
        row[10] = f"https://example.org/news/{number % 700}"
    return csv_file(rows)


def imported(session: Any, data: bytes) -> tuple[Any, Any]:
    """Check and write the file in the session's transaction."""
    table = read_table(data, "shared.csv")
    return import_table(session, table, automatic(table.headers), "ID")


def content(session: Any) -> dict[str, list[tuple]]:
    """Every row the import writes, without the times of writing."""
    dumped = {}
    for table in WRITTEN:
        names = [column["name"] for column in inspect(session.connection()).get_columns(table)]
        names = [name for name in names if name not in TIMES]
        columns = ", ".join(names)
        # By the first two columns: kept_count's key is two (and PostgreSQL cannot order by a JSON column).
        dumped[table] = [tuple(row) for row in session.execute(text(f"SELECT {columns} FROM {table} ORDER BY 1, 2"))]
    return dumped


def triggers(session: Any) -> list[tuple]:
    """The database's triggers: their SQL on SQLite, whether each is enabled on PostgreSQL."""
    if session.connection().dialect.name == "sqlite":
        return list(session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")))
    statement = "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
    return list(session.execute(text(statement)))


@pytest.fixture
def on_sqlite(session):
    """The session, on SQLite (the triggers are dropped there only; PostgreSQL keeps them)."""
    if session.connection().dialect.name != "sqlite":
        pytest.skip("the search triggers are dropped on SQLite only")
    return session


def test_an_import_indexes_what_the_triggers_would_write(on_sqlite, monkeypatch):
    session = on_sqlite
    data = shared_sources_file(BATCH + 300)
    before = triggers(session)
    _plan, result = imported(session, data)
    assert result is not None
    assert result.agreements == BATCH + 300 and result.sources == 700
    assert triggers(session) == before
    assert search.stale_documents(session.connection()) == []
    # The list's facets kept per batch (migration 0039) are those counted from the agreements.
    every_status = AgreementFilters(statuses=list(AgreementStatus))
    assert facet_counts(session, AgreementFilters()) == facet_counts(session, every_status)
    batched = content(session)
    session.rollback()
    # The same file written with the triggers on, row by row, as before the triggers were dropped.
    monkeypatch.setattr(importing.search, "sqlite_triggers_dropped", lambda _connection: nullcontext())
    monkeypatch.setattr(importing.kept, "insert_triggers_off", lambda _connection: nullcontext(False))
    monkeypatch.setattr(importing, "Writer", lambda session, catalogue, **_: Writer(session, catalogue))
    imported(session, data)
    assert content(session) == batched


def test_an_import_with_a_problem_leaves_nothing_and_the_triggers(session):
    before, written = triggers(session), content(session)
    plan, result = imported(session, broken_last_row_file(BATCH + 50))
    assert not plan.ok and result is None
    assert content(session) == written
    assert search.stale_documents(session.connection()) == []
    assert triggers(session) == before


def fail_the_second_flush(monkeypatch) -> None:
    """The import's second batch fails to be written (the disk is full), after the first was."""
    flush = Writer.flush
    calls = []

    def failing(self: Writer) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        flush(self)

    monkeypatch.setattr(Writer, "flush", failing)


def test_an_error_while_writing_rolls_the_import_back(session, monkeypatch):
    before, documents = triggers(session), content(session)["agreement_search"]
    fail_the_second_flush(monkeypatch)
    with pytest.raises(RuntimeError):
        imported(session, shared_sources_file(BATCH + 50))
    assert content(session)["agreement_search"] == documents
    assert search.stale_documents(session.connection()) == []
    assert triggers(session) == before
