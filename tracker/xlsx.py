"""A workbook written while its rows are produced: the XLSX parts go into a ZIP archive whose compressed bytes are
handed out as they are made, so a download starts at once and memory does not grow with the number of rows.

openpyxl, even in its write-only mode, assembles the archive only in `save`, after the last row: a workbook of
100,000 agreements would send its first byte after all of them. Here each sheet is plain SpreadsheetML (text cells as
inline strings, the first row bold) written into the archive row by row; Python's zipfile writes to a stream it
cannot seek by putting each entry's sizes after its data. openpyxl, Excel and LibreOffice read such files.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from xml.sax.saxutils import escape, quoteattr

# Control characters XML 1.0 does not allow (openpyxl's ILLEGAL_CHARACTERS_RE): dropped, as openpyxl would refuse them.
ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Joins a row's cells for escaping them at once: a control character no cell can hold (ILLEGAL removes it).
SEPARATOR = "\x00"
INLINE = '><is><t xml:space="preserve">'
# Rows written between hand-outs of the compressed bytes (zlib itself holds back a few tens of kilobytes).
ROWS_PER_CHUNK = 200
SHEET_TITLE_LIMIT = 31
# zlib's fastest level: a third of the time of its default (6) on a sheet's repetitive XML, for a file a fifth larger.
COMPRESS_LEVEL = 1

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Style 0 is the default, style 1 bold (the header row).
STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)

Sheet = tuple[str, Iterable[Sequence[str | None]]]


class _Sink(io.RawIOBase):
    """An unseekable file that keeps what the archive writes until `take` hands it out."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        """The archive writes here."""
        return True

    def write(self, data: bytes) -> int:
        """Keep the bytes."""
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        """Everything written since the last call."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def workbook_chunks(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The XLSX file of the sheets (title, rows; each sheet's first row is its header), piece by piece."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        titles = [title[:SHEET_TITLE_LIMIT] for title, _rows in sheets]
        for name, text in package_parts(titles).items():
            archive.writestr(name, text)
        yield sink.take()
        for number, (_title, rows) in enumerate(sheets, start=1):
            # Opened by name, the entry takes the archive's compression and level, and the time now.
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                yield from sheet_chunks(part, rows, sink)
    yield sink.take()


def sheet_chunks(part: io.BufferedIOBase, rows: Iterable[Sequence[str | None]], sink: _Sink) -> Iterator[bytes]:
    """Write a worksheet's XML into its archive entry, handing out the compressed bytes every few rows."""
    part.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
    pending: list[str] = []
    for number, cells in enumerate(rows, start=1):
        pending.append(row_xml(number, cells, bold=number == 1))
        if number % ROWS_PER_CHUNK == 0:
            # One write (one pass of zlib and of the checksum) per chunk of rows: per row, those calls cost more.
            part.write("".join(pending).encode())
            pending.clear()
            data = sink.take()
            if data:
                yield data
    part.write("".join(pending).encode())
    part.write(b"</sheetData></worksheet>")


def row_xml(number: int, cells: Sequence[str | None], bold: bool = False) -> str:
    """One row: each non-empty cell a text cell (an inline string, never a formula)."""
    texts = [value or "" for value in cells]
    if ILLEGAL.search("".join(texts)):  # rarely: one search of the row rather than one substitution per cell
        texts = [ILLEGAL.sub("", text) for text in texts]
    # The row's cells escaped together (the separator is one of the characters just removed), since per cell the
    # calls cost more than the escaping. A carriage return as a character reference: XML readers turn a literal one
    # into a line feed.
    bodies = escape(SEPARATOR.join(texts)).replace("\r", "&#13;").split(SEPARATOR)
    letters = column_letters(len(bodies))
    opening = f'" t="inlineStr" s="1"{INLINE}' if bold else f'" t="inlineStr"{INLINE}'
    row = "".join(
        [
            f'<c r="{letter}{number}{opening}{body}</t></is></c>'
            for letter, body in zip(letters, bodies, strict=True)
            if body
        ]
    )
    return f'<row r="{number}">{row}</row>'


@cache
def column_letter(index: int) -> str:
    """ "A" for 1, "Z" for 26, "AA" for 27 (computed once per column)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@cache
def column_letters(count: int) -> tuple[str, ...]:
    """The letters of a row's first `count` columns (computed once per row length)."""
    return tuple(column_letter(index) for index in range(1, count + 1))


def package_parts(titles: list[str]) -> dict[str, str]:
    """The archive's parts other than the sheets: content types, relationships, the workbook and its styles."""
    numbers = range(1, len(titles) + 1)
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>' for n in numbers
    )
    sheet_links = "".join(
        f'<Relationship Id="rId{n}" Type="{DOCUMENT}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in numbers
    )
    sheet_entries = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>' for n, title in enumerate(titles, start=1)
    )
    styles_id = f"rId{len(titles) + 1}"
    return {
        "[Content_Types].xml": (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET}.styles+xml"/>{sheet_types}</Types>'
        ),
        "_rels/.rels": (
            f'{HEAD}<Relationships xmlns="{RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>{sheet_entries}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{HEAD}<Relationships xmlns="{RELATIONSHIPS}">{sheet_links}'
            f'<Relationship Id="{styles_id}" Type="{DOCUMENT}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": STYLES,
    }
