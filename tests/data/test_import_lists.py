"""A ministry's spreadsheet as it is kept: lists in one cell separated by "|", ";" or new lines, and columns the
import does not read named instead of dropped (issue 14)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.import_support import LIST_HEADERS, LIST_ROWS, SECTOR_HEADERS, SECTOR_ROWS, csv_file, xlsx_file
from tracker.dates import PartialDate
from tracker.importing import dry_run, run_import
from tracker.importing.mapping import automatic
from tracker.importing.plan import Outcome
from tracker.importing.reading import read_table
from tracker.importing.values import split_list, url_items
from tracker.models import (
    Agreement,
    AgreementSource,
    AgreementStatus,
    Change,
    InstrumentType,
    Party,
    PartyKind,
    Source,
)
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement


def plan_of(session, data: bytes, name: str):
    """The dry run of a file mapped by its headers."""
    return dry_run(session, data, name, automatic(read_table(data, name).headers), "ID")


def test_lists_split_on_bars_semicolons_and_new_lines_never_on_commas():
    assert split_list("technology | electronics") == ["technology", "electronics"]
    assert split_list("A; B\nC|D") == ["A", "B", "C", "D"]
    assert split_list("AITEC Co., Ltd (KR, signatory, company)") == ["AITEC Co., Ltd (KR, signatory, company)"]
    assert url_items("https://tirto.id/a | https://tirto.id/b") == ["https://tirto.id/a", "https://tirto.id/b"]


def test_a_bar_separated_spreadsheet_plans_each_party_sector_and_source(session):
    plan = plan_of(session, csv_file([LIST_HEADERS, *LIST_ROWS]), "kerja_sama.csv")
    assert plan.ok, plan.problems
    first, second = (row.data for row in plan.rows)
    assert [party.name for party, _role in first.parties] == ["Ministry of Industry", "AITEC Co., Ltd"]
    assert len(first.sector_ids) == 2 and len(second.sector_ids) == 2
    assert first.written_sources == ["https://tirto.id/a", "https://www.antaranews.com/b"]
    assert [party.name for party, _role in second.parties] == [
        "Kementerian Perindustrian",
        "Korea Mould Industry Cooperative",
    ]


def test_columns_no_field_reads_are_named_not_dropped(session):
    for data, name in (
        (csv_file([LIST_HEADERS, *LIST_ROWS]), "a.csv"),
        (xlsx_file([LIST_HEADERS, *LIST_ROWS]), "a.xlsx"),
    ):
        plan = plan_of(session, data, name)
        assert plan.ignored == ["Nomor arsip", "Catatan internal"]
    assert session.scalar(select(Agreement.id)) is None  # a dry run


def sector_plan(session, create: bool):
    """The dry run of the sector spreadsheet, adding missing sectors or not."""
    data = csv_file([SECTOR_HEADERS, *SECTOR_ROWS])
    mapping = automatic(read_table(data, "sektor.csv").headers)
    mapping.create_sectors = create
    return dry_run(session, data, "sektor.csv", mapping, "ID")


def test_sectors_the_vocabulary_lacks_are_listed_once_not_per_row(session):
    plan = sector_plan(session, create=False)
    assert plan.unknown_sectors == ["Baterai", "Electronics", "Nickel"]
    assert [problem.message for problem in plan.problems] == [
        "These sectors are not in the sector list: Baterai, Electronics, Nickel. Add them to it, or let the import add"
        " them (flask import --create-sectors, or the option on the mapping page)."
    ]
    assert all(row.problems == [] for row in plan.rows)
    # Everything else is planned as it would be with the sectors added: the dry run shows the whole import.
    assert [row.outcome for row in plan.rows] == [Outcome.CREATE] * len(SECTOR_ROWS)
    assert plan.counts[Outcome.INVALID] == 0 and plan.new_parties and not plan.ok
    assert plan.new_sectors == []  # nothing is added without being asked


def test_missing_sectors_are_added_once_whatever_their_case(session):
    plan = sector_plan(session, create=True)
    assert plan.ok, plan.problems
    assert [(sector.name, sector.slug) for sector in plan.new_sectors] == [
        ("Nickel", "nickel"),
        ("Baterai", "baterai"),
        ("Electronics", "electronics"),
    ]
    first, second, _third = (row.data for row in plan.rows)
    assert first.sector_ids[0] is second.sector_ids[0]  # "Nickel" and "nickel": one new sector


SOURCE_HEADERS = [
    "Judul",
    "Bentuk",
    "Status",
    "Para pihak",
    "Source URL",
    "Judul berita",
    "Media",
    "Tanggal berita",
    "Kutipan",
]
SOURCE_ROW = [
    "Technology development cooperation with AITEC",
    "agreement",
    "in_force",
    "Kementerian Perindustrian (ID, signatory, ministry) | AITEC Co., Ltd (KR, signatory, company)",
    "https://tirto.id/kemenperin-aitec",
    "Kemenperin Perpanjang Kerja Sama dengan Korea",
    "tirto.id",
    "4 Oktober 2017",
    "Kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018",
]


def test_the_source_columns_title_date_and_quote_the_linked_source(session):
    _plan, result = commit_file(session, csv_file([SOURCE_HEADERS, SOURCE_ROW]))
    assert result is not None and result.sources == 1
    source = session.scalars(select(Source)).one()
    assert (source.title, source.outlet, source.published_on) == (
        "Kemenperin Perpanjang Kerja Sama dengan Korea",
        "tirto.id",
        date(2017, 10, 4),
    )
    link = session.scalars(select(AgreementSource)).one()
    assert link.note == "Kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018"


def test_the_source_columns_need_one_source_and_a_full_day(session):
    two_links = [*SOURCE_ROW[:4], "https://tirto.id/a | https://tirto.id/b", *SOURCE_ROW[5:]]
    year_only = [*SOURCE_ROW[:7], "2017", SOURCE_ROW[8]]
    plan = plan_of(session, csv_file([SOURCE_HEADERS, two_links, year_only]), "sumber.csv")
    assert [(problem.row, problem.column, problem.message) for problem in plan.problems] == [
        (2, "Source URL", "The source columns describe one source; this row links 2."),
        (3, "Tanggal berita", "Give the day the source was published, such as 4 Oktober 2017."),
    ]


def commit_file(session, data: bytes):
    """Import a file mapped by its headers and commit when it had no problem."""
    mapping = automatic(read_table(data, "sumber.csv").headers)
    plan, result = run_import(session, data, "sumber.csv", mapping, "ID")
    session.commit() if result else session.rollback()
    return plan, result


PARALLEL_HEADERS = ["Judul", "Bentuk", "Status", "Para pihak", "Negara para pihak", "Peran para pihak"]


def test_party_countries_and_roles_line_up_with_the_parties(session):
    row = [
        "MoU on moulds and dies",
        "mou",
        "signed",
        "Kementerian Perindustrian | Korea Mould Industry Cooperative | UNIDO",
        "Indonesia | Korea, Republic of |",
        "signatory | signatory | witness",
    ]
    plan = plan_of(session, csv_file([PARALLEL_HEADERS, row]), "pihak.csv")
    assert plan.ok, plan.problems
    parties = [(party.name, party.country, role.value) for party, role in plan.rows[0].data.parties]
    assert parties == [
        ("Kementerian Perindustrian", "ID", "signatory"),
        ("Korea Mould Industry Cooperative", "KR", "signatory"),
        ("UNIDO", None, "witness"),
    ]


def test_a_parallel_column_that_does_not_line_up_is_the_rows_problem(session):
    row = ["MoU", "mou", "signed", "Kementerian Perindustrian | AITEC Co., Ltd", "ID", ""]
    plan = plan_of(session, csv_file([PARALLEL_HEADERS, row]), "pihak.csv")
    assert [(problem.column, problem.message) for problem in plan.problems] == [
        ("Para pihak", "The parties column names 2 parties, the party countries column 1.")
    ]


def test_an_acronym_in_brackets_becomes_an_alias_that_later_rows_match(session):
    rows = [
        [
            "MoU on investment",
            "mou",
            "signed",
            "Indonesia Investment Coordinating Board (BKPM) (ID, signatory, agency)",
            "",
            "",
        ],
        ["LoI on smelters", "loi", "signed", "BKPM", "", ""],
        ["MoU on EV batteries", "mou", "signed", "Ministry of Investment/BKPM (ID)", "", ""],
        ["Joint study", "other", "signed", "PT Aneka Tambang (Persero)", "", ""],
    ]
    plan, result = commit_file(session, csv_file([PARALLEL_HEADERS, *rows]))
    assert plan.ok and result is not None, plan.problems
    assert [(party.name, party.aliases) for party in plan.new_parties] == [
        ("Indonesia Investment Coordinating Board", ["BKPM"]),
        ("PT Aneka Tambang (Persero)", []),
    ]
    bkpm = session.scalars(select(Party).where(Party.name == "Indonesia Investment Coordinating Board")).one()
    assert [alias.alias for alias in bkpm.aliases] == ["BKPM"]
    assert len(bkpm.agreement_links) == 3


def test_a_recorded_partys_alias_matches_a_slash_name(session, make_party):
    recorded = make_party(name="Indonesia Investment Coordinating Board", country_code="ID", aliases=["BKPM"])
    row = ["MoU on EV batteries", "mou", "signed", "Ministry of Investment/BKPM", "", ""]
    plan = plan_of(session, csv_file([PARALLEL_HEADERS, row]), "pihak.csv")
    assert plan.ok and plan.new_parties == []
    assert [party.id for party, _role in plan.rows[0].data.parties] == [recorded.id]


def test_a_unit_named_after_its_recorded_ministry_comes_under_it(session, make_party):
    ministry = make_party(name="Ministry of Industry", country_code="ID", kind=PartyKind.MINISTRY)
    rows = [
        [
            "MoU A",
            "mou",
            "signed",
            "Directorate General ILMATE, Ministry of Industry of the Republic of Indonesia",
            "ID",
            "",
        ],
        ["MoU B", "mou", "signed", "Center for Industrial Education of the Ministry of Industry", "ID", ""],
        ["MoU C", "mou", "signed", "Ministry of Industry, Trade and Energy of Ruritania", "", ""],
    ]
    plan, result = commit_file(session, csv_file([PARALLEL_HEADERS, *rows]))
    assert plan.ok and result is not None, plan.problems
    units = {party.name: party.parent.id if party.parent else None for party in plan.new_parties}
    assert units == {
        "Directorate General ILMATE, Ministry of Industry of the Republic of Indonesia": ministry.id,
        "Center for Industrial Education of the Ministry of Industry": ministry.id,
        "Ministry of Industry, Trade and Energy of Ruritania": None,
    }
    stored = session.scalars(select(Party).where(Party.parent_id == ministry.id)).all()
    assert len(stored) == 2


def test_an_imported_agreements_history_names_its_fields_in_the_order_a_saved_one_does(session):
    data = AgreementData(
        title="Saved through the form",
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.SIGNED,
        summary="S",
        notes="N",
        end=PartialDate.parse("2018"),
    )
    saved = create_agreement(session, data)
    session.commit()
    rows = [
        ["title", "instrument", "status", "summary", "notes", "end"],
        ["Imported", "mou", "signed", "S", "N", "2018"],
    ]
    commit_file(session, csv_file(rows))
    entries = session.scalars(select(Change).where(Change.record_type == "agreement", Change.action == "create"))
    by_record = {entry.record_id: list(entry.changes) for entry in entries}
    imported_id = session.scalar(select(Agreement.id).where(Agreement.title != "Saved through the form"))
    fields = set(by_record[saved.id])
    assert [key for key in by_record[imported_id] if key in fields] == [
        key for key in by_record[saved.id] if key in by_record[imported_id]
    ]


def test_a_sector_named_by_a_keyword_in_the_other_language_is_that_sector(session, get_sector):
    headers = ["title", "instrument", "status", "parties", "sectors"]
    rows = [
        [
            "MoU energi bersih",
            "mou",
            "signed",
            "Kementerian Perindustrian (ID)",
            "Energi terbarukan | Kendaraan Listrik",
        ],
        ["MoU panas bumi", "mou", "signed", "Kementerian Perindustrian (ID)", "Geothermal"],
    ]
    data = csv_file([headers, *rows])
    plan = dry_run(session, data, "sektor.csv", automatic(headers), "ID")
    assert plan.ok, plan.problems
    first, second = (row.data.sector_ids for row in plan.rows)
    assert first == [get_sector("renewable-energy").id, get_sector("electric-vehicles").id]
    assert second == [get_sector("renewable-energy").id]  # a keyword of one sector only
    assert [(match.written, match.target) for match in plan.sector_matches] == [
        ("Energi terbarukan", "Renewable energy"),
        ("Kendaraan Listrik", "Electric vehicles"),
        ("Geothermal", "Renewable energy"),
    ]
    mapping = automatic(headers)
    mapping.kept_apart, mapping.create_sectors = frozenset({"geothermal"}), True
    kept = dry_run(session, data, "sektor.csv", mapping, "ID")
    assert [sector.name for sector in kept.new_sectors] == ["Geothermal"]
    assert [match.accepted for match in kept.sector_matches] == [True, True, False]
