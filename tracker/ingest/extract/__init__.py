"""Metadata and main text of a page: trafilatura for the text, our own reading of the head for the rest.

trafilatura finds the article's text well, but its metadata loses what evidence needs: it keeps only the day
of publication (not the time nor the zone) and names the site `source-hostname`. So the head is read here too:
Open Graph and article meta tags, JSON-LD (NewsArticle and friends), <time datetime>, <link rel=canonical>.

result.py     what extraction gives (Extracted) and how it fails (ExtractError)
decoding.py   bytes to text: BOM, declared charsets, UTF-8, a guess; binary content refused
head.py       the page's head: meta tags, the JSON-LD article, <html lang>, the canonical URL, <time> elements
metadata.py   outlet, title and authors chosen from what the head says
dates.py      the publication date and time, in order of trust
language.py   the page's language, declared or guessed
body.py       the main text (trafilatura), lists of links told apart from articles, the excerpt
text.py       small text helpers: one clean line, no repeats, host names, URLs
"""

from __future__ import annotations

import re

from tracker.i18n import _
from tracker.ingest.extract.body import main_text, make_excerpt, normal_text
from tracker.ingest.extract.dates import DATE_META, publication
from tracker.ingest.extract.decoding import refuse_non_text
from tracker.ingest.extract.head import parse_page, read_head
from tracker.ingest.extract.language import guess_language, language_of
from tracker.ingest.extract.metadata import choose_authors, choose_outlet, choose_title
from tracker.ingest.extract.result import Extracted, ExtractError
from tracker.ingest.extract.text import absolute_url
from tracker.text import shorten

# A line of the main text longer than this is not a title (extract_text).
TITLE_LIMIT = 300
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Title, outlet, authors, language, publication time, canonical URL, main text and excerpt of a page."""
    refuse_non_text(html)
    page = NOT_XML_CHARS.sub("", XML_DECLARATION.sub("", html))
    if not page.strip():
        raise ExtractError("empty", _("There is no text to read."))
    page_url = absolute_url(url)
    tree = parse_page(page)
    head = read_head(tree, page_url)
    found, is_article = main_text(page, page_url, head)
    text = normal_text(found.get("text") or "")
    outlet = choose_outlet(head, page_url or head.canonical)
    title = choose_title(head, tree, found.get("title") or "", outlet, page_url or head.canonical)
    dates = [*head.all(*DATE_META[:2]), *head.ld("datePublished"), *head.all(*DATE_META[2:]), *head.times]
    if is_article and found.get("date"):
        dates.append(found["date"])
    published_on, published_at, offset = publication(dates)
    declared = [head.html_lang, head.first("og:locale"), head.first("content-language"), *head.ld("inLanguage")]
    return Extracted(
        title=title,
        outlet=outlet,
        authors=choose_authors(head, found.get("author"), outlet, page_url or head.canonical),
        language=language_of(declared, f"{title}\n{text}"),
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
    refuse_non_text(text)
    body = normal_text(NOT_XML_CHARS.sub("", text))
    if not body:
        raise ExtractError("empty", _("There is no text to read."))
    first, _newline, rest = body.partition("\n")
    if len(first) > TITLE_LIMIT:
        title, rest = shorten(first, TITLE_LIMIT // 2), body  # a paragraph, not a title: keep it in the text
    else:
        title, rest = first, rest.strip() or first
    language, _sure = guess_language(body)
    return Extracted(title=title, language=language, text=rest, excerpt=make_excerpt(rest, title))
