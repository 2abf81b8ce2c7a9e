"""POST /api/v1/agreements/bulk: one change to many agreements by ids, by records with versions or by the list's
query; all or nothing; roles; every answer checked against the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import func, select, update

from tests.api_support import assert_problem
from tracker.models import Agreement, AgreementStatus, Change, ChangeAction, InstrumentType, RenewalIntent, UserRole

PATH = "/agreements/bulk"


def many(session, count: int, prefix: str = "Kerja Sama Teknik “Otomotif”") -> list[Agreement]:
    rows = [
        Agreement(
            title=f"{prefix} {number} — Automotive cooperation",
            instrument_type=InstrumentType.AGREEMENT,
            status=AgreementStatus.SIGNED,
            renewal_intent=RenewalIntent.NOT_RECORDED,
        )
        for number in range(count)
    ]
    session.add_all(rows)
    session.commit()
    return rows


def entries(session, ids) -> int:
    session.rollback()
    statement = select(func.count()).where(
        Change.record_type == "agreement", Change.record_id.in_(ids), Change.action != ChangeAction.CREATE
    )
    return session.scalar(statement)


def test_200_agreements_by_id_in_one_call(api_as, session):
    chosen = many(session, 200)
    ids = [agreement.id for agreement in chosen]
    answer = api_as(UserRole.EDITOR).post(PATH, json={"ids": ids, "action": "set_status", "value": "in_force"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["count"], body["changed"], body["unchanged"]) == (200, 200, 0)
    assert {record["id"] for record in body["records"]} == set(ids)
    assert entries(session, ids) == 200
    again = api_as(UserRole.EDITOR).post(PATH, json={"ids": ids[:3], "action": "set_status", "value": "in_force"})
    assert again.get_json()["unchanged"] == 3 and entries(session, ids) == 200


def test_all_matching_a_query(api_as, session, make_sector):
    make_sector("Otomotif", slug="otomotif")
    many(session, 4)
    many(session, 2, prefix="Perjanjian Tekstil")
    editor = api_as(UserRole.EDITOR)
    answer = editor.post(PATH, json={"query": "q=Otomotif&status=signed", "action": "add_sector", "value": "otomotif"})
    assert answer.status_code == 200 and answer.get_json()["changed"] == 4
    session.rollback()
    filed = select(func.count()).select_from(Agreement).where(Agreement.sectors.any())
    assert session.scalar(filed) == 4
    assert_problem(editor.post(PATH, json={"query": "ends_from=soon", "action": "archive"}), 422, "query")


def test_records_changed_since_they_were_read_save_nothing(api_as, session):
    chosen = many(session, 3)
    records = [{"id": agreement.id, "version": agreement.version} for agreement in chosen]
    session.execute(update(Agreement).where(Agreement.id == chosen[1].id).values(version=Agreement.version + 1))
    session.commit()
    answer = api_as(UserRole.EDITOR).post(PATH, json={"records": records, "action": "set_renewal", "value": "none"})
    problem = assert_problem(answer, 412)
    assert problem["stale"] == [{"id": chosen[1].id, "version": 2}]
    assert entries(session, [agreement.id for agreement in chosen]) == 0


def test_bad_values_are_422_naming_the_field(api_as, session):
    ids = [agreement.id for agreement in many(session, 2)]
    editor = api_as(UserRole.EDITOR)
    assert_problem(editor.post(PATH, json={"ids": ids, "action": "set_status", "value": "over"}), 422, "value")
    assert_problem(editor.post(PATH, json={"ids": ids, "action": "assign_owner", "value": 99999}), 422, "value")
    assert_problem(editor.post(PATH, json={"ids": ids, "action": "set_status", "value": ["expired"]}), 422)
    assert_problem(editor.post(PATH, json={"ids": ids, "action": "explode"}), 422)
    assert_problem(editor.post(PATH, json={"ids": ids, "query": "q=x", "action": "archive"}), 422)
    assert_problem(editor.post(PATH, json={"action": "archive"}), 422)
    assert_problem(editor.post(PATH, json={"ids": [*ids, 987654], "action": "archive"}), 404)
    assert entries(session, ids) == 0


def test_viewers_may_not_change_in_bulk(api_as, session):
    ids = [agreement.id for agreement in many(session, 2)]
    assert_problem(api_as(UserRole.VIEWER).post(PATH, json={"ids": ids, "action": "archive"}), 403)
    archived = api_as(UserRole.EDITOR).post(PATH, json={"ids": ids, "action": "archive"})
    assert archived.status_code == 200 and archived.get_json()["changed"] == 2
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_listing_by_id(api_as, session):
    chosen = many(session, 5)
    listed = api_as(UserRole.VIEWER).get("/agreements", query_string={"id": [chosen[0].id, chosen[4].id]})
    assert sorted(item["id"] for item in listed.get_json()["items"]) == [chosen[0].id, chosen[4].id]
    assert_problem(api_as(UserRole.VIEWER).get("/agreements", query_string={"id": "x"}), 400, "id")
