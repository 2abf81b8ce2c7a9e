"""Safe fetching of the pages users link to: public addresses only, pinned, bounded in time and size.

The server fetches URLs that users type, so a URL is an attack on the network the server sits in until
proven otherwise (server-side request forgery). Every hop of a fetch is checked the same way:

- only http and https, on the allowed ports (80 and 443 unless an admin allows more);
- the host is a name or a canonical IP literal: numbers in odd forms ("2130706433", "0x7f000001",
  "0177.0.0.1", "127.1") and "localhost" are refused, because resolvers and browsers read them as local;
- every address the name resolves to must be public (embedded IPv4 in IPv6 forms included): one private
  address is enough to refuse, since the connection could go to any of them;
- the connection goes to an address that was checked, never to a second look-up (no DNS rebinding),
  while the Host header and TLS (SNI and certificate checks) still use the host name;
- one deadline covers the whole fetch (look-ups, connects, headers, body, redirects), the body is cut at
  `max_bytes` (after decompression too), and only HTML and plain text are accepted.

`FetchPolicy.allowed_networks` exempts networks from the public-address rule. It exists for tests and
special deployments only: any network listed there becomes reachable by every user who can add a source.
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from tracker.i18n import EscapedLazyString, _
from tracker.urls import InvalidURLError, normalize_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
CHUNK_SIZE = 64 * 1024
MEGABYTE = 1024 * 1024
# Characters left as they are in the request target; the rest (spaces aside, refused earlier) are percent-encoded.
TARGET_SAFE = "!$%&'()*+,/:;=?@[]~"
LABEL = re.compile(r"[a-z0-9_-]{1,63}")
HEX_NUMBER = re.compile(r"0x[0-9a-f]*")
CHARSET = re.compile(r"[a-z0-9._:-]{1,40}")

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


class FetchError(Exception):
    """A page could not be fetched: `code` tells programs why, `message` tells people (translatable)."""

    def __init__(self, code: str, message: EscapedLazyString) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

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


@dataclass(frozen=True)
class FetchedPage:
    """A page fetched with status 200: the URL asked for, the URL finally served, and the raw body."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class Target:
    """One hop, checked: where to connect and what to ask for."""

    url: str  # as requested, without fragment
    scheme: str
    host: str  # ASCII (IDNA), for the Host header, SNI and certificate checks
    port: int
    path: str  # request target: path and query, percent-encoded
    address: IPAddress | None  # set when the host is an IP literal


# --- configuration ---------------------------------------------------------------------------------------


