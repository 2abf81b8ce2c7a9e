"""Importing agreements from CSV, XLSX and JSON files: read, map, check in a dry run, then commit all or nothing.

reading.py    bytes -> Table: the format checked against the content, encodings, delimiters, blank rows
fields.py     the column keys (the export's header row), their labels and the header spellings recognised
mapping.py    Mapping (file column -> field, options) and the built-in presets; presets.py the saved ones
values.py     cells -> dates, choices, party lists, links (words.py and countries.py: the vocabularies)
rows.py       one row -> its values and problems, without the database
catalogue.py  what is recorded, loaded in a few bulk queries
plan.py       the dry run: each row created, already present, repeated or invalid, with every problem
apply.py      the commit of a plan without problems
storage.py    uploads kept on the server between the preview and the commit
cli.py        `flask --app app import FILE`
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tracker.importing.apply import ImportResult, apply_plan
from tracker.importing.mapping import Mapping
from tracker.importing.plan import ImportPlan, plan_import
from tracker.importing.reading import FileFormatError, read_table

__all__ = ["FileFormatError", "ImportPlan", "ImportResult", "Mapping", "dry_run", "run_import"]


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
    plan = dry_run(session, data, filename, mapping, home_country, requested_format, progress)
    return plan, apply_plan(session, plan) if plan.ok else None
