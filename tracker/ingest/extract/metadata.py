"""The outlet, title and authors, chosen among what the head and trafilatura say."""

from __future__ import annotations

import re
from typing import Any

from tracker.ingest.extract.head import Head
from tracker.ingest.extract.text import clean, dedupe, host_of

TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " · ", " » ", " : ")
AUTHOR_PREFIX = re.compile(r"^(by|oleh|penulis|reporter|author|par|von)\s*[:\-]?\s+", re.IGNORECASE)
AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||\s&\s|\s+and\s+|\s+dan\s+)\s*", re.IGNORECASE)


def choose_outlet(head: Head, url: str | None) -> str:
    """og:site_name, application-name, the JSON-LD publisher, else the host name."""
    publisher = head.ld("publisher")
    return head.first("og:site_name", "application-name") or (publisher[0] if publisher else "") or host_of(url)


def _strip_site(title: str, names: set[str]) -> str:
    """The title without a " - Site name" suffix (or "Site name | " prefix) naming the outlet."""
    for separator in TITLE_SEPARATORS:
        if separator not in title:
            continue
        head, _sep, tail = title.rpartition(separator)
        if tail.casefold() in names and head.strip():
            return head.strip()
        first, _sep, rest = title.partition(separator)
        if first.casefold() in names and rest.strip():
            return rest.strip()
    return title


def choose_title(head: Head, tree: Any, fallback: str, outlet: str, url: str | None) -> str:
    """og:title, the JSON-LD headline, <title>, else trafilatura's guess; without the site's name."""
    headline = head.ld("headline") or head.ld("name")
    page_title = clean(tree.findtext("head/title")) if tree is not None else ""  # not an <svg>'s <title>
    title = head.first("og:title") or (headline[0] if headline else "") or page_title or clean(fallback)
    names = {name.casefold() for name in (outlet, host_of(url), f"www.{host_of(url)}") if name}
    return _strip_site(title, names)


def _split_authors(value: str) -> list[str]:
    """Several names in one field: split on ; | & "and" "dan", and on commas between full names."""
    names = [AUTHOR_PREFIX.sub("", part).strip() for part in AUTHOR_SPLIT.split(value)]
    split = []
    for name in names:
        parts = [part.strip() for part in name.split(",")]
        # "Putsanra, Dipna" is one name; "Dipna Putsanra, Rina Wulandari" are two.
        split.extend(parts if len(parts) > 1 and all(" " in part for part in parts) else [name])
    return split


def choose_authors(head: Head, fallback: str | None, outlet: str, url: str | None) -> list[str]:
    """Authors from meta author, article:author and JSON-LD; trafilatura's byline when none; no URLs nor outlet."""
    raw = [*head.all("author", "article:author"), *head.ld("author")] or [clean(fallback)]
    not_people = {outlet.casefold(), host_of(url).casefold()}
    names = [name for value in raw for name in _split_authors(value)]
    return dedupe(
        name
        for name in names
        if name.casefold() not in not_people and "://" not in name and not name.startswith("www.") and len(name) <= 100
    )
