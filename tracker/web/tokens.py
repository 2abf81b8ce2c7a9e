"""The "API tokens" page: a signed-in user lists, creates (shown once) and revokes their personal tokens."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.tokens import TokenForm
from tracker.i18n import _
from tracker.models import User
from tracker.queries.tokens import user_tokens
from tracker.services import tokens as services
from tracker.web.helpers import render_invalid

log = logging.getLogger("tracker.security")
bp = Blueprint("tokens", __name__)


def render_page(form: TokenForm | None = None, new_token: str | None = None, status: int = 200):
    """The page: the user's tokens, the form for a new one, and a new token's text when just made."""
    tokens = user_tokens(get_session(), current_user.id)
    page = render_template(
        "tokens/index.html", form=form or TokenForm(formdata=None), tokens=tokens, new_token=new_token
    )
    return page, status


@bp.get("/account/tokens")
def index():
    """The user's tokens and the form for a new one."""
    return render_page()


@bp.post("/account/tokens")
def create():
    """Make a token and show its text this once (not a redirect: the text is never stored to show again)."""
    form = TokenForm()
    if not form.validate():
        tokens = user_tokens(get_session(), current_user.id)
        return render_invalid("tokens/index.html", form, tokens=tokens, new_token=None)
    session = get_session()
    user = session.get(User, current_user.id)
    token, text = services.create_token(session, user, form.name.data or "")
    session.commit()
    log.info("API token %s made by %s", token.prefix, user.email)
    return render_page(new_token=text)


@bp.post("/account/tokens/<id:token_id>/revoke")
def revoke(token_id: int):
    """Revoke one of one's own tokens: it stops working at once."""
    session = get_session()
    user = session.get(User, current_user.id)
    try:
        token = services.revoke_token(session, user, token_id)
    except TrackerError as error:
        session.rollback()
        flash(str(error.message), "warning")
        return render_page(status=error.status_code)
    session.commit()
    log.info("API token %s revoked by %s", token.prefix, user.email)
    flash(str(_("Token %(prefix)s… revoked.", prefix=token.prefix)), "success")
    return redirect(url_for(".index"))
