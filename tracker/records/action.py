"""The follow-up action's contract: what a user sets on an action about an agreement, and its rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.dates import PartialDate
from tracker.i18n import _
from tracker.models import ActionStatus
from tracker.records import codec
from tracker.records.fields import Kind, choice, json_value, partial_date, plain_specs, reference_specs, text, value
from tracker.records.problems import Problem, check_fields


@dataclass(frozen=True, kw_only=True)
class ActionData:
    """Everything a user can set on a follow-up action, already parsed."""

    title: str = text(_("Action"), _("action"), max_length=300, required=True)
    due: PartialDate | None = partial_date(_("Due"), _("due"))
    assignee_id: int | None = value(Kind.REFERENCE, _("Assigned to"), _("assigned to"))
    status: ActionStatus = choice(ActionStatus, _("Status"), _("status"), default=ActionStatus.OPEN)
    note: str = text(_("Note"), _("note"), max_length=5000, long=True)


MISSING = {"title": _("Say what is to be done.")}


def cleaned(data: ActionData) -> ActionData:
    """The data as it is stored: the title's whitespace collapsed."""
    return dataclasses.replace(data, title=" ".join(data.title.split()))


def check(values: Mapping[str, Any]) -> list[Problem]:
    """Every rule that needs no database, over the fields present in `values` (by name)."""
    return check_fields(values, ActionData, MISSING)


def input_json(action: Any) -> dict[str, Any]:
    """The writable fields of a recorded action, as a PUT body would give them."""
    body = {spec.name: json_value(spec, getattr(action, spec.name)) for spec in plain_specs(ActionData)}
    body.update({spec.name: getattr(action, spec.name) for spec in reference_specs(ActionData)})
    return body


def from_json(body: Mapping[str, Any]) -> ActionData:
    """A body that follows the API's input schema as data."""
    return codec.from_json(ActionData, body)
