"""The bulk actions' forms: which agreements (rows ticked on the list, the whole page, or all the query matches),
what to do with them, and the value it sets. The list page's form and the confirmation's are the same fields; the
confirmation is posted with its CSRF token."""

from __future__ import annotations

import re
from typing import Any

from wtforms import Field, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.exporting import FORMATS
from tracker.forms.agreements import MAX_SELECTION
from tracker.forms.base import BaseForm, QueryForm, options
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import AgreementStatus, RenewalIntent
from tracker.services.bulk_changes import SECTOR_ACTIONS, BulkAction

EXPORT = "export"
SELECTED, PAGE, ALL = "selected", "page", "all"
# A ticked row: the agreement's id and the version the list showed ("12:3").
ROW = re.compile(r"^[1-9][0-9]{0,9}:[1-9][0-9]{0,9}$")
QUERY_MAX = 4000
ACTION_LABELS = {
    BulkAction.SET_STATUS.value: _("Change the status"),
    BulkAction.SET_RENEWAL.value: _("Change the renewal"),
    BulkAction.ASSIGN_OWNER.value: _("Assign the responsible officer"),
    BulkAction.ADD_SECTOR.value: _("Add a sector"),
    BulkAction.REMOVE_SECTOR.value: _("Remove a sector"),
    BulkAction.ARCHIVE.value: _("Archive"),
    EXPORT: _("Export"),
}
VALUE_LABELS = {
    BulkAction.SET_STATUS.value: _("New status"),
    BulkAction.SET_RENEWAL.value: _("New renewal"),
    BulkAction.ASSIGN_OWNER.value: _("Responsible officer"),
    BulkAction.ADD_SECTOR.value: _("Sector"),
    BulkAction.REMOVE_SECTOR.value: _("Sector"),
    EXPORT: _("File format"),
}


def rows_valid(form: Any, field: Field) -> None:
    """Every row is "id:version", and no more than a query may name."""
    if len(field.data or []) > MAX_SELECTION:
        raise ValidationError(_("Select at most %(count)s agreements.", count=MAX_SELECTION))
    if any(not ROW.match(row) for row in field.data or []):
        raise ValidationError(_("The selection could not be read; tick the agreements again."))


def check_value(form: Any, field: Field) -> None:
    """The value, once given, is one of the action's."""
    if field.raw_data and field.choices and str(field.data) not in {choice.value for choice in field.choices}:
        raise ValidationError(_("Choose one of the values offered."))


class BulkFields:
    """The fields both steps share."""

    selected = SelectMultipleField(_("Select"), validate_choice=False, validators=[rows_valid])
    listed = SelectMultipleField(_("On this page"), validate_choice=False, validators=[rows_valid])
    scope = RadioField(
        _("Apply to"),
        choices=options([(SELECTED, _("The ticked rows")), (PAGE, _("Every row on this page")), (ALL, "")]),
        default=SELECTED,
    )
    query = HiddenField(validators=[Optional(), Length(max=QUERY_MAX)])
    action = SelectField(
        _("Action"),
        choices=options(list(ACTION_LABELS.items())),
        validators=[InputRequired(message=_("Choose an action."))],
    )
    value = SelectField(_("Value"), choices=[], validate_choice=False, validators=[check_value])

    def set_value_choices(self, users: list[tuple[int, str]], sectors: list[tuple[int, str]]) -> None:
        """Offer the values of the chosen action; any other value is refused next to the field."""
        self.value.choices = options(value_choices(self.action.data, users, sectors))
        self.value.label.text = VALUE_LABELS.get(self.action.data, _("Value"))

    def value_given(self) -> bool:
        """Whether the request carries a value (an empty one is "nobody" for the officer)."""
        return self.value.raw_data is not None and len(self.value.raw_data) > 0


def value_choices(action: str, users: list[tuple[int, str]], sectors: list[tuple[int, str]]) -> list[tuple]:
    """The values an action takes: statuses, renewals, users (or nobody), sectors, file formats; none to archive."""
    if action == BulkAction.SET_STATUS.value:
        return choices(AgreementStatus)
    if action == BulkAction.SET_RENEWAL.value:
        return choices(RenewalIntent)
    if action == BulkAction.ASSIGN_OWNER.value:
        return [("", _("Nobody")), *users]
    if action in {kind.value for kind in SECTOR_ACTIONS}:
        return sectors
    if action == EXPORT:
        return [(file_format, file_format.upper()) for file_format in FORMATS]
    return []


class BulkChoiceForm(BulkFields, QueryForm):
    """The list page's choice, and the value asked next: a GET form, it changes nothing."""


class BulkConfirmForm(BulkFields, BaseForm):
    """The confirmation, posted: with "all matching", the count the person confirmed."""

    count = IntegerField(validators=[Optional(), NumberRange(min=0, max=10**9)])
