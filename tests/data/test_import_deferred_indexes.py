"""A large import on SQLite builds the agreement's and source's plain indexes once after its rows and moves the dates
version once per batch (tracker/importing/indexes.py, kept.py): the database ends as a row-by-row import leaves it,
the indexes and triggers are there again after a failed import, and the import's own statements need none of the
dropped indexes."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.data.test_import_indexing import (
    content,
    fail_the_second_flush,
    imported,
    shared_sources_file,
    triggers,
)
from tests.import_support import broken_last_row_file, csv_file, generated_rows
from tracker import importing
from tracker.importing import import_table, indexes
from tracker.importing.apply import BATCH, Writer
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table

VERSIONS_INSERT_TRIGGERS = {
    "dates_agreement_insert",
    "dates_term_insert",
    "terms_agreement_insert",
    "terms_term_insert",
    "notice_bound_insert",
}
# A sheet as people write them: headers of their own, parties in several spellings, dates in words, shared sources.
MESSY_SHEET = Path(__file__).parent.parent / "fixtures" / "ministry_sheet.csv"


@pytest.fixture
def on_sqlite(session, monkeypatch):
    """The session, on SQLite, where an import of more than one batch counts as large."""
    if session.connection().dialect.name != "sqlite":
        pytest.skip("indexes and triggers are dropped on SQLite only")
    monkeypatch.setattr(indexes, "LARGE_IMPORT_ROWS", BATCH)
    return session


def schema(session: Any, kind: str) -> list[tuple]:
    """(name, SQL) of every index or trigger."""
    statement = text("SELECT name, sql FROM sqlite_master WHERE type = :kind ORDER BY name")
    return list(session.execute(statement, {"kind": kind}))


def plain_index_names(session: Any) -> set[str]:
    """The agreement's and source's indexes a large import drops."""
    return {name for name, _sql in indexes.plain_indexes(session.connection())}


def seen_while_writing(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The names of the indexes and triggers there, at each batch the writer writes."""
    seen: list[set[str]] = []
    flush = Writer.flush

    def watched(self: Writer) -> None:
        names = self.connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
        seen.append(set(names.scalars()))
        flush(self)

    monkeypatch.setattr(Writer, "flush", watched)
    return seen


def test_a_large_import_writes_what_a_row_by_row_import_writes(on_sqlite, monkeypatch):
    session = on_sqlite
    data = shared_sources_file(BATCH + 300)
    before_indexes, before_triggers = schema(session, "index"), triggers(session)
    dropped = plain_index_names(session)
    seen = seen_while_writing(monkeypatch)
    _plan, result = imported(session, data)
    assert result is not None and result.agreements == BATCH + 300
    assert seen and all(not (names & dropped) and not (names & VERSIONS_INSERT_TRIGGERS) for names in seen)
    assert schema(session, "index") == before_indexes and triggers(session) == before_triggers
    assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"  # the rebuilt indexes hold every row
    batched = content(session)
    session.rollback()
    row_by_row(monkeypatch)
    imported(session, data)
    assert content(session) == batched


