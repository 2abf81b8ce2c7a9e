"""Signing in and out, sessions, and the access check every request passes through."""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker import faults
from tracker.access import role_allows
from tracker.api.auth import token_user
from tracker.api.problems import ApiError
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.auth import ChangePasswordForm, SignInForm
from tracker.i18n import _
from tracker.locale import SESSION_KEY as LOCALE_SESSION_KEY
from tracker.locale import language_of
from tracker.models import User
from tracker.services import accounts
from tracker.web import devices
from tracker.web.helpers import render_invalid

log = logging.getLogger("tracker.security")
login_manager = LoginManager()
bp = Blueprint("auth", __name__)

SESSION_SEEN_KEY = "seen"
# The JSON API's blueprint: its requests authenticate by bearer token only.
API_BLUEPRINT = "api"
# A random value set at sign-in: the signed-in cookie never equals or extends one issued before.
SESSION_ID_KEY = "sid"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user a session cookie names, only while its session version and the account are still valid."""
    user_id, _sep, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def client_address() -> str:
    """The client's address as the server sees it (configure a proxy fix when behind one)."""
    return request.remote_addr or "unknown"


def enforce_access():
    """Refuse the request unless the signed-in user's role allows the endpoint (fail closed)."""
    if request.endpoint is None:
        return None  # unknown URL: routing answers 404 or 405
    if request.blueprint == API_BLUEPRINT:
        return enforce_token_access()
    idle = expired_idle_session()
    role = current_user.role if current_user.is_authenticated else None
    if role_allows(role, request.endpoint):
        get_session().info["actor_id"] = current_user.id if role else None
        return None
    if role is None:
        log.info("refused anonymous %s %s", request.method, request.path)
        if idle:  # the inactivity message is already flashed; the usual "sign in" one would repeat it
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return login_manager.unauthorized()
    log.warning("refused %s (%s) %s %s", current_user.email, role.value, request.method, request.path)
    abort(403)


def enforce_token_access() -> None:
    """The same check for the JSON API, whose user is the bearer token's (never the session cookie's).

    Refusals are problem+json: 401 without a valid token (no redirect to the sign-in page), 403 for the role.
    """
    user = token_user(get_session())
    g._login_user = user or AnonymousUserMixin()  # `current_user` for the rest of the request
    role = user.role if user else None
    if role_allows(role, request.endpoint):
        get_session().info["actor_id"] = user.id if user else None
        return None
    if user is None:
        log.info("refused API %s %s without a valid token", request.method, request.path)
        detail = _("Send a valid personal API token: Authorization: Bearer <token>.")
        raise ApiError(401, str(detail), headers={"WWW-Authenticate": 'Bearer realm="api"'})
    log.warning("refused API %s (%s) %s %s", user.email, role.value, request.method, request.path)
    raise ApiError(403, str(_("Your role (%(role)s) may not do this.", role=role.value)))


def expired_idle_session() -> bool:
    """Sign out a session left idle too long; otherwise note this request as its last activity.

    A signed-in session without a time of last activity counts as expired (fail closed).
    """
    if not current_user.is_authenticated:
        return False
    now = time.time()
    seen = session.get(SESSION_SEEN_KEY)
    limit = current_app.config["TRACKER_IDLE_TIMEOUT"].total_seconds()
    if not isinstance(seen, int | float) or now - seen > limit:
        log.info("idle session of %s ended", current_user.email)
        language = language_of(current_user.locale) or session.get(LOCALE_SESSION_KEY)
        logout_user()
        clear_session(language)
        flash(_("You were signed out after a period of inactivity."), "warning")
        return True
    session[SESSION_SEEN_KEY] = now
    return False


