"""Owners and follow-up actions through the services and queries: checks, history, overdue, "My agreements"."""

from datetime import date

import pytest
from sqlalchemy import select

from tracker.dates import PartialDate
from tracker.errors import ConflictError, InUseError, ValidationError
from tracker.models import ActionStatus, AgreementStatus, AutoRenewal, Change, ChangeAction, UserRole
from tracker.queries.actions import count_overdue_actions, my_work, overdue_actions
from tracker.queries.agreements import AgreementFilters, search_agreements
from tracker.records.action import ActionData
from tracker.records.agreement import from_json, input_json
from tracker.services.actions import create_action, set_action_status, update_action
from tracker.services.agreements import update_agreement
from tracker.services.archive import archive
from tracker.services.parties import archive_party
from tracker.services.terms import sync_terms

AS_OF = date(2026, 12, 6)


def add(session, agreement, title="Annual implementation report", due=None, **fields):
    """A committed action on `agreement`, due as typed ("2026-11")."""
    action = create_action(
        session, agreement, ActionData(title=title, due=PartialDate.parse(due) if due else None, **fields)
    )
    session.commit()
    return action


def changes_of(session, record_type, record_id):
    """The history of one record, oldest first."""
    statement = select(Change).where(Change.record_type == record_type, Change.record_id == record_id)
    return list(session.scalars(statement.order_by(Change.id)))


def test_an_action_is_recorded_with_its_history(session, make_agreement, make_user):
    officer = make_user(UserRole.EDITOR, email="officer@kemenperin.example")
    agreement = make_agreement()
    action = add(session, agreement, title="  Joint   working group meeting ", due="2026-11", assignee_id=officer.id)
    assert action.title == "Joint working group meeting"  # whitespace collapsed
    assert action.due == PartialDate.parse("2026-11") and action.status is ActionStatus.OPEN
    set_action_status(session, action, ActionStatus.DONE, expected_version=1)
    session.commit()
    created, done = changes_of(session, "action", action.id)
    assert created.action is ChangeAction.CREATE
    assert created.changes["due"] == [None, "2026-11"]
    assert created.changes["assignee"] == [None, "officer@kemenperin.example"]
    assert done.changes == {"status": ["open", "done"]} and done.version == 2


def test_an_action_needs_a_title_and_a_real_assignee(session, make_agreement):
    agreement = make_agreement()
    with pytest.raises(ValidationError) as blank:
        create_action(session, agreement, ActionData(title="  "))
    assert blank.value.field == "title"
    with pytest.raises(ValidationError) as nobody:
        create_action(session, agreement, ActionData(title="Report", assignee_id=999_999))
    assert nobody.value.field == "assignee_id"


def test_a_stale_version_is_a_conflict(session, make_agreement):
    action = add(session, make_agreement())
    update_action(session, action, ActionData(title="Report, first draft"), expected_version=1)
    session.commit()
    with pytest.raises(ConflictError):
        set_action_status(session, action, ActionStatus.DONE, expected_version=1)


@pytest.mark.parametrize(
    ("due", "overdue"),
    [
        ("2026-12-05", True),
        ("2026-12-06", False),  # due today is not overdue yet
        ("2026-11", True),  # November is over
        ("2026-12", False),  # December is not
        ("2025", True),
        ("2026", False),  # 2026 is not over
    ],
)
def test_overdue_once_the_last_possible_day_has_passed(session, make_agreement, due, overdue):
    add(session, make_agreement(), due=due)
    found = overdue_actions(session, AS_OF)
    assert (len(found) == 1) is overdue
    assert count_overdue_actions(session, AS_OF) == int(overdue)
    if overdue:
        assert found[0].days_overdue == (AS_OF - PartialDate.parse(due).latest).days


def test_done_cancelled_undated_and_archived_are_not_overdue(session, make_agreement):
    agreement = make_agreement()
    for status in (ActionStatus.DONE, ActionStatus.CANCELLED):
        add(session, agreement, title=f"Closed {status.value}", due="2020", status=status)
    add(session, agreement, title="Some day")
    archived = make_agreement(title="Archived agreement")
    add(session, archived, due="2020")
    archive(session, archived)
    session.commit()
    assert overdue_actions(session, AS_OF) == []
    kept = add(session, agreement, title="Still to do", due="2020-05-01")
    assert [row.action.id for row in overdue_actions(session, AS_OF)] == [kept.id]


