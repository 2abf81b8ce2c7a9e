"""Conflicting reports through the API: listed open first and filtered, read, resolved by editors; every answer
checked against the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select

from tests.api_support import assert_problem
from tests.conflict_support import demo_story
from tracker import demo
from tracker.models import Change, UserRole


def test_the_seed_conflicts_are_listed_read_and_resolved(session, api_as):
    aitec = demo_story(session)
    viewer, editor = api_as(UserRole.VIEWER), api_as(UserRole.EDITOR)
    listed = viewer.get(f"/conflicts?state=open&agreement={aitec.id}").get_json()
    assert listed["total"] == 3
    party = next(item for item in listed["items"] if item["fact"] == "party")
    mahata = next(claim for claim in party["claims"] if claim["label"] == "Mahata News")
    assert mahata["value"] == [demo.MINISTRY, demo.KITECH]
    assert mahata["agrees"] is False and party["claims"][0]["origin"] == "record"
    path = f"/conflicts/{party['id']}"
    assert viewer.get(path).get_json() == party

    body = {"preferred": f"source:{mahata['id']}", "reason": "The signed MoU names KITECH."}
    assert_problem(viewer.post(f"{path}/resolve", json=body), 403)
    assert_problem(editor.post(f"{path}/resolve", json={"preferred": "source:999999", "reason": "x"}), 422, "preferred")
    assert_problem(editor.post(f"{path}/resolve", json={"preferred": "record"}), 422, "reason")
    assert_problem(editor.post(f"{path}/resolve", json={**body, "extra": 1}), 422)
    resolved = editor.post(f"{path}/resolve", json=body)
    assert resolved.status_code == 200, resolved.get_json()
    answer = resolved.get_json()
    assert (answer["state"], answer["preferred"], answer["resolved_by"]) == (
        "resolved",
        f"source:{mahata['id']}",
        editor.user.email,
    )
    assert_problem(editor.post(f"{path}/resolve", json=body), 409)
    assert viewer.get("/conflicts?state=resolved").get_json()["total"] == 1
    assert [item["state"] for item in viewer.get("/conflicts").get_json()["items"]] == ["open", "open", "resolved"]
    session.expire_all()
    latest = select(Change.summary).where(Change.record_type == "agreement", Change.record_id == aitec.id)
    summary = session.scalars(latest.order_by(Change.id.desc())).first()
    assert summary == "Conflict resolved: Parties, preferred Mahata News"


def test_bad_filters_and_unknown_conflicts_are_problems(session, api_as):
    demo_story(session)
    viewer = api_as(UserRole.VIEWER)
    assert_problem(viewer.get("/conflicts?state=maybe"), 400, "state")
    assert_problem(viewer.get("/conflicts?agreement=abc"), 400, "agreement")
    assert_problem(viewer.get("/conflicts/999999"), 404)
    assert_problem(api_as(None).get("/conflicts"), 401)
