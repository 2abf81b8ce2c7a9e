"""Writes on follow-up actions: add one to an agreement, edit it, mark it done or cancelled, reopen it."""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from tracker.errors import StateError
from tracker.i18n import _
from tracker.models import ActionStatus, Agreement, FollowUpAction
from tracker.records import action as contract
from tracker.records.action import ActionData
from tracker.records.fields import plain_values
from tracker.records.problems import raise_problems
from tracker.services.agreements import check_owner
from tracker.services.versions import versioned_update


def create_action(session: Session, agreement: Agreement, data: ActionData) -> FollowUpAction:
    """Add a follow-up action to a live agreement."""
    if agreement.is_archived:
        raise StateError(str(_("“%(title)s” is archived; restore it first.", title=agreement.title)))
    action = FollowUpAction()
    _apply(session, action, data)
    action.agreement = agreement  # only once checked: a refused action must not stay in the agreement's list
    session.add(action)
    session.flush()
    return action


def update_action(
    session: Session, action: FollowUpAction, data: ActionData, expected_version: int | None = None
) -> FollowUpAction:
    """Replace an action's fields with `data`; ConflictError if saved meanwhile."""
    with versioned_update(session, action, expected_version):
        _apply(session, action, data)
    return action


def set_action_status(
    session: Session, action: FollowUpAction, status: ActionStatus, expected_version: int | None = None
) -> FollowUpAction:
    """Mark an action done or cancelled, or open it again; its other fields stay."""
    data = dataclasses.replace(_data_of(action), status=status)
    return update_action(session, action, data, expected_version)


def _data_of(action: FollowUpAction) -> ActionData:
    """The action's fields as data."""
    values = {item.name: getattr(action, item.name) for item in dataclasses.fields(ActionData)}
    return ActionData(**values)


def _apply(session: Session, action: FollowUpAction, data: ActionData) -> None:
    """Check `data` against the action's contract, then copy it onto `action`."""
    data = contract.cleaned(data)
    raise_problems(contract.check(vars(data)))
    for spec, value in plain_values(data, ActionData):
        setattr(action, spec.name, value)
    action.assignee = check_owner(session, data.assignee_id, field="assignee_id")
