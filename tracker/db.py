"""Engine and session handling: one session per request or CLI command, owned by the boundary."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tracker import history

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option naming the sessions that write: on SQLite their transactions start with BEGIN IMMEDIATE.
WRITE_OPTION = "tracker_writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Connection info key: whether every statement of the connection's current transaction only read (PostgreSQL).
READS_ONLY = "tracker.reads_only"
# What a statement that only reads starts with; a WITH may hold an INSERT, UPDATE or DELETE, so it is looked into.
READING_STARTS = ("SELECT", "WITH", "SHOW")
WRITING_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b")


def make_engine(url: str, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; SQLite gets enforced foreign keys, WAL, a busy timeout and real transactions.

    A failed statement's values (passwords' hashes, tokens' digests, what users typed) never reach an error message
    or the log: `hide_parameters` leaves the statement and drops its values."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": busy_timeout_ms / 1000})
        configure_sqlite(engine, busy_timeout_ms)
        return engine
    # psycopg's server-side prepared statements (from a statement's 6th run on a connection) stay on: measured on
    # 20,000 agreements, full-text searches for rare, common and all-matching words ran no slower once prepared,
    # whichever word warmed the plan, and a prepared search skips ~7 ms of planning (prepare_threshold=None
    # would turn them off). psycopg forgets them at every ROLLBACK, so a request that only read ends with a COMMIT
    # (`close_session`).
    #
    # JIT compilation is off for the app's sessions: it pays off for long analytical queries, while every query here
    # answers a page; measured at 100,000 agreements it added 0.2 s of compiling to a 1.2 s search.
    engine = create_engine(
        url, echo=echo, hide_parameters=True, pool_pre_ping=True, connect_args={"options": "-c jit=off"}
    )
    watch_reads(engine)
    return engine


def watch_reads(engine: Engine) -> None:
    """Keep in each connection's info whether its transaction so far only read (`READS_ONLY`)."""

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.info[READS_ONLY] = True

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(connection: Any, _cursor: Any, statement: str, _parameters: Any, context: Any, _many: bool) -> None:
        if connection.info.get(READS_ONLY) and not only_reads(statement, context):
            connection.info[READS_ONLY] = False


def only_reads(statement: str, context: Any) -> bool:
    """Whether a statement surely writes nothing: a SELECT, SHOW or a WITH without a writing word."""
    if context is not None and (context.isinsert or context.isupdate or context.isdelete or context.isddl):
        return False
    text = statement.lstrip().upper()
    if not text.startswith(READING_STARTS):
        return False
    return not text.startswith("WITH") or WRITING_WORD.search(text) is None


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Make pysqlite behave: pragmas on connect and BEGIN issued by SQLAlchemy, not the driver."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Disable pysqlite's own transaction handling so that SELECTs run inside our transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once ("database is locked") when
        # another writer committed meanwhile, whatever the busy timeout; IMMEDIATE takes the write lock
        # first, so writers queue on the busy timeout instead.
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app and close sessions at teardown."""
    config = app.config
    engine = make_engine(config["DATABASE_URL"], config.get("SQL_ECHO", False), config["TRACKER_SQLITE_BUSY_MS"])
    app.extensions["tracker.engine"] = engine
    app.extensions["tracker.sessionmaker"] = session_factory(engine)
    # The same engine and pool; only the option differs, read by the SQLite "begin" listener.
    app.extensions["tracker.write_engine"] = engine.execution_options(**{WRITE_OPTION: True})
    app.teardown_appcontext(close_session)


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions on the engine whose every write records its Change rows."""
    return sessionmaker(engine, class_=history.RecordedSession, expire_on_commit=False)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["tracker.engine"]


def get_session() -> Session:
    """The session of the current request or CLI command, created on first use.

    The boundary sets `session.info["actor_id"]` to the signed-in user, so the history can say who changed what.
    Requests that may write (POST and the other unsafe methods) and CLI commands get a writing session.
    """
    if "db_session" not in g:
        factory = current_app.extensions["tracker.sessionmaker"]
        g.db_session = factory(bind=current_app.extensions["tracker.write_engine"]) if may_write() else factory()
    return g.db_session


def may_write() -> bool:
    """Whether the current request or command may write: anything but a GET, HEAD or OPTIONS request."""
    return not has_request_context() or request.method not in SAFE_METHODS


def close_session(exc: BaseException | None = None) -> None:
    """Roll back anything uncommitted and release the connection; on PostgreSQL a transaction that only read ends
    with a COMMIT instead, which keeps psycopg's prepared statements (see `ends_by_commit`)."""
    session = g.pop("db_session", None)
    if session is not None:
        if exc is None and ends_by_commit(session):
            session.commit()
        session.close()


def ends_by_commit(session: Session) -> bool:
    """Whether the session's open transaction only read on PostgreSQL and holds nothing to flush.

    Committing such a transaction changes nothing, while a ROLLBACK makes psycopg drop every statement it had
    prepared on the connection (and DEALLOCATE them on the next one): the pages' statements were planned afresh on
    every request, 5.5 ms of the detail page's 9 ms of server CPU at 100,000 agreements."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False
    connection = session.connection()
    return connection.dialect.name == "postgresql" and connection.info.get(READS_ONLY, False)
