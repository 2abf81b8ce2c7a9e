"""The single sign-on settings, read once at start-up: a wrong one stops the app instead of failing a sign-in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tracker.models import UserRole

DEFAULT_SCOPE = "openid email profile"
# What happens to someone the provider vouches for who has no account here.
NEW_USERS = ("refuse", "viewer")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class SsoSettings:
    """One OpenID provider: where it is, who the tracker is to it, and how its people become accounts."""

    issuer: str
    client_id: str
    client_secret: str
    name: str
    scope: str = DEFAULT_SCOPE
    create_users: bool = False
    role_claim: str = ""
    role_map: dict[str, UserRole] = field(default_factory=dict)

    @property
    def discovery_url(self) -> str:
        """The provider's metadata, at the place OpenID Connect Discovery gives it."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def sso_settings(config: dict[str, Any]) -> SsoSettings | None:
    """The settings from the TRACKER_OIDC_* values, None when no issuer is set; ValueError for a wrong one."""
    issuer = config.get("TRACKER_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    check_issuer(issuer)
    client_id = config.get("TRACKER_OIDC_CLIENT_ID", "").strip()
    client_secret = config.get("TRACKER_OIDC_CLIENT_SECRET", "").strip()
    if not (client_id and client_secret):
        raise ValueError(
            "TRACKER_OIDC_ISSUER is set: TRACKER_OIDC_CLIENT_ID and TRACKER_OIDC_CLIENT_SECRET are needed too."
        )
    scope = " ".join(config.get("TRACKER_OIDC_SCOPE", "").split()) or DEFAULT_SCOPE
    if "openid" not in scope.split():
        raise ValueError(f"TRACKER_OIDC_SCOPE must include openid, not {scope!r}.")
    role_claim = config.get("TRACKER_OIDC_ROLE_CLAIM", "").strip()
    return SsoSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        name=config.get("TRACKER_OIDC_NAME", "").strip() or urlsplit(issuer).hostname or issuer,
        scope=scope,
        create_users=new_users(config.get("TRACKER_OIDC_NEW_USERS", "")) == "viewer",
        role_claim=role_claim,
        role_map=role_map(config.get("TRACKER_OIDC_ROLE_MAP", ""), role_claim),
    )


def check_issuer(issuer: str) -> None:
    """An https address; plain http only on this machine (a test provider), where nobody can listen in."""
    parts = urlsplit(issuer)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or local) or parts.query or parts.fragment:
        raise ValueError(f"TRACKER_OIDC_ISSUER must be the provider's https address, not {issuer!r}.")


def new_users(value: str) -> str:
    """ "refuse" (the default) or "viewer"."""
    value = value.strip().lower() or NEW_USERS[0]
    if value not in NEW_USERS:
        raise ValueError(f"TRACKER_OIDC_NEW_USERS must be one of {', '.join(NEW_USERS)}, not {value!r}.")
    return value


def role_map(text: str, claim: str) -> dict[str, UserRole]:
    """The claim's values and the roles they give, from a JSON object: {"tracker-admins": "admin", ...}.

    JSON because group names may hold commas and equals signs (an LDAP group is "cn=...,ou=...,dc=...").
    """
    if not text.strip():
        if claim:
            raise ValueError("TRACKER_OIDC_ROLE_CLAIM is set: TRACKER_OIDC_ROLE_MAP must map its values to roles.")
        return {}
    if not claim:
        raise ValueError("TRACKER_OIDC_ROLE_MAP is set: TRACKER_OIDC_ROLE_CLAIM must name the claim it reads.")
    try:
        pairs = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"TRACKER_OIDC_ROLE_MAP is not JSON: {error}.") from None
    roles = {role.value: role for role in UserRole}
    if not isinstance(pairs, dict) or not all(isinstance(value, str) and value in roles for value in pairs.values()):
        raise ValueError(f"TRACKER_OIDC_ROLE_MAP must be a JSON object of claim values to {', '.join(roles)}.")
    return {str(value): roles[role] for value, role in pairs.items()}
