"""Forms for follow-up actions: add or edit one, and mark it done, cancelled or open again."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField

from tracker.forms.base import BaseForm, VersionField, optional_id, options
from tracker.forms.contract import contract_form, fill_plain, plain_data
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import ActionStatus
from tracker.records.action import ActionData


class ActionForm(contract_form(BaseForm, ActionData)):  # type: ignore[misc]
    """Add or edit a follow-up action: an input per field of the contract, and whom it is assigned to."""

    assignee_id = SelectField(
        _("Assigned to"), coerce=optional_id, invalid_choice_message=_("Choose a user from the list.")
    )
    version = VersionField()

    def set_choices(self, user_choices: list[tuple[int, str]]) -> None:
        """Offer the users as assignees."""
        self.assignee_id.choices = options([("", _("— nobody —")), *user_choices])

    def fill_from(self, action: Any) -> None:
        """Pre-fill the form from a recorded action (for GET of the edit page)."""
        fill_plain(self, action, ActionData)
        self.assignee_id.data = action.assignee_id

    def to_data(self) -> ActionData:
        """The validated input as the service's input type."""
        return ActionData(**plain_data(self, ActionData), assignee_id=self.assignee_id.data)


class ActionStatusForm(BaseForm):
    """Mark an action done or cancelled, or open it again: one button of the action's row."""

    status = SelectField(_("Status"), choices=options(choices(ActionStatus)))
    version = VersionField()
