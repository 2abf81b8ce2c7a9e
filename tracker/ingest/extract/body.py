"""The main text (trafilatura), told apart from a list of links, and its excerpt."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from tracker.ingest.extract.head import Head
from tracker.ingest.extract.text import clean
from tracker.text import shorten

EXCERPT_LIMIT = 1000
# The excerpt takes paragraphs until it has this much text; shorter lines (bylines, buttons) are skipped.
EXCERPT_TARGET = 300
EXCERPT_MIN_PARAGRAPH = 40
# Main text made mostly of link texts is a list of links (a tag or section page), not an article.
LINK_DENSITY_LIMIT = 0.5


def _is_link_list(text: str, anchors: set[str]) -> bool:
    """Whether the main text is mostly the texts of links: a section or tag page."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if clean(line) in anchors)
    return total > 0 and linked / total > LINK_DENSITY_LIMIT


def make_excerpt(text: str, title: str = "") -> str:
    """The first paragraph(s) of the text, up to 1000 characters, skipping the title and short lines."""
    paragraphs = [line.strip() for line in text.splitlines()]
    paragraphs = [p for p in paragraphs if len(p) >= EXCERPT_MIN_PARAGRAPH and p.casefold() != title.casefold()]
    chosen: list[str] = []
    for paragraph in paragraphs:
        if not chosen and len(paragraph) > EXCERPT_LIMIT:
            return shorten(paragraph, EXCERPT_LIMIT)
        if len("\n\n".join([*chosen, paragraph])) > EXCERPT_LIMIT:
            break
        chosen.append(paragraph)
        if len("\n\n".join(chosen)) >= EXCERPT_TARGET:
            break
    return "\n\n".join(chosen)


def _trafilatura(page: str, url: str | None, precise: bool = False) -> dict[str, Any]:
    """trafilatura's JSON output, as a dict (empty when it found nothing)."""
    import trafilatura  # imported when a page is read: it and its helpers hold ~28 MB in every worker otherwise

    output = trafilatura.extract(
        page,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        favor_precision=precise,
        # No guessing the date from years mentioned in the text ("since 2006").
        date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"},
    )
    return json.loads(output) if output else {}


def main_text(page: str, url: str | None, head: Head) -> tuple[dict[str, Any], bool]:
    """trafilatura's result and whether the page is an article rather than a list of links."""
    found = _trafilatura(page, url)
    if not _is_link_list(found.get("text") or "", head.anchors):
        return found, True
    precise = _trafilatura(page, url, precise=True)
    text = precise.get("text") or ""
    if _is_link_list(text, head.anchors) or len(text.splitlines()) <= 1:
        text = ""  # nothing but a heading and links: no article text
    return {**found, "text": text}, False


def normal_text(text: str) -> str:
    """Main text in NFC with its lines trimmed and runs of blank lines collapsed."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
