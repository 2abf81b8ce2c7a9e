"""What a provider's verified claims say about the person: e-mail address, name, and the role they map to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.models import UserRole
from tracker.sso.settings import SsoSettings


@dataclass(frozen=True)
class Identity:
    """The person the provider signed in; `role` is None when the tracker keeps the role (no role claim set)."""

    subject: str
    email: str
    email_verified: bool
    name: str
    role: UserRole | None


def identity_of(claims: dict[str, Any], settings: SsoSettings) -> Identity:
    """The identity in the claims of a verified ID token (and the provider's user info)."""
    email = claims.get("email")
    name = claims.get("name")
    return Identity(
        subject=str(claims.get("sub", "")),
        email=email.strip() if isinstance(email, str) else "",
        email_verified=is_true(claims.get("email_verified")),
        name=name.strip() if isinstance(name, str) else "",
        role=role_from(claim_values(claims, settings.role_claim), settings.role_map) if settings.role_claim else None,
    )


def is_true(value: Any) -> bool:
    """A JSON true, or the string "true" some providers send instead; never 1 (which equals True in Python)."""
    return value is True or value == "true"


def claim_values(claims: dict[str, Any], name: str) -> list[str]:
    """The values of a claim as a list of strings: a string, a list, or a path into nested claims.

    A name is first taken whole, since namespaced claims are URLs with dots ("https://kemlu.example/roles"); only
    then as a path, as Keycloak nests its roles ("realm_access.roles").
    """
    value: Any = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def role_from(values: list[str], role_map: dict[str, UserRole]) -> UserRole:
    """The highest role any of the values maps to; viewer when none does (the provider decides the role)."""
    roles = [role_map[value] for value in values if value in role_map]
    return max(roles, key=lambda role: role.rank, default=UserRole.VIEWER)