# Everything from this site only, and nothing inline: no script or style in the HTML, no event-handler attribute.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def security_headers(response):
    """Headers that keep the pages from being framed, sniffed or fed outside scripts.

    A response that brings a policy of its own keeps it: a document's download is sandboxed, and the API
    reference allows its stylesheet's data: images (each says why where it is set).
    """
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure or current_app.config.get("PREFERRED_URL_SCHEME") == "https":
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages show official records: no copy stays in shared caches or behind the Back button after sign-out.
        response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another origin.

    Browsers read a backslash as a slash and drop tabs and line breaks inside URLs, so a target
    holding either could turn into "//other.example": such targets are refused, not repaired.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.index")
    if "\\" in target or not target.isprintable() or urlsplit(target).netloc:
        return url_for("dashboard.index")
    return target


@bp.get("/sign-in")
def sign_in():
    """Show the sign-in form, the single sign-on button, or both."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    return sign_in_page(SignInForm(next=request.args.get("next", "")))


def sign_in_page(form: SignInForm, refusal: object = None, status: int = 200):
    """The sign-in page: the password form while password sign-in is on, the provider's button when one is set."""
    return render_template("auth/sign_in.html", form=form, refusal=refusal), status


def passwords_off() -> object | None:
    """The message for a password endpoint while password sign-in is turned off; None while it is on."""
    if current_app.config["TRACKER_PASSWORD_SIGN_IN"]:
        return None
    provider = current_app.config["TRACKER_SSO"].name
    return _("Password sign-in is turned off here: sign in with %(provider)s instead.", provider=provider)


@bp.post("/sign-in")
def submit_sign_in():
    """Check the credentials; start a fresh session on success."""
    form = SignInForm()
    refusal = passwords_off()
    if refusal:
        log.warning("password sign-in refused (turned off) for %r from %s", form.email.data, client_address())
        return sign_in_page(form, refusal, 403)
    if not form.validate():
        return render_invalid("auth/sign_in.html", form)
    db = get_session()
    throttle = current_app.config["TRACKER_THROTTLE"]
    known = devices.known_accounts()
    try:
        result = accounts.sign_in(
            db, form.email.data, form.password.data, client_address(), throttle=throttle, known_accounts=known
        )
        db.commit()
    except DBAPIError as error:
        result = check_unrecorded(db, form, error, known)
    if result.user is None:
        return refuse_sign_in(form, result)
    start_session(result.user)
    log.info("sign-in %s from %s", result.user.email, client_address())
    return devices.remember(redirect(safe_next(form.next.data)), result.user)


def check_unrecorded(db: Session, form: SignInForm, error: DBAPIError, known: list[int]) -> accounts.SignInResult:
    """The sign-in checked again without writing, when the database cannot take the attempt's bookkeeping.

    A full disk or a read-only database must not lock everyone out of reading: the right password signs in (a
    session needs nothing written), a wrong one fails after the longest delay. A busy database is rerun instead.
    """
    fault = faults.classify(error)
    if fault is None or fault.kind == "busy":
        raise error
    db.rollback()
    log.warning("sign-in attempt for %r not recorded: database %s", form.email.data, fault.reason)
    email, password, address = form.email.data, form.password.data, client_address()
    throttle = current_app.config["TRACKER_THROTTLE"]
    return accounts.sign_in(db, email, password, address, throttle=throttle, known_accounts=known, record=False)


