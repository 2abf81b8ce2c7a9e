"""Agreements, parties and sources as CSV, XLSX or JSON files.

The agreement columns are exactly the import format (tracker/importing/fields.py COLUMNS), so an export
imports back unchanged. CSV and XLSX header cells are the columns' labels in the exporter's language (an
import recognises them in every interface language); XLSX files name each column's stable key on a second
sheet, and JSON records use the keys. Cell values stay the stable values ("in_force"), which every import
reads. CSV and XLSX cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) get a leading apostrophe, which an import removes again.

Every file is produced piece by piece (an iterator of bytes) from rows streamed out of the database
(tracker/queries/exports.py): a download starts at once and memory does not grow with the number of records.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from json.encoder import encode_basestring
from typing import Any

from tracker import xlsx
from tracker.i18n import _
from tracker.importing.fields import COLUMNS, target_label
from tracker.importing.values import ESCAPED_STARTS, neutralise
from tracker.queries.exports import AgreementRow, LinkedParty, PartyRow
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, Spec, json_value, plain_specs

# The control characters XML 1.0 forbids, as openpyxl's ILLEGAL_CHARACTERS_RE has them; kept here so that an export
# does not load openpyxl (~20 MB in the worker) for one pattern.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

FORMATS = ("csv", "xlsx", "json")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
LIST_SEPARATOR = "; "
# Characters of CSV or JSON text gathered before they are handed out as one piece of the file.
PIECE = 64 * 1024
PARTY_COLUMNS = ("name", "kind", "country", "aliases", "part_of", "notes")
SOURCE_COLUMNS = ("url", "title", "kind", "outlet", "author", "published_on", "language")
# Header labels of the parties and sources lists (the agreement columns' labels are the import's).
HEADERS = {
    "name": _("Name"),
    "kind": _("Kind"),
    "country": _("Country"),
    "aliases": _("Aliases"),
    "part_of": _("Part of"),
    "notes": _("Notes"),
    "url": _("Link"),
    "title": _("Title"),
    "outlet": _("Outlet"),
    "author": _("Author"),
    "published_on": _("Published"),
    "language": _("Language"),
}


def header(column: str, columns: tuple[str, ...]) -> str:
    """A column's header cell in the interface's language."""
    return target_label(column) if columns == COLUMNS else str(HEADERS[column])


# --- records --------------------------------------------------------------------------------------


# The kinds of field whose value `json_value` changes; it returns the others as they are.
CONVERTED = frozenset({Kind.CHOICE, Kind.PARTIAL_DATE})


@cache
def agreement_specs() -> tuple[tuple[str, str, Spec | None], ...]:
    """(file key, name, spec) of the agreement's plain fields, looked up once rather than per agreement; the spec is
    None for a field whose value is written as it is, which skips the call (2.4 million calls at 100,000)."""
    return tuple(
        (spec.file_key, spec.name, spec if spec.kind in CONVERTED else None) for spec in plain_specs(AgreementData)
    )


def agreement_record(agreement: AgreementRow) -> dict[str, Any]:
    """An agreement as the import format's fields: lists for parties, sectors and sources, None for no date."""
    values = agreement.values
    record = {
        key: values[name] if spec is None else json_value(spec, values[name]) for key, name, spec in agreement_specs()
    }
    record["parties"] = [party_record(party) for party in agreement.parties]
    record["sectors"] = list(agreement.sectors)
    record["sources"] = list(agreement.sources)
    record["owner"], record["unit"] = agreement.owner, agreement.unit
    return {column: record[column] for column in COLUMNS}


def party_record(party: LinkedParty) -> dict[str, Any]:
    """A party's part in an agreement."""
    return {"name": party.name, "country": party.country_code, "role": party.role.value, "kind": party.kind.value}


def party_entry(record: dict[str, Any]) -> str:
    """ "AITEC Co., Ltd (KR, signatory, company)": the parties column's form of one party."""
    attributes = [record["country"]] if record["country"] else []
    return f"{record['name']} ({', '.join([*attributes, record['role'], record['kind']])})"


def agreement_cells(record: dict[str, Any]) -> list[str]:
    """An agreement record as one spreadsheet row, in COLUMNS order."""
    flat = dict(record)
    flat["parties"] = LIST_SEPARATOR.join(party_entry(party) for party in record["parties"])
    flat["sectors"] = LIST_SEPARATOR.join(record["sectors"])
    flat["sources"] = LIST_SEPARATOR.join(record["sources"])
    # Every cell is text (a spreadsheet's reading of "60" is the import's): numbers of months or days too.
    return ["" if flat[column] is None else str(flat[column]) for column in COLUMNS]


def party_list_record(party: PartyRow) -> dict[str, Any]:
    """A party for the parties export."""
    return {
        "name": party.name,
        "kind": party.kind.value,
        "country": party.country_code,
        "aliases": list(party.aliases),
        "part_of": party.parent_name,
        "notes": party.notes,
    }


def source_record(source: Any) -> dict[str, Any]:
    """A source (a row of the exported columns) for the sources export."""
    return {
        "url": source.url,
        "title": source.title,
        "kind": source.kind.value,
        "outlet": source.outlet,
        "author": source.author,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "language": source.language,
    }


