"""The responsible officer and unit in files: exported as the officer's e-mail and the unit's name, read back by
e-mail or name, a unit named like a party (recorded or new with the file), each problem at its column."""

from __future__ import annotations

from sqlalchemy import select

from tests.data.test_import_plan import commit, plan_of
from tests.import_support import AITEC_ROW, csv_file
from tracker.importing.plan import Outcome
from tracker.models import Agreement, Change, Party, PartyKind, UserRole

# A desk's sheet as kept: Indonesian headers, the officer by name or e-mail, the unit as the directorate is called.
HEADERS = ["Judul", "Jenis", "Status", "Para pihak", "PIC", "Unit kerja"]


def sheet(*rows: list[str]) -> bytes:
    """The desk's sheet with these rows."""
    return csv_file([HEADERS, *rows])


def row(title: str, officer: str, unit: str) -> list[str]:
    """A row of the sheet: an MoU with Korea's AITEC, the officer and unit as written."""
    parties = "Kementerian Perindustrian (ID, signatory, ministry); AITEC Co., Ltd (KR, signatory, company)"
    return [title, "MoU", "Berlaku", parties, officer, unit]


def test_officer_by_name_or_email_and_unit_new_with_the_file(session, make_user):
    siti = make_user(UserRole.EDITOR, email="siti.rahma@kemenperin.go.id")
    siti.name = "Siti Rahma"
    session.commit()
    plan, result = commit(
        session,
        sheet(
            row("MoU kendaraan listrik", "siti rahma", "Direktorat Industri Logam (ID)"),
            row("MoU cetakan dan perkakas", "SITI.RAHMA@kemenperin.go.id", "Direktorat Industri Logam"),
        ),
    )
    assert plan.ok and result is not None, plan.problems
    assert plan.columns["owner"] == "PIC" and plan.columns["unit"] == "Unit kerja"
    agreements = session.scalars(select(Agreement).order_by(Agreement.id)).all()
    assert [agreement.owner_id for agreement in agreements] == [siti.id, siti.id]
    units = {agreement.unit_id for agreement in agreements}
    assert len(units) == 1  # one new party, named twice
    unit = session.get(Party, units.pop())
    assert (unit.name, unit.country_code) == ("Direktorat Industri Logam", "ID")
    created = session.scalars(select(Change).where(Change.record_type == "agreement").order_by(Change.id)).first()
    assert created.changes["owner"] == [None, "siti.rahma@kemenperin.go.id"]
    assert created.changes["unit"] == [None, "Direktorat Industri Logam"]


def test_a_recorded_unit_matches_by_its_other_names(session, make_party):
    ministry = make_party("Kementerian Perindustrian", PartyKind.MINISTRY, "ID")
    directorate = make_party(
        "Direktorat Jenderal Ketahanan, Perwilayahan dan Akses Industri Internasional",
        PartyKind.MINISTRY,
        "ID",
        aliases=["Ditjen KPAII"],
        parent=ministry,
    )
    plan, result = commit(session, sheet(row("MoU industri hijau", "", "Ditjen KPAII")))
    assert plan.ok and result is not None
    assert session.scalars(select(Agreement)).one().unit_id == directorate.id
    assert [(proposal.written, proposal.target) for proposal in plan.matches] == [("Ditjen KPAII", directorate.name)]


def test_an_unknown_or_ambiguous_officer_is_the_rows_problem_at_its_column(session, make_user):
    for email in ("a.putra@kemenperin.go.id", "a.putra2@kemenperin.go.id"):
        make_user(UserRole.EDITOR, email=email).name = "Andi Putra"
    session.commit()
    plan = plan_of(session, sheet(row("MoU satu", "Budi Santoso", ""), row("MoU dua", "Andi Putra", "")))
    assert [(problem.row, problem.column) for problem in plan.problems] == [(2, "PIC"), (3, "PIC")]
    assert "Budi Santoso" in plan.problems[0].message and "e-mail" in plan.problems[1].message
    assert [row.outcome for row in plan.rows] == [Outcome.INVALID, Outcome.INVALID]
    session.rollback()
    assert session.scalars(select(Agreement)).all() == []


def test_a_present_agreement_differs_in_its_officer_only_when_the_file_says(session, make_user):
    officer = make_user(UserRole.EDITOR, email="desk.korea@kemenperin.go.id")
    headers = [*AITEC_ROW, "owner"]
    commit(session, csv_file([headers, [*AITEC_ROW.values(), officer.email]]))
    other = make_user(UserRole.EDITOR, email="desk.asia@kemenperin.go.id")
    again = plan_of(session, csv_file([headers, [*AITEC_ROW.values(), other.email]]))
    assert again.rows[0].outcome is Outcome.PRESENT and again.rows[0].differences == ["Responsible officer"]
    silent = plan_of(session, csv_file([list(AITEC_ROW), list(AITEC_ROW.values())]))
    assert silent.rows[0].outcome is Outcome.PRESENT and silent.rows[0].differences == []
