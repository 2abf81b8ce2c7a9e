"""Exports stream: rows are read a chunk at a time with a fixed number of statements per chunk, the file goes out
piece by piece as they are read, and memory does not grow with the number of agreements (tests/web/test_export.py
checks the files' content)."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from tests.import_support import csv_file, generated_rows, peak_of
from tracker import exporting, xlsx
from tracker.importing import import_table
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table
from tracker.models import PartyRole, UserRole
from tracker.queries import exports
from tracker.queries.agreements import AgreementFilters, SortOrder
from tracker.queries.parties import PartyFilters
from tracker.queries.sources import SourceFilters

CHUNK = 10


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of CHUNK rows, so that a few dozen agreements make several."""
    monkeypatch.setattr(exports, "CHUNK", CHUNK)


def add_agreements(session, count: int, first: int = 0) -> None:
    """`count` agreements, each with two parties, a sector and a source, through the importer."""
    rows = generated_rows(first + count)
    table = read_table(csv_file([rows[0], *rows[1 + first :]]), "agreements.csv")
    _plan, result = import_table(session, table, automatic(table.headers), "ID")
    assert result.agreements == count
    session.commit()


def selects(statements: list[str]) -> list[str]:
    """The SELECT statements among those run."""
    return [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]


def by_title() -> AgreementFilters:
    """Every agreement, by title (the export's default order)."""
    return AgreementFilters(sort=SortOrder.TITLE)


def test_statements_grow_with_chunks_not_rows(session, small_chunks, count_statements):
    add_agreements(session, 45)
    with count_statements() as statements:
        rows = list(exports.agreements_for_export(session, by_title()))
    assert len(rows) == 45
    assert all(len(row.parties) == 2 and len(row.sectors) == 1 and len(row.sources) == 1 for row in rows)
    # One statement for the agreements, then parties, sectors and sources once per chunk.
    assert len(selects(statements)) == 1 + 3 * math.ceil(45 / CHUNK)


def test_rows_are_read_one_chunk_at_a_time(session, small_chunks, count_statements):
    add_agreements(session, 45)
    with count_statements() as statements:
        rows = exports.agreements_for_export(session, by_title())
        first = next(rows)
        assert len(selects(statements)) == 1 + 3  # the first chunk's links only
        assert first.title == "Cooperation agreement number 0"
        rows.close()


def test_links_are_those_of_each_agreement(session, small_chunks, make_agreement, make_party, make_source, get_sector):
    unido, kemenperin = make_party("UNIDO"), make_party("Kemenperin")
    for number in range(25):
        agreement = make_agreement(
            title=f"Agreement {number:02d}",
            parties=[(unido, PartyRole.SIGNATORY)] + ([(kemenperin, PartyRole.WITNESS)] if number % 2 else []),
            sectors=[get_sector("technology")] if number % 3 else [],
        )
        make_source(url=f"https://example.org/{number:02d}/b", agreements=[(agreement, "")])
        make_source(url=f"https://example.org/{number:02d}/a", agreements=[(agreement, "")])
    rows = list(exports.agreements_for_export(session, by_title()))
    assert [row.title for row in rows] == [f"Agreement {number:02d}" for number in range(25)]
    for number, row in enumerate(rows):
        assert [party.name for party in row.parties] == ["UNIDO", "Kemenperin"][: 1 + number % 2]
        assert row.sectors == (["technology"] if number % 3 else [])
        assert row.sources == [f"https://example.org/{number:02d}/a", f"https://example.org/{number:02d}/b"]


def test_parties_and_sources_exports_read_in_chunks(session, small_chunks, count_statements):
    add_agreements(session, 45)
    with count_statements() as statements:
        sources = list(exports.sources_for_export(session, SourceFilters()))
    assert len(sources) == 45
    assert len(selects(statements)) == 1
    with count_statements() as statements:
        parties = list(exports.parties_for_export(session, PartyFilters()))
    assert len(parties) == 46  # the ministry and 45 companies
    assert len(selects(statements)) == 1 + math.ceil(46 / CHUNK)  # the parties, then the aliases of each chunk


def drain(pieces: Iterator[bytes]) -> None:
    """Read every piece of a file and keep none."""
    for _piece in pieces:
        pass


@pytest.mark.parametrize("file_format", exporting.FORMATS)
def test_memory_does_not_grow_with_the_number_of_agreements(session, monkeypatch, file_format):
    monkeypatch.setattr(exports, "CHUNK", 50)
    monkeypatch.setattr(exporting, "PIECE", 4096)
    peaks = {}
    for count, added in ((150, 150), (1500, 1350)):
        add_agreements(session, added, first=count - added)
        session.expunge_all()

        def export(file_format=file_format) -> None:
            drain(exporting.export_agreements(exports.agreements_for_export(session, by_title()), file_format))

        export()  # warm the statement cache, which is not the file's memory
        peaks[count] = peak_of(export)
    # Ten times the agreements: the same chunk-sized peak (a file held whole would add megabytes).
    assert peaks[1500] < peaks[150] * 1.5 + 50_000, peaks


