"""The OpenID Connect client (Authlib): sends the browser to the provider and checks everything that comes back.

The authorisation code flow with PKCE (S256): Authlib keeps the state, the nonce and the code verifier in the
signed session cookie, exchanges the code at the provider's token endpoint, and checks the ID token's signature
against the provider's published keys (JWKS, from discovery) and its claims; the claims' expected values are
given here (issuer, audience, expiry, nonce) rather than left to the library's defaults, which do not compare the
audience with the client id. Every way this can fail becomes an `SsoRefusal` with a message for the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, request
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

from tracker.i18n import _
from tracker.sso.identity import Identity, identity_of
from tracker.sso.refusal import EXTENSION, SsoRefusal
from tracker.sso.settings import SsoSettings

# Seconds to wait for each call to the provider: a sign-in must not hang on a provider that does not answer.
TIMEOUT = 10
# Seconds of difference allowed between the provider's clock and this server's when checking exp and iat.
LEEWAY = 60
# The user-info claims the tracker reads when the ID token leaves them out (providers may keep them there).
USERINFO_CLAIMS = ("email", "email_verified")


@dataclass
class OpenIdProvider:
    """One configured provider and the Authlib client that talks to it."""

    settings: SsoSettings
    client: Any  # authlib's FlaskOAuth2App

    def redirect(self, redirect_uri: str) -> Response:
        """The answer that sends the browser to the provider's sign-in, with a new state, nonce and PKCE challenge."""
        try:
            self.check_discovery(self.client.load_server_metadata())
            return self.client.authorize_redirect(redirect_uri)
        except requests.RequestException as error:
            raise unreachable(self.settings, error) from error

    def check_discovery(self, metadata: dict[str, Any]) -> None:
        """The discovery document names the configured issuer (OpenID Connect Discovery 4.3), else every ID token
        would be refused for its issuer: say so before sending anyone to the provider."""
        if metadata.get("issuer") != self.settings.issuer:
            message = _(
                "%(provider)s is not set up correctly for this site. Please tell an administrator of the tracker.",
                provider=self.settings.name,
            )
            detail = f"the discovery document names issuer {metadata.get('issuer')!r}, not TRACKER_OIDC_ISSUER"
            raise SsoRefusal("issuer mismatch", message, detail)

    def identity(self) -> Identity:
        """The person the provider's answer on this request names, once every check has passed."""
        check_response_issuer(self.settings)
        try:
            token = self.client.authorize_access_token(claims_options=claims_options(self.settings), leeway=LEEWAY)
            claims = token.get("userinfo")
            if claims is None:
                raise SsoRefusal("no ID token", _("%(provider)s sent no identity token.", provider=self.settings.name))
            claims = self.with_user_info(dict(claims), token)
        except (OAuthError, JoseError, requests.RequestException) as error:
            raise refusal_for(error, self.settings) from error
        return identity_of(claims, self.settings)

    def with_user_info(self, claims: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed from the user-info endpoint with those it left out (the token wins)."""
        wanted = [*USERINFO_CLAIMS, *([self.settings.role_claim.split(".")[0]] if self.settings.role_claim else [])]
        if all(name in claims for name in wanted):
            return claims
        info = dict(self.client.userinfo(token=token))
        if info.get("sub") != claims.get("sub"):  # OpenID Connect Core 5.3.2: else the answer is not about this person
            raise SsoRefusal(
                "user info of another subject",
                _("%(provider)s described someone other than the person it signed in.", provider=self.settings.name),
            )
        return {**info, **claims}


def claims_options(settings: SsoSettings) -> dict[str, dict[str, Any]]:
    """What the ID token's claims must be (a new dict each time: Authlib takes hooks out of the one it gets)."""
    return {
        "iss": {"essential": True, "value": settings.issuer},
        "aud": {"essential": True, "value": settings.client_id},
        "exp": {"essential": True},
    }


def check_response_issuer(settings: SsoSettings) -> None:
    """An answer naming another issuer is refused (RFC 9207: a provider mixed up with another one)."""
    issuer = request.args.get("iss")
    if issuer is not None and issuer != settings.issuer:
        raise SsoRefusal(
            "wrong issuer in the answer",
            _("The answer did not come from %(provider)s, so it was refused.", provider=settings.name),
            detail=f"iss={issuer!r}",
        )


def unreachable(settings: SsoSettings, error: Exception) -> SsoRefusal:
    """The provider did not answer, or answered with an HTTP error."""
    message = _("%(provider)s cannot be reached at the moment. Please try again later.", provider=settings.name)
    return SsoRefusal("provider unreachable", message, detail=f"{error.__class__.__name__}: {error}")


def refusal_for(error: Exception, settings: SsoSettings) -> SsoRefusal:
    """The refusal a failure of the flow or of the token's checks comes to."""
    provider = settings.name
    detail = f"{error.__class__.__name__}: {error}"
    if isinstance(error, requests.RequestException):
        return unreachable(settings, error)
    if isinstance(error, MismatchingStateError):
        message = _("This sign-in was not started in this browser, or was started too long ago. Please start again.")
        return SsoRefusal("bad state", message, detail)
    if isinstance(error, OAuthError):
        return provider_refusal(error, settings)
    if isinstance(error, ExpiredTokenError):
        message = _(
            "The identity token from %(provider)s had expired when it arrived. Please try again; if this keeps "
            "happening, this server's clock may be wrong.",
            provider=provider,
        )
        return SsoRefusal("expired token", message, detail)
    if isinstance(error, ClaimError):
        return claim_refusal(error, settings, detail)
    message = _(
        "The signature of the identity token from %(provider)s is not valid, so it was refused.", provider=provider
    )
    return SsoRefusal("bad signature", message, detail)


def provider_refusal(error: OAuthError, settings: SsoSettings) -> SsoRefusal:
    """The provider said no: the person cancelled, or the provider refused the request or the code."""
    detail = f"{error.error}: {error.description or ''}".rstrip(": ")
    if error.error == "access_denied":
        return SsoRefusal("cancelled", _("The sign-in was cancelled at %(provider)s.", provider=settings.name), detail)
    reason = error.description or error.error
    message = _("%(provider)s did not complete the sign-in (%(reason)s).", provider=settings.name, reason=reason)
    return SsoRefusal("provider error", message, detail)


def claim_refusal(error: ClaimError, settings: SsoSettings, detail: str) -> SsoRefusal:
    """A claim of the ID token is not what this sign-in expects."""
    provider = settings.name
    if error.claim == "aud":
        message = _(
            "The identity token from %(provider)s was issued for another application, so it was refused.",
            provider=provider,
        )
        return SsoRefusal("wrong audience", message, detail)
    if error.claim == "iss":
        message = _("The identity token did not come from %(provider)s, so it was refused.", provider=provider)
        return SsoRefusal("wrong issuer", message, detail)
    if error.claim == "nonce":
        message = _("The identity token belongs to another sign-in, so it was refused. Please start again.")
        return SsoRefusal("bad nonce", message, detail)
    message = _(
        "The identity token from %(provider)s was refused: its %(claim)s claim is not valid.",
        provider=provider,
        claim=error.claim,
    )
    return SsoRefusal("invalid claim", message, detail)


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when single sign-on is configured (metadata is fetched at first use)."""
    settings: SsoSettings | None = app.config["TRACKER_SSO"]
    if settings is None:
        return
    client = OAuth(app).register(
        "oidc",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.discovery_url,
        client_kwargs={"scope": settings.scope, "code_challenge_method": "S256", "default_timeout": TIMEOUT},
    )
    app.extensions[EXTENSION] = OpenIdProvider(settings, client)
