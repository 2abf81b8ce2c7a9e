"""Getting a page's content from a URL, an upload or a paste, and extracting it: no database involved."""

from __future__ import annotations

import re
from pathlib import PurePath

from tracker.i18n import _
from tracker.ingest.extract import extract_html, extract_text
from tracker.ingest.extract.decoding import decode_html
from tracker.ingest.fetch import fetch
from tracker.ingest.fetch.addresses import Resolver, system_resolver
from tracker.ingest.fetch.policy import FetchPolicy
from tracker.ingest.review import PendingSource
from tracker.models import SnapshotMethod
from tracker.urls import clean_url

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
# Pasted text that looks like markup is read as a page, anything else as plain text.
LOOKS_LIKE_HTML = re.compile(r"<\s*(html|head|body|article|p|div|meta|title)\b", re.IGNORECASE)


class AcquireError(ValueError):
    """The content cannot be read; `field` names the form field the message belongs next to."""

    def __init__(self, message: object, field: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def from_url(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> PendingSource:
    """Fetch a URL safely and extract the page."""
    page = fetch(url, policy, resolver)  # fetch checks and refuses the URL itself
    html = decode_html(page.body, page.charset)
    if page.content_type.startswith("text/plain"):
        extracted = extract_text(html)
        extracted.url = clean_url(page.final_url)
    else:
        extracted = extract_html(html, url=page.final_url)
    return PendingSource(extracted, SnapshotMethod.FETCH, page.final_url)


def from_upload(filename: str, body: bytes) -> PendingSource:
    """Extract a saved page (.html, .htm) or text file (.txt)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in HTML_SUFFIXES:
        extracted = extract_html(decode_html(body, None))
    elif suffix in TEXT_SUFFIXES:
        extracted = extract_text(decode_html(body, None))
    else:
        raise AcquireError(_("Upload a saved page (.html or .htm) or a text file (.txt)."), field="upload")
    return PendingSource(extracted, SnapshotMethod.UPLOAD, None)


def from_paste(content: str, url: str | None = None) -> PendingSource:
    """Extract pasted HTML or plain text; an optional URL says where it came from."""
    if LOOKS_LIKE_HTML.search(content):
        extracted = extract_html(content, url=url)
    else:
        extracted = extract_text(content)
        extracted.url = clean_url(url) if url else None
    return PendingSource(extracted, SnapshotMethod.PASTE, None)
