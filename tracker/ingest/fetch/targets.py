"""Checking a URL before anything is looked up: scheme, user info, port, and a host that cannot hide a local address."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from tracker.i18n import EscapedLazyString, _
from tracker.ingest.fetch.policy import FetchError, FetchPolicy
from tracker.urls import InvalidURLError, normalize_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in the request target; the rest (spaces aside, refused earlier) are percent-encoded.
TARGET_SAFE = "!$%&'()*+,/:;=?@[]~"
LABEL = re.compile(r"[a-z0-9_-]{1,63}")
HEX_NUMBER = re.compile(r"0x[0-9a-f]*")


@dataclass(frozen=True)
class Target:
    """One hop, checked: where to connect and what to ask for."""

    url: str  # as requested, without fragment
    scheme: str
    host: str  # ASCII (IDNA), for the Host header, SNI and certificate checks
    port: int
    path: str  # request target: path and query, percent-encoded
    address: IPAddress | None  # set when the host is an IP literal


def check_url(url: str, policy: FetchPolicy) -> Target:
    """Refuse a URL whose scheme, user info, port or host is not allowed; return what to connect to."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _host_error(_("This is not a valid link.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError("scheme", _("Only http:// and https:// links can be fetched."))
    if "@" in parts.netloc:
        raise _host_error(_("A link with a user name or password cannot be fetched."))
    port = _checked_port(parts, scheme, policy)
    _check_text(url)
    host, address = check_host(parts.hostname or "")
    path = quote(parts.path or "/", safe=TARGET_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=TARGET_SAFE)
    return Target(parts._replace(fragment="").geturl(), scheme, host, port, path, address)


def _checked_port(parts: Any, scheme: str, policy: FetchPolicy) -> int:
    """The port to connect to, if the policy allows it."""
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise FetchError("port", _("The link's port number is not valid.")) from exc
    if port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise FetchError(
            "port", _("Links to port %(port)s cannot be fetched (allowed: %(allowed)s).", port=port, allowed=allowed)
        )
    return port


def _check_text(url: str) -> None:
    """Length, spaces and control characters: the rules every stored source URL follows."""
    try:
        normalize_url(url)
    except InvalidURLError as exc:
        raise _host_error(exc.args[0]) from exc


def check_host(hostname: str) -> tuple[str, IPAddress | None]:
    """The host in ASCII, and its address if it is an IP literal; refuses names that hide a local address."""
    if not hostname:
        raise _host_error(_("The link has no host name."))
    if "%" in hostname:  # an IPv6 zone or an escaped character: never part of a public host
        raise _host_error(_("The link's host name is not valid."))
    if ":" in hostname:
        return hostname, _ip_literal(hostname)
    name = _ascii_name(hostname)
    if name == "localhost" or name.endswith(".localhost"):
        raise _host_error(_("Links to this computer (localhost) cannot be fetched."))
    labels = name.split(".")
    # Resolvers and browsers read a name whose last label is a number as an IPv4 address in some form.
    if labels[-1].isdigit() or HEX_NUMBER.fullmatch(labels[-1]):
        return name, _ip_literal(name)
    return name, None


def _ascii_name(hostname: str) -> str:
    """IDNA-encode the name (fullwidth digits and dots become ASCII ones) and check its labels."""
    name = hostname[:-1] if hostname.endswith(".") else hostname
    try:
        name = name.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise _host_error(_("The link's host name is not valid.")) from exc
    if len(name) > 253 or not all(LABEL.fullmatch(label) for label in name.split(".")):
        raise _host_error(_("The link's host name is not valid."))
    return name


def _ip_literal(text: str) -> IPAddress:
    """An address written in its one canonical form; "127.1", octal or hex forms are refused."""
    try:
        return ipaddress.ip_address(text)
    except ValueError as exc:
        raise _host_error(
            _("The link's host is a number in an unusual form; use the site's name or a plain address.")
        ) from exc


def _host_error(message: EscapedLazyString) -> FetchError:
    """A FetchError about the host part (or the link's text) of a URL."""
    return FetchError("host", message)
