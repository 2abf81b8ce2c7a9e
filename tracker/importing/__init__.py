"""Importing agreements from CSV, XLSX and JSON files: read, map, check in a dry run, then commit all or nothing.

reading.py    bytes or a path -> Table: the format checked against the content, encodings, delimiters, blank
              rows; CSV and XLSX rows are streamed (read again on each pass, one at a time)
fields.py     the column keys (the export's header row), their labels and the header spellings recognised; the
              agreement's own fields come from its contract (tracker/records/agreement.py)
mapping.py    Mapping (file column -> field, options) and the built-in presets; presets.py the saved ones
values.py     cells -> dates, choices, party lists, links (words.py and countries.py: the vocabularies)
rows.py       one row -> its values and problems (the contract's check()), without the database
catalogue.py  what is recorded, loaded in a few bulk queries
plan.py       the dry run: each row created, already present, repeated or invalid, with every problem; rows
              stream through it, only the first ones are kept whole
apply.py      the commit: rows to create written in batches with Core as the plan checks them
kept.py       the dashboard's kept counts during a commit: insert triggers off (SQLite: dropped; PostgreSQL:
              standing aside for the transaction), each batch counted once
indexes.py    a large commit on SQLite: the agreement's and source's plain indexes built once after the rows
storage.py    uploads kept on the server between the preview and the commit
(`flask --app app import FILE` is tracker/cli/imports.py)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from tracker import search
from tracker.importing import indexes, kept
from tracker.importing.apply import ImportResult, Writer
from tracker.importing.catalogue import Catalogue
from tracker.importing.mapping import Mapping
from tracker.importing.plan import ImportPlan, plan_import
from tracker.importing.reading import FileFormatError, Table, read_table

__all__ = ["FileFormatError", "ImportPlan", "ImportResult", "Mapping", "dry_run", "import_table", "run_import"]


def dry_run(
    session: Session,
    data: bytes,
    filename: str,
    mapping: Mapping,
    home_country: str | None = None,
    requested_format: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Read and check the file; nothing is written. FileFormatError when the file cannot be read at all."""
    table = read_table(data, filename, requested_format)
    return plan_import(session, table, mapping, home_country, progress)


def run_import(
    session: Session,
    data: bytes,
    filename: str,
    mapping: Mapping,
    home_country: str | None = None,
    requested_format: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Check the file again and, only if no row has a problem, write it (flushed; the caller commits)."""
    return import_table(session, read_table(data, filename, requested_format), mapping, home_country, progress)


def import_table(
    session: Session,
    table: Table,
    mapping: Mapping,
    home_country: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Check and write the rows in one pass, all or nothing: a problem in any row rolls back to before the import.

    The rows are written as they are checked, inside a savepoint of the caller's transaction; when a row has a
    problem the writing stops (the check goes on, to list every problem) and the savepoint is rolled back.
    """
    session.flush()
    savepoint = session.begin_nested()
    try:
        # SQLite: the search triggers are dropped for the import and each batch indexed once (apply.py); a rollback
        # of the savepoint brings them back. PostgreSQL keeps its triggers: turning them off (ALTER TABLE) would
        # lock the tables against every other writer until the import commits.
        # The kept counts' insert triggers are off on both engines (PostgreSQL: by a setting of the transaction, which
        # locks nothing) and each batch is counted in one statement (kept.py); and a large
        # import builds the agreement's and source's indexes once, after its rows (indexes.py).
        connection = session.connection()
        with (
            collector_eased(),
            sqlite_cache_enlarged(connection),
            search.sqlite_triggers_dropped(connection),
            kept.insert_triggers_off(connection) as counts,
            indexes.sqlite_indexes_deferred(connection, len(table.rows)),
        ):
            catalogue = Catalogue.load(session)
            on_sqlite = connection.dialect.name == "sqlite"
            writer = Writer(session, catalogue, indexes_batches=on_sqlite, counts_batches=counts)
            plan = plan_import(session, table, mapping, home_country, progress, writer, catalogue)
            result = writer.finish() if plan.ok else None
    except BaseException:
        savepoint.rollback()  # all or nothing, whatever the caller does next
        raise
    if result is None:
        savepoint.rollback()
        return plan, None
    savepoint.commit()
    return plan, result


@contextmanager
def collector_eased() -> Iterator[None]:
    """Inside the block the garbage collector leaves the objects made before it alone and runs less often.

    The rows in a batch are thousands of live containers, so the collector ran ~18 times per 100 rows and went over
    the app's own objects (its models, routes, SQLAlchemy's mappings) each time it reached the oldest generation:
    15 % of a 10,000-row import's CPU time, 5 % with this. Process-wide settings, put back at the end. A process
    started through app.py has frozen its start-up objects already: then nothing is frozen here, since unfreezing
    would undo app.py's freeze, and leaving this block's freeze would keep the request's objects (the upload) forever.
    """
    threshold = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freezing:
            gc.unfreeze()


# SQLite's page cache for the import's connection, in KiB: the import writes ~1 GB at 100,000 rows in one
# transaction, and with the default 2 MB the indexes' pages went to the write-ahead log and were read back from it
# again and again (a quarter of the import's CPU time was the system's; 64 MB halved that, and added 65 MB to the
# peak). A fixed size: memory stays flat.
IMPORT_CACHE_KIB = 32 * 1024


@contextmanager
def sqlite_cache_enlarged(connection: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache for the connection inside the block; its own size again at the end."""
    if connection.dialect.name != "sqlite":
        yield
        return
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(size)}")