def test_the_download_is_streamed(client_as, small_chunks, session):
    add_agreements(session, 45)
    response = client_as(UserRole.VIEWER).get("/agreements/export?format=json", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert "Content-Length" not in response.headers
    assert response.headers["Content-Disposition"].startswith("attachment; filename=agreements-")
    pieces = list(response.response)
    response.close()
    assert pieces[0] == b"["  # sent before any row was read
    records = json.loads(b"".join(pieces))
    assert len(records) == 45 and records[0]["title"] == "Cooperation agreement number 0"


@pytest.mark.parametrize("read_all", [True, False])
def test_the_download_gives_its_connection_back(app, client_as, small_chunks, session, monkeypatch, read_all):
    monkeypatch.setattr(exporting, "PIECE", 1000)
    add_agreements(session, 45)
    session.close()
    pool = app.extensions["tracker.engine"].pool
    response = client_as(UserRole.VIEWER).get("/agreements/export?format=csv", buffered=False)
    pieces = iter(response.response)
    next(pieces), next(pieces)  # the header, then rows: reading has begun
    assert pool.checkedout() == 1
    if read_all:
        assert sum(1 for _piece in pieces) > 3
        assert pool.checkedout() == 0
    response.close()  # what the server does when the download ends or the user cancels it
    assert pool.checkedout() == 0


def test_command_line_export_writes_the_pieces(app, session, small_chunks, tmp_path):
    add_agreements(session, 45)
    out = tmp_path / "agreements.csv"
    result = app.test_cli_runner().invoke(args=["export", str(out)])
    assert result.exit_code == 0, result.output
    assert f"CSV, {out.stat().st_size} bytes" in result.output
    assert out.read_bytes().decode("utf-8-sig").count("Cooperation agreement number") == 45


# --- the file writers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "records",
    [
        [],
        [{"a": 1}],
        [{"title": "Line\nbreak “quoted”", "parties": [], "sectors": ["x", "y"]}, {"nested": [{}]}],
        [{"n": 1.5, "yes": True, "no": False, "none": None, "deep": {"a": [[], {}, [1, {"b": "\u00e9\t\\"}]]}}],
        [{1: "a number as a key", "tuple": (1, "two")}],
    ],
)
def test_json_pieces_are_the_text_of_one_dump(records):
    text = b"".join(exporting.json_chunks(iter(records))).decode("utf-8")
    assert text == json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def test_csv_pieces_make_one_file(monkeypatch):
    monkeypatch.setattr(exporting, "PIECE", 10)
    rows = [[f"row {number}", "=1+1"] for number in range(5)]
    pieces = list(exporting.csv_chunks(("name", "notes"), rows))
    assert len(pieces) == 6  # the header, then one piece per row at this size
    assert b"".join(pieces).decode("utf-8-sig").splitlines() == ["Name,Notes"] + [
        f"row {number},'=1+1" for number in range(5)
    ]


def test_workbook_goes_out_while_its_rows_are_written():
    consumed = []

    def rows() -> Iterator[list[str]]:
        for number in range(20_000):
            consumed.append(number)
            yield [f"row {number}", f"{number * 7919 % 10007} {number * 104729 % 1299709}"]

    sizes_when_handed_out = [len(consumed) for _piece in xlsx.workbook_chunks([("Sheet", rows())])]
    assert sizes_when_handed_out[0] == 0  # the package parts, before any row
    assert len([size for size in sizes_when_handed_out if 0 < size < 20_000]) > 5


def test_workbook_cells_keep_their_text():
    tricky = ["  spaces kept  ", "a < b & c > d", "line\r\nbreak", "control\x01\x1fcharacters", "ünïcødé “x”"]
    rows = [["Header", "Other"], *([text, None] for text in tricky), ["", "second column"]]
    data = b"".join(xlsx.workbook_chunks([("A title with <&> that is longer than 31 characters", rows), ("Two", [])]))
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["A title with <&> that is longer", "Two"]
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values == [
        ("Header", "Other"),
        ("  spaces kept  ", None),
        ("a < b & c > d", None),
        ("line\r\nbreak", None),
        ("controlcharacters", None),
        ("ünïcødé “x”", None),
        (None, "second column"),
    ]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value)


# --- issue 19: bounded statements, streamed downloads, failures that do not pass for whole files ---------------


def link_selects(statements: list[str]) -> list[str]:
    """The statements that read a chunk's links (parties, sectors, sources)."""
    links = ("agreement_party", "agreement_sector", "agreement_source")
    return [statement for statement in selects(statements) if statement.split("FROM", 1)[-1].split()[0] in links]


