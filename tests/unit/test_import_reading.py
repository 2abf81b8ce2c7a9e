"""Reading import files: every format and common encoding, delimiters, blank rows, odd headers, and files
that are not what their name claims."""

from __future__ import annotations

import codecs
import io
import json
import zipfile

import pytest

from tests.import_support import AITEC_ROW, TREATY_LIST, csv_file, generated_rows, json_file, rows_of, xlsx_file
from tracker.importing.reading import FileFormatError, read_table

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEADER = ["title", "notes"]
ROWS = [HEADER, ["Kerja sama teknik", "Café, Jalan Merdeka – 2006"]]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("utf-16", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16"],
)
def test_csv_in_common_encodings(encoding, prefix):
    table = read_table(prefix + csv_file(ROWS, encoding), "agreements.csv")
    assert table.headers == HEADER
    assert table.rows == [(2, {"title": "Kerja sama teknik", "notes": "Café, Jalan Merdeka – 2006"})]


def test_windows_1252_is_detected_and_named():
    rows = [HEADER, *(["Kerja sama", f"Café – Jalan Merdeka no. {n}"] for n in range(20))]
    table = read_table(csv_file(rows, "cp1252"), "agreements.csv")
    assert table.encoding in ("cp1252", "windows-1252")
    assert table.rows[0][1]["notes"] == "Café – Jalan Merdeka no. 0"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_read_from_the_header(delimiter):
    rows = [["title", "parties"], ["A", "Ministry (ID, signatory); AITEC (KR, funder)"]]
    table = read_table(csv_file(rows, delimiter=delimiter), "agreements.csv")
    assert table.rows[0][1]["parties"] == "Ministry (ID, signatory); AITEC (KR, funder)"


def test_blank_rows_are_skipped_but_counted_and_extra_cells_ignored():
    text = b"\r\n\r\ntitle,notes\r\nA,one\r\n,\r\n\r\nB,two,extra,cells\r\n\r\n"
    table = read_table(text, "agreements.csv")
    assert [(number, cells["title"]) for number, cells in table.rows] == [(4, "A"), (7, "B")]
    assert table.rows[1][1] == {"title": "B", "notes": "two"}


def test_blank_and_repeated_headers_get_names_of_their_own():
    table = read_table(csv_file([["title", "", "title", "Notes"], ["A", "x", "B", "n"]]), "agreements.csv")
    assert table.headers == ["title", "Column 2", "title (2)", "Notes"]


def test_xlsx_rows_by_their_sheet_row_numbers():
    data = xlsx_file([["title", "start"], ["A", 2006], [None, None], ["B", "2007-03"]])
    table = read_table(data, "agreements.xlsx")
    assert table.format == "xlsx"
    assert table.rows == [(2, {"title": "A", "start": 2006}), (4, {"title": "B", "start": "2007-03"})]


def test_json_lists_and_the_wrapped_form():
    records = [{**AITEC_ROW, "sectors": ["technology"]}]
    for document in (records, {"agreements": records}):
        table = read_table(json.dumps(document).encode(), "agreements.json")
        assert table.rows[0][1]["sectors"] == ["technology"]
        assert table.rows[0][0] == 1


def test_the_format_comes_from_the_content_when_the_name_has_no_extension():
    assert read_table(json_file([AITEC_ROW]), "upload").format == "json"
    assert read_table(csv_file(rows_of([AITEC_ROW])), "upload").format == "csv"
    assert read_table(xlsx_file(rows_of([AITEC_ROW])), "upload").format == "xlsx"


def test_the_treaty_list_fixture_reads():
    table = read_table(TREATY_LIST.read_bytes(), TREATY_LIST.name)
    assert table.encoding == "utf-8-sig"
    assert table.headers[1] == "Judul Perjanjian"
    assert [number for number, _cells in table.rows] == [2, 3, 4, 5, 6, 8, 9]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "agreements.csv", "named as CSV but it is a PNG image"),
        (csv_file(ROWS), "agreements.xlsx", "named as XLSX but it is a text file"),
        (xlsx_file(ROWS), "agreements.csv", "named as CSV but it is an Excel workbook"),
        (b"%PDF-1.4 ...", "agreements.json", "a PDF document"),
        (b'[{"title": "A",}', "agreements.json", "not valid JSON"),
        (b'{"title": "A"}', "agreements.json", "must hold a list of objects"),
        (b'[{"title": "A"}, 3]', "agreements.json", "Item 2"),
        (b"", "agreements.csv", "empty"),
        (b"\r\n\r\n", "agreements.csv", "empty"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "agreements.xlsx", "old Excel"),
        (PNG, "upload", "is a PNG image, not a CSV, XLSX or JSON file"),
    ],
    ids=[
        "png-as-csv",
        "csv-as-xlsx",
        "xlsx-as-csv",
        "pdf-as-json",
        "broken-json",
        "json-object",
        "json-item",
        "empty",
        "blank",
        "xls",
        "png",
    ],
)
def test_files_that_are_not_what_they_claim(data, name, message):
    with pytest.raises(FileFormatError, match=message):
        read_table(data, name)


def test_a_damaged_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really>")
    with pytest.raises(FileFormatError, match="could not be read"):
        read_table(buffer.getvalue(), "agreements.xlsx")


def test_empty_formatted_columns_after_the_header_are_dropped():
    table = read_table(xlsx_file([["title", "notes", None, None], ["A", "n", None, "stray"]]), "agreements.xlsx")
    assert table.headers == ["title", "notes"]
    assert table.rows == [(2, {"title": "A", "notes": "n"})]


def test_deeply_nested_json():
    with pytest.raises(FileFormatError, match="nested too deeply"):
        read_table(b"[" * 100_000 + b"]" * 100_000, "agreements.json")


def test_a_workbook_that_unpacks_into_too_much(monkeypatch):
    from tracker.importing import reading

    monkeypatch.setattr(reading, "MAX_UNPACKED", 1000)
    with pytest.raises(FileFormatError, match="too large once unpacked"):
        read_table(xlsx_file(ROWS), "agreements.xlsx")


def test_text_that_no_encoding_reads():
    with pytest.raises(FileFormatError):
        read_table(b"title\r\n" + bytes(range(128, 256)) * 4 + b"\x00\x00", "agreements.csv")


def test_a_large_csv_file_on_disk_reads_as_its_bytes_do(tmp_path):
    data = codecs.BOM_UTF8 + csv_file(generated_rows(3_000), delimiter=";")
    assert len(data) > 256 * 1024  # larger than what is read to tell the format: streamed from the disk
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    from_disk, in_memory = read_table(path, path.name), read_table(data, path.name)
    assert (from_disk.headers, from_disk.encoding, len(from_disk.rows)) == (in_memory.headers, "utf-8-sig", 3_000)
    assert from_disk.rows[2_999] == in_memory.rows[2_999] and list(from_disk.rows) == list(in_memory.rows)
    path.write_bytes(PNG + b"\x00" * 300_000)
    with pytest.raises(FileFormatError, match="PNG"):
        read_table(path, path.name)
