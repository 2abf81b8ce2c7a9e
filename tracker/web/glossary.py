"""Pages of the search glossary: its entries, new, edit, delete (admins edit, everyone reads)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.glossary import GlossaryForm
from tracker.i18n import _
from tracker.models import GlossaryEntry
from tracker.services import glossary as services
from tracker.web.helpers import get_or_404, render_invalid

bp = Blueprint("glossary", __name__, url_prefix="/glossary")


@bp.get("/")
def index():
    """Every entry of the glossary, by its first phrase."""
    entries = get_session().scalars(select(GlossaryEntry)).all()
    entries = sorted(entries, key=lambda entry: entry.phrases.casefold())
    return render_template("glossary/index.html", entries=entries)


@bp.get("/new")
def new():
    """The empty entry form."""
    return render_template("glossary/form.html", form=GlossaryForm(), entry=None)


@bp.post("/new")
def create():
    """Add an entry."""
    session = get_session()
    form = GlossaryForm()
    if not form.validate():
        return render_invalid("glossary/form.html", form, entry=None)
    try:
        services.create_entry(session, form.lines())
    except TrackerError as error:
        session.rollback()
        return render_invalid("glossary/form.html", form, error=error, entry=None)
    session.commit()
    flash(str(_("Glossary entry added.")))
    return redirect(url_for("glossary.index"))


@bp.get("/<id:entry_id>/edit")
def edit(entry_id: int):
    """The entry form, filled in."""
    entry = get_or_404(get_session(), GlossaryEntry, entry_id)
    form = GlossaryForm()
    form.fill_from(entry)
    return render_template("glossary/form.html", form=form, entry=entry)


@bp.post("/<id:entry_id>/edit")
def update(entry_id: int):
    """Save changes to an entry."""
    session = get_session()
    entry = get_or_404(session, GlossaryEntry, entry_id)
    form = GlossaryForm()
    if not form.validate():
        return render_invalid("glossary/form.html", form, entry=entry)
    try:
        services.update_entry(session, entry, form.lines())
    except TrackerError as error:
        session.rollback()
        return render_invalid("glossary/form.html", form, error=error, entry=entry)
    session.commit()
    flash(str(_("Glossary entry saved.")))
    return redirect(url_for("glossary.index"))


@bp.get("/<id:entry_id>/delete")
def confirm_delete(entry_id: int):
    """Ask before deleting; changes nothing."""
    entry = get_or_404(get_session(), GlossaryEntry, entry_id)
    return render_template("glossary/delete.html", entry=entry)


@bp.post("/<id:entry_id>/delete")
def delete(entry_id: int):
    """Delete an entry (CSRFProtect has checked the button's token)."""
    session = get_session()
    entry = get_or_404(session, GlossaryEntry, entry_id)
    services.delete_entry(session, entry)
    session.commit()
    flash(str(_("Glossary entry deleted.")))
    return redirect(url_for("glossary.index"))
