"""Files for the import and export tests, made in memory: CSV in any encoding, XLSX, JSON, big files."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker.importing.fields import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
TREATY_LIST = FIXTURES / "kemlu_treaty_list.csv"

AITEC_ROW = {
    "title": "Technology development cooperation",
    "instrument": "agreement",
    "status": "in_force",
    "renewal_intent": "intended",
    "start": "2006",
    "end": "2018",
    "parties": "Ministry of Industry (ID, signatory, ministry); AITEC Co., Ltd (KR, signatory, company)",
    "sectors": "technology",
    "sources": "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ",
}


# A spreadsheet as a ministry keeps it: lists separated by "|", ";" or new lines, and columns no field reads.
LIST_HEADERS = ["title", "instrument", "status", "parties", "sectors", "sources", "Nomor arsip", "Catatan internal"]
LIST_ROWS = [
    [
        "MoU on electric vehicle battery cooperation",
        "mou",
        "signed",
        "Ministry of Industry (ID, signatory, ministry) | AITEC Co., Ltd (KR, signatory, company)",
        "technology | renewable-energy",
        "https://tirto.id/a | https://www.antaranews.com/b",
        "KS-2017/114",
        "cek lagi dengan Biro KSLN",
    ],
    [
        "Nota Kesepahaman cetakan dan perkakas",
        "mou",
        "signed",
        "Kementerian Perindustrian (ID, signatory, ministry); Korea Mould Industry Cooperative (KR, witness, other)",
        "moulds-and-dies\ntechnology",
        "https://kemenperin.go.id/artikel/1",
        "",
        "",
    ],
]


# Sectors the vocabulary lacks, named in two cases and in both languages.
SECTOR_HEADERS = ["title", "instrument", "status", "parties", "sectors"]
SECTOR_ROWS = [
    ["MoU on nickel smelters", "mou", "signed", "PT Vale Indonesia (ID, signatory, company)", "Nickel | technology"],
    [
        "LoI baterai kendaraan listrik",
        "loi",
        "signed",
        "LG Energy Solution (KR, signatory, company)",
        "nickel; Baterai",
    ],
    ["Agreement on electronics", "agreement", "in_force", "Samsung (KR, signatory, company)", "Electronics"],
]


def rows_of(records: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> list[list[Any]]:
    """A header row and one row per record, in the columns' order."""
    return [list(columns), *([record.get(column, "") for column in columns] for record in records)]


def csv_file(rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """A CSV file of the rows."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list[Any]]) -> bytes:
    """A workbook with the rows on its first sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_file(records: list[dict[str, Any]]) -> bytes:
    """A JSON list of the records."""
    return json.dumps(records, ensure_ascii=False).encode("utf-8")


def broken_last_row_file(count: int) -> bytes:
    """`generated_rows(count)` as CSV whose last row names an instrument there is not: an import writes the batches
    before it, finds the problem, then rolls them all back."""
    rows = generated_rows(count)
    rows[-1][2] = "no such instrument"
    return csv_file(rows)


def generated_rows(count: int) -> list[list[str]]:
    """A big file's rows: a few thousand companies in ten countries, each row its own agreement and source."""
    countries = ("KR", "JP", "US", "CN", "DE", "FR", "GB", "SG", "MY", "TH")
    sectors = ("technology", "electric-vehicles", "renewable-energy", "moulds-and-dies")
    rows = [["title", "title_local", "instrument", "status", "renewal_intent", "signed", "start", "end", "parties"]]
    rows[0] += ["sectors", "sources", "summary", "notes"]
    for number in range(count):
        country = countries[number % len(countries)]
        parties = (
            f"Ministry of Industry (ID, signatory, ministry); Company {number % 3000} ({country}, signatory, company)"
        )
        rows.append(
            [
                f"Cooperation agreement number {number}",
                "",
                "mou",
                "in_force",
                "none",
                f"{2000 + number % 20}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                f"{2000 + number % 20}",
                f"{2020 + number % 20}",
                parties,
                sectors[number % len(sectors)],
                f"https://example.org/news/{number}",
                "A summary of the agreement.",
                "",
            ]
        )
    return rows


def peak_of(work: Callable[[], object]) -> int:
    """The peak of memory allocated while `work` runs, above what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


# A ministry's rows: a place before the signing date, parallel party countries, "|" lists, a quote, an acronym
# written alone in a later row, and a unit named after the ministry that a later row names.
READING_HEADERS = ["Judul", "Type", "Status", "Signed date", "Start", "End", "Parties", "Party countries"]
READING_HEADERS += ["Sectors", "Source URL", "Source title", "Outlet", "Quote"]
READING_ROWS = [
    [
        "MoU on battery investment",
        "MoU",
        "signed",
        "Jakarta, 22-Apr-2021",
        "2021",
        "2026",
        "Indonesia Investment Coordinating Board (BKPM) | LG Energy Solution, Ltd",
        "ID | KR",
        "electric-vehicles | technology",
        "https://news.example/lg-bkpm",
        "Indonesia, LG sign battery pact",
        "Antara",
        "The agreement covers an integrated battery plant, from mining to cells.",
    ],
    [
        "Technology cooperation with AITEC",
        "Agreement",
        "in force",
        "",
        "2006",
        "2018",
        "Directorate General ILMATE, Ministry of Industry | AITEC Co., Ltd",
        "ID | KR",
        "technology",
        "",
        "",
        "",
        "",
    ],
    [
        "Investment facilitation with Korea",
        "MoU",
        "signed",
        "4 Oktober 2017",
        "",
        "",
        "BKPM | Ministry of Industry | KOTRA",
        "ID | ID | KR",
        "technology",
        "",
        "",
        "",
        "",
    ],
]
