"""Exports: every matching agreement in CSV, XLSX and JSON, formula-safe cells, the parties and sources
lists, and the round trip export → import into an empty database → export giving the same file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD_HASH, reset_database
from tracker.importing import run_import
from tracker.importing.fields import COLUMNS
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table
from tracker.models import (
    Agreement,
    AgreementStatus,
    AutoRenewal,
    InstrumentType,
    NoticeUnit,
    PartyKind,
    PartyRole,
    RenewalIntent,
    User,
    UserRole,
)
from tracker.services.archive import archive

# The agreement export's header row in English, column by column (tracker/importing/fields.py COLUMNS).
ENGLISH_HEADERS = [
    "Title",
    "Title in the local language",
    "Instrument",
    "Status",
    "Renewal",
    "Signed",
    "Place of signing",
    "Start",
    "End",
    "Duration (months)",
    "Automatic renewal",
    "Renewal period (months)",
    "Notice period",
    "Notice period in",
    "Notice given by",
    "Entry into force",
    "Ratification",
    "Ratifying instrument",
    "Document number",
    "Implementation",
    "Implementation note",
    "Implementation as of",
    "Parties",
    "Sectors",
    "Source URLs",
    "Responsible officer",
    "Responsible unit",
    "Summary",
    "Notes",
]
# The responsible officer of the rich data: an import names an account that must exist where the file goes.
OFFICER = "desk.korea@kemenperin.go.id"
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def rich_data(session, make_party, make_agreement, make_source, make_user, get_sector):
    """Agreements using every column: partial dates, parties without country, several sectors and sources,
    accents, line breaks, and text a spreadsheet would run."""
    ministry = make_party("Kementerian Perindustrian", aliases=["Ministry of Industry"])
    aitec = make_party("AITEC Co., Ltd (Korea)", PartyKind.COMPANY, "KR")
    unido = make_party("UNIDO", PartyKind.INTERNATIONAL_ORGANISATION, None)
    directorate = make_party("@Directorate", PartyKind.MINISTRY, "ID", parent=ministry)
    aitec_deal = make_agreement(
        title="Technology development cooperation",
        title_local="Kerja sama pengembangan teknologi – Kemenperin",
        renewal_intent=RenewalIntent.INTENDED,
        signed="2006-03-15",
        start="2006-03",
        end="2018",
        parties=[
            (ministry, PartyRole.SIGNATORY),
            (aitec, PartyRole.SIGNATORY),
            (directorate, PartyRole.IMPLEMENTING_AGENCY),
        ],
        sectors=[get_sector("technology"), get_sector("electric-vehicles")],
        summary="Line one.\nLine two with “quotes”, commas; and semicolons.",
        notes="-5% tariff\r\nsecond line",
    )
    formula = make_agreement(
        title=FORMULA_TITLE,
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.ANNOUNCED,
        parties=[(unido, PartyRole.FUNDER), (ministry, PartyRole.WITNESS)],
        notes="+62 21 525 5509",
    )
    make_agreement(title="Letter on batteries", instrument_type=InstrumentType.LETTER_OF_INTENT, start="2019")
    aitec_deal.owner, aitec_deal.unit = make_user(email=OFFICER), directorate
    session.commit()
    make_source(url="https://tirto.id/b", agreements=[(aitec_deal, "")])
    make_source(url="https://www.antaranews.com/a", title="Antara", agreements=[(aitec_deal, ""), (formula, "")])
    return {"aitec": aitec_deal, "formula": formula}


def export(client, file_format: str, query: str = ""):
    """GET the agreement export."""
    return client.get(f"/agreements/export?format={file_format}{'&' + query if query else ''}")


def csv_rows(data: bytes) -> list[list[str]]:
    """The rows of an exported CSV file."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_values(data: bytes) -> list[tuple]:
    """Every cell value of a workbook's first sheet."""
    workbook = load_workbook(io.BytesIO(data))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_viewers_export_every_matching_agreement_not_one_page(client_as, rich_data, make_agreement):
    for number in range(30):
        make_agreement(title=f"Filler {number:02d}")
    response = export(client_as(UserRole.VIEWER), "csv", "per_page=10&page=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert (
        response.headers["Content-Disposition"].endswith('.csv"') or ".csv" in response.headers["Content-Disposition"]
    )
    rows = csv_rows(response.data)
    assert rows[0][:3] == ["Title", "Title in the local language", "Instrument"]
    assert len(rows) == 1 + 33


