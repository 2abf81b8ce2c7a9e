"""Small tools shared by the HTML views."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, render_template
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from tracker.errors import TrackerError

T = TypeVar("T")

# Status for a form that failed validation: the page is shown again with messages next to the fields.
INVALID_FORM_STATUS = 422


def get_or_404(session: Session, model: type[T], record_id: int) -> T:
    """Load a record by primary key or answer 404."""
    record = session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def field_named(form: Any, name: str) -> Any:
    """The form's field with this name, also inside rows ("parties-1-party"); None when it has none."""
    for field in form:
        if field.name == name:
            return field
        if field.type == "FieldList":
            found = next((entry for entry in field if entry.name == name), None)
            found = found or next((field_named(entry.form, name) for entry in field if entry.type == "FormField"), None)
            if found is not None:
                return found
    return None


def attach_error(form: FlaskForm, error: TrackerError) -> None:
    """Show a domain error next to the field it names (a row's field by its full name), or above the form when it
    names none."""
    field = (getattr(form, error.field, None) or field_named(form, error.field)) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def render_invalid(template: str, form: FlaskForm, error: TrackerError | None = None, **context: Any):
    """Re-render a form page after the input was refused, with a 4xx status."""
    status = INVALID_FORM_STATUS
    if error is not None:
        attach_error(form, error)
        status = error.status_code
    return render_template(template, form=form, **context), status
