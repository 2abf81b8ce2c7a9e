"""Metadata and main text of a page: trafilatura for the text, our own reading of the head for the rest.

trafilatura finds the article's text well, but its metadata loses what evidence needs: it keeps only the day
of publication (not the time nor the zone) and names the site `source-hostname`. So the head is read here too:
Open Graph and article meta tags, JSON-LD (NewsArticle and friends), <time datetime>, <link rel=canonical>.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import trafilatura
from lxml import etree
from lxml import html as lxml_html

from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.i18n import _
from tracker.urls import InvalidURLError, normalize_url

EXCERPT_LIMIT = 1000
# The excerpt takes paragraphs until it has this much text; shorter lines (bylines, buttons) are skipped.
EXCERPT_TARGET = 300
EXCERPT_MIN_PARAGRAPH = 40
# A line of the main text longer than this is not a title (extract_text).
TITLE_LIMIT = 300
# Main text made mostly of link texts is a list of links (a tag or section page), not an article.
LINK_DENSITY_LIMIT = 0.5
PRESCAN_BYTES = 8192

# Where a page's own article may sit inside another JSON-LD object (not lists of related articles).
NESTED_LD_KEYS = ("@graph", "mainEntity")
ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "SocialMediaPosting", "Report", "ScholarlyArticle", "TechArticle",
}  # fmt: skip
DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "parsely-pub-date", "sailthru.date",
)  # fmt: skip
TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " · ", " » ", " : ")
AUTHOR_PREFIX = re.compile(r"^(by|oleh|penulis|reporter|author|par|von)\s*[:\-]?\s+", re.IGNORECASE)
AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||\s&\s|\s+and\s+|\s+dan\s+)\s*", re.IGNORECASE)
# Old or alternative codes still found in pages ("in" is what many Indonesian sites declare).
LANGUAGE_ALIASES = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "ind": "id", "eng": "en", "kor": "ko"}
NOT_LANGUAGES = {"und", "mul", "zxx", "mis", "xx"}


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(text.split())


STOPWORDS = {
    "id": _words(
        "yang dan di dengan untuk dari ini itu pada akan tidak dalam juga kami kita adalah ke oleh sudah karena "
        "telah bisa atau tersebut menjadi sebagai bahwa masih saat kata mereka ada para"
    ),
    "en": _words(
        "the and of to in is that with for on was are it has have will be by from this said which as an at "
        "its were been would their also"
    ),
}
CHARSET_ALIASES = {"utf8mb4": "utf-8", "unicode": "utf-8", "x-sjis": "shift_jis", "win-1252": "cp1252"}
# Browsers read pages labelled Latin-1 or ASCII as windows-1252 (WHATWG Encoding): so do we.
WINDOWS_1252_LABELS = {"latin-1", "iso8859-1", "ascii", "cp1252"}
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ISO_DATETIME = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
BINARY_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")


class ExtractError(Exception):
    """The content cannot be read as a page or text: `code` says why, `message` says it to the user."""

    def __init__(self, code: str, message: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Extracted:
    """What a page says about itself, and its main text."""

    title: str = ""
    outlet: str = ""
    authors: list[str] = field(default_factory=list)
    language: str = ""  # primary language subtag ("id", "en", "ko"), "" if unknown
    published_on: date | None = None  # the local date of publication
    published_at: datetime | None = None  # aware, UTC; only when the page gives the time of day and its zone
    published_utc_offset: int | None = None  # minutes east of UTC of the page's own time
    text: str = ""
    excerpt: str = ""
    canonical_url: str | None = None
    url: str | None = None


# --- decoding ----------------------------------------------------------------------------------


def _refuse_non_text(content: bytes | str) -> None:
    """Raise ExtractError for PDFs, images, archives and other binary content."""
    sample = content[:1024] if isinstance(content, bytes) else content[:1024].encode("utf-8", "replace")
    if sample.lstrip().startswith(b"%PDF"):
        raise ExtractError("not_html", _("This is a PDF file, not a web page. Copy its text and paste it instead."))
    if sample.startswith(BINARY_SIGNATURES) or b"\x00" in sample:
        raise ExtractError(
            "not_html", _("This is not a web page or plain text. Use a saved page (.html) or a text file (.txt).")
        )


def _codec(label: str | bytes | None) -> str | None:
    """Python's name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    text = (label.decode("ascii", "replace") if isinstance(label, bytes) else label).strip().strip("\"'").lower()
    try:
        name = codecs.lookup(CHARSET_ALIASES.get(text, text)).name
    except LookupError:
        return None
    return "cp1252" if name in WINDOWS_1252_LABELS else name


