"""Pages of the expiring area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("expiring", __name__, url_prefix="/expiring")


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
