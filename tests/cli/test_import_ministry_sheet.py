"""A ministry's own spreadsheet of 56 agreements involving Indonesia, imported as a desk officer would (issue 14).

tests/fixtures/ministry_sheet.csv is transcribed in the style of public reports: headers a person writes, in
English and Indonesian; parties, countries and sectors listed with " | "; names with commas and acronyms; units of
ministries; dates at any precision and in Indonesian; quotes with commas and new lines; one article linked under
http:// and https://. It is imported once per engine (a dry run, then one `--commit --create-sectors`) and every
test below reads the result.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import reset_database
from tracker import create_app
from tracker.dates import PartialDate
from tracker.models import (
    Agreement,
    AgreementSource,
    Change,
    CitedFact,
    EvidenceLevel,
    InstrumentType,
    Party,
    RenewalIntent,
    Sector,
    Source,
)
from tracker.queries.agreements import AgreementFilters, search_agreements
from tracker.urls import normalize_url

SHEET = Path(__file__).parent.parent / "fixtures" / "ministry_sheet.csv"
ROWS = list(csv.DictReader(io.StringIO(SHEET.read_text(encoding="utf-8"), newline="")))
HEADERS = list(ROWS[0])
# Columns that no field of an agreement holds: the dry run must name them.
NO_FIELD = ("No.", "No. Arsip")
# Columns a person writes for fields the tracker has: they must be imported, not named as ignored.
RECOGNISED = ("Judul", "Title (Indonesian)", "Type", "Parties", "Party countries", "Sectors", "Signed date", "Start")
RECOGNISED += ("End", "Status", "Renewal", "Source URL", "Source title", "Outlet", "Published", "Quote", "Keterangan")
KNOWN_SECTORS = {"technology", "renewable energy", "electric vehicles", "moulds and dies"}
# The sheet's sectors that are keywords of one seeded sector: read as that sector, and listed for checking.
BY_KEYWORD = {"geothermal": "Renewable energy", "solar power": "Renewable energy"}

ILMATE = "Directorate General ILMATE, Ministry of Industry of the Republic of Indonesia"
BPPI = "Agency for Industrial Research and Development (BPPI), Ministry of Industry"
EBTKE = (
    "Directorate General of New, Renewable Energy and Energy Conservation (EBTKE), "
    "Ministry of Energy and Mineral Resources"
)
TIRTO = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
KEMENPERIN = (
    "https://kemenperin.go.id/artikel/18032/Kemenperin-dan-AITEC-Korea-Perpanjang-Kerja-Sama-Pengembangan-Teknologi"
)
ANTARA = (
    "https://www.antaranews.com/berita/1891264/"
    "indonesia-teken-kerja-sama-baterai-kendaraan-listrik-dengan-lg-dan-hyundai"
)

# The agreements each topic's words must find: every row about it, whatever language its words are in.
BATTERY = [
    "Memorandum of Understanding on a Lithium Battery Plant in the IMIP Estate",
    "Agreement on Nickel Hydrometallurgy (HPAL) Project in Obi Island",
    "Memorandum of Understanding on Investment in Battery Cathode Production",
    "Memorandum of Understanding on Battery Industry Investment with LG Chem",
    "Memorandum of Understanding on the Indonesia Battery Corporation",
    "Heads of Agreement on the Integrated Electric Vehicle Battery Project",
    "Joint Venture Agreement on the HLI Green Power Battery Cell Plant",
    "Framework Agreement on the Indonesia Grand Package battery investment",
    "Conditional Share Subscription Agreement on the Battery Supply Chain Joint Ventures",
    "Memorandum of Understanding on Critical Minerals and Electric Vehicle Battery Supply Chains",
    "Agreement on the Pomalaa HPAL Nickel Processing Project",
    "Memorandum of Understanding on Mixed Hydroxide Precipitate Supply",
    "Letter of Intent on Battery Electric Vehicle Research",
    "Memorandum of Understanding on a Battery Recycling Plant",
]
ELECTRIC_VEHICLES = [
    "Extension of the Technology Development Cooperation with AITEC (moulds and dies, renewable energy, electric "
    "vehicles)",
    "Memorandum of Understanding on Electric Vehicle Technology Development",
    "Memorandum of Understanding on Battery Industry Investment with LG Chem",
    "Memorandum of Understanding on the Indonesia Battery Corporation",
    "Heads of Agreement on the Integrated Electric Vehicle Battery Project",
    "Joint Venture Agreement on the HLI Green Power Battery Cell Plant",
    "Memorandum of Understanding on Hyundai Electric Car Production in Indonesia",
    "Framework Agreement on the Indonesia Grand Package battery investment",
    "Memorandum of Understanding on Electric Motorcycle Ecosystem Development",
    "Memorandum of Understanding on Electric Vehicle Charging Infrastructure",
    "Memorandum of Understanding on Critical Minerals and Electric Vehicle Battery Supply Chains",
    "Agreement on the Pomalaa HPAL Nickel Processing Project",
    "Memorandum of Understanding on the Development of the Electric Vehicle Industry",
    "Letter of Intent on Battery Electric Vehicle Research",
    "Memorandum of Understanding on Electric Bus Development",
]
NICKEL = [
    "Agreement on the Establishment of a Polytechnic for Metal Industry in Morowali",
    "Cooperation Agreement on the Development of the Morowali Nickel Industrial Estate",
    "Memorandum of Understanding on Nickel Pig Iron and Stainless Steel Smelter Expansion",
    "Memorandum of Understanding on a Lithium Battery Plant in the IMIP Estate",
    "Agreement on Nickel Hydrometallurgy (HPAL) Project in Obi Island",
    "Memorandum of Understanding on a Nickel-Cobalt Processing Plant in Weda Bay",
    "Memorandum of Understanding on Battery Industry Investment with LG Chem",
    "Heads of Agreement on the Integrated Electric Vehicle Battery Project",
    "Framework Agreement on the Indonesia Grand Package battery investment",
    "Conditional Share Subscription Agreement on the Battery Supply Chain Joint Ventures",
    "Agreement on the Pomalaa HPAL Nickel Processing Project",
    "Memorandum of Understanding on Mixed Hydroxide Precipitate Supply",
]


@dataclass
class Imported:
    """The application after the sheet's import, and what the commands printed."""

    app: Flask
    dry_run: Result
    xlsx_dry_run: Result
    commit: Result


