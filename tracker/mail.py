"""Sending e-mail over SMTP: the one module that talks to the mail server, with settings from the config."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

TIMEOUT_SECONDS = 30


class MailServerError(Exception):
    """The SMTP server could not be reached, or refused the session (TLS, sign-in): nothing was sent."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: TRACKER_SMTP_* and TRACKER_MAIL_FROM."""

    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    sender: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """The settings of the app's config."""
        return cls(
            host=config["TRACKER_SMTP_HOST"],
            port=int(config["TRACKER_SMTP_PORT"]),
            user=config.get("TRACKER_SMTP_USER") or "",
            password=config.get("TRACKER_SMTP_PASSWORD") or "",
            starttls=bool(config.get("TRACKER_SMTP_STARTTLS")),
            sender=config.get("TRACKER_MAIL_FROM") or "",
        )


def sender_address(sender: str) -> str:
    """The address part of TRACKER_MAIL_FROM ("Tracker <t@example.org>" gives "t@example.org"); "" if none."""
    address = parseaddr(sender)[1]
    return address if "@" in address and not any(char.isspace() for char in address) else ""


@dataclass
class Delivery:
    """What became of each message: the recipients accepted, and those refused with the reason."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An SMTP session ready to send: connected, upgraded to TLS and signed in as configured."""
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerError(f"cannot reach the SMTP server {settings.host}:{settings.port}: {error}") from error
    try:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
    except (OSError, smtplib.SMTPException) as error:
        smtp.close()
        where = f"{settings.host}:{settings.port}"
        raise MailServerError(f"the SMTP server {where} refused the session: {error}") from error
    return smtp


def envelope(message: EmailMessage) -> tuple[str, list[str], bytes]:
    """Sender, recipients and bytes of a message.

    smtplib's `send_message` would write the message with the legacy policy, which turns every body line
    starting with "From " into ">From "; the message's own policy leaves the text alone.
    """
    sender = message["From"].addresses[0].addr_spec
    recipients = [address.addr_spec for address in message["To"].addresses]
    return sender, recipients, message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def send_messages(
    settings: SmtpSettings, messages: list[EmailMessage], sent_one: Callable[[], None] | None = None
) -> Delivery:
    """Send the messages over one SMTP session; a message refused does not stop the others. `sent_one` is called
    after each message (a job counts its progress)."""
    delivery = Delivery()
    smtp = connect(settings)
    with smtp:
        for message in messages:
            sender, recipients, data = envelope(message)
            recipient = ", ".join(recipients)
            try:
                smtp.sendmail(sender, recipients, data)
            except (OSError, smtplib.SMTPException) as error:
                delivery.failed.append((recipient, str(error)))
            else:
                delivery.sent.append(recipient)
            if sent_one:
                sent_one()
    return delivery
