"""Pages of the agreements area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("agreements", __name__, url_prefix="/agreements")


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
