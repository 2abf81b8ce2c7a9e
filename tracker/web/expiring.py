"""The expiring page: agreements ending soon, and those past their end that still claim to bind."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from tracker.db import get_session
from tracker.forms.expiring import ExpiringForm
from tracker.queries.expiring import QUICK_MONTHS, expiring_report

bp = Blueprint("expiring", __name__, url_prefix="/expiring")

# A bad query parameter is a bad request; the page is shown again with the message next to the field.
BAD_QUERY_STATUS = 400


@bp.get("/")
def index():
    """Agreements ending within `?months=N` (default 12) of `?as_of=YYYY-MM-DD` (default today)."""
    form = ExpiringForm(request.args)
    if not form.validate():
        page = render_template("expiring/index.html", form=form, report=None, quick_months=QUICK_MONTHS)
        return page, BAD_QUERY_STATUS
    report = expiring_report(get_session(), as_of=form.as_of.data, months=form.months.data)
    return render_template("expiring/index.html", form=form, report=report, quick_months=QUICK_MONTHS)
