"""Import files read into a table of rows: CSV in any common encoding, XLSX, JSON; files that are not what
their name claims are refused with a message saying what they are."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from charset_normalizer import from_bytes

from tracker.i18n import _

FORMATS = ("csv", "xlsx", "json")
EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# A workbook is a ZIP archive: a small upload could unpack into gigabytes (openpyxl reads XML through defusedxml).
MAX_UNPACKED = 500 * 1024 * 1024
# Signatures of files people upload by mistake, to say what the file is instead.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"PK\x03\x04", "zip"),
)
DESCRIPTIONS = {
    "xlsx": _("an Excel workbook"),
    "text": _("a text file"),
    "png": _("a PNG image"),
    "jpeg": _("a JPEG image"),
    "gif": _("a GIF image"),
    "pdf": _("a PDF document"),
    "gzip": _("a gzip archive"),
    "ole": _("an old Excel (.xls) or password-protected workbook"),
    "zip": _("a ZIP archive"),
    "binary": _("a binary file"),
}
DELIMITERS = (",", ";", "\t", "|")
# charset-normalizer's guesses for Latin-script text that windows-1252 reads as well (it often names cp1250).
LATIN_GUESSES = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_9", "iso8859_15", "mac_roman", "cp850"}
)


class FileFormatError(ValueError):
    """The file cannot be read as the agreement file it claims to be."""


@dataclass
class Table:
    """The file's header and rows; `rows` pairs each row's number in the file with its cells by header."""

    format: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    encoding: str | None = None


def format_for(filename: str, requested: str | None = None) -> str | None:
    """The format a file claims by its extension (or the one asked for)."""
    if requested:
        return requested
    return EXTENSIONS.get(PurePath(filename or "").suffix.lower())


def sniff(data: bytes) -> str:
    """What the bytes are: "xlsx", "text", or another key of DESCRIPTIONS."""
    if data.startswith(b"PK\x03\x04") and _is_workbook(data):
        return "xlsx"
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" not in data[:65536]:
        return "text"
    return "binary"


def _is_workbook(data: bytes) -> bool:
    """Whether a ZIP archive holds an Excel workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _unpacked_size(data: bytes) -> int:
    """How large a workbook's parts are once unpacked, as its archive says."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_table(data: bytes, filename: str, requested: str | None = None) -> Table:
    """Read an upload as the format its name (or `requested`) claims, refusing one whose content disagrees."""
    if not data.strip():
        raise FileFormatError(str(_("The file is empty.")))
    claimed = format_for(filename, requested)
    found = sniff(data)
    if claimed is None:
        claimed = "xlsx" if found == "xlsx" else _text_format(data) if found == "text" else None
    if claimed is None:
        raise FileFormatError(str(_("This file is %(what)s, not a CSV, XLSX or JSON file.", what=_what(found))))
    if (claimed == "xlsx") != (found == "xlsx") or found not in ("xlsx", "text"):
        raise FileFormatError(mismatch_message(claimed, found))
    return READERS[claimed](data)


def _text_format(data: bytes) -> str:
    """JSON when a text file starts like JSON, CSV otherwise."""
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else "csv"


def _what(found: str) -> str:
    """A sniffed kind in words."""
    return str(DESCRIPTIONS[found])


def mismatch_message(claimed: str, found: str) -> str:
    """Say what a file claims to be and what it is."""
    return str(
        _(
            "The file is named as %(claimed)s but it is %(what)s. Choose the right file, or save it as %(claimed)s.",
            claimed=claimed.upper(),
            what=_what(found),
        )
    )


# --- text ---------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: a BOM wins, then UTF-8, then charset-normalizer's best guess."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decoded(data, encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in LATIN_GUESSES and _decodes(data, "cp1252"):
        encoding = "cp1252"  # Latin-script guesses disagree only on rare letters; Excel here saves windows-1252
    return _decoded(data, encoding), encoding


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether the bytes are valid in the encoding."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decoded(data: bytes, encoding: str) -> str:
    """The bytes decoded, or a FileFormatError naming the encoding that did not fit."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        message = _("The text could not be read (it is not valid %(encoding)s). Save it as UTF-8.", encoding=encoding)
        raise FileFormatError(str(message)) from error


