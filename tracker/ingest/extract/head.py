"""What a page says about itself in its markup: meta tags, the JSON-LD article, <html lang>, the canonical URL,
the <time> elements that date the article, and the texts of its links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from tracker.ingest.extract.text import absolute_url, clean

# Where a page's own article may sit inside another JSON-LD object (not lists of related articles).
NESTED_LD_KEYS = ("@graph", "mainEntity")
ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "SocialMediaPosting", "Report", "ScholarlyArticle", "TechArticle",
}  # fmt: skip


def parse_page(page: str) -> Any:
    """The lxml tree of the page, or None when there is nothing to parse."""
    try:
        return lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return None


def _meta(tree: Any) -> dict[str, list[str]]:
    """Meta tag contents by lower-cased name, property, itemprop or http-equiv."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), []).append(content.strip())
    return found


def _json_ld_items(tree: Any) -> Iterator[dict[str, Any]]:
    """Every object of every JSON-LD block, @graph members included."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        raw = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", script.text)
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(value for key, value in item.items() if key in NESTED_LD_KEYS)


def _types(item: dict[str, Any]) -> set[str]:
    """The item's schema.org types, prefixes dropped ("schema:NewsArticle" → "NewsArticle")."""
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {re.split(r"[/:#]", kind)[-1] for kind in kinds if isinstance(kind, str)}


def _names(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """Names in a JSON-LD value: a string, an object with a name (or a reference to one), or a list."""
    if isinstance(value, str):
        return [clean(value)]
    if depth > 4:
        return []
    if isinstance(value, list):
        return [name for item in value for name in _names(item, by_id, depth + 1)]
    if isinstance(value, dict):
        reference = value.get("@id")
        target = by_id.get(reference, value) if "name" not in value and isinstance(reference, str) else value
        return _names(target.get("name"), by_id, depth + 1)
    return []


@dataclass
class Head:
    """What the page says about itself, before choosing between sources."""

    meta: dict[str, list[str]]
    article: dict[str, Any]
    by_id: dict[str, dict[str, Any]]
    html_lang: str
    canonical: str | None
    times: list[str]
    anchors: set[str]

    def first(self, *keys: str) -> str:
        """The first meta content among the keys, in their order."""
        return next((clean(self.meta[key][0]) for key in keys if key in self.meta), "")

    def all(self, *keys: str) -> list[str]:
        """Every meta content of the keys."""
        return [clean(value) for key in keys for value in self.meta.get(key, [])]

    def ld(self, key: str) -> list[str]:
        """Names or strings under a key of the page's article object."""
        return _names(self.article.get(key), self.by_id)


def _article_times(tree: Any) -> list[str]:
    """<time datetime> values that date the article itself, not a list of related links."""
    times = [element for element in tree.iter("time") if element.get("datetime")]
    marked = [
        element
        for element in times
        if element.get("itemprop") == "datePublished"
        or element.get("pubdate") is not None
        or "pubdate" in (element.get("class") or "").split()
    ]
    in_article = [element for element in times if any(parent.tag == "article" for parent in element.iterancestors())]
    chosen = marked or in_article[:1] or (times if len(times) == 1 else [])
    return [element.get("datetime") for element in chosen]


def _canonical(tree: Any, meta: dict[str, list[str]], url: str | None) -> str | None:
    """<link rel=canonical>, else og:url, resolved against the page; a home page given for an article is ignored."""
    links = [link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()]
    for href in [*links, *meta.get("og:url", [])]:
        canonical = absolute_url(href, url)
        if canonical is None:
            continue
        parts, page = urlsplit(canonical), urlsplit(url or "")
        if parts.path == "/" and not parts.query and not (url and page.path in ("", "/") and not page.query):
            continue  # sites that point every page at their home page
        return canonical
    return None


def read_head(tree: Any, url: str | None) -> Head:
    """Meta tags, the JSON-LD article, <html lang>, the canonical URL, publication times and link texts."""
    if tree is None:
        return Head({}, {}, {}, "", None, [], set())
    items = list(_json_ld_items(tree))
    by_id = {item["@id"]: item for item in items if isinstance(item.get("@id"), str)}
    article = next((item for item in items if _types(item) & ARTICLE_TYPES), {})
    meta = _meta(tree)
    anchors = {clean(anchor.text_content()) for anchor in tree.iter("a")} - {""}
    return Head(
        meta, article, by_id, tree.get("lang") or "", _canonical(tree, meta, url), _article_times(tree), anchors
    )