def _meta_charset(body: bytes) -> str | None:
    """The charset a <meta> tag declares near the top of the page."""
    match = META_CHARSET.search(body[:PRESCAN_BYTES])
    codec = _codec(match.group(1)) if match else None
    # A page whose declaration we read as ASCII cannot really be UTF-16 (WHATWG says to use UTF-8).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def _utf8(body: bytes) -> str | None:
    """The body as UTF-8, or None when it is not valid UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _detected(body: bytes) -> str:
    """Guess the charset; among equally good guesses prefer windows-1252, the web's legacy default."""
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return "cp1252"
    best = min(match.chaos for match in matches)
    good = [match.encoding for match in matches if match.chaos <= best + 0.01]
    return "cp1252" if "cp1252" in good else good[0]


def decode_html(body: bytes, declared_charset: str | None) -> str:
    """The page as text: BOM, then the HTTP charset, then <meta>, then UTF-8, then a guess."""
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = _codec(declared_charset)
    if declared and declared.startswith(("utf-16", "utf-32")):
        return body.decode(declared, errors="replace")  # its zero bytes are not those of a binary file
    _refuse_non_text(body)
    for codec in (declared, _meta_charset(body)):
        if codec is None:
            continue
        if codec in ("utf-8", "cp1252"):
            # Servers often label UTF-8 pages Latin-1 by default; valid UTF-8 beyond ASCII is never an accident.
            text = _utf8(body)
            if text is not None:
                return text
            if codec == "utf-8":
                continue  # mislabelled the other way: look further
        return body.decode(codec, errors="replace")
    text = _utf8(body)
    return text if text is not None else body.decode(_detected(body), errors="replace")


# --- small text helpers ------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """One line of text: entities decoded, whitespace collapsed, NFC."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFC", " ".join(html_lib.unescape(value).split()))


def _dedupe(values: Iterable[str]) -> list[str]:
    """Non-empty values in order, without repeats that differ only in case."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def _host(url: str | None) -> str:
    """The host name of a URL without a leading www."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def _normalized(url: str | None, base: str | None = None) -> str | None:
    """The normal form of an absolute or (with `base`) relative URL; None when it is not a usable http(s) URL."""
    if not url:
        return None
    try:
        return normalize_url(urljoin(base, url.strip()) if base else url)
    except (InvalidURLError, ValueError):
        return None


# --- language ----------------------------------------------------------------------------------


def normalize_language(tag: Any) -> str:
    """The primary language subtag of a tag such as "id_ID", "en-US" or "in"; "" when it is none."""
    if not isinstance(tag, str):
        return ""
    primary = re.split(r"[-_,;\s]", tag.strip().lower(), maxsplit=1)[0]
    primary = LANGUAGE_ALIASES.get(primary, primary)
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) and primary not in NOT_LANGUAGES else ""


def guess_language(text: str) -> tuple[str, bool]:
    """(language, sure) from the script, or Indonesian against English by their commonest words."""
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    if not letters:
        return "", False
    for language, low, high in (("ko", "\uac00", "\ud7a3"), ("ja", "\u3040", "\u30ff"), ("zh", "\u4e00", "\u9fff")):
        if sum(low <= ch <= high for ch in letters) / len(letters) > 0.3:
            return language, True
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    counts = {language: sum(word in stopwords for word in words) for language, stopwords in STOPWORDS.items()}
    (first, high), (_second, low) = sorted(counts.items(), key=lambda item: -item[1])
    if high < 3 or high < 2 * low:
        return "", False
    return first, high >= 10 and high >= 3 * low