def delimiter_of(line: str) -> str:
    """The delimiter the header line uses most (",", ";", tab or "|")."""
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(data: bytes) -> Table:
    """A CSV file: the first non-blank record is the header; blank records are skipped but counted."""
    text, encoding = decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(first_line))
    try:
        return _table("csv", enumerate(reader, start=1), encoding)
    except csv.Error as error:
        message = _("The CSV file could not be read near line %(line)s: %(reason)s", line=reader.line_num, reason=error)
        raise FileFormatError(str(message)) from error


def _table(format_name: str, numbered_rows: Iterator[tuple[int, Any]], encoding: str | None = None) -> Table:
    """Header from the first non-blank row, then every non-blank row by header."""
    headers: list[str] | None = None
    table = Table(format_name, [], encoding=encoding)
    for number, cells in numbered_rows:
        cells = list(cells)
        if not any(_filled(cell) for cell in cells):
            continue
        if headers is None:
            while not _filled(cells[-1]):
                cells.pop()  # spreadsheets often carry empty, formatted columns after the last header
            headers = table.headers = unique_headers(cells)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise FileFormatError(str(_("The file has more than %(max)s rows; split it.", max=MAX_ROWS)))
        table.rows.append((number, dict(zip(headers, cells, strict=False))))
    if headers is None:
        raise FileFormatError(str(_("The file has no header row.")))
    return table


def _filled(cell: Any) -> bool:
    """Whether a cell holds something."""
    return cell is not None and str(cell).strip() != ""


def unique_headers(cells: list[Any]) -> list[str]:
    """Header names, blank ones named by position and repeated ones numbered, so each names one column."""
    if len(cells) > MAX_COLUMNS:
        raise FileFormatError(str(_("The file has more than %(max)s columns.", max=MAX_COLUMNS)))
    headers: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split())
        name = name or str(_("Column %(number)s", number=position))
        base, copy = name, 2
        while name in headers:
            name, copy = f"{base} ({copy})", copy + 1
        headers.append(name)
    return headers


# --- XLSX ---------------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> Table:
    """The first worksheet of a workbook, its cells' values (formulas as last calculated)."""
    from openpyxl import load_workbook

    if _unpacked_size(data) > MAX_UNPACKED:
        raise FileFormatError(str(_("The workbook is too large once unpacked; save it as CSV.")))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileFormatError(str(_("The workbook could not be read; it may be damaged."))) from error
    try:
        sheet = workbook.worksheets[0]
        return _table("xlsx", enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


# --- JSON ---------------------------------------------------------------------------------------


def read_json(data: bytes) -> Table:
    """A JSON list of objects, one per agreement (or {"agreements": [...]}); keys are the columns."""
    text, encoding = decode(data)
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise FileFormatError(str(_("The JSON file is nested too deeply."))) from error
    except json.JSONDecodeError as error:
        message = _(
            "The file is not valid JSON: %(reason)s (line %(line)s, column %(column)s).",
            reason=error.msg,
            line=error.lineno,
            column=error.colno,
        )
        raise FileFormatError(str(message)) from error
    if isinstance(document, dict) and isinstance(document.get("agreements"), list):
        document = document["agreements"]
    if not isinstance(document, list):
        raise FileFormatError(str(_("The JSON file must hold a list of objects, one per agreement.")))
    return _json_table(document, encoding)


def _json_table(items: list[Any], encoding: str) -> Table:
    """Rows numbered by their position in the list; headers are the keys in the order first seen."""
    if len(items) > MAX_ROWS:
        raise FileFormatError(str(_("The file has more than %(max)s rows; split it.", max=MAX_ROWS)))
    headers: dict[str, None] = {}
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise FileFormatError(str(_("Item %(number)s of the JSON list is not an object.", number=number)))
        headers.update(dict.fromkeys(str(key) for key in item))
        rows.append((number, {str(key): value for key, value in item.items()}))
    if len(headers) > MAX_COLUMNS:
        raise FileFormatError(str(_("The file has more than %(max)s columns.", max=MAX_COLUMNS)))
    return Table("json", list(headers), rows, encoding)


READERS = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}
