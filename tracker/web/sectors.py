"""Pages of the sectors area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("sectors", __name__, url_prefix="/sectors")


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
