"""The JSON API's owners and follow-up actions: the agreement's officer and unit, the owner filter, and the actions
under an agreement (list, add, patch, cancel by DELETE), every answer checked against the OpenAPI document."""

from __future__ import annotations

from tests.api_support import assert_problem
from tracker.models import FollowUpAction, UserRole


def test_an_agreement_carries_its_officer_and_unit(api_as, make_agreement, make_party, make_user):
    editor = api_as(UserRole.EDITOR)
    officer = make_user(UserRole.VIEWER)
    unit = make_party(name="Directorate of Metal Industry")
    agreement = make_agreement()
    path = f"/agreements/{agreement.id}"
    patched = editor.patch(path, json={"owner_id": officer.id, "unit_id": unit.id}, etag=editor.etag(path))
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["owner_id"] == officer.id and patched.get_json()["unit_id"] == unit.id
    refused = editor.patch(path, json={"owner_id": 999_999}, etag=editor.etag(path))
    assert_problem(refused, 422, "owner_id")
    assert [item["id"] for item in editor.get(f"/agreements?owner={officer.id}").get_json()["items"]] == [agreement.id]
    assert editor.get("/agreements?owner=me").get_json()["total"] == 0
    mine = api_as(UserRole.VIEWER)
    make_agreement(title="Owned by the token's user", owner=mine.user)
    assert [item["title"] for item in mine.get("/agreements?owner=me").get_json()["items"]] == [
        "Owned by the token's user"
    ]
    assert_problem(mine.get("/agreements?owner=someone"), 400, "owner")


def test_actions_are_added_changed_and_cancelled(api_as, session, make_agreement, make_user):
    editor = api_as(UserRole.EDITOR)
    assignee = make_user(UserRole.VIEWER)
    agreement = make_agreement()
    base = f"/agreements/{agreement.id}/actions"
    created = editor.post(base, json={"title": "Annual implementation report", "due": "2027-01"})
    assert created.status_code == 201, created.get_json()
    action = created.get_json()
    assert action["status"] == "open" and action["due"] == "2027-01" and action["assignee_id"] is None
    path = f"{base}/{action['id']}"
    assert created.headers["Location"].endswith(path)
    patched = editor.patch(path, json={"assignee_id": assignee.id}, etag=created.headers["ETag"])
    assert patched.status_code == 200 and patched.get_json()["assignee_id"] == assignee.id
    assert patched.get_json()["title"] == "Annual implementation report"  # the rest stays
    assert_problem(editor.patch(path, json={"status": "done"}, etag=created.headers["ETag"]), 412)
    assert_problem(editor.post(base, json={"title": ""}), 422)
    assert_problem(editor.post(base, json={"title": "Report", "due": "2027-02-30"}), 422, "due")
    listed = editor.get(base).get_json()
    assert [item["id"] for item in listed["items"]] == [action["id"]]
    assert editor.delete(path, etag=patched.headers["ETag"]).status_code == 204
    assert editor.get(path).get_json()["status"] == "cancelled"  # kept, with its history
    assert session.get(FollowUpAction, action["id"]) is not None


def test_viewers_read_actions_and_others_agreements_do_not_hold_them(api_as, session, make_agreement):
    agreement, other = make_agreement(), make_agreement(title="Another agreement")
    action = FollowUpAction(agreement=agreement, title="Draft the renewal")
    session.add(action)
    session.commit()
    viewer = api_as(UserRole.VIEWER)
    assert viewer.get(f"/agreements/{agreement.id}/actions/{action.id}").status_code == 200
    assert_problem(viewer.post(f"/agreements/{agreement.id}/actions", json={"title": "Mine"}), 403)
    assert_problem(viewer.get(f"/agreements/{other.id}/actions/{action.id}"), 404)
