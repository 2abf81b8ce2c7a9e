"""Reading the body: cut at the policy's size, whatever Content-Length says, and after decompression too."""

from __future__ import annotations

import http.client
import zlib

from tracker.i18n import _
from tracker.ingest.fetch.policy import MEGABYTE, FetchError, FetchPolicy

CHUNK_SIZE = 64 * 1024


class _Identity:
    """The body as it arrives."""

    def feed(self, data: bytes, room: int) -> bytes:
        """Pass the data through if there is room for it."""
        if len(data) > room:
            raise TooLarge
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
            raise TooLarge
        return out

    def finish(self, room: int) -> bytes:
        """What the decompressor still holds, within the room left."""
        out = self.inflater.flush(room + 1)
        if len(out) > room:
            raise TooLarge
        return out


class TooLarge(Exception):
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


def read_body(response: http.client.HTTPResponse, policy: FetchPolicy) -> bytes:
    """The body, decoded, read chunk by chunk and cut at `max_bytes` whatever Content-Length says."""
    limit = policy.max_bytes
    if response.length is not None and response.length > limit:
        raise TooLarge
    decoder = _decoder(response)
    body = bytearray()
    received = 0
    while chunk := response.read1(CHUNK_SIZE):
        received += len(chunk)
        if received > limit:  # compressed bytes count too: a slow endless stream is no page
            raise TooLarge
        body += decoder.feed(chunk, limit - len(body))
    if response.length:  # http.client stops quietly when the peer closes early
        raise http.client.IncompleteRead(bytes(body), response.length)
    body += decoder.finish(limit - len(body))
    return bytes(body)


def too_large_error(policy: FetchPolicy) -> FetchError:
    """The size limit, in words."""
    size = f"{policy.max_bytes / MEGABYTE:g} MB" if policy.max_bytes >= MEGABYTE else f"{policy.max_bytes} bytes"
    return FetchError(
        "too_large", _("The page is larger than %(size)s; copy its text and paste it instead.", size=size)
    )
