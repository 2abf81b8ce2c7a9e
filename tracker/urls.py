"""URL checks and normalisation for sources: one normal form per article."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tracker.i18n import _

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"}
MAX_URL_LENGTH = 2000


# Whitespace or a control character anywhere in a URL (one regex pass: imports check hundreds of thousands).
UNSAFE_CHARACTER = re.compile(r"[\s\x00-\x1f]")


class InvalidURLError(ValueError):
    """The text is not an http(s) URL we can store."""


def _is_tracking(name: str) -> bool:
    """Parameters that identify a campaign or click, not the page."""
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def clean_url(text: str) -> str:
    """The address checked and tidied, still the one to fetch: lower-case scheme and host; no fragment, tracking
    parameters or default port."""
    return urlunsplit(_clean_parts(text))


def _clean_parts(text: str) -> tuple[str, str, str, str, str]:
    """`clean_url`'s address as its parts (scheme, host and port, path, query, no fragment): `normalize_url` goes on
    from them rather than splitting the joined address again (an import normalises hundreds of thousands)."""
    text = (text or "").strip()
    if not text:
        raise InvalidURLError(_("Enter a URL."))
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURLError(_("A URL may be at most %(limit)s characters long.", limit=MAX_URL_LENGTH))
    if UNSAFE_CHARACTER.search(text):
        raise InvalidURLError(_("A URL cannot contain spaces or control characters."))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(_("This is not a valid URL.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidURLError(_("Only http:// and https:// links are accepted."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURLError(_("The URL has no host name."))
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        raise InvalidURLError(_("A URL with a user name or password is not accepted."))
    query = parts.query and urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return scheme, netloc, parts.path or "/", query, ""


def normalize_url(text: str) -> str:
    """The identity of an article: its clean address read over https, without a leading "www." or a trailing slash.

    News sites serve each article over both schemes and under both host names (one redirecting to the other), and
    the slash at the end of a path names the same page, so these spellings are one source. What may name another
    page stays: other subdomains (m., amp.), the path's case, the order and values of the remaining parameters.
    """
    _scheme, netloc, path, query, _fragment = _clean_parts(text)
    host = netloc.removeprefix("www.") if netloc.count(".") > 1 else netloc
    return urlunsplit(("https", host, path.rstrip("/") or "/", query, ""))