def download_statements(client, count_statements, file_format: str) -> tuple[int, bytes]:
    """(SELECT statements, body) of one whole export download."""
    with count_statements() as statements:
        response = client.get(f"/agreements/export?format={file_format}", buffered=False)
        body = b"".join(response.response)
        response.close()
    assert response.status_code == 200
    return len(selects(statements)), body


@pytest.mark.parametrize("file_format", exporting.FORMATS)
def test_the_same_statements_at_10_and_500_agreements(client_as, session, count_statements, file_format):
    client = client_as(UserRole.VIEWER)
    add_agreements(session, 10)
    at_10, _body = download_statements(client, count_statements, file_format)
    add_agreements(session, 490, first=10)
    at_500, body = download_statements(client, count_statements, file_format)
    assert at_500 == at_10  # 500 agreements are one chunk (CHUNK = 1000): no statement per agreement
    assert len(parsed(body, file_format)) == 500


def test_the_links_are_read_chunk_by_chunk_as_the_download_goes(
    client_as, small_chunks, session, count_statements, monkeypatch
):
    monkeypatch.setattr(exporting, "PIECE", 100)  # a piece per record
    add_agreements(session, 45)
    client = client_as(UserRole.VIEWER)
    with count_statements() as statements:
        response = client.get("/agreements/export?format=json", buffered=False)
        pieces = iter(response.response)
        assert next(pieces) == b"["  # the first piece, before any row was read
        assert link_selects(statements) == []
        first_record = next(pieces)
        after_first = len(link_selects(statements))
        rest = b"".join(pieces)
        response.close()
    assert after_first == 3  # only the first chunk's three link statements when its first record went out
    assert len(link_selects(statements)) == 3 * math.ceil(45 / CHUNK)
    assert len(json.loads(b"[" + first_record + rest)) == 45


def parsed(body: bytes, file_format: str) -> list:
    """The records of a downloaded file: CSV and XLSX rows without the header, JSON objects."""
    if file_format == "json":
        return json.loads(body)
    if file_format == "xlsx":
        return list(
            load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(min_row=2, values_only=True)
        )
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]


@pytest.mark.parametrize("file_format", exporting.FORMATS)
def test_every_format_parses_back_with_every_agreement(client_as, small_chunks, session, file_format):
    add_agreements(session, 45)
    response = client_as(UserRole.VIEWER).get(f"/agreements/export?format={file_format}")
    assert response.headers["Content-Type"] == exporting.MIMETYPES[file_format]  # one charset, not two
    records = parsed(response.data, file_format)
    assert len(records) == 45
    titles = [record["title"] if file_format == "json" else record[0] for record in records]
    assert titles == sorted(titles, key=str.lower) and len(set(titles)) == 45
    parties = [len(record["parties"]) if file_format == "json" else record[22].count(";") + 1 for record in records]
    assert set(parties) == {2}


def failing_after_the_first_chunk(monkeypatch) -> None:
    """Make the second chunk's links fail, as a database gone midway would."""
    calls = []
    with_links = exports.with_links

    def flaky(session, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return with_links(session, rows)

    monkeypatch.setattr(exports, "with_links", flaky)


@pytest.mark.parametrize("file_format", exporting.FORMATS)
def test_a_failure_midway_is_not_a_whole_file(client_as, small_chunks, session, monkeypatch, app, file_format):
    monkeypatch.setattr(exporting, "PIECE", 100)
    add_agreements(session, 45)
    failing_after_the_first_chunk(monkeypatch)
    response = client_as(UserRole.VIEWER).get(f"/agreements/export?format={file_format}", buffered=False)
    assert response.status_code == 200  # sent with the first piece, before the failure
    received = []
    with pytest.raises(RuntimeError, match="went away"):  # to the server, which cuts the connection short
        for piece in response.response:
            received.append(piece)
    response.close()
    body = b"".join(received)
    if file_format == "csv":  # the only format that would read as whole: its last line says it is not
        last = body.decode("utf-8-sig").splitlines()[-1]
        assert last.startswith("# Incomplete file") and last.count(",") == 0
    elif file_format == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    else:
        with pytest.raises(zipfile.BadZipFile):
            zipfile.ZipFile(io.BytesIO(body))
    assert app.extensions["tracker.engine"].pool.checkedout() == 0


def test_a_command_line_export_failing_midway_leaves_no_file(app, session, small_chunks, monkeypatch, tmp_path):
    add_agreements(session, 45)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "agreements.csv"
    out.write_text("yesterday's export\n")
    failing_after_the_first_chunk(monkeypatch)
    result = app.test_cli_runner().invoke(args=["export", str(out)])
    assert result.exit_code != 0
    assert out.read_text() == "yesterday's export\n"  # not replaced by a file cut short
    assert [path.name for path in out.parent.iterdir()] == ["agreements.csv"]  # and no partial file left
