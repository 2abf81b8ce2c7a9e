"""Pages of the sectors area: the vocabulary with its use, new, edit, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.sectors import SectorForm
from tracker.i18n import _
from tracker.models import Sector
from tracker.queries import sectors as queries
from tracker.services import sectors as services
from tracker.web.archive import get_any_or_404, render_confirmation
from tracker.web.helpers import get_or_404, render_invalid

bp = Blueprint("sectors", __name__, url_prefix="/sectors")


@bp.get("/")
def index():
    """Every sector with the number of agreements filed under it."""
    rows = queries.sectors_with_counts(get_session())
    return render_template("sectors/index.html", rows=rows)


@bp.get("/new")
def new():
    """The empty sector form."""
    return render_template("sectors/form.html", form=SectorForm(), sector=None)


@bp.post("/new")
def create():
    """Add a sector."""
    session = get_session()
    form = SectorForm()
    if not form.validate():
        return render_invalid("sectors/form.html", form, sector=None)
    try:
        sector = services.create_sector(session, form.to_data())
    except TrackerError as error:
        session.rollback()
        return render_invalid("sectors/form.html", form, error=error, sector=None)
    session.commit()
    flash(str(_("Sector “%(name)s” added.", name=sector.name)))
    return redirect(url_for("sectors.index"))


@bp.get("/<id:sector_id>/edit")
def edit(sector_id: int):
    """The sector form, filled in."""
    sector = get_or_404(get_session(), Sector, sector_id)
    form = SectorForm()
    form.fill_from(sector)
    return render_template("sectors/form.html", form=form, sector=sector)


@bp.post("/<id:sector_id>/edit")
def update(sector_id: int):
    """Save changes to a sector."""
    session = get_session()
    sector = get_or_404(session, Sector, sector_id)
    form = SectorForm()
    if not form.validate():
        return render_invalid("sectors/form.html", form, sector=sector)
    try:
        services.update_sector(session, sector, form.to_data())
    except TrackerError as error:
        session.rollback()
        return render_invalid("sectors/form.html", form, error=error, sector=sector)
    session.commit()
    flash(str(_("Sector “%(name)s” saved.", name=sector.name)))
    return redirect(url_for("sectors.index"))


@bp.get("/<id:sector_id>/delete")
def confirm_delete(sector_id: int):
    """Ask before archiving; changes nothing."""
    sector = get_any_or_404(get_session(), Sector, sector_id)
    return render_confirmation("sectors/delete.html", sector, sector=sector)


@bp.post("/<id:sector_id>/delete")
def delete(sector_id: int):
    """Archive a sector no live agreement uses; an admin can restore it."""
    session = get_session()
    sector = get_any_or_404(session, Sector, sector_id)
    name = sector.name
    try:
        services.archive_sector(session, sector)
    except TrackerError as error:
        session.rollback()
        return render_template("sectors/delete.html", sector=sector, error=error), error.status_code
    session.commit()
    flash(str(_("Sector “%(name)s” archived. An admin can restore it from the archive.", name=name)))
    return redirect(url_for("sectors.index"))