def _language(declared: Iterable[str], text: str) -> str:
    """The declared language, unless it is the en/id template default and the text is clearly otherwise."""
    guessed, sure = guess_language(text)
    for tag in declared:
        language = normalize_language(tag)
        if language:
            return guessed if sure and language in STOPWORDS and guessed != language else language
    return guessed


# --- dates -------------------------------------------------------------------------------------


def parse_published(value: Any) -> datetime | date | None:
    """An aware datetime (time and zone given), a naive one (time without zone), a date, or None."""
    text = _clean(value)
    if not text:
        return None
    parsed: datetime | date | None = None
    match = ISO_DATETIME.match(text)
    try:
        if match:
            parsed = _from_iso(match)
        elif re.search(r"\d{1,2}:\d{2}", text):
            parsed = parsedate_to_datetime(text)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    return parsed if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _from_iso(match: re.Match[str]) -> datetime | date:
    """The value of an ISO 8601 match."""
    year, month, day, hour, minute, second, zone = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day))
    tzinfo = None
    if zone and zone.upper() in ("Z", "UTC", "GMT"):
        tzinfo = UTC
    elif zone:
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        tzinfo = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tzinfo)


def _is_moment(value: datetime | date) -> bool:
    """Whether the value is a time of day with its zone."""
    return isinstance(value, datetime) and value.tzinfo is not None


def _local_day(value: datetime | date) -> date:
    """The day in the page's own time."""
    return value.date() if isinstance(value, datetime) else value


