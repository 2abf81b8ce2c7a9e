"""Safe fetching: hostile URLs refused with their reason, limits on time and size, pinned connections.

Nothing here reaches the internet or the system resolver: names resolve through `FakeResolver`, the
`offline` fixture fails any other look-up and any connection beyond 127.0.0.1, and the servers are raw
sockets on 127.0.0.1 that the tests script byte by byte.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tracker.config import ConfigError, load_config
from tracker.i18n import EscapedLazyString
from tracker.ingest.fetch import fetch, pinned
from tracker.ingest.fetch.addresses import checked_addresses, is_public_address, system_resolver
from tracker.ingest.fetch.pinned import PinnedHTTPSConnection
from tracker.ingest.fetch.policy import Deadline, FetchedPage, FetchError, FetchPolicy, policy_from_config
from tracker.ingest.fetch.targets import check_host, check_url

MB = 1024 * 1024
LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
PUBLIC = "93.184.216.34"


# --- the world the tests control ----------------------------------------------------------------------------


class FakeResolver:
    """DNS the tests control: each name maps to its addresses; unknown names are not found."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.table[host])


@dataclass
class Request:
    """What a local server received."""

    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    """The connection a handler answers on, counting the bytes the client took."""

    conn: socket.socket
    server: LocalServer
    sent: int = 0

    def send(self, data: bytes) -> None:
        """Send and count."""
        self.conn.sendall(data)
        self.sent += len(data)
        self.server.sent += len(data)

    def head(self, status: str = "200 OK", *headers: str) -> None:
        """Status line and headers."""
        self.send(f"HTTP/1.1 {status}\r\n{''.join(h + chr(13) + chr(10) for h in headers)}\r\n".encode())

    def page(self, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> None:
        """A complete answer with Content-Length."""
        self.head(status, f"Content-Type: {content_type}", f"Content-Length: {len(body)}", "Connection: close")
        self.send(body)

    def redirect(self, location: str, status: str = "302 Found") -> None:
        """A redirect to `location`."""
        self.head(status, f"Location: {location}", "Content-Length: 0", "Connection: close")

    def trickle(self, data: bytes = b"x", pause: float = 0.02) -> None:
        """Send a little at a time until the client goes away or the test ends."""
        while not self.server.stopping.wait(pause):
            self.send(data)

    def stream(self, total: int, chunk: bytes = b"x" * 65536) -> None:
        """Send up to `total` bytes as fast as the client takes them."""
        while self.sent < total and not self.server.stopping.is_set():
            self.send(chunk)


Handler = Callable[[Reply, Request], None]


@dataclass
class LocalServer:
    """A raw HTTP(S) server on 127.0.0.1 whose answers each test scripts."""

    handler: Handler
    context: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    sent: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self._start(self._accept)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._start(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self.context:
                conn = self.context.wrap_socket(conn, server_side=True)
            request = self._read_request(conn)
            self.requests.append(request)
            self.handler(Reply(conn, self), request)
        except OSError:  # the client hung up, as the fetch does when it has had enough
            pass
        finally:
            conn.close()

    @staticmethod
    def _read_request(conn: socket.socket) -> Request:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                raise ConnectionError("client left")
            data += chunk
        lines = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return Request(lines[0].split(" ")[1], {k.lower(): v for k, v in headers.items()})

    def close(self) -> None:
        """Stop serving and wait for the handlers to notice."""
        self.stopping.set()
        self.listener.close()
        for thread in self.threads:
            thread.join(3)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No system look-up of a name and no connection beyond loopback, whatever a test does."""
    real_getaddrinfo = socket.getaddrinfo
    real_open_socket = pinned.open_socket

    def numeric_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            raise AssertionError(f"a test tried to look up {host!r} on the system resolver") from None
        return real_getaddrinfo(host, *args, **kwargs)

    def loopback_only(address: str, port: int, deadline: Deadline) -> socket.socket:
        assert ipaddress.ip_address(address).is_loopback, f"a test tried to connect to {address}"
        return real_open_socket(address, port, deadline)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)
    monkeypatch.setattr(pinned, "open_socket", loopback_only)


@pytest.fixture
def serve() -> Iterator[Callable[..., LocalServer]]:
    """Start local servers; they stop when the test ends."""
    servers: list[LocalServer] = []

    def start(handler: Handler, context: ssl.SSLContext | None = None) -> LocalServer:
        server = LocalServer(handler, context)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def local_policy(server: LocalServer, **changes: object) -> FetchPolicy:
    """A policy that lets the fetch reach the test server: its port, and 127.0.0.1 as an exception."""
    settings: dict[str, object] = {"allowed_ports": frozenset({80, 443, server.port}), "allowed_networks": LOOPBACK}
    settings.update(changes)
    return FetchPolicy(**settings)  # type: ignore[arg-type]


def local_names(*names: str) -> FakeResolver:
    """Public-looking names that lead to the test servers."""
    return FakeResolver({name: ["127.0.0.1"] for name in names})


def fetch_local(server: LocalServer, path: str = "/", **changes: object) -> FetchedPage:
    """Fetch from the test server as news.example, a name that resolves to 127.0.0.1."""
    url = f"http://news.example:{server.port}{path}"
    return fetch(url, local_policy(server, **changes), local_names("news.example"))


def refused_local(server: LocalServer, path: str = "/", **changes: object) -> FetchError:
    """The FetchError fetching from the test server as news.example raises."""
    url = f"http://news.example:{server.port}{path}"
    return refused(url, local_policy(server, **changes), local_names("news.example"))


def refused(url: str, policy: FetchPolicy = FetchPolicy(), resolver: FakeResolver | None = None) -> FetchError:  # noqa: B008
    """The FetchError a fetch raises (the test fails if it succeeds)."""
    with pytest.raises(FetchError) as caught:
        fetch(url, policy, resolver or FakeResolver(HOSTILE_NAMES))
    assert isinstance(caught.value.message, EscapedLazyString)
    assert str(caught.value.message)
    return caught.value


# --- hostile URLs, refused before any connection --------------------------------------------------------------

HOSTILE_NAMES = {
    "news.example": [PUBLIC],
    "loopback.example": ["127.0.0.1"],
    "mixed.example": [PUBLIC, "10.1.2.3"],
    "mixed6.example": ["2606:4700:4700::1111", "fd00::1"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "nothing.example": [],
    "junk.example": ["not-an-address"],
}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        # numbers that resolvers and browsers read as 127.0.0.1
        ("http://2130706433/", "host"),
        ("http://0x7f000001/", "host"),
        ("http://0x7f.0.0.1/", "host"),
        ("http://0177.0.0.1/", "host"),
        ("http://127.1/", "host"),
        ("http://127.0.1/", "host"),
        ("http://news.example.0x1/", "host"),
        # this computer by name
        ("http://localhost/", "host"),
        ("http://localhost./", "host"),
        ("http://LOCALHOST:80/", "host"),
        ("http://admin.localhost/", "host"),
        # IP literals that are not public
        ("http://127.0.0.1/", "private_address"),
        ("http://１２７.０.０.１/", "private_address"),  # fullwidth digits: IDNA turns them into 127.0.0.1
        ("http://[::1]/", "private_address"),
        ("http://[::ffff:127.0.0.1]/", "private_address"),
        ("http://[::ffff:7f00:1]/", "private_address"),
        ("http://[::127.0.0.1]/", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://100.64.0.1/", "private_address"),
        ("http://10.0.0.1/", "private_address"),
        ("http://172.16.0.1/", "private_address"),
        ("http://172.31.255.255/", "private_address"),
        ("http://192.168.1.1/", "private_address"),
        ("http://0.0.0.0/", "private_address"),
        ("http://224.0.0.1/", "private_address"),
        ("http://255.255.255.255/", "private_address"),
        ("http://192.0.2.1/", "private_address"),
        ("http://198.18.0.1/", "private_address"),
        ("http://[::]/", "private_address"),
        ("http://[fc00::1]/", "private_address"),
        ("http://[fd12:3456::1]/", "private_address"),
        ("http://[fe80::1]/", "private_address"),
        ("http://[fec0::1]/", "private_address"),
        ("http://[ff02::1]/", "private_address"),
        ("http://[2001:db8::1]/", "private_address"),
        ("http://[64:ff9b::7f00:1]/", "private_address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "private_address"),
        ("http://[64:ff9b:1::5db8:d822]/", "private_address"),
        ("http://[2002:7f00:1::]/", "private_address"),
        ("http://[2002:a00:1::1]/", "private_address"),
        ("http://[2001::1]/", "private_address"),
        ("http://[fe80::1%25eth0]/", "host"),
        # names whose addresses are not (all) public
        ("http://loopback.example/", "private_address"),
        ("http://mixed.example/", "private_address"),
        ("http://mixed6.example/", "private_address"),
        ("http://mapped.example/", "private_address"),
        ("http://metadata.example/", "private_address"),
        # names that do not resolve
        ("http://unknown.example/", "dns"),
        ("http://nothing.example/", "dns"),
        ("http://junk.example/", "dns"),
        # schemes
        ("ftp://news.example/file", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("data:text/html,<script>alert(1)</script>", "scheme"),
        ("gopher://news.example:70/", "scheme"),
        ("news.example/berita", "scheme"),
        ("//news.example/berita", "scheme"),
        # ports
        ("http://news.example:22/", "port"),
        ("https://news.example:8443/", "port"),
        ("http://news.example:6379/", "port"),
        ("http://news.example:99999/", "port"),
        ("http://news.example:0x50/", "port"),
        # user info, and other tricks in the host part
        ("http://user:secret@news.example/", "host"),
        ("http://news.example@127.0.0.1/", "host"),
        ("http://news.example\\@127.0.0.1/", "host"),
        ("http://news.example\\.evil.example/", "host"),
        ("http:///berita", "host"),
        ("http://news..example/", "host"),
        ("http://[::1/", "host"),
        ("http://news.example/kerja sama", "host"),
        ("http://news.example/\x00", "host"),
    ],
)
def test_hostile_url_is_refused_with_its_reason(url: str, code: str) -> None:
    assert refused(url).code == code


def test_every_look_up_is_checked_and_public_addresses_pass() -> None:
    resolver = FakeResolver({"news.example": [PUBLIC, "2606:4700:4700::1111"]})
    target = check_url("http://news.example/berita", FetchPolicy())
    deadline = Deadline(1)
    addresses = checked_addresses(target, FetchPolicy(), resolver, deadline)
    assert addresses == [PUBLIC, "2606:4700:4700::1111"]
    assert resolver.calls == [("news.example", 80)]


@pytest.mark.parametrize(
    "address",
    [PUBLIC, "1.1.1.1", "2606:4700:4700::1111", "2002:5db8:d822::1", "64:ff9b::5db8:d822", "100.63.255.255"],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["100.127.255.255", "::ffff:8.8.8.8", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "3fff::1", "192.0.0.8", "240.0.0.1"],
)
def test_addresses_python_may_call_global_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


def test_an_exempt_network_opens_only_itself() -> None:
    policy = FetchPolicy(allowed_networks=(ipaddress.ip_network("10.0.0.0/24"),))
    resolver = FakeResolver({"internal.example": ["10.0.0.5"], "other.example": ["10.0.1.5"]})
    target = check_url("http://internal.example/", policy)
    assert checked_addresses(target, policy, resolver, Deadline(1)) == ["10.0.0.5"]
    assert refused("http://other.example/", policy, resolver).code == "private_address"


@pytest.mark.parametrize(
    ("host", "ascii_host"),
    [("bücher.example", "xn--bcher-kva.example"), ("news.example.", "news.example"), ("news.example", "news.example")],
)
def test_host_names_are_sent_in_ascii(host: str, ascii_host: str) -> None:
    assert check_host(host) == (ascii_host, None)


# --- local servers: the happy path, and the same setup refused without the exception --------------------------


def test_page_is_fetched_from_the_checked_address_with_the_host_name(serve) -> None:
    server = serve(lambda reply, request: reply.page(b"<p>Kerja sama</p>"))
    resolver = local_names("news.example")
    url = f"http://news.example:{server.port}/berita/ü?id=3#komentar"
    page = fetch(url, local_policy(server), resolver)
    assert page.url == url
    assert page.final_url == f"http://news.example:{server.port}/berita/ü?id=3"
    assert (page.status, page.content_type, page.charset) == (200, "text/html", "utf-8")
    assert page.body == b"<p>Kerja sama</p>"
    request = server.requests[0]
    assert request.path == "/berita/%C3%BC?id=3"
    assert request.headers["host"] == f"news.example:{server.port}"
    assert request.headers["user-agent"] == "CooperationTracker/1.0"
    assert request.headers["accept-encoding"] == "identity"
    assert resolver.calls == [("news.example", server.port)]


def test_same_setup_without_the_exception_is_refused_as_private(serve) -> None:
    server = serve(lambda reply, request: reply.page(b"secret"))
    assert refused_local(server, allowed_networks=()).code == "private_address"
    assert server.requests == []


def test_same_setup_on_a_port_not_allowed_is_refused(serve) -> None:
    server = serve(lambda reply, request: reply.page(b"secret"))
    assert refused_local(server, allowed_ports=frozenset({80, 443})).code == "port"


def test_a_second_look_up_is_never_made(serve) -> None:
    """DNS rebinding: a resolver that turns private after the first answer gains nothing."""
    server = serve(lambda reply, request: reply.page(b"ok", "text/plain"))
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    assert fetch(f"http://news.example:{server.port}/", local_policy(server), rebinding).body == b"ok"
    assert calls == ["news.example"]


def test_idn_host_is_looked_up_and_sent_in_ascii(serve) -> None:
    server = serve(lambda reply, request: reply.page(b"ok", "text/plain; charset=iso-8859-1"))
    page = fetch(f"http://bücher.example:{server.port}/", local_policy(server), local_names("xn--bcher-kva.example"))
    assert page.charset == "iso-8859-1"
    assert server.requests[0].headers["host"] == f"xn--bcher-kva.example:{server.port}"


# --- redirects -------------------------------------------------------------------------------------------------


def redirect_chain(port: int) -> Handler:
    """/start → /hop/2 → other.example/hop/1 → (relative) final?x=1 → the page."""

    def handle(reply: Reply, request: Request) -> None:
        locations = {"/start": "/hop/2", "/hop/2": f"http://other.example:{port}/hop/1", "/hop/1": "final?x=1"}
        if request.path in locations:
            reply.redirect(locations[request.path], "301 Moved Permanently")
        elif request.path.startswith("/loop/"):
            reply.redirect(f"/loop/{int(request.path.rsplit('/', 1)[1]) + 1}")
        else:
            reply.page(b"<p>final</p>")

    return handle


@pytest.fixture
def chain(serve) -> LocalServer:
    """A server answering with the redirect chain."""
    server = serve(lambda reply, request: handler(reply, request))
    handler = redirect_chain(server.port)
    return server


def test_redirects_within_the_limit_are_followed(chain: LocalServer) -> None:
    resolver = local_names("news.example", "other.example")
    page = fetch(f"http://news.example:{chain.port}/start", local_policy(chain), resolver)
    assert page.final_url == f"http://other.example:{chain.port}/hop/final?x=1"
    assert page.url == f"http://news.example:{chain.port}/start"
    assert page.body == b"<p>final</p>"
    assert [r.path for r in chain.requests] == ["/start", "/hop/2", "/hop/1", "/hop/final?x=1"]
    assert chain.requests[-1].headers["host"] == f"other.example:{chain.port}"


def test_too_many_redirects(chain: LocalServer) -> None:
    error = refused_local(chain, "/loop/0")
    assert error.code == "too_many_redirects"
    assert len(chain.requests) == 4  # the first request and three redirects followed


def test_no_redirects_when_the_policy_allows_none(chain: LocalServer) -> None:
    assert refused_local(chain, "/hop/1", max_redirects=0).code == "too_many_redirects"


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("http://internal.example/admin", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://[::ffff:10.0.0.1]/", "private_address"),
        ("http://2130706433/", "host"),
        ("http://localhost/", "host"),
        ("http://news.example:22/", "port"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://news.example/", "scheme"),
        ("http://user@news.example/", "host"),
    ],
)
def test_public_name_redirecting_somewhere_forbidden_is_refused(serve, location: str, code: str) -> None:
    server = serve(lambda reply, request: reply.redirect(location))
    resolver = FakeResolver({"news.example": ["127.0.0.1"], "internal.example": ["10.0.0.5"]})
    error = refused(f"http://news.example:{server.port}/", local_policy(server), resolver)
    assert error.code == code
    assert str(error.message).startswith(f"The link redirects to {location}, which cannot be fetched: ")
    assert len(server.requests) == 1


def test_redirect_without_location(serve) -> None:
    server = serve(lambda reply, request: reply.head("302 Found", "Content-Length: 0"))
    assert refused_local(server).code == "http_status"


# --- one deadline for the whole fetch --------------------------------------------------------------------------


def timed_refusal(url: str, policy: FetchPolicy, resolver: Callable[[str, int], list[str]]) -> tuple[str, float]:
    """The refusal's code and how long it took."""
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, policy, resolver)
    return caught.value.code, time.monotonic() - started


def trickle_body(reply: Reply, request: Request) -> None:
    """Headers, then a byte every 20 ms, forever."""
    reply.head("200 OK", "Content-Type: text/html")
    reply.trickle()


def trickle_headers(reply: Reply, request: Request) -> None:
    """A header that never ends, a byte at a time."""
    reply.send(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    reply.trickle()


def silent(reply: Reply, request: Request) -> None:
    """Accept, read the request, never answer."""
    reply.server.stopping.wait(5)


def slow_redirects(reply: Reply, request: Request) -> None:
    """Each hop takes 200 ms: under the timeout alone, not together."""
    time.sleep(0.2)
    hop = int(request.path.strip("/") or 0)
    if hop < 3:
        reply.redirect(f"/{hop + 1}")
    else:
        reply.page(b"late")


@pytest.mark.parametrize("handler", [trickle_body, trickle_headers, silent, slow_redirects])
def test_deadline_covers_the_whole_fetch(serve, handler: Handler) -> None:
    server = serve(handler)
    code, took = timed_refusal(
        f"http://news.example:{server.port}/", local_policy(server, timeout=0.5), local_names("news.example")
    )
    assert code == "timeout"
    assert 0.4 < took < 1.5


def test_a_hanging_look_up_is_cut_at_the_deadline() -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait(5)
        return [PUBLIC]

    try:
        code, took = timed_refusal("http://news.example/", FetchPolicy(timeout=0.3), hanging)
    finally:
        release.set()
    assert code == "timeout"
    assert took < 1


# --- size --------------------------------------------------------------------------------------------------------


def fifty_mb_without_length(reply: Reply, request: Request) -> None:
    reply.head("200 OK", "Content-Type: text/html", "Connection: close")
    reply.stream(50 * MB)


def fifty_mb_declared(reply: Reply, request: Request) -> None:
    reply.head("200 OK", "Content-Type: text/html", f"Content-Length: {50 * MB}")
    reply.stream(50 * MB)


def chunked_with_lying_length(reply: Reply, request: Request) -> None:
    reply.head("200 OK", "Content-Type: text/html", "Content-Length: 10", "Transfer-Encoding: chunked")
    reply.stream(50 * MB, b"10000\r\n" + b"x" * 65536 + b"\r\n")


@pytest.mark.parametrize("handler", [fifty_mb_without_length, fifty_mb_declared, chunked_with_lying_length])
def test_body_is_cut_at_the_limit_without_reading_it_all(serve, handler: Handler) -> None:
    server = serve(handler)
    error = refused_local(server)
    assert error.code == "too_large"
    assert "5 MB" in str(error.message)
    server.close()
    assert server.sent < 25 * MB


def test_declared_length_too_large_is_refused_before_reading(serve) -> None:
    server = serve(fifty_mb_declared)
    error = refused_local(server, max_bytes=1000)
    assert error.code == "too_large"


def test_short_length_ends_the_body_where_it_says(serve) -> None:
    """A Content-Length smaller than what the server sends: HTTP framing wins, the rest is never read."""

    def lying(reply: Reply, request: Request) -> None:
        reply.head("200 OK", "Content-Type: text/plain", "Content-Length: 10")
        reply.stream(50 * MB)

    server = serve(lying)
    page = fetch_local(server)
    assert page.body == b"x" * 10
    server.close()
    assert server.sent < 25 * MB


def test_connection_cut_before_the_declared_length(serve) -> None:
    def short(reply: Reply, request: Request) -> None:
        reply.head("200 OK", "Content-Type: text/html", "Content-Length: 1000")
        reply.send(b"<p>only part")

    server = serve(short)
    assert refused_local(server).code == "connection"


def test_gzip_page_is_decompressed(serve) -> None:
    def gzipped(reply: Reply, request: Request) -> None:
        body = gzip.compress(b"<p>compressed anyway</p>")
        reply.head("200 OK", "Content-Type: text/html", "Content-Encoding: gzip", f"Content-Length: {len(body)}")
        reply.send(body)

    server = serve(gzipped)
    page = fetch_local(server)
    assert page.body == b"<p>compressed anyway</p>"


def test_gzip_bomb_is_cut_at_the_limit(serve) -> None:
    bomb = gzip.compress(bytes(50 * MB), compresslevel=9)
    assert len(bomb) < 100_000

    def bombing(reply: Reply, request: Request) -> None:
        reply.head("200 OK", "Content-Type: text/html", "Content-Encoding: gzip", f"Content-Length: {len(bomb)}")
        reply.send(bomb)

    server = serve(bombing)
    assert refused_local(server).code == "too_large"


def test_corrupt_gzip_is_a_connection_error(serve) -> None:
    def corrupt(reply: Reply, request: Request) -> None:
        reply.head("200 OK", "Content-Type: text/html", "Content-Encoding: gzip", "Content-Length: 12")
        reply.send(b"not gzipped!")

    assert refused_local(serve(corrupt)).code == "connection"


def test_unknown_content_encoding_is_refused(serve) -> None:
    def brotli(reply: Reply, request: Request) -> None:
        reply.head("200 OK", "Content-Type: text/html", "Content-Encoding: br", "Content-Length: 3")
        reply.send(b"\x0b\x01\x80")

    server = serve(brotli)
    assert refused_local(server).code == "content_type"


# --- what the answer is ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "words"),
    [
        ("application/pdf", "PDF"),
        ("image/png", "image"),
        ("image/jpeg", "image"),
        ("video/mp4", "video"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "office document"),
        ("application/octet-stream", "application/octet-stream"),
        ("application/json", "application/json"),
        ("", "did not say"),
        ("html", "html"),
    ],
)
def test_content_types_other_than_pages_are_refused_politely(serve, content_type: str, words: str) -> None:
    server = serve(lambda reply, request: reply.page(b"%PDF-1.7", content_type))
    error = refused_local(server)
    assert error.code == "content_type"
    assert words in str(error.message)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=UTF-8", ("text/html", "utf-8")),
        ('application/xhtml+xml; charset="windows-1252"', ("application/xhtml+xml", "windows-1252")),
        ("TEXT/PLAIN", ("text/plain", None)),
        ('text/html; charset="no such charset"', ("text/html", None)),
    ],
)
def test_page_content_types_are_accepted(serve, content_type: str, expected: tuple[str, str | None]) -> None:
    server = serve(lambda reply, request: reply.page(b"ok", content_type))
    page = fetch_local(server)
    assert (page.content_type, page.charset) == expected


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("404 Not Found", "The page was not found (404)."),
        ("410 Gone", "The page has been removed (410)."),
        ("403 Forbidden", "The site refused access to the page (403)."),
        ("500 Internal Server Error", "The site had a problem (500); try again later."),
        ("204 No Content", "The site answered with status 204 instead of the page."),
    ],
)
def test_status_other_than_200_has_a_clear_message(serve, status: str, message: str) -> None:
    server = serve(lambda reply, request: reply.page(b"<p>error page</p>", status=status))
    error = refused_local(server)
    assert error.code == "http_status"
    assert str(error.message) == message


