"""Pages of the sources area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("sources", __name__, url_prefix="/sources")


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