def test_the_export_follows_the_query(client_as, rich_data):
    rows = csv_rows(export(client_as(UserRole.VIEWER), "csv", "country=KR&sector=technology").data)
    assert [row[0] for row in rows[1:]] == ["Technology development cooperation"]
    rows = csv_rows(export(client_as(UserRole.VIEWER), "csv", "signed_from=2006&signed_to=2006").data)
    assert [row[0] for row in rows[1:]] == ["Technology development cooperation"]
    rows = csv_rows(export(client_as(UserRole.VIEWER), "csv", "sort=-title").data)
    assert [row[0] for row in rows[1:]] == [
        "Technology development cooperation",
        "Letter on batteries",
        f"'{FORMULA_TITLE}",
    ]


def test_columns_are_the_import_format(client, rich_data):
    rows = csv_rows(export(client, "csv", "q=Technology").data)
    header, row = rows
    assert header == ENGLISH_HEADERS
    record = dict(zip(COLUMNS, row, strict=True))
    assert record == {
        "title": "Technology development cooperation",
        "title_local": "Kerja sama pengembangan teknologi – Kemenperin",
        "instrument": "agreement",
        "status": "in_force",
        "renewal_intent": "intended",
        "signed": "2006-03-15",
        "place_of_signing": "",
        "start": "2006-03",
        "end": "2018",
        "duration_months": "",
        "auto_renewal": "no",
        "renewal_months": "",
        "notice_period": "",
        "notice_unit": "months",
        "notice_by": "not_recorded",
        "in_force": "",
        "ratification": "not_recorded",
        "ratifying_instrument": "",
        "document_number": "",
        "implementation": "not_recorded",
        "implementation_note": "",
        "implementation_as_of": "",
        "parties": "Kementerian Perindustrian (ID, signatory, ministry); "
        "AITEC Co., Ltd (Korea) (KR, signatory, company); "
        "@Directorate (ID, implementing_agency, ministry)",
        "sectors": "electric-vehicles; technology",
        "sources": "https://tirto.id/b; https://www.antaranews.com/a",
        "owner": OFFICER,
        "unit": "'@Directorate",
        "summary": "Line one.\nLine two with “quotes”, commas; and semicolons.",
        "notes": "'-5% tariff\r\nsecond line",
    }


def test_formulas_are_neutralised_in_csv_and_xlsx_but_not_json(client, rich_data):
    rows = csv_rows(export(client, "csv", "q=HYPERLINK").data)
    assert rows[1][0] == f"'{FORMULA_TITLE}"
    assert rows[1][rows[0].index("Notes")] == "'+62 21 525 5509"
    workbook = load_workbook(io.BytesIO(export(client, "xlsx", "q=HYPERLINK").data))
    cell = workbook.worksheets[0]["A2"]
    assert cell.value == f"'{FORMULA_TITLE}" and cell.data_type == "s"
    assert not any(c.data_type == "f" for row in workbook.worksheets[0].iter_rows() for c in row)
    records = json.loads(export(client, "json", "q=HYPERLINK").data)
    assert records[0]["title"] == FORMULA_TITLE and records[0]["notes"] == "+62 21 525 5509"
    assert records[0]["parties"][0] == {
        "name": "UNIDO",
        "country": None,
        "role": "funder",
        "kind": "international_organisation",
    }


def test_numbers_of_months_and_days_are_cells_of_text(client, make_agreement):
    make_agreement(
        title="MoU on moulds, five-year terms", start="2019-07", duration_months=60, auto_renewal=AutoRenewal.YES,
        notice_period=90, notice_unit=NoticeUnit.DAYS,
    )  # fmt: skip
    record = dict(zip(COLUMNS, csv_rows(export(client, "csv").data)[1], strict=True))
    assert [record[key] for key in ("duration_months", "auto_renewal", "notice_period", "notice_unit")] == [
        "60", "yes", "90", "days",
    ]  # fmt: skip
    assert sheet_values(export(client, "xlsx").data)[1][COLUMNS.index("notice_period")] == "90"
    assert json.loads(export(client, "json").data)[0]["duration_months"] == 60