def test_owner_and_unit_are_checked_recorded_and_filtered(session, make_agreement, make_party, make_user):
    officer = make_user(UserRole.EDITOR, email="officer@kemenperin.example")
    unit = make_party(name="Directorate of Metal Industry")
    agreement = make_agreement(title="Owned")
    make_agreement(title="Nobody's")
    body = {**input_json(agreement), "owner_id": officer.id, "unit_id": unit.id}

    update_agreement(session, agreement, from_json(body), expected_version=1)
    session.commit()
    assert agreement.owner is officer and agreement.unit is unit
    change = changes_of(session, "agreement", agreement.id)[-1]
    assert change.changes["owner"] == [None, "officer@kemenperin.example"]
    assert change.changes["unit"] == [None, "Directorate of Metal Industry"]
    page = search_agreements(session, AgreementFilters(owner_id=officer.id))
    assert [found.title for found in page.items] == ["Owned"]
    with pytest.raises(ValidationError) as unknown:
        update_agreement(session, agreement, from_json({**body, "owner_id": 999_999}))
    assert unknown.value.field == "owner_id"
    session.rollback()
    with pytest.raises(ValidationError) as no_unit:
        update_agreement(session, agreement, from_json({**body, "unit_id": 999_999}))
    assert no_unit.value.field == "unit_id"


def test_my_work_lists_owned_agreements_and_their_open_actions(session, make_agreement, make_user):
    me, other = make_user(), make_user()
    soon = make_agreement(title="Ends soon", end="2027-03", owner=me)
    later = make_agreement(title="Ends later", end="2030", owner=me)
    make_agreement(title="Closed", end="2020", status=AgreementStatus.EXPIRED, owner=me)
    theirs = make_agreement(title="Theirs", owner=other)
    on_mine = add(session, later, title="Draft the renewal", due="2029")
    assigned = add(session, theirs, title="Prepare the meeting", due="2027-01-10", assignee_id=me.id)
    add(session, theirs, title="Not mine", assignee_id=other.id)
    add(session, soon, title="Finished", status=ActionStatus.DONE)
    work = my_work(session, me.id, AS_OF)
    assert [row.agreement.title for row in work.agreements] == ["Ends soon", "Ends later", "Closed"]
    assert [action.id for action in work.actions] == [assigned.id, on_mine.id]


def test_my_agreements_go_by_the_upcoming_decision_date_else_the_end(session, make_agreement, make_user):
    me = make_user()
    make_agreement(title="Ends March 2027", end="2027-03", owner=me)
    # Ends 31 December 2027 unless a year's notice is given: the decision is due by 1 January 2027, first.
    notice = make_agreement(title="Kerja sama nikel", end="2027-12-31", notice_period=12, owner=me)
    # Five-year terms from 2019, renewed unless six months' notice: the second term's decision, 1 July 2028.
    renewing = make_agreement(
        title="MoU baterai",
        start="2019-01-01",
        duration_months=60,
        auto_renewal=AutoRenewal.YES,
        notice_period=6,
        owner=me,
    )
    make_agreement(title="No end known", owner=me)
    make_agreement(
        title="Closed with notice", end="2026-12-31", notice_period=6, status=AgreementStatus.EXPIRED, owner=me
    )
    for agreement in (notice, renewing):
        sync_terms(session, agreement)
    session.commit()
    rows = my_work(session, me.id, AS_OF).agreements
    assert [row.agreement.title for row in rows] == [
        "Kerja sama nikel",
        "Ends March 2027",
        "MoU baterai",
        "No end known",
        "Closed with notice",
    ]
    assert [(row.dated.decision, row.dated.end.iso()) for row in rows[:3]] == [
        (date(2027, 1, 1), "2027-12-31"),
        (None, "2027-03"),
        (date(2028, 7, 1), "2028-12-31"),
    ]
    assert rows[3].dated is None
    # A closed agreement's decisions are over: it goes by its end.
    assert (rows[4].dated.decision, rows[4].open) == (None, False)


def test_a_responsible_unit_cannot_be_archived(session, make_agreement, make_party):
    unit = make_party(name="Directorate of Metal Industry")
    make_agreement(title="Owned by the unit", unit=unit)
    with pytest.raises(InUseError) as refused:
        archive_party(session, unit)
    assert "Owned by the unit" in refused.value.message
