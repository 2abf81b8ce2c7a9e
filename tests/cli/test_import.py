"""`flask import`: a dry run unless --commit, the same report as the preview, a progress bar on large files,
and a non-zero exit status when the file cannot be imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.import_support import (
    AITEC_ROW,
    LIST_HEADERS,
    LIST_ROWS,
    READING_HEADERS,
    READING_ROWS,
    SECTOR_HEADERS,
    SECTOR_ROWS,
    TREATY_LIST,
    csv_file,
    generated_rows,
    json_file,
    rows_of,
)
from tracker import search
from tracker.importing.apply import BATCH
from tracker.models import Agreement, Change, ImportPreset, Party, Sector
from tracker.queries.agreements import AgreementFilters, search_agreements


@pytest.fixture
def run(app):
    """Run a CLI command; the result."""

    def invoke(*args: str):
        return app.test_cli_runner().invoke(args=list(args))

    return invoke


def write(tmp_path: Path, name: str, data: bytes) -> str:
    """A file for the command to read."""
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def agreements(session) -> int:
    """How many agreements are recorded."""
    session.rollback()
    return session.scalar(select(func.count()).select_from(Agreement))


def test_a_dry_run_by_default(run, session, tmp_path):
    result = run("import", write(tmp_path, "a.csv", csv_file(rows_of([AITEC_ROW]))))
    assert result.exit_code == 0, result.output
    assert "Rows: 1 to create, 0 already present" in result.output
    assert "New parties: 2: Ministry of Industry (ID, ministry); AITEC Co., Ltd (KR, company)" in result.output
    assert "Dry run: nothing was written" in result.output
    assert "Checking rows" not in result.output
    assert agreements(session) == 0


def test_the_report_names_the_columns_it_does_not_import(run, tmp_path):
    output = run("import", write(tmp_path, "kerja_sama.csv", csv_file([LIST_HEADERS, *LIST_ROWS]))).output
    assert "Not imported (no field reads these columns): Nomor arsip, Catatan internal" in output


def test_create_sectors_adds_the_missing_ones_with_their_history(run, session, tmp_path):
    rows = [SECTOR_HEADERS, *SECTOR_ROWS]
    refused = run("import", write(tmp_path, "sektor.csv", csv_file(rows)), "--commit")
    assert refused.exit_code == 1 and "These sectors are not in the sector list: Baterai, Electronics" in refused.output
    result = run("import", write(tmp_path, "sektor.csv", csv_file(rows)), "--commit", "--create-sectors")
    assert result.exit_code == 0, result.output
    assert "New sectors: 3: Nickel; Baterai; Electronics" in result.output
    assert "Added 3 sectors to the sector list." in result.output
    session.rollback()
    nickel = session.scalars(select(Sector).where(Sector.slug == "nickel")).one()
    filed = session.scalars(select(Agreement.title).where(Agreement.sectors.contains(nickel))).all()
    assert sorted(filed) == ["LoI baterai kendaraan listrik", "MoU on nickel smelters"]
    created = session.scalars(select(Change).where(Change.record_type == "sector", Change.record_id == nickel.id)).one()
    assert created.changes["name"] == [None, "Nickel"]


def test_commit(run, session, tmp_path):
    path = write(tmp_path, "a.csv", csv_file(rows_of([AITEC_ROW])))
    result = run("import", path, "--commit")
    assert result.exit_code == 0, result.output
    assert "Imported 1 agreements with 2 new parties and 1 new sources." in result.output
    assert agreements(session) == 1
    result = run("import", path, "--commit")
    assert "already present as agreement" in result.output and "Imported 0 agreements" in result.output
    assert agreements(session) == 1


def test_problems_exit_non_zero_and_write_nothing(run, session, tmp_path):
    rows = [AITEC_ROW, {**AITEC_ROW, "title": "B", "status": "maybe"}]
    result = run("import", write(tmp_path, "a.csv", csv_file(rows_of(rows))), "--commit")
    assert result.exit_code == 1
    assert "row 3, column 'status': “maybe” is not one of" in result.output
    assert "Nothing was imported" in result.output
    assert agreements(session) == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "PNG image"),
        ("a.xlsx", b"title\r\nA\r\n", "named as XLSX"),
        ("a.json", b"[{", "not valid JSON"),
    ],
)
def test_unreadable_files(run, tmp_path, name, data, message):
    result = run("import", write(tmp_path, name, data))
    assert result.exit_code == 1
    assert message in result.output


def test_a_progress_bar_on_large_files(run, tmp_path):
    result = run("import", write(tmp_path, "big.csv", csv_file(generated_rows(1500))))
    assert result.exit_code == 0, result.output
    assert "Checking rows" in result.output
    assert "Rows: 1500 to create" in result.output


def test_presets_by_name_and_the_treaty_list_by_its_headers(run, session, tmp_path):
    result = run("import", str(TREATY_LIST))
    assert result.exit_code == 0, result.output
    assert "Preset: kemlu-treaty-list" in result.output
    assert "Rows: 7 to create" in result.output
    session.add(ImportPreset(name="titles only", mapping={"fields": {"title": "Judul Perjanjian"}}))
    session.commit()
    result = run("import", str(TREATY_LIST), "--preset", "titles only", "--default-instrument", "other")
    assert result.exit_code == 1 and "Give the status." in result.output
    result = run("import", str(TREATY_LIST), "--preset", "nope")
    assert result.exit_code == 1 and "kemlu-treaty-list, titles only" in result.output


def test_the_format_can_be_given(run, tmp_path):
    result = run("import", write(tmp_path, "agreements.txt", json_file([AITEC_ROW])), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "as JSON" in result.output


def test_a_committed_import_of_several_batches_is_indexed_and_linked(run, session, tmp_path, make_agreement):
    # An agreement recorded before: the import's ids follow it (SQLite's writer gives ids itself, see apply.py).
    make_agreement(title="Recorded before the import")
    session.commit()
    result = run("import", write(tmp_path, "big.csv", csv_file(generated_rows(BATCH + 200))), "--commit")
    assert result.exit_code == 0, result.output
    assert agreements(session) == BATCH + 201
    assert search.stale_documents(session.connection()) == []
    session.rollback()  # SQLite: the integrity check took the write lock
    last = session.scalar(select(Agreement).where(Agreement.title == f"Cooperation agreement number {BATCH + 199}"))
    assert [link.party.name for link in last.party_links] == ["Ministry of Industry", f"Company {BATCH + 199}"]
    assert [sector.slug for sector in last.sectors] == ["moulds-and-dies"]
    assert [link.source.url for link in last.source_links] == [f"https://example.org/news/{BATCH + 199}"]
    words = AgreementFilters(text=f"company {BATCH + 199}")
    assert [a.title for a in search_agreements(session, words).items] == [last.title]


def test_readings_of_names_are_reported_and_refused_by_option(run, session, tmp_path):
    path = write(tmp_path, "readings.csv", csv_file([READING_HEADERS, *READING_ROWS]))
    report = run("import", path).output
    assert "(check; --keep-apart NAME if wrong): BKPM -> Indonesia Investment Coordinating Board" in report
    assert "Directorate General ILMATE, Ministry of Industry -> under Ministry of Industry" in report
    unit = "Directorate General ILMATE, Ministry of Industry"
    result = run("import", path, "--commit", "--keep-apart", "BKPM", "--not-a-unit", unit)
    assert result.exit_code == 0, result.output
    assert f"Kept as written, as asked: BKPM; {unit}" in result.output
    session.rollback()
    parents = dict(session.execute(select(Party.name, Party.parent_id)).all())
    assert "BKPM" in parents and parents[unit] is None
