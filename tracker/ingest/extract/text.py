"""Small text helpers of extraction: one clean line, values without repeats, host names, URLs."""

from __future__ import annotations

import html as html_lib
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from tracker.urls import InvalidURLError, clean_url


def clean(value: Any) -> str:
    """One line of text: entities decoded, whitespace collapsed, NFC."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFC", " ".join(html_lib.unescape(value).split()))


def dedupe(values: Iterable[str]) -> list[str]:
    """Non-empty values in order, without repeats that differ only in case."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def host_of(url: str | None) -> str:
    """The host name of a URL without a leading www."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """The clean address of an absolute or (with `base`) relative URL; None when it is not a usable http(s) URL."""
    if not url:
        return None
    try:
        return clean_url(urljoin(base, url.strip()) if base else url)
    except (InvalidURLError, ValueError):
        return None
