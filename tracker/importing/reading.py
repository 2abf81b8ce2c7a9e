"""Import files read into a table of rows: CSV in any common encoding, XLSX, JSON; files that are not what
their name claims are refused with a message saying what they are.

CSV and XLSX rows are streamed: reading checks the whole file once (encoding, damage, size) and counts its rows,
and every pass over `Table.rows` reads the file again, one row at a time, so that memory does not grow with the
file. JSON files are parsed whole (the standard library has no streaming parser).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePath
from typing import Any, BinaryIO

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


Row = tuple[int, dict[str, Any]]
# Opens the file's records anew: (record number, cells), the header and blank records included.
Records = Callable[[], Iterator[tuple[int, Any]]]
# How many bytes of text are decoded at a time while checking an encoding.
DECODE_CHUNK = 1 << 20
# How much of a file on disk is read to tell what it is.
HEAD_BYTES = 256 * 1024


class FileBytes:
    """A file on disk read in chunks, never whole: what the CSV reader needs of the bytes it reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as file:
            self.head = file.read(HEAD_BYTES)

    def open(self) -> BinaryIO:
        """The file, from its start."""
        return self.path.open("rb")

    def chunks(self) -> Iterator[bytes]:
        """The bytes, DECODE_CHUNK at a time."""
        with self.open() as file:
            while chunk := file.read(DECODE_CHUNK):
                yield chunk


class MemoryBytes(FileBytes):
    """Bytes already in memory, read the same way."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.head = data[:HEAD_BYTES]

    def open(self) -> BinaryIO:
        """The bytes as a file (sharing the buffer)."""
        return io.BytesIO(self.data)

    def chunks(self) -> Iterator[bytes]:
        """The bytes, DECODE_CHUNK at a time."""
        for start in range(0, len(self.data), DECODE_CHUNK):
            yield self.data[start : start + DECODE_CHUNK]


class Rows(Sequence[Row]):
    """A table's rows, read from the file again on every pass: (number in the file, cells by header)."""

    def __init__(self, records: Records, headers: list[str], header_number: int, count: int) -> None:
        self.records = records
        self.headers = headers
        self.header_number = header_number
        self.count = count

    def __iter__(self) -> Iterator[Row]:
        for number, cells in self.records():
            if number > self.header_number and any(_filled(cell) for cell in cells):
                yield number, dict(zip(self.headers, cells, strict=False))

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            return list(islice(self, start, stop, step))
        position = index + self.count if index < 0 else index
        found = list(islice(self, position, position + 1)) if 0 <= position < self.count else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __eq__(self, other: object) -> bool:
        return list(self) == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Table:
    """The file's header and rows; `rows` pairs each row's number in the file with its cells by header."""

    format: str
    headers: list[str]
    rows: Sequence[Row] = field(default_factory=list)
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


def read_table(data: bytes | Path, filename: str, requested: str | None = None) -> Table:
    """Read an upload as the format its name (or `requested`) claims, refusing one whose content disagrees.

    Given a path, a CSV file is read from the disk on every pass instead of being held in memory.
    """
    if isinstance(data, Path):
        with data.open("rb") as file:
            head = file.read(HEAD_BYTES)
        whole = len(head) < HEAD_BYTES
        if whole or head.startswith(b"PK") or format_for(filename, requested) not in ("csv", None):
            return read_table(head if whole else data.read_bytes(), filename, requested)
        if format_for(filename, requested) == "csv" or _text_format(head) == "csv":
            if sniff(head) != "text":
                raise FileFormatError(mismatch_message("csv", sniff(head)))
            return read_csv(FileBytes(data))
        return read_table(data.read_bytes(), filename, requested)
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
    """The text and its encoding (see `text_encoding`)."""
    encoding = text_encoding(MemoryBytes(data))
    return data.decode(encoding), encoding


def text_encoding(data: FileBytes) -> str:
    """The text's encoding: a BOM wins, then UTF-8, then charset-normalizer's best guess; checked, not kept."""
    head = data.head
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            _check_decodes(data, encoding)
            return encoding
    if _decodes(data, "utf-8"):
        return "utf-8"
    best = from_bytes(head[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in LATIN_GUESSES and _decodes(data, "cp1252"):
        encoding = "cp1252"  # Latin-script guesses disagree only on rare letters; Excel here saves windows-1252
    _check_decodes(data, encoding)
    return encoding


def _decodes(data: FileBytes, encoding: str) -> bool:
    """Whether the bytes are valid in the encoding; decoded a chunk at a time, the text is not kept."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in data.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_decodes(data: FileBytes, encoding: str) -> None:
    """A FileFormatError naming the encoding when the bytes are not valid in it."""
    try:
        valid = _decodes(data, encoding)
    except LookupError:
        valid = False
    if not valid:
        message = _("The text could not be read (it is not valid %(encoding)s). Save it as UTF-8.", encoding=encoding)
        raise FileFormatError(str(message))


def text_stream(data: FileBytes, encoding: str) -> io.TextIOWrapper:
    """The bytes as text read a little at a time (newlines left to the csv module); close it after use."""
    return io.TextIOWrapper(data.open(), encoding=encoding, newline="")


def delimiter_of(line: str) -> str:
    """The delimiter the header line uses most (",", ";", tab or "|")."""
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(data: bytes | FileBytes) -> Table:
    """A CSV file: the first non-blank record is the header; blank records are skipped but counted."""
    source = data if isinstance(data, FileBytes) else MemoryBytes(data)
    encoding = text_encoding(source)
    with text_stream(source, encoding) as stream:
        first_line = next((line for line in stream if line.strip()), "")
    delimiter = delimiter_of(first_line)

    def records() -> Iterator[tuple[int, list[str]]]:
        with text_stream(source, encoding) as stream:
            reader = csv.reader(stream, delimiter=delimiter)
            try:
                yield from enumerate(reader, start=1)
            except csv.Error as error:
                message = _(
                    "The CSV file could not be read near line %(line)s: %(reason)s", line=reader.line_num, reason=error
                )
                raise FileFormatError(str(message)) from error

    return _table("csv", records, encoding)


def _table(format_name: str, records: Records, encoding: str | None = None) -> Table:
    """Header from the first non-blank record; one pass over the rest to count them and meet any damage now."""
    headers: list[str] | None = None
    header_number = count = 0
    for number, cells in records():
        if not any(_filled(cell) for cell in cells):
            continue
        if headers is None:
            cells = list(cells)
            while not _filled(cells[-1]):
                cells.pop()  # spreadsheets often carry empty, formatted columns after the last header
            headers, header_number = unique_headers(cells), number
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileFormatError(str(_("The file has more than %(max)s rows; split it.", max=MAX_ROWS)))
    if headers is None:
        raise FileFormatError(str(_("The file has no header row.")))
    return Table(format_name, headers, Rows(records, headers, header_number, count), encoding)


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
    if _unpacked_size(data) > MAX_UNPACKED:
        raise FileFormatError(str(_("The workbook is too large once unpacked; save it as CSV.")))

    def records() -> Iterator[tuple[int, tuple[Any, ...]]]:
        workbook = _open_workbook(data)
        try:
            yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        finally:
            workbook.close()

    return _table("xlsx", records)


def _open_workbook(data: bytes) -> Any:
    """The workbook in openpyxl's read-only (streaming) mode."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileFormatError(str(_("The workbook could not be read; it may be damaged."))) from error


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
