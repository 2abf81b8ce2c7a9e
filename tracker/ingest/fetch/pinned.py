"""HTTP and HTTPS to an address checked beforehand (no second look-up), every send and receive bounded by the
deadline; TLS still checks the certificate against the host name."""

from __future__ import annotations

import functools
import http.client
import io
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tracker.ingest.fetch.policy import Deadline, FetchPolicy
from tracker.ingest.fetch.targets import Target


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
def exchange(
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