def test_garbage_answer_is_a_connection_error(serve) -> None:
    server = serve(lambda reply, request: reply.send(b"SSH-2.0-OpenSSH_9.6\r\n"))
    assert refused_local(server).code == "connection"


def test_closed_port_is_a_connection_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    policy = FetchPolicy(allowed_ports=frozenset({port}), allowed_networks=LOOPBACK)
    assert refused(f"http://news.example:{port}/", policy, local_names("news.example")).code == "connection"


# --- TLS: pinned address, host name for SNI and certificate checks ---------------------------------------------


class RecordingContext:
    """Stands in for an SSLContext, noting where the socket is connected and which name it is wrapped for."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, int], str]] = []

    def wrap_socket(self, sock: socket.socket, server_hostname: str) -> socket.socket:
        self.calls.append((sock.getpeername(), server_hostname))
        return sock


def test_https_connection_connects_to_the_pinned_address_and_wraps_for_the_host_name() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        context = RecordingContext()
        connection = PinnedHTTPSConnection("news.example", port, "127.0.0.1", Deadline(2), context)  # type: ignore[arg-type]
        connection.connect()
        connection.close()
    assert context.calls == [(("127.0.0.1", port), "news.example")]


def test_default_tls_context_verifies_certificates_and_host_names() -> None:
    context = pinned.tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for news.example (skipped without the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example"],
        check=True, capture_output=True, timeout=20,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(serve, certificate: tuple[Path, Path]) -> tuple[LocalServer, list[str | None]]:
    """An HTTPS server for news.example, noting the SNI names clients send."""
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    return serve(lambda reply, request: reply.page(b"<p>secure</p>"), context), names


def test_https_fetch_uses_sni_and_checks_the_certificate_for_the_host_name(
    tls_server, certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, names = tls_server
    monkeypatch.setattr(pinned, "tls_context", lambda: ssl.create_default_context(cafile=str(certificate[0])))
    page = fetch(f"https://news.example:{server.port}/", local_policy(server), local_names("news.example"))
    assert page.body == b"<p>secure</p>"
    assert names == ["news.example"]
    assert server.requests[0].headers["host"] == f"news.example:{server.port}"


def test_https_certificate_for_another_name_is_refused(tls_server, certificate, monkeypatch) -> None:
    server, _names = tls_server
    monkeypatch.setattr(pinned, "tls_context", lambda: ssl.create_default_context(cafile=str(certificate[0])))
    error = refused(f"https://other.example:{server.port}/", local_policy(server), local_names("other.example"))
    assert error.code == "tls"


def test_https_certificate_nobody_vouches_for_is_refused(tls_server) -> None:
    server, _names = tls_server
    error = refused(f"https://news.example:{server.port}/", local_policy(server), local_names("news.example"))
    assert error.code == "tls"


# --- the system resolver (socket.getaddrinfo replaced) and the configuration -----------------------------------


def test_system_resolver_gives_every_address_once(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 80)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700:4700::1111", 80, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kwargs: answers)
    assert system_resolver("news.example", 80) == [PUBLIC, "2606:4700:4700::1111"]


def test_fetch_uses_the_system_resolver_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []

    def getaddrinfo(host: str, port: int, **kwargs: object) -> list[tuple[object, ...]]:
        looked_up.append(host)
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(FetchError) as caught:
        fetch("http://intranet.example/")
    assert caught.value.code == "private_address"
    with pytest.raises(FetchError) as caught:
        fetch("http://gone.example/")
    assert caught.value.code == "dns"
    assert looked_up == ["intranet.example", "gone.example"]


def test_policy_from_config() -> None:
    policy = policy_from_config(
        {"TRACKER_FETCH_PORTS": "80, 443,8080", "TRACKER_FETCH_ALLOWED_NETWORKS": "127.0.0.1/32, fd00::/8"}
    )
    assert policy.allowed_ports == frozenset({80, 443, 8080})
    assert policy.allowed_networks == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("fd00::/8"))
    assert policy_from_config({}) == FetchPolicy()
    assert policy_from_config({"TRACKER_FETCH_PORTS": [80, 8080]}).allowed_ports == frozenset({80, 8080})


@pytest.mark.parametrize(
    "setting",
    [
        {"TRACKER_FETCH_PORTS": "http"},
        {"TRACKER_FETCH_PORTS": "70000"},
        {"TRACKER_FETCH_ALLOWED_NETWORKS": "10.0.0.1/8"},
        {"TRACKER_FETCH_ALLOWED_NETWORKS": "intranet"},
    ],
)
def test_unreadable_fetch_setting_stops_the_app_starting(tmp_path: Path, setting: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        policy_from_config(setting)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"TESTING": True, "SECRET_KEY": "x", **setting})


def test_app_config_defaults_to_the_safe_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_FETCH_PORTS", raising=False)
    monkeypatch.delenv("TRACKER_FETCH_ALLOWED_NETWORKS", raising=False)
    config = load_config(str(tmp_path), {"TESTING": True, "SECRET_KEY": "x"})
    assert policy_from_config(config) == FetchPolicy()
