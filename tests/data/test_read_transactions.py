"""A request's transaction that only read ends with a COMMIT on PostgreSQL (psycopg keeps its prepared statements),
one that wrote or holds changes with a ROLLBACK, as before (tracker/db.py close_session)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select, text

from tracker.db import close_session, get_session, only_reads
from tracker.models import Sector

# The same page opened more often than psycopg's prepare_threshold (5): its statements are prepared by then.
OPENINGS = 7


@contextmanager
def endings(engine: Engine) -> Iterator[list[str]]:
    """Lists "commit" and "rollback" for each transaction the engine ends inside the block."""
    ended: list[str] = []

    def commit(_connection: Any) -> None:
        ended.append("commit")

    def rollback(_connection: Any) -> None:
        ended.append("rollback")

    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    try:
        yield ended
    finally:
        event.remove(engine, "commit", commit)
        event.remove(engine, "rollback", rollback)


def read_only_ending(engine: Engine) -> str:
    """How a transaction that only read ends on this engine."""
    return "commit" if engine.dialect.name == "postgresql" else "rollback"


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT agreement.id FROM agreement",
        "  select 1",
        "WITH RECURSIVE chain(id) AS (SELECT 1) SELECT chain.id, agreement.updated_at FROM chain",
        "SHOW server_version",
    ],
)
def test_statements_that_only_read(statement: str) -> None:
    assert only_reads(statement, None)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE agreement SET title = 'x'",
        "INSERT INTO sector (slug) VALUES ('x')",
        "WITH moved AS (DELETE FROM sector RETURNING id) SELECT id FROM moved",
        "WITH t AS (SELECT 1) UPDATE agreement SET title = 'x'",
        "SAVEPOINT sa_savepoint_1",
        "CREATE TEMPORARY TABLE t (id int)",
    ],
)
def test_statements_that_may_write(statement: str) -> None:
    assert not only_reads(statement, None)


def test_a_page_ends_its_reading_transaction_by_commit_on_postgresql(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["tracker.engine"]
    client.get("/agreements/")
    with endings(engine) as ended:
        assert client.get("/agreements/").status_code == 200
    assert ended == [read_only_ending(engine)]


@pytest.mark.parametrize("flushed", [True, False], ids=["flushed", "pending"])
def test_a_get_with_a_change_rolls_it_back(app: Flask, flushed: bool) -> None:
    engine = app.extensions["tracker.engine"]
    with app.test_request_context("/", method="GET"), endings(engine) as ended:
        session = get_session()
        session.scalar(select(func.count()).select_from(Sector))
        session.add(Sector(slug="unsaved", name="Unsaved"))
        if flushed:
            session.flush()
        close_session()
    assert ended == ["rollback"]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(Sector.slug == "unsaved")) == 0


def test_a_post_that_only_read_ends_as_a_page_does(app: Flask) -> None:
    engine = app.extensions["tracker.engine"]
    with app.test_request_context("/", method="POST"), endings(engine) as ended:
        get_session().scalar(select(func.count()).select_from(Sector))
        close_session()
    assert ended == [read_only_ending(engine)]


def test_a_request_that_failed_rolls_back(app: Flask) -> None:
    engine = app.extensions["tracker.engine"]
    with app.test_request_context("/", method="GET"), endings(engine) as ended:
        get_session().scalar(select(func.count()).select_from(Sector))
        close_session(RuntimeError("the view failed"))
    assert ended == ["rollback"]


def test_a_pages_statements_stay_prepared_between_requests(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["tracker.engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite prepares nothing on a server")
    for _ in range(OPENINGS):
        assert client.get("/agreements/").status_code == 200
    with engine.connect() as connection:
        prepared = connection.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared > 0
