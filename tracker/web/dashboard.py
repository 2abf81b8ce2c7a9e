"""The dashboard: what the tracker holds, what ends soon, what was added last."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from tracker.db import get_session
from tracker.forms.expiring import AsOfForm, default_months
from tracker.queries.dashboard import dashboard

bp = Blueprint("dashboard", __name__)

# A bad query parameter is a bad request; the page is shown again with the message next to the field.
BAD_QUERY_STATUS = 400


@bp.get("/")
def index():
    """Counts by status, sector and partner country; agreements ending soon as of `?as_of` (default today)."""
    form = AsOfForm(request.args)
    if not form.validate():
        return render_template("dashboard/index.html", form=form, board=None), BAD_QUERY_STATUS
    home_country = current_app.config["TRACKER_HOME_COUNTRY"]
    board = dashboard(get_session(), as_of=form.as_of.data, home_country=home_country, months=default_months())
    return render_template("dashboard/index.html", form=form, board=board)
