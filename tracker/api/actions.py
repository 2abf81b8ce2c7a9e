"""API: the follow-up actions of an agreement — list, read, add to a live agreement, replace or patch, and DELETE,
which cancels (an action is never deleted: it keeps its history, and PATCH can open it again)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.api.codecs import decoded
from tracker.api.helpers import load, not_found, page_args, page_of_list
from tracker.api.representations import timestamp, version_etag
from tracker.api.resources import register
from tracker.models import ActionStatus, Agreement, FollowUpAction
from tracker.queries.agreements import agreement_detail
from tracker.queries.pagination import Page
from tracker.records import action as contract
from tracker.services import actions as service


def action_json(action: FollowUpAction) -> dict[str, Any]:
    """An action with its agreement, its writable fields and its version."""
    return {
        "id": action.id,
        "agreement_id": action.agreement_id,
        **contract.input_json(action),
        "created_at": timestamp(action.created_at),
        "updated_at": timestamp(action.updated_at),
        "version": action.version,
    }


class Actions:
    """The kit's steps for actions: under their live agreement, versioned, cancelled rather than deleted."""

    name, plural = "action", "actions"
    path = "/agreements/<id:agreement_id>/actions"
    item_path = path + "/<id:action_id>"
    schema = update_schema = "ActionInput"
    delete_verb = "cancel"
    restorable = False

    def list_page(self, session: Session, agreement_id: int) -> tuple[Page, list[dict[str, Any]]]:
        """The agreement's actions, soonest due first (undated last), one page."""
        page, per_page = page_args()
        agreement = load(session, agreement_detail, agreement_id)
        result = page_of_list(list(agreement.actions), page, per_page)
        return result, [action_json(action) for action in result.items]

    def read(self, session: Session, agreement_id: int, action_id: int) -> FollowUpAction:
        """One action of an agreement the user may see; or 404."""
        load(session, agreement_detail, agreement_id)
        return self.of_live(session, agreement_id, action_id, archived_too=True)

    def for_change(self, session: Session, agreement_id: int, action_id: int) -> FollowUpAction:
        """An action of a live agreement; or 404."""
        return self.of_live(session, agreement_id, action_id)

    for_removal = for_change

    def of_live(self, session: Session, agreement_id: int, action_id: int, archived_too: bool = False):
        """The action if it belongs to the agreement (live unless `archived_too`); or 404."""
        statement = select(FollowUpAction).where(
            FollowUpAction.id == action_id, FollowUpAction.agreement_id == agreement_id
        )
        action = session.scalars(statement.join(FollowUpAction.agreement) if not archived_too else statement).first()
        if action is None:
            raise not_found()
        return action

    def parent(self, session: Session, agreement_id: int) -> Agreement:
        """The live agreement a new action is about; or 404."""
        agreement = session.get(Agreement, agreement_id)
        if agreement is None:
            raise not_found()
        return agreement

    def create(self, session: Session, body: dict[str, Any], agreement: Agreement) -> FollowUpAction:
        """Add the action the body gives."""
        return service.create_action(session, agreement, decoded(contract.from_json, body))

    def update(self, session: Session, action: FollowUpAction, body: dict[str, Any]) -> None:
        """Store the action as the body gives it, over the version If-Match named."""
        service.update_action(session, action, decoded(contract.from_json, body), action.version)

    def delete(self, session: Session, action: FollowUpAction) -> None:
        """Cancel the action."""
        service.set_action_status(session, action, ActionStatus.CANCELLED, action.version)

    def represent(self, action: FollowUpAction) -> dict[str, Any]:
        """The action's representation."""
        return action_json(action)

    def current_input(self, action: FollowUpAction) -> dict[str, Any]:
        """The writable fields, as a PUT body gives them."""
        return contract.input_json(action)

    def etag(self, action: FollowUpAction) -> str:
        """The version."""
        return version_etag(action.version)

    def key(self, action: FollowUpAction) -> dict[str, int]:
        """The action's URL arguments."""
        return {"agreement_id": action.agreement_id, "action_id": action.id}


register(Actions())
