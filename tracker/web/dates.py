"""What a typed date is read as ("4 Oktober 2017" → 4 October 2017, exact day), for the partial-date inputs.

`GET /dates/reading?text=...` answers JSON that static/js/enhance.js shows under each input as the user types;
a form shown again without the script shows the same line as the hint of each date it could read
(`date_reading` in templates/_dates.html).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from wtforms import Field

from tracker.dates import PartialDate, PartialDateError
from tracker.datewords import read_date
from tracker.formatting import partial_date
from tracker.forms.dates import DateReadingForm
from tracker.http.problems import problem
from tracker.i18n import _
from tracker.labels import label

bp = Blueprint("dates", __name__)


def reading_line(value: PartialDate) -> str:
    """The sentence shown under a date input: "Read as: 4 October 2017 (exact day)", in the interface language."""
    return str(_("Read as: %(reading)s (%(precision)s)", reading=partial_date(value), precision=label(value.precision)))


def reading_body(text: str, value: PartialDate | None) -> dict[str, Any]:
    """The JSON of a reading; every member but `text` is null for a blank text (no date is recorded)."""
    if value is None:
        return {"text": text, "reading": None, "precision": None, "iso": None, "line": None}
    return {
        "text": text,
        "reading": partial_date(value),
        "precision": value.precision.value,
        "iso": value.iso(),
        "line": reading_line(value),
    }


@bp.get("/dates/reading")
def reading():
    """The date `?text=` spells at its precision, or a 400 problem whose detail is the form's own message."""
    form = DateReadingForm(request.args)
    if not form.validate():
        return problem(400, " ".join(str(error) for error in form.text.errors))
    return reading_body(form.text.data or "", read_date(form.text.data or ""))


@bp.app_template_global()
def date_reading(field: Field) -> str | None:
    """The reading of a submitted date input that was accepted, for its hint; None before submitting or if refused."""
    if not field.raw_data or field.errors or not field.data:
        return None
    try:
        value = read_date(field.data)
    except PartialDateError:
        return None
    return reading_line(value) if value is not None else None
