"""seed-synthetic on PostgreSQL (COPY, search documents written per batch, or in parallel connections after each
committed chunk) writes what SQLite's INSERTs write."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, Table, func, select, text

from bench import synthetic
from tracker import migrate, search
from tracker.db import make_engine
from tracker.models import Party, PartyAlias, Sector, agreement_search

AGREEMENTS = 50
SEED = 3
TABLES: dict[str, Table] = {
    "party": Party.__table__,  # type: ignore[dict-item]
    "party_alias": PartyAlias.__table__,  # type: ignore[dict-item]
    **synthetic.TABLES,
}


def seed(engine: Engine) -> None:
    """AGREEMENTS synthetic agreements of seed SEED, written as the command writes them (one transaction)."""
    with engine.begin() as connection:
        synthetic.seed(connection, AGREEMENTS, SEED)


def seed_in_parallel(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same agreements through the command's PostgreSQL path, in small batches and chunks so that several chunks
    are indexed by both connections."""
    monkeypatch.setattr(synthetic, "BATCH", 10)
    monkeypatch.setattr(synthetic, "CHUNK", 20)
    synthetic.seed_in_parallel(engine, AGREEMENTS, SEED, connections=2)


def search_documents(engine: Engine) -> list[tuple]:
    """Every agreement's indexed text and tsvectors, by agreement id."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(DOCUMENTS))]


DOCUMENTS = "SELECT *, document::text, rank_document::text FROM agreement_search ORDER BY agreement_id"


def contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row the generator writes, per table, in key order; sectors by slug (their ids are the database's)."""
    with engine.connect() as connection:
        slugs = dict(connection.execute(select(Sector.id, Sector.slug)).all())
        found = {}
        for name, table in TABLES.items():
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            if name == "agreement_sector":
                rows = sorted((agreement, slugs[sector]) for agreement, sector in rows)
            found[name] = [tuple(row) for row in rows]
        return found


def inserted_by_sqlite(tmp_path: Path) -> dict[str, list[tuple]]:
    """`contents` of a new SQLite database under tmp_path that the same agreements were INSERTed into."""
    sqlite_url = f"sqlite:///{tmp_path / 'insert.db'}"
    migrate.upgrade(sqlite_url)
    sqlite = make_engine(sqlite_url)
    try:
        seed(sqlite)
        return contents(sqlite)
    finally:
        sqlite.dispose()


def test_the_search_index_is_in_step_with_the_records(app: Flask, engine: Engine) -> None:
    seed(engine)
    with engine.connect() as connection:
        assert search.stale_documents(connection) == []
        indexed = connection.scalar(select(func.count()).select_from(agreement_search))
    assert indexed == AGREEMENTS


def test_the_indexes_built_after_loading_are_the_schemas(app: Flask, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps its indexes while loading")
    listing = text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1")
    with engine.connect() as connection:
        before = connection.execute(listing).all()
    seed(engine)
    with engine.connect() as connection:
        assert connection.execute(listing).all() == before


def test_postgresql_copy_writes_the_rows_sqlite_inserts(app: Flask, engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's path; the PostgreSQL run compares it with a SQLite database")
    seed(engine)
    expected = inserted_by_sqlite(tmp_path)
    copied = contents(engine)
    assert {name: len(rows) for name, rows in copied.items()} == {name: len(rows) for name, rows in expected.items()}
    for name in TABLES:
        assert copied[name] == expected[name], name


def test_the_parallel_path_writes_what_the_serial_path_writes(
    app: Flask, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the parallel connections are PostgreSQL's path")
    listing = text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1")
    triggers = text("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
    with engine.connect() as connection:
        schema_before = connection.execute(listing).all(), connection.execute(triggers).all()
    seed_in_parallel(engine, monkeypatch)
    with engine.connect() as connection:
        assert (connection.execute(listing).all(), connection.execute(triggers).all()) == schema_before
        assert search.stale_documents(connection) == []
    parallel = search_documents(engine)
    assert len(parallel) == AGREEMENTS
    with engine.connect() as connection:
        search.rebuild(connection)  # the serial path, uncommitted: read back in this transaction
        assert [tuple(row) for row in connection.execute(text(DOCUMENTS))] == parallel
        connection.rollback()
    assert contents(engine) == inserted_by_sqlite(tmp_path)
