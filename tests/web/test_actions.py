"""Owners and follow-up actions over HTTP: the agreement form's pickers, the owner filter, the actions on the
agreement's page, needs attention, the dashboard and "My agreements"."""

from sqlalchemy import select

from tests.conftest import sign_in_client
from tracker.dates import PartialDate
from tracker.models import ActionStatus, FollowUpAction, UserRole


def action_form(**fields):
    """A valid "add an action" submission (the form's fields carry the prefix "action-")."""
    data = {"title": "Joint working group meeting", "due": "2026-11-20", "assignee_id": "", "note": ""}
    data.update(fields)
    return {f"action-{name}": value for name, value in data.items()}


def stored_actions(session):
    """The actions as committed now."""
    session.rollback()
    session.expire_all()  # the session keeps objects loaded before the request (no expiry on commit)
    return list(session.scalars(select(FollowUpAction).order_by(FollowUpAction.id)))


def test_an_editor_adds_an_action_on_the_agreement_page(client_as, session, make_agreement, make_user):
    officer = make_user(UserRole.VIEWER, email="officer@kemenperin.example")
    agreement = make_agreement()
    editor = client_as(UserRole.EDITOR)
    page = editor.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Add a follow-up action" in page and "officer@kemenperin.example" in page
    response = editor.post(f"/agreements/{agreement.id}/actions", data=action_form(assignee_id=str(officer.id)))
    assert response.status_code == 302 and response.location.endswith(f"/agreements/{agreement.id}#actions")
    [action] = stored_actions(session)
    assert action.title == "Joint working group meeting" and action.assignee_id == officer.id
    assert action.due == PartialDate.parse("2026-11-20")
    html = editor.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Joint working group meeting" in html and "Mark done" in html


