"""Pages of the parties area."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("parties", __name__, url_prefix="/parties")


@bp.get("/")
def index():
    """Placeholder until the area is built."""
    return render_template("base.html")
