"""The e-mail digest settings page: any signed-in user chooses whether to get it, and its window."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.alerts import DigestForm
from tracker.i18n import _
from tracker.models import User
from tracker.services.digest import set_digest
from tracker.web.helpers import render_invalid

bp = Blueprint("digest", __name__, url_prefix="/account/digest")


def page_context() -> dict[str, object]:
    """What the page says besides the form: whether this installation can send mail at all."""
    return {"mail_configured": bool(current_app.config.get("TRACKER_MAIL_FROM"))}


@bp.get("")
def settings():
    """The user's digest settings."""
    form = DigestForm(
        formdata=None,
        opt_in=current_user.digest_opt_in,
        months=current_user.digest_months,
        owner_digest=current_user.owner_digest,
    )
    return render_template("digest/settings.html", form=form, **page_context())


@bp.post("")
def save():
    """Save the user's digest settings."""
    form = DigestForm()
    if not form.validate():
        return render_invalid("digest/settings.html", form, **page_context())
    session = get_session()
    try:
        user = session.get(User, current_user.id)
        set_digest(session, user, bool(form.opt_in.data), form.months.data, bool(form.owner_digest.data))
    except TrackerError as error:
        session.rollback()
        return render_invalid("digest/settings.html", form, error, **page_context())
    session.commit()
    if form.opt_in.data:
        flash(_("You will get the e-mail digest of agreements ending within the chosen window."), "success")
    else:
        flash(_("You will not get the e-mail digest."), "success")
    return redirect(url_for(".settings"))
