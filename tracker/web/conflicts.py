"""The conflict page: the edit form again with the user's input, and what others saved since they opened it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from flask_wtf import FlaskForm

from tracker.db import get_session
from tracker.errors import ConflictError
from tracker.history import RECORD_TYPES
from tracker.history import field_label as recorded_field_label
from tracker.i18n import _
from tracker.models import Change, VersionedMixin
from tracker.queries.history import changes_since
from tracker.web.history import show_value


@dataclass(frozen=True)
class FieldChange:
    """One field another person changed: its label, and the value before and after, as text."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class OtherChange:
    """One save made by someone else since the user opened the form."""

    who: str
    when: datetime
    fields: list[FieldChange]


def render_conflict(template: str, form: FlaskForm, error: ConflictError, record: VersionedMixin, **context: Any):
    """Answer 409: the form keeps the user's input, its version becomes the current one, and others' changes show.

    Saving the form again then deliberately applies the user's input over what the others saved.
    """
    session = get_session()
    session.rollback()  # the failed save's transaction; the record reloads with what is stored now
    seen = form.version.data or 0
    changes = changes_since(session, RECORD_TYPES[type(record)], record.id, seen)
    form.version.reset(record.version)
    conflict = {"message": error.message, "changes": [other_change(form, change) for change in changes]}
    return render_template(template, form=form, conflict=conflict, **context), error.status_code


def other_change(form: FlaskForm, change: Change) -> OtherChange:
    """A history row as the conflict page shows it."""
    kind = change.record_type
    fields = [
        FieldChange(field_label(form, name), show_value(kind, name, before), show_value(kind, name, after))
        for name, (before, after) in (change.changes or {}).items()
    ]
    return OtherChange(who=who(change), when=change.occurred_at, fields=fields)


def who(change: Change) -> str:
    """The person who made a change, or a note that it came from outside the web interface."""
    if change.user is None:
        return str(_("someone outside the web interface (command line or import)"))
    return change.user.name or change.user.email


def field_label(form: FlaskForm, name: str) -> str:
    """The label of the form's field of that name, as the user sees it next to the input; else the history's."""
    field = form._fields.get(name)
    if field is not None:
        return str(field.label.text)
    label = recorded_field_label(name)  # lower case, as it reads inside sentences
    return label[:1].upper() + label[1:]