def xlsx_of(path: Path) -> bytes:
    """The same rows as an XLSX workbook, every cell text, as a ministry's Excel file holds them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append([row[header] for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def imported(database_url, engine, seed_rows, tmp_path_factory) -> Iterator[Imported]:
    """The sheet's dry runs (CSV and XLSX) and its one import with --commit --create-sectors, on a fresh database."""
    reset_database(engine, seed_rows)
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test"})
    xlsx = tmp_path_factory.mktemp("sheet") / "ministry_sheet.xlsx"
    xlsx.write_bytes(xlsx_of(SHEET))
    runner = app.test_cli_runner()
    dry_run = runner.invoke(args=["import", str(SHEET)])
    xlsx_dry_run = runner.invoke(args=["import", str(xlsx)])
    commit = runner.invoke(args=["import", str(SHEET), "--commit", "--create-sectors"])
    yield Imported(app, dry_run, xlsx_dry_run, commit)
    app.extensions["tracker.engine"].dispose()


@pytest.fixture
def db(imported: Imported) -> Iterator[Session]:
    """A session on the imported database."""
    with imported.app.extensions["tracker.sessionmaker"]() as session:
        yield session


def ignored_columns(output: str) -> list[str]:
    """The columns the report names as not imported."""
    prefix = "Not imported (no field reads these columns): "
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    return lines[0][len(prefix) :].split(", ") if lines else []


def agreement(session: Session, title: str) -> Agreement:
    """The imported agreement of this title."""
    return session.scalars(select(Agreement).where(Agreement.title == title)).one()


def party(session: Session, name: str) -> Party:
    """The one party of this name."""
    return session.scalars(select(Party).where(Party.name == name)).one()


def found(session: Session, words: str) -> list[str]:
    """The titles a search for these words finds, through the query layer the list page uses."""
    page = search_agreements(session, AgreementFilters(text=words), per_page=100)
    return sorted(item.title for item in page.items)


# --- the dry run -------------------------------------------------------------------------------


@pytest.mark.parametrize("run", ["dry_run", "xlsx_dry_run"])
def test_the_dry_run_names_each_column_it_does_not_import_and_imports_the_others(imported, run):
    output = getattr(imported, run).output
    ignored = ignored_columns(output)
    assert set(NO_FIELD) <= set(ignored), output
    assert [header for header in RECOGNISED if header in ignored] == []
    mapped = [line for line in output.splitlines() if " <- " in line]
    assert len(mapped) + len(ignored) == len(HEADERS)  # every column is either imported or named


