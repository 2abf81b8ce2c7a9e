"""The language switch: anyone may choose the interface language; a signed-in user keeps it on the account."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tracker.auth import safe_next
from tracker.db import get_session
from tracker.forms.language import LanguageForm
from tracker.locale import LANGUAGES, SESSION_KEY, chosen_language
from tracker.models import User

bp = Blueprint("language", __name__)


@bp.post("/language")
def choose():
    """Remember the language (session, and the account when signed in), then go back to the page."""
    form = LanguageForm()
    if not form.validate():
        abort(400)
    session[SESSION_KEY] = form.locale.data
    if current_user.is_authenticated:
        db = get_session()
        db.get(User, current_user.id).locale = form.locale.data
        db.commit()
    return redirect(safe_next(form.next.data))


def return_path() -> str:
    """The page to come back to after switching: this one, or, after a POST, its address when it can be opened."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    try:
        current_app.url_map.bind("localhost").match(request.path, method="GET")
    except RequestRedirect:
        return request.path
    except HTTPException:
        return url_for("dashboard.index")
    return request.path


def switch_context() -> dict[str, object]:
    """What the switch in base.html needs."""
    return {
        "interface_languages": LANGUAGES,
        "interface_language": chosen_language,
        "language_return_path": return_path,
    }


def init_app(app) -> None:
    """Register the route and the template globals of the switch."""
    app.register_blueprint(bp)
    app.context_processor(switch_context)