def test_a_refused_action_shows_the_message_next_to_the_field(client_as, session, make_agreement):
    agreement = make_agreement()
    response = client_as(UserRole.EDITOR).post(
        f"/agreements/{agreement.id}/actions", data=action_form(title="", due="31 Februari 2026")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="action-title-error"' in html and 'id="action-due-error"' in html
    assert 'value="31 Februari 2026"' in html  # the input stays
    assert stored_actions(session) == []


def test_viewers_see_actions_but_cannot_change_them(client_as, session, make_agreement):
    agreement = make_agreement()
    action = FollowUpAction(agreement=agreement, title="Annual implementation report")
    session.add(action)
    session.commit()
    viewer = client_as(UserRole.VIEWER)
    html = viewer.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Annual implementation report" in html
    assert "Add a follow-up action" not in html and "Mark done" not in html
    assert viewer.post(f"/agreements/{agreement.id}/actions", data=action_form()).status_code == 403
    assert viewer.post(f"/actions/{action.id}/status", data={"status": "done", "version": "1"}).status_code == 403
    assert stored_actions(session)[0].status is ActionStatus.OPEN


def test_editing_an_action_and_a_stale_save(client_as, session, make_agreement):
    agreement = make_agreement()
    action = FollowUpAction(agreement=agreement, title="Report")
    session.add(action)
    session.commit()
    editor = client_as(UserRole.EDITOR)
    assert 'value="Report"' in editor.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    data = {"action-title": "Annual report", "action-due": "2027", "action-status": "open", "action-version": "1"}
    assert editor.post(f"/actions/{action.id}/edit", data=data).status_code == 302
    stale = editor.post(f"/actions/{action.id}/edit", data={**data, "action-title": "Other"})
    assert stale.status_code == 409 and "Someone else saved" in stale.get_data(as_text=True)
    [saved] = stored_actions(session)
    assert saved.title == "Annual report" and saved.due == PartialDate.parse("2027") and saved.version == 2


def test_overdue_actions_are_a_group_of_needs_attention_until_done(client_as, session, make_agreement):
    agreement = make_agreement(title="AITEC technology cooperation", end="2030")
    action = FollowUpAction(agreement=agreement, title="Draft the renewal")
    action.due = PartialDate.parse("2026-10")
    session.add(action)
    session.commit()
    editor = client_as(UserRole.EDITOR)
    page = editor.get("/expiring/?as_of=2026-12-06").get_data(as_text=True)
    group = page[page.index('id="overdue-actions"') :]
    assert "Draft the renewal" in group and "due 36 days ago" in group
    assert 'id="needs-attention"' in page  # the agreements' group stays
    dashboard = editor.get("/?as_of=2026-12-06").get_data(as_text=True)
    assert "1 follow-up action is overdue." in dashboard
    done = editor.post(f"/actions/{action.id}/status?next=expiring", data={"status": "done", "version": "1"})
    assert done.status_code == 302 and done.location.endswith("/expiring/")
    page = editor.get("/expiring/?as_of=2026-12-06").get_data(as_text=True)
    group = page[page.index('id="overdue-actions"') :]
    assert "Draft the renewal" not in group and "No follow-up action is overdue." in group
    assert "follow-up action is overdue" not in editor.get("/?as_of=2026-12-06").get_data(as_text=True)


def test_the_agreement_form_sets_the_officer_and_unit(client_as, session, make_agreement, make_party, make_user):
    officer = make_user(UserRole.EDITOR, email="officer@kemenperin.example")
    unit = make_party(name="Directorate of Metal Industry")
    make_party(name="AITEC Co., Ltd", country_code="KR")
    agreement = make_agreement()
    editor = client_as(UserRole.EDITOR)
    form = editor.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    units = form[form.index('id="unit_id"') : form.index("</select>", form.index('id="unit_id"'))]
    assert "Directorate of Metal Industry" in units and "AITEC" not in units  # home parties only
    data = {
        "title": agreement.title,
        "instrument_type": "agreement",
        "status": "in_force",
        "renewal_intent": "none",
        "owner_id": str(officer.id),
        "unit_id": str(unit.id),
        "version": "1",
    }
    assert editor.post(f"/agreements/{agreement.id}/edit", data=data).status_code == 302
    html = editor.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "officer@kemenperin.example" in html and "Directorate of Metal Industry" in html
    refused = editor.post(f"/agreements/{agreement.id}/edit", data={**data, "owner_id": "999999", "version": "2"})
    assert refused.status_code == 422 and 'id="owner_id-error"' in refused.get_data(as_text=True)


def test_the_list_filters_by_owner_and_me(app, session, make_agreement, make_user):
    me, other = make_user(UserRole.VIEWER), make_user(UserRole.VIEWER)
    make_agreement(title="Mine to watch", owner=me)
    make_agreement(title="Theirs to watch", owner=other)
    client = sign_in_client(app.test_client(), me)
    mine = client.get("/agreements/?owner=me").get_data(as_text=True)
    assert "Mine to watch" in mine and "Theirs to watch" not in mine
    theirs = client.get(f"/agreements/?owner={other.id}").get_data(as_text=True)
    assert "Theirs to watch" in theirs and "Mine to watch" not in theirs
    assert client.get("/agreements/?owner=somebody").status_code == 400


def test_my_agreements_page(app, session, make_agreement, make_user):
    me = make_user(UserRole.VIEWER)
    owned = make_agreement(title="Nickel downstreaming MoU", end="2027-06", owner=me)
    other = make_agreement(title="Battery cell plant")
    action = FollowUpAction(agreement=other, title="Send the minutes", assignee=me)
    action.due = PartialDate.parse("2000-01-01")
    session.add(action)
    session.commit()
    client = sign_in_client(app.test_client(), me)
    html = client.get("/my/").get_data(as_text=True)
    assert "Nickel downstreaming MoU" in html and "Send the minutes" in html and "overdue" in html
    assert "Mark done" not in html  # a viewer only reads
    assert 'href="/my/"' in html  # the navigation link
    assert f'href="/agreements/{owned.id}"' in html