@pytest.mark.parametrize("run", ["dry_run", "xlsx_dry_run"])
def test_the_dry_run_lists_the_unknown_sectors_once_and_no_other_problem(imported, run):
    output = getattr(imported, run).output
    listed = [line for line in output.splitlines() if "These sectors are not in the sector list:" in line]
    assert len(listed) == 1, output
    names = listed[0].split("not in the sector list: ")[1].split(". Add them")[0].split(", ")
    expected = {item.strip() for row in ROWS for item in row["Sectors"].split("|")}
    unknown = {name.casefold() for name in expected} - KNOWN_SECTORS - set(BY_KEYWORD)
    assert sorted(name.casefold() for name in names) == sorted(unknown)
    assert "Sectors named by a keyword (check; --keep-apart NAME if wrong): Geothermal -> Renewable energy" in output
    row_problems = [line.strip() for line in output.splitlines() if line.strip().startswith("row ")]
    assert row_problems == []


# --- the import ------------------------------------------------------------------------------------


def test_one_command_imports_every_row(imported, db):
    assert imported.commit.exit_code == 0, imported.commit.output
    assert "Imported 56 agreements" in imported.commit.output
    titles = db.scalars(select(Agreement.title)).all()
    assert sorted(titles) == sorted(row["Judul"] for row in ROWS)


def test_nothing_in_a_row_is_dropped(db):
    """Each recognised cell of every row is on its agreement: titles in both languages, instrument, dates, notes."""
    for row in ROWS:
        recorded = agreement(db, row["Judul"])
        assert recorded.title_local == row["Title (Indonesian)"], row["No."]
        assert recorded.notes == row["Keterangan"], row["No."]
        assert (recorded.signed is None) == (row["Signed date"] == ""), row["No."]
        assert (recorded.end is None) == (row["End"] == ""), row["No."]
        assert len(recorded.party_links) == len(row["Parties"].split(" | ")), row["No."]
        assert len(recorded.source_links) == (1 if row["Source URL"] else 0), row["No."]


def test_dates_and_words_as_a_ministry_writes_them(db):
    treaty = agreement(db, "Agreement on Industrial Standardisation and Quality Control Cooperation")
    assert treaty.signed == PartialDate.parse("1992-04-22")  # "Jakarta, 22-Apr-1992"
    aitec_ev = agreement(db, "Memorandum of Understanding on Electric Vehicle Technology Development")
    assert aitec_ev.signed == PartialDate.parse("2017-10-04")  # "4 Oktober 2017"
    assert aitec_ev.instrument_type is InstrumentType.MOU  # "Nota Kesepahaman"
    assert aitec_ev.renewal_intent is RenewalIntent.NONE  # "Not renewed"
    first = agreement(
        db,
        "Memorandum of Understanding on Technology Development Cooperation between the Ministry of Industry and AITEC",
    )
    assert first.start == PartialDate.parse("2006") and first.end == PartialDate.parse("2012")
    assert first.instrument_type is InstrumentType.MOU
    assert first.renewal_intent is RenewalIntent.RENEWED


def test_a_blank_renewal_is_not_recorded_not_a_decision(db):
    blank = [row["Judul"] for row in ROWS if not row["Renewal"].strip()]
    assert len(blank) > 30
    intents = {agreement(db, title).renewal_intent for title in blank}
    assert intents == {RenewalIntent.NOT_RECORDED}
    decided = [row["Judul"] for row in ROWS if row["Renewal"] in ("No", "Tidak")]
    assert {agreement(db, title).renewal_intent for title in decided} == {RenewalIntent.NONE}


def test_parties_are_not_made_twice(db):
    names = db.scalars(select(Party.name)).all()
    assert len(names) == len(set(names))
    bkpm = party(db, "Indonesia Investment Coordinating Board")
    assert [alias.alias for alias in bkpm.aliases] == ["BKPM"]
    for spelled in ("BKPM", "Ministry of Investment/BKPM"):
        assert db.scalar(select(func.count()).select_from(Party).where(Party.name == spelled)) == 0
    named = [row["Judul"] for row in ROWS if "BKPM" in row["Parties"]]
    assert len(named) == 7
    for title in named:
        assert bkpm in [link.party for link in agreement(db, title).party_links], title
    for full, acronym in (
        ("Indonesia Battery Corporation", "IBC"),
        ("Contemporary Amperex Technology Co., Limited", "CATL"),
        ("PT Indonesia Morowali Industrial Park", "IMIP"),
    ):
        assert acronym in [alias.alias for alias in party(db, full).aliases]
        assert db.scalar(select(func.count()).select_from(Party).where(Party.name == acronym)) == 0
    aitec = party(db, "AITEC Co., Ltd")  # the comma in its name is not a separator
    assert aitec.country_code == "KR"
    assert len(aitec.agreement_links) == 4


def test_units_come_under_their_ministry(db):
    industry = party(db, "Ministry of Industry")
    energy = party(db, "Ministry of Energy and Mineral Resources")
    assert party(db, ILMATE).parent == industry
    assert party(db, BPPI).parent == industry
    assert party(db, EBTKE).parent == energy


