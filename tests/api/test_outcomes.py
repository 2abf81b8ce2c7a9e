"""The JSON API's operations for recording what happened to an agreement: renewal, termination, non-renewal
(issue 15), every answer checked against the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.api_support import assert_problem
from tracker.models import Agreement, AgreementRelation, PartyRole, RelationKind, RenewalIntent, UserRole


def test_a_renewal_creates_the_new_agreement_and_closes_the_old_one(api_as, session, make_agreement, make_party):
    editor = api_as(UserRole.EDITOR)
    ministry = make_party()
    old = make_agreement(start="2006", end="2018", renewal_intent=RenewalIntent.INTENDED)
    path = f"/agreements/{old.id}"
    etag = editor.etag(path)
    body = {
        "title": "Technology development cooperation 2019",
        "instrument_type": "agreement",
        "status": "in_force",
        "start": "2019",
        "end": "2023",
        "parties": [{"party_id": ministry.id, "role": PartyRole.SIGNATORY.value}],
        "old_status": "expired",
    }
    assert_problem(editor.post(f"{path}/renewal", json=body), 428)
    assert_problem(
        editor.post(f"{path}/renewal", json={**body, "old_status": "in_force"}, headers={"If-Match": etag}),
        422,
        "old_status",
    )
    assert_problem(editor.post(f"{path}/renewal", json={**body, "title": ""}, headers={"If-Match": etag}), 422, "title")
    created = editor.post(f"{path}/renewal", json=body, headers={"If-Match": etag})
    assert created.status_code == 201, created.get_json()
    new = created.get_json()
    assert created.headers["Location"].endswith(f"/agreements/{new['id']}") and new["start"] == "2019"
    old_now = editor.get(path).get_json()
    assert (old_now["status"], old_now["renewal_intent"]) == ("expired", "renewed")
    relation = session.scalars(select(AgreementRelation)).one()
    assert (relation.subject_id, relation.object_id, relation.kind) == (new["id"], old.id, RelationKind.RENEWS)
    assert_problem(editor.post(f"{path}/renewal", json=body, headers={"If-Match": etag}), 412)
    assert session.scalar(select(func.count()).select_from(Agreement)) == 2


def test_termination_and_non_renewal(api_as, make_agreement):
    editor = api_as(UserRole.EDITOR)
    agreement = make_agreement(start="2020-01-01", end="2025-12-31")
    path = f"/agreements/{agreement.id}"
    etag = editor.etag(path)
    bad_day = editor.post(f"{path}/termination", json={"on": "2024-02-30"}, headers={"If-Match": etag})
    assert_problem(bad_day, 422, "on")
    assert_problem(editor.post(f"{path}/termination", json={"on": "2019"}, headers={"If-Match": etag}), 422, "on")
    body = {"on": "2024-03-01", "notice_by": "partner", "reason": "Funding ended"}
    ended = editor.post(f"{path}/termination", json=body, headers={"If-Match": etag})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["status"] == "terminated" and ended.get_json()["end"] == "2024-03-01"
    assert "Funding ended" in ended.get_json()["notes"]
    other = make_agreement(title="Ended in 2018", end="2018", renewal_intent=RenewalIntent.INTENDED)
    other_path = f"/agreements/{other.id}"
    not_renewed = editor.post(f"{other_path}/non-renewal", json={}, headers={"If-Match": editor.etag(other_path)})
    assert not_renewed.status_code == 200, not_renewed.get_json()
    assert (not_renewed.get_json()["renewal_intent"], not_renewed.get_json()["status"]) == ("none", "expired")


def test_viewers_cannot_record(api_as, make_agreement):
    viewer = api_as(UserRole.VIEWER)
    agreement = make_agreement()
    path = f"/agreements/{agreement.id}"
    assert_problem(viewer.post(f"{path}/non-renewal", json={}, headers={"If-Match": viewer.etag(path)}), 403)
