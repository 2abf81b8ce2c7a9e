"""Resolving a host: every address it has must be public (or exempted by the policy), looked up by a deadline."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import Any

from tracker.i18n import _
from tracker.ingest.fetch.policy import Deadline, FetchError, FetchPolicy
from tracker.ingest.fetch.targets import IPAddress, Target

Resolver = Callable[[str, int], list[str]]

# Ranges that are not reachable public hosts but that `ipaddress` (3.11) may still call global.
NON_PUBLIC_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # carrier-grade NAT
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1..3)
        "198.51.100.0/24",
        "203.0.113.0/24",
        "192.88.99.0/24",  # 6to4 relay anycast
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast included
        "::/96",  # IPv4-compatible (deprecated), unspecified and loopback
        "::ffff:0:0/96",  # IPv4-mapped: the kernel would connect to the embedded IPv4 address
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/32",  # Teredo: a tunnel to addresses we cannot check
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(address: IPAddress) -> bool:
    """True only for an address on the public internet; 6to4 and NAT64 are judged by the IPv4 address inside."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:  # where the packets really go (NAT64 is "reserved" to ipaddress, yet DNS64 uses it)
        return is_public_address(embedded)
    if any(address in network for network in NON_PUBLIC_NETWORKS):
        return False
    flags = ("is_private", "is_loopback", "is_link_local", "is_multicast", "is_reserved", "is_unspecified")
    return address.is_global and not any(getattr(address, flag) for flag in flags)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address a 6to4 or NAT64 address leads to."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def permitted(address: IPAddress, policy: FetchPolicy) -> bool:
    """Public, or in a network the policy exempts."""
    return is_public_address(address) or any(address in network for network in policy.allowed_networks)


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's look-up: every address of the host, without repeats, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(target: Target, policy: FetchPolicy, resolver: Resolver, deadline: Deadline) -> list[str]:
    """Every address of the host, all permitted, to connect to without looking the name up again."""
    if target.address is not None:
        addresses = [target.address]
    else:
        addresses = [_parse_address(text, target.host) for text in _resolve(resolver, target, deadline)]
    if not addresses:
        raise _dns_error(target.host)
    if not all(permitted(address, policy) for address in addresses):
        raise FetchError(
            "private_address",
            _("%(host)s leads to a private or local network address; such links cannot be fetched.", host=target.host),
        )
    return [str(address) for address in dict.fromkeys(addresses)]


def _resolve(resolver: Resolver, target: Target, deadline: Deadline) -> list[str]:
    """Look the host up in a thread, since getaddrinfo has no timeout of its own; give up at the deadline."""
    outcome: dict[str, Any] = {}

    def look_up() -> None:
        try:
            outcome["addresses"] = list(resolver(target.host, target.port))
        except Exception as exc:  # whatever the resolver raises means "not found" to the user
            outcome["error"] = exc

    worker = threading.Thread(target=look_up, name=f"resolve {target.host}", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise TimeoutError("the look-up did not finish by the deadline")
    if "error" in outcome:
        raise _dns_error(target.host) from outcome["error"]
    return outcome["addresses"]


def _parse_address(text: str, host: str) -> IPAddress:
    """An address the resolver gave; a zone index is dropped (only link-local ones have one, and are refused)."""
    try:
        return ipaddress.ip_address(str(text).split("%", 1)[0])
    except ValueError as exc:
        raise _dns_error(host) from exc


def _dns_error(host: str) -> FetchError:
    """The name could not be turned into addresses."""
    return FetchError("dns", _("The site's name could not be found (%(host)s).", host=host))
