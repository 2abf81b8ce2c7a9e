"""Pages of the dashboard area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