def test_parties_take_their_countries_from_the_parallel_column(db):
    assert party(db, "Tsingshan Holding Group").country_code == "CN"
    assert party(db, "Eramet").country_code == "FR"
    assert party(db, "Masdar (Abu Dhabi Future Energy Company)").country_code == "AE"
    assert party(db, "United Nations Industrial Development Organization").country_code is None  # "-"


def test_quotes_are_the_notes_of_the_links(db):
    quoted = [row for row in ROWS if row["Quote"]]
    assert len(quoted) > 15
    for row in quoted:
        link = agreement(db, row["Judul"]).source_links[0]
        assert link.note == row["Quote"], row["No."]
    multiline = [row for row in quoted if "\n" in row["Quote"]]
    assert len(multiline) >= 3


def test_quotes_cite_the_facts_they_state(db):
    first = agreement(db, ROWS[0]["Judul"])  # "Kerja sama dengan AITEC sudah berjalan sejak 2006, …"
    cited = {(citation.fact, citation.party.name if citation.party else None) for citation in first.citations}
    assert cited == {(CitedFact.START, None), (CitedFact.PARTY, "AITEC Co., Ltd")}
    assert {citation.source.url_normalized for citation in first.citations} == {normalize_url(TIRTO)}
    assert all(citation.quote == ROWS[0]["Quote"] for citation in first.citations)
    # "Kerja sama diperpanjang hingga 2018": the end, and the renewal intended.
    second = agreement(db, ROWS[1]["Judul"])
    assert {citation.fact for citation in second.citations} == {CitedFact.END, CitedFact.RENEWAL_INTENT}
    assert (first.evidence, second.evidence) == (EvidenceLevel.NEWS, EvidenceLevel.NEWS)
    unquoted = [row for row in ROWS if not row["Quote"] and row["Source URL"]]
    assert unquoted and all(agreement(db, row["Judul"]).evidence is EvidenceLevel.NONE for row in unquoted)
    history = db.scalars(select(Change).where(Change.record_type == "agreement", Change.record_id == first.id)).one()
    assert history.changes["citations"] == [None, ["party: AITEC Co., Ltd", "start"]]


def test_sources_are_described_by_their_columns_and_each_article_is_one_source(db):
    for url, rows in ((TIRTO, 2), (KEMENPERIN, 2), (ANTARA, 2)):
        source = db.scalars(select(Source).where(Source.url_normalized == normalize_url(url))).one()
        assert len(source.agreement_links) == rows, url
    urls = {normalize_url(row["Source URL"]) for row in ROWS if row["Source URL"]}
    assert db.scalar(select(func.count()).select_from(Source)) == len(urls)
    tirto = db.scalars(select(Source).where(Source.url_normalized == normalize_url(TIRTO))).one()
    assert tirto.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert tirto.outlet == "tirto.id"
    assert str(tirto.published_on) == "2017-10-04"
    for row in ROWS:
        if row["Source URL"] and row["Source title"]:
            source = db.scalars(select(Source).where(Source.url_normalized == normalize_url(row["Source URL"]))).one()
            assert source.title == row["Source title"], row["No."]
            assert source.outlet == row["Outlet"], row["No."]
            assert (source.published_on is None) == (row["Published"] == ""), row["No."]


def test_the_sheets_sectors_are_in_the_vocabulary(db):
    names = {name.casefold() for name in db.scalars(select(Sector.name))}
    written = {item.strip().casefold() for row in ROWS for item in row["Sectors"].split("|")}
    assert written - set(BY_KEYWORD) <= names
    assert {name.casefold() for name in BY_KEYWORD.values()} <= names
    nickel = db.scalars(select(Sector).where(Sector.slug == "nickel")).one()
    filed = db.scalar(select(func.count()).select_from(Agreement).where(Agreement.sectors.contains(nickel)))
    assert filed == sum("nickel" in row["Sectors"].casefold() for row in ROWS)
    links = db.scalar(select(func.count()).select_from(AgreementSource))
    assert links == sum(1 for row in ROWS if row["Source URL"])


# --- searches as officers type them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("batteries", BATTERY),
        ("baterai", BATTERY),
        ("electric vehicles", ELECTRIC_VEHICLES),
        ("kendaraan listrik", ELECTRIC_VEHICLES),
        ("nickel", NICKEL),
        ("nikel", NICKEL),
    ],
)
def test_searches_find_the_agreements_about_the_topic(db, words, expected):
    got = found(db, words)
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    assert (missing, extra) == ([], [])
