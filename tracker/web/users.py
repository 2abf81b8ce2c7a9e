"""User administration for admins: accounts, roles, deactivation and password resets.

Every action, done or refused, is logged to `tracker.security`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth import passwords_off
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.users import AccountForm, NewUserForm, RoleForm, SetPasswordForm
from tracker.i18n import _
from tracker.labels import label
from tracker.models import User
from tracker.queries.users import all_users
from tracker.services import accounts
from tracker.web.helpers import get_or_404, render_invalid

bp = Blueprint("users", __name__, url_prefix="/users")
log = logging.getLogger("tracker.security")


def actor() -> User:
    """The signed-in admin, as a record of this request's session."""
    return get_session().get(User, current_user.id)


def done(action: str, user: User, detail: str = "") -> None:
    """Log a user-admin action that was carried out."""
    log.info("user admin: %s %s %s %s", current_user.email, action, user.email, detail)


def refused(action: str, email: str, error: TrackerError) -> None:
    """Log a user-admin action that was refused, with the reason the admin was shown."""
    log.warning("user admin refused: %s %s %s: %s", current_user.email, action, email, str(error.message))


def detail_page(user: User, form: RoleForm | None = None, error: TrackerError | None = None, status: int = 200):
    """The account's page, optionally with a refused action's message."""
    form = form or RoleForm(role=user.role.value)
    return render_template("users/detail.html", user=user, form=form, error=error), status


def password_shown(user: User, password: str, message: object):
    """Show a generated password this once; it is stored only hashed and must not be cached."""
    page = render_template("users/password_shown.html", user=user, password=password, message=message)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    """Every account with its role, state and last sign-in."""
    return render_template("users/index.html", users=all_users(get_session()))


def new_user_form() -> AccountForm:
    """The new-account form: with a first password while password sign-in is on, without while it is off."""
    return NewUserForm() if current_app.config["TRACKER_PASSWORD_SIGN_IN"] else AccountForm()


@bp.get("/new")
def new():
    """The empty new-account form."""
    return render_template("users/new.html", form=new_user_form())


@bp.post("/new")
def create():
    """Create an account with a typed or generated first password (none to type while password sign-in is off)."""
    form = new_user_form()
    if not form.validate():
        return render_invalid("users/new.html", form)
    session = get_session()
    password, generated = form.chosen_password()
    try:
        user = accounts.create_user(session, form.email.data, password, form.chosen_role(), name=form.name.data or "")
    except TrackerError as error:
        session.rollback()
        refused("create", form.email.data, error)
        return render_invalid("users/new.html", form, error)
    session.commit()
    done("created", user, f"as {user.role.value}")
    message = _("Account %(email)s created.", email=user.email)
    if generated:
        return password_shown(user, password, message)
    flash(str(message), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.get("/<id:user_id>")
def detail(user_id: int):
    """One account: its facts, its role, deactivation and password reset."""
    return detail_page(get_or_404(get_session(), User, user_id))


@bp.post("/<id:user_id>/role")
def change_role(user_id: int):
    """Give the account another role, keeping one's own admin role and the last admin."""
    session = get_session()
    user = get_or_404(session, User, user_id)
    form = RoleForm()
    if not form.validate():
        return render_invalid("users/detail.html", form, user=user)
    old_role = user.role
    try:
        accounts.change_role(session, actor(), user, form.chosen_role())
    except TrackerError as error:
        session.rollback()
        refused("change role of", user.email, error)
        return detail_page(user, form, error, error.status_code)
    session.commit()
    done("changed role of", user, f"from {old_role.value} to {user.role.value}")
    flash(str(_("%(email)s is now %(role)s.", email=user.email, role=label(user.role))), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<id:user_id>/deactivate")
def deactivate(user_id: int):
    """Stop the account from signing in and end every session of it."""
    session = get_session()
    user = get_or_404(session, User, user_id)
    try:
        accounts.deactivate(session, actor(), user)
    except TrackerError as error:
        session.rollback()
        refused("deactivate", user.email, error)
        return detail_page(user, error=error, status=error.status_code)
    session.commit()
    done("deactivated", user)
    flash(str(_("%(email)s is deactivated and signed out everywhere.", email=user.email)), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<id:user_id>/reactivate")
def reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    session = get_session()
    user = get_or_404(session, User, user_id)
    accounts.reactivate(session, user)
    session.commit()
    done("reactivated", user)
    flash(str(_("%(email)s can sign in again.", email=user.email)), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.get("/<id:user_id>/password")
def password(user_id: int):
    """The password reset form."""
    user = get_or_404(get_session(), User, user_id)
    refusal = passwords_off()
    if refusal:
        return render_template("users/password.html", user=user, form=None, refusal=refusal), 403
    return render_template("users/password.html", user=user, form=SetPasswordForm())


@bp.post("/<id:user_id>/password")
def reset_password(user_id: int):
    """Set a typed or generated password for the account and end its sessions."""
    session = get_session()
    user = get_or_404(session, User, user_id)
    refusal = passwords_off()
    if refusal:
        return render_template("users/password.html", user=user, form=None, refusal=refusal), 403
    form = SetPasswordForm()
    if not form.validate():
        return render_invalid("users/password.html", form, user=user)
    password, generated = form.chosen_password()
    try:
        accounts.reset_password(session, actor(), user, password)
    except TrackerError as error:
        session.rollback()
        refused("reset password of", user.email, error)
        return render_invalid("users/password.html", form, error, user=user)
    session.commit()
    done("reset password of", user, "(generated)" if generated else "")
    message = _("The password of %(email)s is reset; their sessions have ended.", email=user.email)
    if generated:
        return password_shown(user, password, message)
    flash(str(message), "success")
    return redirect(url_for("users.detail", user_id=user.id))
