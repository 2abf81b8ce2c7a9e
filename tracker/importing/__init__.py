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
storage.py    uploads kept on the server between the preview and the commit
(`flask --app app import FILE` is tracker/cli/imports.py)
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tracker import search
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
        with search.sqlite_triggers_dropped(session.connection()):
            catalogue = Catalogue.load(session)
            writer = Writer(session, catalogue, indexes_batches=session.connection().dialect.name == "sqlite")
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
