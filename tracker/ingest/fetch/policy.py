"""What a fetch may do, by when it must be done, what it gives and how it fails."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.i18n import EscapedLazyString

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MEGABYTE = 1024 * 1024


class FetchError(Exception):
    """A page could not be fetched: `code` tells programs why, `message` tells people (translatable), `status` is
    the HTTP status of a site that answered with something other than the page."""

    def __init__(self, code: str, message: EscapedLazyString, status: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do; the app builds it from config (`policy_from_config`), tests build their own."""

    allowed_ports: frozenset[int] = frozenset({80, 443})
    # Exceptions to "public addresses only" — for tests and special deployments: every user can reach them.
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_redirects: int = 3
    timeout: float = 10.0  # seconds, for the whole fetch
    max_bytes: int = 5 * MEGABYTE
    user_agent: str = "CooperationTracker/1.0"
    # The media types accepted besides pages (HTML, plain text): feeds add XML (tracker/ingest/newsfeed.py).
    extra_types: frozenset[str] = frozenset()


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class FetchedPage:
    """A page fetched with status 200: the URL asked for, the URL finally served, and the raw body."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


class Deadline:
    """One point in time by which the whole fetch must be done."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; TimeoutError once none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch's deadline passed")
        return left


def policy_from_config(config: Mapping[str, Any]) -> FetchPolicy:
    """The policy the app settings describe; a malformed setting raises ValueError."""
    ports = _setting_items(config.get("TRACKER_FETCH_PORTS")) or ["80", "443"]
    networks = _setting_items(config.get("TRACKER_FETCH_ALLOWED_NETWORKS"))
    return FetchPolicy(
        allowed_ports=frozenset(_port(item) for item in ports),
        allowed_networks=tuple(_network(item) for item in networks),
        timeout=float(max(1, int(config.get("TRACKER_FETCH_TIMEOUT") or DEFAULT_POLICY.timeout))),
    )


def _setting_items(value: str | int | Iterable[Any] | None) -> list[str]:
    """A comma-separated string (from the environment) or a list (from a config dict), as strings."""
    if value is None:
        return []
    if isinstance(value, int):
        return [str(value)]
    items = value.split(",") if isinstance(value, str) else [str(item) for item in value]
    return [item.strip() for item in items if item.strip()]


def _port(text: str) -> int:
    """A TCP port number from a setting."""
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"TRACKER_FETCH_PORTS: {text} is not a port number")
    return port


def _network(text: str) -> IPNetwork:
    """A CIDR from a setting; host bits set are refused so that a typo cannot widen the exception."""
    try:
        return ipaddress.ip_network(text)
    except ValueError as exc:
        raise ValueError(f"TRACKER_FETCH_ALLOWED_NETWORKS: {text} is not a network ({exc})") from exc