def flat_cells(record: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    """A record as a row: lists joined with "; ", None as blank."""
    cells = []
    for column in columns:
        value = record[column]
        cells.append(LIST_SEPARATOR.join(value) if isinstance(value, list) else value or "")
    return cells


# --- files ----------------------------------------------------------------------------------------

# The first characters `neutralise` may change a cell for: other cells skip the call (most of a file's cells).
NEUTRALISED_STARTS = frozenset(start[0] for start in ESCAPED_STARTS)


def safe_row(row: list[str]) -> list[str]:
    """The row's cells `neutralise`d, quicker for the cells it leaves alone (a call per row, not per cell)."""
    return [neutralise(cell) if cell[:1] in NEUTRALISED_STARTS else cell for cell in row]


def csv_chunks(columns: tuple[str, ...], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """A CSV file in UTF-8 with a byte order mark (so that Excel reads it as UTF-8), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header(column, columns) for column in columns])
    yield buffer.getvalue().encode("utf-8-sig")  # the header at once, before the first rows are read
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= PIECE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def incomplete_line() -> bytes:
    """The last line of a CSV file whose export failed midway: one cell that says so, in the user's language."""
    buffer = io.StringIO()
    # Outside an f-string, where the message extractor would not see it.
    message = _("Incomplete file: the export stopped with an error. Export again.")
    csv.writer(buffer, lineterminator="\r\n").writerow([f"# {message}"])
    return buffer.getvalue().encode("utf-8")


def xlsx_chunks(columns: tuple[str, ...], rows: Iterable[list[str]], sheet_title: str) -> Iterator[bytes]:
    """A workbook: the data on the first sheet, bold headers, every cell text (dates too), formulas neutralised;
    for agreements a second sheet gives each column's stable key, which programs read (imports read the first)."""
    sheets: list[xlsx.Sheet] = [(sheet_title, _sheet_rows(columns, rows))]
    if columns == COLUMNS:
        keys = [[neutralise(header(column, columns)), column] for column in columns]
        sheets.append((str(_("Columns")), [[str(_("Column")), str(_("Key"))], *keys]))
    return xlsx.workbook_chunks(sheets)


def _sheet_rows(columns: tuple[str, ...], rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """The header row, then the rows with formulas neutralised."""
    yield [header(column, columns) for column in columns]
    for row in rows:
        if ILLEGAL_CHARACTERS_RE.search("".join(row)):  # rarely: one search of the row, not one call per cell
            row = [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row]
        yield safe_row(row)


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A JSON list of objects, one per record, UTF-8, keys in the columns' order; the same text as
    `json.dumps(list(records), ensure_ascii=False, indent=2)` plus a line break, written record by record."""
    yield b"["  # at once, before the first rows are read
    pieces: list[str] = []
    size = 0
    separator = "\n"
    for record in records:
        text = separator + "  " + indented(record, "\n  ")
        separator = ",\n"
        pieces.append(text)
        size += len(text)
        if size >= PIECE:
            yield "".join(pieces).encode("utf-8")
            pieces.clear()
            size = 0
    pieces.append("]\n" if separator == "\n" else "\n]\n")
    yield "".join(pieces).encode("utf-8")


def indented(value: Any, margin: str) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` with each line break followed by `margin`, the same text
    made without the standard library's pure-Python indenting encoder, which takes most of a JSON export's time:
    strings go through the C encoder, containers are laid out here as `indent=2` lays them out."""
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict) and value and all(isinstance(key, str) for key in value):
        inner = margin + "  "
        items = (f"{encode_basestring(key)}: {indented(item, inner)}" for key, item in value.items())
        return "{" + inner + ("," + inner).join(items) + margin + "}"
    if isinstance(value, list) and value:
        inner = margin + "  "
        return "[" + inner + ("," + inner).join(indented(item, inner) for item in value) + margin + "]"
    # Most of the rest, cheaply: no date, a flag, a whole number.
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    # Floats, empty containers, keys other than text and anything unusual: as json.dumps writes it alone.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", margin)


def export_agreements(agreements: Iterable[AgreementRow], file_format: str) -> Iterator[bytes]:
    """Agreements in the import format, piece by piece."""
    records = (agreement_record(agreement) for agreement in agreements)
    if file_format == "json":
        return json_chunks(records)
    rows = (agreement_cells(record) for record in records)
    if file_format == "xlsx":
        return xlsx_chunks(COLUMNS, rows, str(_("Agreements")))
    return csv_chunks(COLUMNS, rows)


def export_records(
    records: Iterable[dict[str, Any]], columns: tuple[str, ...], file_format: str, title: str
) -> Iterator[bytes]:
    """Parties or sources in a format, piece by piece."""
    if file_format == "json":
        return json_chunks(records)
    rows = (flat_cells(record, columns) for record in records)
    return xlsx_chunks(columns, rows, title) if file_format == "xlsx" else csv_chunks(columns, rows)


def export_parties(parties: Iterable[PartyRow], file_format: str) -> Iterator[bytes]:
    """Parties with their kind, country, aliases and parent."""
    return export_records(
        (party_list_record(party) for party in parties), PARTY_COLUMNS, file_format, str(_("Parties"))
    )


def export_sources(sources: Iterable[Any], file_format: str) -> Iterator[bytes]:
    """Sources with their link, title, kind, outlet, author, date and language."""
    return export_records((source_record(source) for source in sources), SOURCE_COLUMNS, file_format, str(_("Sources")))
