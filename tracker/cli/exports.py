"""`flask --app app export --format csv [--query "sector=technology&country=KR"] OUT`: the export button's
file, for every agreement the query matches (the query string of the agreement list; "-" writes to stdout).

The file is written piece by piece as the rows are read, as the export button streams it: memory stays the same
whatever the number of agreements."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app, request
from flask.cli import with_appcontext

from tracker import exporting
from tracker.db import get_session
from tracker.queries.exports import agreements_for_export


@click.command("export")
@with_appcontext
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(exporting.FORMATS),
    default=None,
    help="Default: OUT's extension, else csv.",
)
@click.option(
    "--query", default="", help='The agreement list\'s filters as a query string, e.g. "sector=technology&country=KR".'
)
def export_command(out: str, file_format: str | None, query: str) -> None:
    """Export the agreements a query matches as CSV, XLSX or JSON, in the import format."""
    from tracker.web.exports import agreement_query_form, export_filters

    file_format = file_format or format_of(out)
    # The query is read exactly as the export button's request would be, by the same form.
    with current_app.test_request_context("/agreements/export", query_string=query.lstrip("?")):
        session = get_session()
        form = agreement_query_form(session, request.args)
        if not form.validate():
            problems = "; ".join(f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
            raise click.ClickException(f"The query cannot be read: {problems}")
        pieces = exporting.export_agreements(
            agreements_for_export(session, export_filters(form, request.args)), file_format
        )
        if out == "-":
            write(pieces, sys.stdout.buffer)
            return
        size = write_file(pieces, Path(out))
    click.echo(f"Wrote {out} ({file_format.upper()}, {size} bytes).", err=True)


def write(pieces: Iterator[bytes], file: BinaryIO) -> int:
    """Write the pieces as they come, each passed on at once (a pipe's reader gets the header before the rows are
    read, not when a buffer fills); the number of bytes written."""
    size = 0
    for piece in pieces:
        file.write(piece)
        file.flush()
        size += len(piece)
    return size


def write_file(pieces: Iterator[bytes], out: Path) -> int:
    """Write the file all or nothing: under a temporary name beside it, renamed once complete, so that an export
    failing midway leaves no file that looks whole (and an earlier file of that name as it was). A device or pipe
    (/dev/null, a FIFO) is written directly."""
    if out.exists() and not out.is_file():
        with out.open("wb") as file:
            return write(pieces, file)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as file:
            size = write(pieces, file)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return size


def format_of(out: str) -> str:
    """The format OUT's extension names, csv otherwise."""
    suffix = Path(out).suffix.lower().lstrip(".")
    return suffix if suffix in exporting.FORMATS else "csv"
