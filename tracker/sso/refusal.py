"""What the sign-in pages need of single sign-on without loading the Authlib client (tracker/sso/client.py): the
provider's extension key and the refusal."""

from __future__ import annotations

# The app's extension holding the configured provider (tracker/sso/client.py `OpenIdProvider`).
EXTENSION = "tracker.sso"


class SsoRefusal(Exception):
    """A sign-in through the provider that was refused: `reason` for the log, `message` for the person."""

    def __init__(self, reason: str, message: object, detail: str = "", email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.detail = detail
        self.email = email