def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports from here on keep every index and trigger, as before any was dropped."""
    monkeypatch.setattr(importing.search, "sqlite_triggers_dropped", lambda _connection: nullcontext())
    monkeypatch.setattr(importing.kept, "insert_triggers_off", lambda _connection: nullcontext(False))
    monkeypatch.setattr(importing.indexes, "sqlite_indexes_deferred", lambda _connection, _rows: nullcontext(False))
    monkeypatch.setattr(importing, "Writer", lambda session, catalogue, **_: Writer(session, catalogue))


def test_a_messy_sheet_is_written_as_row_by_row(on_sqlite, monkeypatch):
    session = on_sqlite
    monkeypatch.setattr(indexes, "LARGE_IMPORT_ROWS", 1)
    table = read_table(MESSY_SHEET.read_bytes(), MESSY_SHEET.name)
    mapping = replace(automatic(table.headers), create_sectors=True)
    plan, result = import_table(session, table, mapping, "ID")
    assert result is not None, plan.problems
    batched = content(session)
    session.rollback()
    row_by_row(monkeypatch)
    import_table(session, read_table(MESSY_SHEET.read_bytes(), MESSY_SHEET.name), mapping, "ID")
    assert content(session) == batched


def test_the_versions_move_once_per_agreement_and_term_and_the_bound_covers_every_notice(on_sqlite):
    session = on_sqlite
    versions = "SELECT key, total FROM kept_count WHERE kind = 'version' AND key IN ('dates', 'terms')"
    before = dict(session.execute(text(versions)).all())
    rows = generated_rows(BATCH + 10)
    rows[0] += ["duration_months", "auto_renewal", "notice_period", "notice_unit"]
    for number, row in enumerate(rows[1:]):
        # A term every two years from the start, on to the horizon; notices of 30 to 149 days.
        row += ["24", "yes", str(30 + number % 120), "days"]
    table = read_table(csv_file(rows), "terms.csv")
    _plan, result = import_table(session, table, automatic(table.headers), "ID")
    terms = session.execute(text("SELECT count(*) FROM agreement_term")).scalar()
    assert result is not None and terms > result.agreements
    moved = result.agreements + terms
    assert dict(session.execute(text(versions)).all()) == {key: before.get(key, 0) + moved for key in before}
    longest = "SELECT max(CAST(julianday(end_on) - julianday(decision_on) AS INTEGER)) FROM agreement_term"
    bound = "SELECT total FROM kept_count WHERE kind = 'bound' AND key = 'notice days'"
    assert session.execute(text(bound)).scalar() >= session.execute(text(longest)).scalar() > 100


def test_a_small_import_into_a_larger_table_keeps_the_indexes(on_sqlite, monkeypatch):
    session = on_sqlite
    imported(session, shared_sources_file(BATCH + 300))
    dropped = plain_index_names(session)
    seen = seen_while_writing(monkeypatch)
    rows = generated_rows(BATCH + 10)
    for row in rows[1:]:
        row[0] = f"Another {row[0]}"
    table = read_table(csv_file(rows), "more.csv")
    _plan, result = import_table(session, table, automatic(table.headers), "ID")
    assert result is not None
    assert seen and all(dropped <= names for names in seen)


def test_a_failed_large_import_leaves_the_indexes_and_triggers(on_sqlite):
    session = on_sqlite
    before_indexes, before_triggers, written = schema(session, "index"), triggers(session), content(session)
    plan, result = imported(session, broken_last_row_file(BATCH + 50))
    assert not plan.ok and result is None
    assert content(session) == written
    assert schema(session, "index") == before_indexes and triggers(session) == before_triggers


def test_an_error_in_a_large_import_leaves_the_indexes_and_triggers(on_sqlite, monkeypatch):
    session = on_sqlite
    before_indexes, before_triggers = schema(session, "index"), triggers(session)
    fail_the_second_flush(monkeypatch)
    with pytest.raises(RuntimeError):
        imported(session, shared_sources_file(BATCH + 50))
    assert schema(session, "index") == before_indexes and triggers(session) == before_triggers
    session.rollback()
    assert schema(session, "index") == before_indexes and triggers(session) == before_triggers


def query_plan(session: Any, statement: str, parameters: Any) -> set[str]:
    """The steps of SQLite's plan of the statement."""
    cursor = session.connection().connection.cursor()
    return {detail for *_ids, detail in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()}


def test_without_the_dropped_indexes_no_statement_of_the_import_scans_more(on_sqlite):
    session = on_sqlite
    imported(session, shared_sources_file(BATCH + 10))  # recorded rows, so that the planner has a choice
    statements: list[tuple[str, Any]] = []

    def note(_connection, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE")):
            statements.append((statement, parameters))

    rows = generated_rows(BATCH + 20)
    for row in rows[1:]:
        row[0], row[10] = f"Another {row[0]}", f"{row[10]}/more"
    table = read_table(csv_file(rows), "more.csv")
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        _plan, result = import_table(session, table, automatic(table.headers), "ID")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert result is not None and len(statements) > 10
    with_indexes = [query_plan(session, *statement) for statement in statements]
    savepoint = session.begin_nested()
    for name, _sql in indexes.plain_indexes(session.connection()):
        session.execute(text(f'DROP INDEX "{name}"'))
    without = [query_plan(session, *statement) for statement in statements]
    savepoint.rollback()
    more_scans = [
        (statement[:200], plan - kept)
        for (statement, _parameters), kept, plan in zip(statements, with_indexes, without, strict=True)
        if {step for step in plan - kept if step.startswith("SCAN ")}
    ]
    assert more_scans == []


def test_the_indexes_are_built_with_a_small_page_cache(on_sqlite, monkeypatch):
    session = on_sqlite
    sizes: list[int] = []
    execute = type(session.connection()).exec_driver_sql

    def noted(connection: Any, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement.startswith("CREATE INDEX"):
            sizes.append(execute(connection, "PRAGMA cache_size").scalar())
        return execute(connection, statement, *args, **kwargs)

    size = session.execute(text("PRAGMA cache_size")).scalar()
    monkeypatch.setattr(type(session.connection()), "exec_driver_sql", noted)
    _plan, result = imported(session, shared_sources_file(BATCH + 10))
    assert result is not None
    assert sizes and set(sizes) == {-indexes.BUILD_CACHE_KIB}
    assert session.execute(text("PRAGMA cache_size")).scalar() == size
