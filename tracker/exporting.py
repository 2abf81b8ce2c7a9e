"""Agreements, parties and sources as CSV, XLSX or JSON files.

The agreement columns are exactly the import format (tracker/importing/fields.py COLUMNS), so an export
imports back unchanged. CSV and XLSX header cells are the columns' labels in the exporter's language (an
import recognises them in every interface language); XLSX files name each column's stable key on a second
sheet, and JSON records use the keys. Cell values stay the stable values ("in_force"), which every import
reads. CSV and XLSX cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) get a leading apostrophe, which an import removes again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from tracker.i18n import _
from tracker.importing.fields import COLUMNS, target_label
from tracker.importing.values import neutralise
from tracker.models import Agreement, AgreementParty, Party, Source

FORMATS = ("csv", "xlsx", "json")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
LIST_SEPARATOR = "; "
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


def agreement_record(agreement: Agreement) -> dict[str, Any]:
    """An agreement as the import format's fields: lists for parties, sectors and sources, None for no date."""
    return {
        "title": agreement.title,
        "title_local": agreement.title_local,
        "instrument": agreement.instrument_type.value,
        "status": agreement.status.value,
        "renewal_intent": agreement.renewal_intent.value,
        "signed": agreement.signed.iso() if agreement.signed else None,
        "start": agreement.start.iso() if agreement.start else None,
        "end": agreement.end.iso() if agreement.end else None,
        "parties": [party_record(link) for link in agreement.party_links],
        "sectors": [sector.slug for sector in agreement.sectors],
        "sources": sorted(link.source.url for link in agreement.source_links if link.source.url),
        "summary": agreement.summary,
        "notes": agreement.notes,
    }


def party_record(link: AgreementParty) -> dict[str, Any]:
    """A party's part in an agreement."""
    party = link.party
    return {"name": party.name, "country": party.country_code, "role": link.role.value, "kind": party.kind.value}


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
    return [flat[column] or "" for column in COLUMNS]


def party_list_record(party: Party) -> dict[str, Any]:
    """A party for the parties export."""
    return {
        "name": party.name,
        "kind": party.kind.value,
        "country": party.country_code,
        "aliases": [alias.alias for alias in party.aliases],
        "part_of": party.parent.name if party.parent else None,
        "notes": party.notes,
    }


def source_record(source: Source) -> dict[str, Any]:
    """A source for the sources export."""
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


def csv_bytes(columns: tuple[str, ...], rows: Iterable[list[str]]) -> bytes:
    """A CSV file in UTF-8 with a byte order mark (so that Excel reads it as UTF-8), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header(column, columns) for column in columns])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(columns: tuple[str, ...], rows: Iterable[list[str]], sheet_title: str) -> bytes:
    """A workbook: the data on the first sheet, every cell text (dates too), formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    bold = Font(bold=True)
    header_row = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=header(column, columns))
        cell.font = bold
        header_row.append(cell)
    sheet.append(header_row)
    for row in rows:
        sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", cell)) or None for cell in row])
    _columns_sheet(workbook, columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _columns_sheet(workbook: Any, columns: tuple[str, ...]) -> None:
    """A second sheet giving each column's stable key, which programs read (imports read only the first sheet)."""
    if columns != COLUMNS:
        return
    sheet = workbook.create_sheet(str(_("Columns"))[:31])
    sheet.append([str(_("Column")), str(_("Key"))])
    for column in columns:
        sheet.append([neutralise(header(column, columns)), column])


def json_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    """A JSON list of objects, one per record, UTF-8, keys in the columns' order."""
    return (json.dumps(list(records), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_agreements(agreements: Iterable[Agreement], file_format: str) -> bytes:
    """Agreements in the import format."""
    records = (agreement_record(agreement) for agreement in agreements)
    if file_format == "json":
        return json_bytes(records)
    rows = (agreement_cells(record) for record in records)
    if file_format == "xlsx":
        return xlsx_bytes(COLUMNS, rows, str(_("Agreements")))
    return csv_bytes(COLUMNS, rows)


def export_records(records: Iterable[dict[str, Any]], columns: tuple[str, ...], file_format: str, title: str) -> bytes:
    """Parties or sources in a format."""
    if file_format == "json":
        return json_bytes(records)
    rows = (flat_cells(record, columns) for record in records)
    return xlsx_bytes(columns, rows, title) if file_format == "xlsx" else csv_bytes(columns, rows)


def export_parties(parties: Iterable[Party], file_format: str) -> bytes:
    """Parties with their kind, country, aliases and parent."""
    return export_records(
        (party_list_record(party) for party in parties), PARTY_COLUMNS, file_format, str(_("Parties"))
    )


def export_sources(sources: Iterable[Source], file_format: str) -> bytes:
    """Sources with their link, title, kind, outlet, author, date and language."""
    return export_records((source_record(source) for source in sources), SOURCE_COLUMNS, file_format, str(_("Sources")))