def policy_from_config(config: Mapping[str, Any]) -> FetchPolicy:
    """The policy the app settings describe; a malformed setting raises ValueError."""
    ports = _setting_items(config.get("TRACKER_FETCH_PORTS")) or ["80", "443"]
    networks = _setting_items(config.get("TRACKER_FETCH_ALLOWED_NETWORKS"))
    return FetchPolicy(
        allowed_ports=frozenset(_port(item) for item in ports),
        allowed_networks=tuple(_network(item) for item in networks),
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


# --- addresses ----------------------------------------------------------------------------------------------


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


def _permitted(address: IPAddress, policy: FetchPolicy) -> bool:
    """Public, or in a network the policy exempts."""
    return is_public_address(address) or any(address in network for network in policy.allowed_networks)


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's look-up: every address of the host, without repeats, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# --- checking a URL -----------------------------------------------------------------------------------------


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


# --- resolving ------------------------------------------------------------------------------------------------


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


def checked_addresses(target: Target, policy: FetchPolicy, resolver: Resolver, deadline: Deadline) -> list[str]:
    """Every address of the host, all permitted, to connect to without looking the name up again."""
    if target.address is not None:
        addresses = [target.address]
    else:
        addresses = [_parse_address(text, target.host) for text in _resolve(resolver, target, deadline)]
    if not addresses:
        raise _dns_error(target.host)
    if not all(_permitted(address, policy) for address in addresses):
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


# --- connecting -----------------------------------------------------------------------------------------------


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Certificate and host-name verification as browsers do it, against the system's trusted authorities."""
    return ssl.create_default_context()


def open_socket(address: str, port: int, deadline: Deadline) -> socket.socket:
    """A TCP connection to exactly this address (numeric only, so nothing is looked up here)."""
    family, kind, proto, _name, sockaddr = socket.getaddrinfo(
        address, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.settimeout(deadline.remaining())
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _DeadlineSocket:
    """The socket http.client sees: every send and receive must end by the deadline, however slow the peer."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.sock = sock
        self.deadline = deadline
        self.readers = 0
        self.closed = False

    def sendall(self, data: bytes) -> None:
        """Send everything, or fail at the deadline."""
        self.sock.settimeout(self.deadline.remaining())
        self.sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        """One receive, given only the time left: a peer trickling a byte at a time is still cut off."""
        self.sock.settimeout(self.deadline.remaining())
        return self.sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        """The buffered reader http.client parses the response from."""
        self.readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def release(self) -> None:
        """A reader is closed."""
        self.readers -= 1
        self._close_when_unused()

    def close(self) -> None:
        """Close the socket once its readers are closed too (http.client closes the connection first)."""
        self.closed = True
        self._close_when_unused()

    def _close_when_unused(self) -> None:
        """Close the real socket when nobody reads from it any more, like socket.makefile's references."""
        if self.closed and self.readers <= 0:
            self.sock.close()


class _DeadlineReader(io.RawIOBase):
    """Raw reads through a _DeadlineSocket."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self.sock = sock

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill the buffer with what one receive brings."""
        return self.sock.recv_into(memoryview(buffer).cast("B"))

    def close(self) -> None:
        """Let the socket close once the connection is closed too."""
        if not self.closed:
            self.sock.release()
        super().close()


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to an address checked beforehand; the Host header still names the host."""

    def __init__(self, host: str, port: int, address: str, deadline: Deadline) -> None:
        super().__init__(host, port)
        self.address = address
        self.deadline = deadline

    def connect(self) -> None:
        """Connect to the pinned address, never to a fresh look-up of the host name."""
        self.sock = _DeadlineSocket(self.open(), self.deadline)

    def open(self) -> socket.socket:
        """The connected socket."""
        return open_socket(self.address, self.port, self.deadline)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """HTTPS to a pinned address, with SNI and certificate checks made against the host name."""

    default_port = 443

    def __init__(
        self, host: str, port: int, address: str, deadline: Deadline, context: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(host, port, address, deadline)
        self.context = context or tls_context()

    def open(self) -> socket.socket:
        """The TCP socket, wrapped in TLS for the host name (not the address we connected to)."""
        sock = super().open()
        try:
            return self.context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _open_connection(target: Target, addresses: list[str], deadline: Deadline) -> PinnedHTTPConnection:
    """A connection to the first checked address that answers."""
    kind = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    error: OSError | None = None
    for address in addresses:
        connection = kind(target.host, target.port, address, deadline)
        try:
            connection.connect()
            return connection
        except (TimeoutError, ssl.SSLError):
            connection.close()
            raise  # the deadline or the site's certificate: another address would not help
        except OSError as exc:
            connection.close()
            error = exc
    raise error or ConnectionError("no address to connect to")


@contextmanager
def _exchange(
    target: Target, addresses: list[str], policy: FetchPolicy, deadline: Deadline
) -> Iterator[http.client.HTTPResponse]:
    """Connect, send the request and give the response; the connection and the response are closed after."""
    connection = _open_connection(target, addresses, deadline)
    try:
        response = _send_request(connection, target, policy)
        try:
            yield response
        finally:
            response.close()
    finally:
        connection.close()


def _send_request(connection: PinnedHTTPConnection, target: Target, policy: FetchPolicy) -> http.client.HTTPResponse:
    """GET the page, asking for it uncompressed and for the connection to close afterwards."""
    connection.putrequest("GET", target.path, skip_accept_encoding=True)
    connection.putheader("User-Agent", policy.user_agent)
    connection.putheader("Accept", "text/html, application/xhtml+xml, text/plain;q=0.9")
    connection.putheader("Accept-Encoding", "identity")
    connection.putheader("Connection", "close")
    connection.endheaders()
    return connection.getresponse()


# --- reading the answer ----------------------------------------------------------------------------------------


def _redirect_location(response: http.client.HTTPResponse, current_url: str) -> str | None:
    """The absolute URL a redirect points to, or None when the answer is not a redirect."""
    if response.status not in REDIRECT_STATUSES:
        return None
    location = response.getheader("Location")
    if not location:
        raise FetchError(
            "http_status",
            _("The site redirected the link without saying where to (%(status)s).", status=response.status),
        )
    # http.client decodes headers as Latin-1; servers send UTF-8 there, which becomes percent-encoded later.
    raw = location.strip().encode("latin-1", "replace")
    return urljoin(current_url, raw.decode("utf-8", "replace"))


def _check_status(status: int) -> None:
    """Only 200 is a page; every other status gets a message the user can act on."""
    if status == 200:
        return
    if status == 404:
        message = _("The page was not found (404).")
    elif status == 410:
        message = _("The page has been removed (410).")
    elif status in (401, 403):
        message = _("The site refused access to the page (%(status)s).", status=status)
    elif status == 429:
        message = _("The site is receiving too many requests (429); try again later.")
    elif status >= 500:
        message = _("The site had a problem (%(status)s); try again later.", status=status)
    else:
        message = _("The site answered with status %(status)s instead of the page.", status=status)
    raise FetchError("http_status", message)


def _content_type_of(response: http.client.HTTPResponse) -> tuple[str, str | None]:
    """The media type and charset, if the media type is a page we can read."""
    header = response.getheader("Content-Type") or ""
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type not in PAGE_TYPES:
        raise FetchError("content_type", _wrong_type_message(media_type))
    charset = (response.headers.get_content_charset() or "").strip().lower()
    return media_type, charset if CHARSET.fullmatch(charset) else None


def _wrong_type_message(media_type: str) -> EscapedLazyString:
    """Say what the link is instead of a page, and what to do about it."""
    if not media_type:
        return _("The site did not say what kind of document this is; copy the page's text and paste it instead.")
    if media_type == "application/pdf":
        return _("This link is a PDF document, not a web page; save it and paste or upload its text instead.")
    if media_type.startswith("image/"):
        return _("This link is an image, not a web page.")
    if media_type.startswith(("audio/", "video/")):
        return _("This link is an audio or video file, not a web page.")
    if any(word in media_type for word in ("msword", "officedocument", "opendocument", "ms-excel", "rtf")):
        return _("This link is an office document, not a web page; save it and paste or upload its text instead.")
    return _("This link is not a web page (%(type)s); only HTML and plain-text pages can be read.", type=media_type)


class _Identity:
    """The body as it arrives."""

    def feed(self, data: bytes, room: int) -> bytes:
        """Pass the data through if there is room for it."""
        if len(data) > room:
            raise _TooLarge
        return data

    def finish(self, room: int) -> bytes:
        """Nothing is held back."""
        return b""


class _Inflate:
    """gzip or deflate, never producing more than the room left, so a small bomb stays small."""

    def __init__(self) -> None:
        self.inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # 32: either a gzip or a zlib header

    def feed(self, data: bytes, room: int) -> bytes:
        """Decompress at most one byte past the room: enough to know the limit is passed."""
        out = self.inflater.decompress(data, room + 1)
        if len(out) > room:
            raise _TooLarge
        return out

    def finish(self, room: int) -> bytes:
        """What the decompressor still holds, within the room left."""
        out = self.inflater.flush(room + 1)
        if len(out) > room:
            raise _TooLarge
        return out


class _TooLarge(Exception):
    """The body passed the policy's size limit (turned into FetchError with the limit in the message)."""


def _decoder(response: http.client.HTTPResponse) -> _Identity | _Inflate:
    """How to undo the Content-Encoding; we ask for none, but some servers compress anyway."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding == "identity":
        return _Identity()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflate()
    raise FetchError(
        "content_type",
        _("The site sent the page compressed in a way we cannot read (%(encoding)s).", encoding=encoding),
    )


def _read_body(response: http.client.HTTPResponse, policy: FetchPolicy) -> bytes:
    """The body, decoded, read chunk by chunk and cut at `max_bytes` whatever Content-Length says."""
    limit = policy.max_bytes
    if response.length is not None and response.length > limit:
        raise _TooLarge
    decoder = _decoder(response)
    body = bytearray()
    received = 0
    while chunk := response.read1(CHUNK_SIZE):
        received += len(chunk)
        if received > limit:  # compressed bytes count too: a slow endless stream is no page
            raise _TooLarge
        body += decoder.feed(chunk, limit - len(body))
    if response.length:  # http.client stops quietly when the peer closes early
        raise http.client.IncompleteRead(bytes(body), response.length)
    body += decoder.finish(limit - len(body))
    return bytes(body)


def _too_large_error(policy: FetchPolicy) -> FetchError:
    """The size limit, in words."""
    size = f"{policy.max_bytes / MEGABYTE:g} MB" if policy.max_bytes >= MEGABYTE else f"{policy.max_bytes} bytes"
    return FetchError(
        "too_large", _("The page is larger than %(size)s; copy its text and paste it instead.", size=size)
    )


# --- the fetch ----------------------------------------------------------------------------------------------------


def fetch(url: str, policy: FetchPolicy = FetchPolicy(), resolver: Resolver = system_resolver) -> FetchedPage:
    """Fetch an HTML or text page safely; every failure is a FetchError."""
    deadline = Deadline(policy.timeout)
    try:
        return _follow(url.strip(), policy, resolver, deadline)
    except _TooLarge as exc:
        raise _too_large_error(policy) from exc
    except TimeoutError as exc:
        raise FetchError(
            "timeout",
            _("The site took too long to answer (more than %(seconds)s seconds).", seconds=format(policy.timeout, "g")),
        ) from exc
    except (ssl.SSLError, ssl.CertificateError) as exc:
        raise FetchError(
            "tls", _("The site's secure connection could not be verified, so the page was not fetched.")
        ) from exc
    except http.client.IncompleteRead as exc:
        raise FetchError("connection", _("The connection ended before the whole page arrived.")) from exc
    except (OSError, http.client.HTTPException, ValueError, zlib.error) as exc:
        raise FetchError("connection", _("The site could not be reached or its answer could not be read.")) from exc


def _follow(url: str, policy: FetchPolicy, resolver: Resolver, deadline: Deadline) -> FetchedPage:
    """Request the URL and follow up to `max_redirects` redirects, checking every hop afresh."""
    current = url
    for hop in range(policy.max_redirects + 1):
        target, addresses = _check_hop(current, hop, policy, resolver, deadline)
        with _exchange(target, addresses, policy, deadline) as response:
            location = _redirect_location(response, target.url)
            if location is None:
                return _page(url, target, response, policy)
        current = location
    raise FetchError(
        "too_many_redirects",
        _(
            "The link redirects more than %(limit)s times; open it in a browser and use the address it ends at.",
            limit=policy.max_redirects,
        ),
    )


def _check_hop(
    url: str, hop: int, policy: FetchPolicy, resolver: Resolver, deadline: Deadline
) -> tuple[Target, list[str]]:
    """Check one hop and resolve its host; a refused redirect says where it led, since the user never typed that."""
    try:
        target = check_url(url, policy)
        return target, checked_addresses(target, policy, resolver, deadline)
    except FetchError as error:
        if hop == 0:
            raise
        message = _(
            "The link redirects to %(url)s, which cannot be fetched: %(reason)s", url=url[:200], reason=error.message
        )
        raise FetchError(error.code, message) from error


def _page(url: str, target: Target, response: http.client.HTTPResponse, policy: FetchPolicy) -> FetchedPage:
    """The final answer, if it is a page we accept."""
    _check_status(response.status)
    content_type, charset = _content_type_of(response)
    body = _read_body(response, policy)
    return FetchedPage(url, target.url, response.status, content_type, charset, body)