def refuse_sign_in(form: SignInForm, result: accounts.SignInResult):
    """Answer a failed or locked sign-in, after the throttling delay, without telling which part was wrong."""
    # The typed e-mail address is logged with repr(): it is user input and may hold line breaks.
    if result.locked:
        log.warning("sign-in refused (locked) for %r from %s", form.email.data, client_address())
        minutes = int(current_app.config["TRACKER_THROTTLE"].window.total_seconds() // 60)
        form.form_errors.append(_("Too many failed attempts. Wait %(minutes)s minutes and try again.", minutes=minutes))
        return sign_in_page(form, status=429)
    log.warning("sign-in failed for %r from %s (delay %.1fs)", form.email.data, client_address(), result.delay)
    time.sleep(result.delay)
    form.form_errors.append(_("The e-mail address or the password is not right."))
    return sign_in_page(form, status=401)


def clear_session(language: str | None) -> None:
    """Empty the session but for the interface language, so that the next page reads as the last one did."""
    session.clear()
    if language:
        session[LOCALE_SESSION_KEY] = language


def start_session(user: User) -> None:
    """A new session for the user: nothing of the anonymous session is carried over but the chosen language."""
    clear_session(session.get(LOCALE_SESSION_KEY))
    login_user(user)
    session.permanent = True
    session[SESSION_ID_KEY] = secrets.token_urlsafe(16)
    session[SESSION_SEEN_KEY] = time.time()


@bp.post("/sign-out")
def sign_out():
    """End this and every other session of the user."""
    db = get_session()
    user = db.get(User, current_user.id)
    email, language = user.email, language_of(user.locale) or session.get(LOCALE_SESSION_KEY)
    everywhere = end_every_session(db, user)
    log.info("sign-out %s", email)
    logout_user()
    clear_session(language)
    if everywhere:
        flash(_("You are signed out."), "success")
    else:
        flash(
            _(
                "You are signed out in this browser. Your other sessions could not be ended because the database "
                "cannot save changes at the moment: sign in and out again later to end them."
            ),
            "warning",
        )
    return redirect(url_for("auth.sign_in"))


def end_every_session(db: Session, user: User) -> bool:
    """End the user's sessions everywhere; False when the database cannot save that (this browser signs out anyway).

    Someone signing out on a shared computer must not stay signed in there because the disk is full.
    """
    user_id = user.id
    accounts.end_sessions(user)
    try:
        db.commit()
    except DBAPIError as error:
        fault = faults.classify(error)
        if fault is None or fault.kind == "busy":
            raise  # busy: the view is run again (tracker/http/transactions.py)
        faults.release(db, fault)  # the failed commit expired `user`: it is not read again
        log.warning("sessions of user %s not ended elsewhere: database %s", user_id, fault.reason)
        return False
    return True


@bp.get("/account/password")
def password():
    """Show the form to change one's own password."""
    refusal = passwords_off()
    if refusal:
        return render_template("auth/password.html", form=None, refusal=refusal), 403
    return render_template("auth/password.html", form=ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    """Change one's own password; every other session ends, this one starts afresh."""
    refusal = passwords_off()
    if refusal:
        log.warning("password change refused (password sign-in turned off) for %s", current_user.email)
        return render_template("auth/password.html", form=None, refusal=refusal), 403
    form = ChangePasswordForm()
    if not form.validate():
        return render_invalid("auth/password.html", form)
    db = get_session()
    user = db.get(User, current_user.id)
    try:
        accounts.change_own_password(db, user, form.current.data, form.password.data)
    except TrackerError as error:
        db.rollback()
        return render_invalid("auth/password.html", form, error)
    db.commit()
    log.info("password changed by %s", user.email)
    start_session(user)
    flash(_("Your password is changed. Other sessions have been signed out."), "success")
    return redirect(url_for("dashboard.index"))


def health():
    """Liveness and database check for monitoring; public and free of data."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    """Wire sign-in, the access check and security headers into the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _("Sign in to continue.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = None  # our session versions do the revoking
    app.register_blueprint(bp)
    app.add_url_rule("/health", "health", health)
    app.before_request(enforce_access)
    app.after_request(security_headers)
    app.context_processor(sign_in_context)


def sign_in_context() -> dict[str, object]:
    """What every template may show: `can`, whether passwords sign in, and the provider's name (None without one)."""
    sso = current_app.config["TRACKER_SSO"]
    return {
        "can": can,
        "password_sign_in": current_app.config["TRACKER_PASSWORD_SIGN_IN"],
        "sso_name": sso and sso.name,
    }


def can(endpoint: str) -> bool:
    """Whether the current user may use `endpoint`: templates show only the actions that will work."""
    role = current_user.role if current_user.is_authenticated else None
    return role_allows(role, endpoint)