def test_the_workbook_gives_each_columns_stable_key(client, rich_data):
    workbook = load_workbook(io.BytesIO(export(client, "xlsx").data))
    assert workbook.sheetnames == ["Agreements", "Columns"]
    assert ("Renewal", "renewal_intent") in list(workbook["Columns"].iter_rows(values_only=True))


def test_archived_agreements_are_not_exported(client, session, rich_data, make_user):
    session.info["actor_id"] = make_user().id
    archive(session, session.get(Agreement, rich_data["formula"].id))
    session.commit()
    rows = csv_rows(export(client, "csv").data)
    assert [row[0] for row in rows[1:]] == ["Letter on batteries", "Technology development cooperation"]


def test_bad_format_or_query_is_a_bad_request(client):
    assert export(client, "pdf").status_code == 400
    assert export(client, "csv", "ends_from=2020&ends_to=2010").status_code == 400
    assert export(client, "csv", "signed_from=2020&signed_to=2010").status_code == 400
    assert client.get("/parties/export?format=csv&kind=nonsense").status_code == 400


def test_parties_and_sources_lists(client_as, rich_data):
    viewer = client_as(UserRole.VIEWER)
    rows = csv_rows(viewer.get("/parties/export?format=csv&country=ID").data)
    assert rows[0] == ["Name", "Kind", "Country", "Aliases", "Part of", "Notes"]
    assert rows[1:] == [
        ["'@Directorate", "ministry", "ID", "", "Kementerian Perindustrian", ""],
        ["Kementerian Perindustrian", "ministry", "ID", "Ministry of Industry", "", ""],
    ]
    records = json.loads(viewer.get("/sources/export?format=json&sort=title").data)
    assert [record["url"] for record in records] == ["https://www.antaranews.com/a", "https://tirto.id/b"]
    assert sheet_values(viewer.get("/sources/export?format=xlsx").data)[0][0] == "Link"


def test_export_buttons_keep_the_query(client_as, rich_data):
    page = client_as(UserRole.VIEWER).get("/agreements/?country=KR&sector=technology&page=1").get_data(as_text=True)
    assert "/agreements/export?country=KR&amp;sector=technology&amp;format=xlsx" in page


# --- the round trip ----------------------------------------------------------------------------------


def empty_database_with_the_officer(app, engine, seed_rows) -> None:
    """Empty the database but for the officer's account, as an admin would add it before importing."""
    reset_database(engine, seed_rows)
    with app.extensions["tracker.sessionmaker"]() as session:
        session.add(User(email=OFFICER, password_hash=TEST_PASSWORD_HASH, role=UserRole.EDITOR))
        session.commit()


def reimport(app, engine, seed_rows, data: bytes, name: str) -> None:
    """Empty the database, then import the file into it."""
    empty_database_with_the_officer(app, engine, seed_rows)
    with app.extensions["tracker.sessionmaker"]() as session:
        plan, result = run_import(session, data, name, automatic(read_table(data, name).headers), "ID")
        assert plan.ok, plan.problems
        session.commit()
        assert session.scalar(select(func.count()).select_from(Agreement)) == result.agreements


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_round_trip(app, engine, seed_rows, client_as, rich_data, file_format):
    first = export(client_as(UserRole.VIEWER), file_format).data
    reimport(app, engine, seed_rows, first, f"agreements.{file_format}")
    second = export(client_as(UserRole.VIEWER), file_format).data  # the first user went with the database
    if file_format == "xlsx":
        assert sheet_values(second) == sheet_values(first)
        assert len(sheet_values(first)) == 4
    else:
        assert second == first


def test_round_trip_through_the_command_line(app, engine, seed_rows, rich_data, tmp_path):
    runner = app.test_cli_runner()
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    empty_database_with_the_officer(app, engine, seed_rows)
    result = runner.invoke(args=["import", str(first), "--commit"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["export", "--format", "csv", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


def test_command_line_export_with_a_query(app, rich_data, tmp_path):
    out = tmp_path / "korea.json"
    result = app.test_cli_runner().invoke(args=["export", "--query", "country=KR&sector=technology", str(out)])
    assert result.exit_code == 0, result.output
    assert [record["title"] for record in json.loads(out.read_text())] == ["Technology development cooperation"]
    result = app.test_cli_runner().invoke(args=["export", "--query", "ends_from=2020&ends_to=2010", str(out)])
    assert result.exit_code != 0 and "cannot be read" in result.output
