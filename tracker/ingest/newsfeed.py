"""Reading a news feed (RSS 2.0, RSS 1.0 or Atom) fetched safely: its items' links, titles and dates.

The feed is fetched like any page (tracker/ingest/fetch: public addresses only, bounded in time and size), with the
feeds' XML media types accepted too; feedparser reads it. An address that gives no feed (a 404, an HTML page, a
broken document with no items) is a FetchError whose message says why, for the feeds page.
"""

from __future__ import annotations

import dataclasses
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from tracker.i18n import _
from tracker.ingest.fetch import fetch
from tracker.ingest.fetch.addresses import Resolver, system_resolver
from tracker.ingest.fetch.policy import FetchError, FetchPolicy
from tracker.urls import InvalidURLError, clean_url

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: where its page is, and what the feed says of it."""

    url: str
    title: str
    published_at: datetime | None


def fetch_feed(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> list[FeedEntry]:
    """The feed's items, newest first as the feed lists them; FetchError when the address gives no feed."""
    page = fetch(url, dataclasses.replace(policy, extra_types=policy.extra_types | FEED_TYPES), resolver)
    return parse_feed(page.body, page.final_url)


def parse_feed(body: bytes, base_url: str | None = None) -> list[FeedEntry]:
    """The items of an RSS or Atom document with a link each; FetchError when it is no feed."""
    # Bytes, never a string: feedparser would fetch a string that looks like a URL itself, past every check above.
    # It reads XML without external entities; the base address resolves relative links.
    parsed = feedparser.parse(bytes(body), response_headers={"content-location": base_url or ""})
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
