"""Single sign-on with OpenID Connect: settings (settings.py), what the claims say (identity.py), the Authlib client
(client.py), the refusal (refusal.py). The sign-in pages are tracker/web/sso.py; the accounts' side is
services/accounts.py `sign_in_verified`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the provider when single sign-on is configured. The client (requests, authlib, joserfc: a fifth of a
    second of every start) is loaded only then: most installations, and every command, have no use for it."""
    if app.config["TRACKER_SSO"] is None:
        return
    from tracker.sso import client

    client.init_app(app)
