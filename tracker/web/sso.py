"""Signing in through the organisation's OpenID Connect provider (tracker/sso/): the way out and the way back.

Every sign-in and every refusal is logged to `tracker.security`, as password sign-ins are (tracker/auth.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user

from tracker.auth import client_address, safe_next, start_session
from tracker.db import get_session
from tracker.i18n import _
from tracker.services import accounts
from tracker.sso.identity import Identity
from tracker.sso.refusal import EXTENSION, SsoRefusal
from tracker.web import devices

if TYPE_CHECKING:
    from tracker.sso.client import OpenIdProvider

bp = Blueprint("sso", __name__, url_prefix="/sign-in/sso")
log = logging.getLogger("tracker.security")

# Where to go once signed in, kept in the session across the visit to the provider.
NEXT_KEY = "sso_next"


def provider() -> OpenIdProvider:
    """The configured provider; without one these pages do not exist."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        abort(404)
    return found


@bp.get("")
def start():
    """Send the browser to the provider's sign-in; it comes back to the callback."""
    oidc = provider()
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target)
    session[NEXT_KEY] = target
    try:
        return oidc.redirect(url_for("sso.callback", _external=True))
    except SsoRefusal as refusal:
        return refuse(refusal)


@bp.get("/callback")
def callback():
    """Check the provider's answer, find or make the account, and start a session."""
    oidc = provider()
    try:
        # A rerun after a transient database failure (tracker/http/transactions.py) must not ask the provider
        # again: the code is spent and the state gone. The identity is kept for the request's reruns.
        identity = g.get("sso_identity") or oidc.identity()
        g.sso_identity = identity
        result = sign_in(identity, oidc)
        get_session().commit()
    except SsoRefusal as refusal:
        get_session().rollback()
        return refuse(refusal)
    report(result, identity, oidc)
    target = safe_next(session.get(NEXT_KEY))
    start_session(result.user)
    return devices.remember(redirect(target), result.user)


def sign_in(identity: Identity, oidc: OpenIdProvider) -> accounts.VerifiedSignIn:
    """The account of a verified e-mail address, by the settings; an unverified or missing one is refused."""
    settings = oidc.settings
    name = settings.name
    if not identity.email:
        message = _(
            "%(provider)s did not share your e-mail address, so no account can be found for you.", provider=name
        )
        raise SsoRefusal("no e-mail", message, detail=f"sub={identity.subject!r}")
    if not identity.email_verified:
        message = _(
            "%(provider)s has not verified your e-mail address %(email)s, so no account can be matched to it.",
            provider=name,
            email=identity.email,
        )
        raise SsoRefusal("e-mail not verified", message, email=identity.email)
    try:
        return accounts.sign_in_verified(
            get_session(), identity.email, identity.name, identity.role, create=settings.create_users
        )
    except accounts.SignInRefused as error:
        raise SsoRefusal(error.reason, error.message, email=identity.email) from error


def report(result: accounts.VerifiedSignIn, identity: Identity, oidc: OpenIdProvider) -> None:
    """Log the sign-in, and the account or role it made or changed."""
    user, claim = result.user, oidc.settings.role_claim
    if result.created:
        log.info("single sign-on created %s as %s", user.email, user.role.value)
    elif result.previous_role is not None:
        log.info(
            "single sign-on set the role of %s to %s (was %s) from claim %r",
            user.email,
            user.role.value,
            result.previous_role.value,
            claim,
        )
    log.info(
        "sign-in %s from %s through single sign-on (%s, sub %r)",
        user.email,
        client_address(),
        oidc.settings.issuer,
        identity.subject,
    )


def refuse(refusal: SsoRefusal):
    """Log the refusal and show its message on the sign-in page."""
    # The e-mail address comes from the provider: repr() keeps a line break in it from forging a log line.
    log.warning(
        "single sign-on refused (%s) for %r from %s: %s",
        refusal.reason,
        refusal.email or "-",
        client_address(),
        refusal.detail or "-",
    )
    flash(refusal.message, "error")
    return redirect(url_for("auth.sign_in", next=session.pop(NEXT_KEY, None)))
