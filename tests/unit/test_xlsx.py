"""The streamed workbook (tracker/xlsx.py), read back by openpyxl: cells escaped a row at a time stay each its own."""

import io

from openpyxl import load_workbook

from tracker import xlsx


def read_back(rows: list[list[str | None]]) -> list[tuple]:
    """The first sheet's rows as openpyxl reads the workbook of `rows`."""
    data = b"".join(xlsx.workbook_chunks([("Data", rows)]))
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def test_cells_keep_their_text_markup_and_line_breaks() -> None:
    """Markup characters, both line breaks and empty or missing cells come back as written, each in its column."""
    rows = [["Title", "Notes", "Place"], ["A & B <MoU>", None, "first\r\nsecond"], ["", "'quoted\"", "Seoul"]]
    assert read_back(rows) == [
        ("Title", "Notes", "Place"),
        ("A & B <MoU>", None, "first\r\nsecond"),
        (None, "'quoted\"", "Seoul"),
    ]


def test_characters_a_workbook_cannot_hold_are_dropped_cell_by_cell() -> None:
    """Control characters go; a cell of nothing else is left empty and its neighbours keep their columns."""
    rows = [["a", "b", "c"], ["MoU\x00 with\x0b AITEC", "\x01\x02", "kept\tTab"]]
    assert read_back(rows) == [("a", "b", "c"), ("MoU with AITEC", None, "kept\tTab")]


def test_rows_wider_than_twenty_six_columns() -> None:
    """Columns past Z (AA, AB, …) are placed where they belong."""
    header = [f"c{index}" for index in range(1, 71)]
    row = [str(index) if index % 3 else None for index in range(1, 71)]
    assert read_back([header, row])[1] == tuple(row)


def test_the_header_row_is_bold() -> None:
    """Only the first row carries the bold style."""
    data = b"".join(xlsx.workbook_chunks([("Data", [["Head"], ["body"]])]))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
