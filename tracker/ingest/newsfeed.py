"""Reading a news feed fetched safely: its items' links, titles and dates.

A feed is one of three kinds, told apart by what the address gives (`detect`), or as the admin said:
- an RSS 2.0, RSS 1.0 or Atom feed, read by feedparser;
- a sitemap (sitemap.xml, or a news sitemap): each `<url>`'s `<loc>`, dated by its `<news:publication_date>` or
  `<lastmod>`, titled by its `<news:title>` when it has one; read with lxml, entities and DTDs never loaded. A
  sitemap index (a list of sitemaps) is refused with a message saying to register one of its sitemaps;
- a listing page: an HTML page of links to articles (a section front page, a ministry's press-release list). Its
  article links are those of the same site (www. aside) whose address ends in a slug of two or more words joined
  by hyphens (`…/kemenperin-dan-aitec-lanjutkan-kerja-sama.html`), as news sites write them, outside the page's
  navigation (`nav`, `header`, `footer`, `aside`), inside its `main` when it has one; section and menu links
  (`/ekonomi`), and tag, category, topic and author pages (`/tag/industri-kimia`), are not articles. They have no
  date; the link's text is their title.
A sitemap or listing gives at most MAX_ENTRIES links, the newest first where dated. Every kind is fetched like any
page (tracker/ingest/fetch: public addresses only, bounded in time and size), the feeds' XML media types accepted
too. An address that gives no items (a 404, a page without article links, a broken document) is a FetchError whose
message says why, for the feeds page.
"""

from __future__ import annotations

import dataclasses
import re
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from tracker.i18n import _
from tracker.ingest.fetch import fetch
from tracker.ingest.fetch.addresses import Resolver, system_resolver
from tracker.ingest.fetch.policy import FetchError, FetchPolicy
from tracker.urls import InvalidURLError, clean_url

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)


# The kinds of feed an admin may name; "auto" tells them apart by what the address gives.
AUTO, FEED, SITEMAP, LISTING = "auto", "feed", "sitemap", "listing"
KINDS = (AUTO, FEED, SITEMAP, LISTING)
# The links a sitemap or a listing page gives at most (a sitemap may list tens of thousands of pages).
MAX_ENTRIES = 500
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# An article's last path segment: two or more words joined by hyphens, perhaps with an .html/.htm/.php ending; and
# the folders whose pages list articles rather than being one (in English and Indonesian).
ARTICLE_SLUG = re.compile(r"[^\W_]+(?:-[^\W_]+)+(?:\.(?:html?|php|aspx?))?", re.UNICODE)
TAXONOMY = frozenset({"tag", "tags", "topic", "topics", "topik", "category", "categories", "kategori", "author"})
TAXONOMY |= {"authors", "penulis", "label", "section", "rubrik", "kanal", "page", "halaman"}
NAVIGATION = "//nav|//header|//footer|//aside|//script|//style|//form|//template"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its page is, and what the feed says of it."""

    url: str
    title: str
    published_at: datetime | None


def fetch_feed(
    url: str, policy: FetchPolicy, resolver: Resolver = system_resolver, kind: str = AUTO
) -> list[FeedEntry]:
    """The items at the address, read as `kind` (or as what it turns out to be); FetchError when it gives none."""
    page = fetch(url, dataclasses.replace(policy, extra_types=policy.extra_types | FEED_TYPES), resolver)
    return read_entries(page.body, page.final_url, kind)


def read_entries(body: bytes, base_url: str | None, kind: str = AUTO) -> list[FeedEntry]:
    """The items of a feed, a sitemap or a listing page."""
    kind = detect(body) if kind == AUTO else kind
    if kind == SITEMAP:
        return parse_sitemap(body)
    if kind == LISTING:
        return parse_listing(body, base_url or "")
    return parse_feed(body, base_url)


def _feedparser() -> Any:
    """The feedparser module, imported when a feed is read: it holds ~12 MB in every worker otherwise."""
    import feedparser

    return feedparser


def detect(body: bytes) -> str:
    """What the document is: a sitemap (its root element), a feed (feedparser finds one) or else a listing page."""
    if xml_root(body) in ("urlset", "sitemapindex"):
        return SITEMAP
    parsed = _feedparser().parse(bytes(body))
    return FEED if parsed.get("version") or parsed.entries else LISTING


def xml_root(body: bytes) -> str | None:
    """The local name of an XML document's root element; None when it is not well-formed XML."""
    try:
        return etree.QName(etree.fromstring(bytes(body), safe_parser())).localname
    except (etree.XMLSyntaxError, ValueError):
        return None