def _publication(candidates: Iterable[Any]) -> tuple[date | None, datetime | None, int | None]:
    """(published_on, published_at in UTC, offset in minutes) from the first date found, in order of trust.

    A date without time is completed by a later candidate that gives the time on the same day.
    """
    parsed = [value for value in (parse_published(candidate) for candidate in candidates) if value is not None]
    if not parsed:
        return None, None, None
    first = parsed[0]
    if not _is_moment(first):
        first = next((v for v in parsed if _is_moment(v) and _local_day(v) == _local_day(first)), first)
    if not isinstance(first, datetime) or first.tzinfo is None:
        return _local_day(first), None, None
    offset = first.utcoffset() or timedelta(0)
    return first.date(), first.astimezone(UTC), int(offset.total_seconds() // 60)


# --- reading the page --------------------------------------------------------------------------


def _parse(page: str) -> Any:
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
        return [_clean(value)]
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
class _Head:
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
        return next((_clean(self.meta[key][0]) for key in keys if key in self.meta), "")

    def all(self, *keys: str) -> list[str]:
        """Every meta content of the keys."""
        return [_clean(value) for key in keys for value in self.meta.get(key, [])]

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
        canonical = _normalized(href, url)
        if canonical is None:
            continue
        parts, page = urlsplit(canonical), urlsplit(url or "")
        if parts.path == "/" and not parts.query and not (url and page.path in ("", "/") and not page.query):
            continue  # sites that point every page at their home page
        return canonical
    return None


def _read_head(tree: Any, url: str | None) -> _Head:
    """Meta tags, the JSON-LD article, <html lang>, the canonical URL, publication times and link texts."""
    if tree is None:
        return _Head({}, {}, {}, "", None, [], set())
    items = list(_json_ld_items(tree))
    by_id = {item["@id"]: item for item in items if isinstance(item.get("@id"), str)}
    article = next((item for item in items if _types(item) & ARTICLE_TYPES), {})
    meta = _meta(tree)
    anchors = {_clean(anchor.text_content()) for anchor in tree.iter("a")} - {""}
    return _Head(
        meta, article, by_id, tree.get("lang") or "", _canonical(tree, meta, url), _article_times(tree), anchors
    )


# --- choosing ----------------------------------------------------------------------------------


def _outlet(head: _Head, url: str | None) -> str:
    """og:site_name, application-name, the JSON-LD publisher, else the host name."""
    publisher = head.ld("publisher")
    return head.first("og:site_name", "application-name") or (publisher[0] if publisher else "") or _host(url)


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


def _title(head: _Head, tree: Any, fallback: str, outlet: str, url: str | None) -> str:
    """og:title, the JSON-LD headline, <title>, else trafilatura's guess; without the site's name."""
    headline = head.ld("headline") or head.ld("name")
    page_title = _clean(tree.findtext("head/title")) if tree is not None else ""  # not an <svg>'s <title>
    title = head.first("og:title") or (headline[0] if headline else "") or page_title or _clean(fallback)
    names = {name.casefold() for name in (outlet, _host(url), f"www.{_host(url)}") if name}
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


def _authors(head: _Head, fallback: str | None, outlet: str, url: str | None) -> list[str]:
    """Authors from meta author, article:author and JSON-LD; trafilatura's byline when none; no URLs nor outlet."""
    raw = [*head.all("author", "article:author"), *head.ld("author")] or [_clean(fallback)]
    not_people = {outlet.casefold(), _host(url).casefold()}
    names = [name for value in raw for name in _split_authors(value)]
    return _dedupe(
        name
        for name in names
        if name.casefold() not in not_people and "://" not in name and not name.startswith("www.") and len(name) <= 100
    )


def _is_link_list(text: str, anchors: set[str]) -> bool:
    """Whether the main text is mostly the texts of links: a section or tag page."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if _clean(line) in anchors)
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


def _main_text(page: str, url: str | None, head: _Head) -> tuple[dict[str, Any], bool]:
    """trafilatura's result and whether the page is an article rather than a list of links."""
    found = _trafilatura(page, url)
    if not _is_link_list(found.get("text") or "", head.anchors):
        return found, True
    precise = _trafilatura(page, url, precise=True)
    text = precise.get("text") or ""
    if _is_link_list(text, head.anchors) or len(text.splitlines()) <= 1:
        text = ""  # nothing but a heading and links: no article text
    return {**found, "text": text}, False


def _normal_text(text: str) -> str:
    """Main text in NFC with its lines trimmed and runs of blank lines collapsed."""
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Title, outlet, authors, language, publication time, canonical URL, main text and excerpt of a page."""
    _refuse_non_text(html)
    page = NOT_XML_CHARS.sub("", XML_DECLARATION.sub("", html))
    if not page.strip():
        raise ExtractError("empty", _("There is no text to read."))
    page_url = _normalized(url)
    tree = _parse(page)
    head = _read_head(tree, page_url)
    found, is_article = _main_text(page, page_url, head)
    text = _normal_text(found.get("text") or "")
    outlet = _outlet(head, page_url or head.canonical)
    title = _title(head, tree, found.get("title") or "", outlet, page_url or head.canonical)
    dates = [*head.all(*DATE_META[:2]), *head.ld("datePublished"), *head.all(*DATE_META[2:]), *head.times]
    if is_article and found.get("date"):
        dates.append(found["date"])
    published_on, published_at, offset = _publication(dates)
    declared = [head.html_lang, head.first("og:locale"), head.first("content-language"), *head.ld("inLanguage")]
    return Extracted(
        title=title,
        outlet=outlet,
        authors=_authors(head, found.get("author"), outlet, page_url or head.canonical),
        language=_language(declared, f"{title}\n{text}"),
        published_on=published_on,
        published_at=published_at,
        published_utc_offset=offset,
        text=text,
        excerpt=make_excerpt(text, title),
        canonical_url=head.canonical,
        url=page_url,
    )


def extract_text(text: str) -> Extracted:
    """Plain text pasted or uploaded: the first non-empty line is the title, the rest the text."""
    _refuse_non_text(text)
    body = _normal_text(NOT_XML_CHARS.sub("", text))
    if not body:
        raise ExtractError("empty", _("There is no text to read."))
    first, _newline, rest = body.partition("\n")
    if len(first) > TITLE_LIMIT:
        title, rest = shorten(first, TITLE_LIMIT // 2), body  # a paragraph, not a title: keep it in the text
    else:
        title, rest = first, rest.strip() or first
    language, _sure = guess_language(body)
    return Extracted(title=title, language=language, text=rest, excerpt=make_excerpt(rest, title))
