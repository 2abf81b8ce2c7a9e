"""“My agreements”: what the signed-in user answers for, with the decision dates and ends coming up and the actions
open."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from tracker.clock import local_today
from tracker.db import get_session
from tracker.queries.actions import my_work

bp = Blueprint("mine", __name__, url_prefix="/my")


@bp.get("/")
def index():
    """The agreements the user is the responsible officer of, and the open actions assigned to them or on those."""
    today = local_today()
    return render_template("mine/index.html", work=my_work(get_session(), current_user.id, today), today=today)