def safe_parser() -> etree.XMLParser:
    """An XML parser that loads no DTD, resolves no entity and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_sitemap(body: bytes) -> list[FeedEntry]:
    """The pages of a sitemap (or news sitemap), the newest first; FetchError for a sitemap index or no sitemap."""
    try:
        root = etree.fromstring(bytes(body), safe_parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        raise FetchError("not_a_feed", _("This address gives no sitemap.")) from error
    if etree.QName(root).localname == "sitemapindex":
        raise FetchError("not_a_feed", _("This is a sitemap index: register one of the sitemaps it lists instead."))
    if etree.QName(root).localname != "urlset":
        raise FetchError("not_a_feed", _("This address gives no sitemap."))
    entries = [entry for entry in (_sitemap_entry(node) for node in root.iter(f"{SITEMAP_NS}url")) if entry]
    return newest_first(entries)[:MAX_ENTRIES]


def _sitemap_entry(node: Any) -> FeedEntry | None:
    """A sitemap's page: its address, date and (news sitemaps) title; None without a usable address."""
    try:
        url = clean_url(node.findtext(f"{SITEMAP_NS}loc") or "")
    except InvalidURLError:
        return None
    news = node.find(f"{NEWS_NS}news")
    title = news.findtext(f"{NEWS_NS}title") if news is not None else ""
    day = (news.findtext(f"{NEWS_NS}publication_date") if news is not None else None) or node.findtext(
        f"{SITEMAP_NS}lastmod"
    )
    return FeedEntry(url, " ".join((title or "").split()), w3c_datetime(day))


def w3c_datetime(text: str | None) -> datetime | None:
    """A sitemap's date ("2017-10-04" or "2017-10-04T08:32:00+07:00") in UTC; None when absent or unreadable."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Dated entries newest first, then the undated in their order."""
    undated = datetime.min.replace(tzinfo=UTC)
    return sorted(entries, key=lambda entry: entry.published_at or undated, reverse=True)


def parse_listing(body: bytes, base_url: str) -> list[FeedEntry]:
    """The article links of a listing page, in its order, each once; FetchError when it has none."""
    try:
        tree = lxml.html.document_fromstring(bytes(body))
    except (etree.ParserError, ValueError) as error:
        raise FetchError("not_a_feed", _("This address gives no feed, sitemap or list of articles.")) from error
    for element in tree.xpath(NAVIGATION):
        element.drop_tree()
    scope = (tree.xpath("//main") or [tree])[0]
    entries: dict[str, FeedEntry] = {}
    for anchor in scope.iter("a"):
        url = article_url(anchor.get("href") or "", base_url)
        if url and url not in entries:
            entries[url] = FeedEntry(url, " ".join(anchor.text_content().split()), None)
    if not entries:
        raise FetchError("not_a_feed", _("This address gives no feed, sitemap or list of articles."))
    return list(entries.values())[:MAX_ENTRIES]


def article_url(href: str, base_url: str) -> str | None:
    """The link's address when it is an article of the same site as the listing (see the module's docstring)."""
    try:
        url = clean_url(urldefrag(urljoin(base_url, href.strip())).url)
    except InvalidURLError:
        return None
    here, there = urlsplit(base_url), urlsplit(url)
    if site_of(there.hostname) != site_of(here.hostname) or there.path.rstrip("/") == here.path.rstrip("/"):
        return None
    segments = [segment.lower() for segment in there.path.split("/") if segment]
    if not segments or not ARTICLE_SLUG.fullmatch(segments[-1]) or TAXONOMY.intersection(segments[:-1]):
        return None
    return url


def site_of(host: str | None) -> str:
    """A host without its "www.", for telling one site's links from another's."""
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def parse_feed(body: bytes, base_url: str | None = None) -> list[FeedEntry]:
    """The items of an RSS or Atom document with a link each; FetchError when it is no feed."""
    # Bytes, never a string: feedparser would fetch a string that looks like a URL itself, past every check above.
    # It reads XML without external entities; the base address resolves relative links.
    parsed = _feedparser().parse(bytes(body), response_headers={"content-location": base_url or ""})
    if not parsed.get("version") and not parsed.entries:
        raise FetchError("not_a_feed", _("This address gives no RSS or Atom feed."))
    return [entry for entry in (_entry(item) for item in parsed.entries) if entry is not None]


def _entry(item: Any) -> FeedEntry | None:
    """An item with a usable http(s) link; None for one without."""
    try:
        url = clean_url(item.get("link") or "")
    except InvalidURLError:
        return None
    moment = item.get("published_parsed") or item.get("updated_parsed")
    published = datetime.fromtimestamp(timegm(moment), UTC) if moment else None
    return FeedEntry(url, " ".join((item.get("title") or "").split()), published)
