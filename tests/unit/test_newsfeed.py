"""Reading news feeds without the network: RSS 2.0 and Atom items, links tidied, dates in UTC, non-feeds refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker.ingest.fetch.policy import FetchError
from tracker.ingest.newsfeed import FeedEntry, parse_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Warta</title>
  <item><title>Kemenperin  dan AITEC</title><link>https://warta.example/news/aitec?utm_source=rss#top</link>
    <pubDate>Wed, 04 Oct 2017 15:32:00 +0700</pubDate></item>
  <item><title>Tanpa tautan</title></item>
  <item><title>Relatif</title><link>/news/relatif</link></item>
  <item><title>Surat</title><link>mailto:redaksi@warta.example</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>tag:wire</id><updated>2017-10-05T03:00:00Z</updated>
  <entry><title>Electric vehicle MoU</title><id>tag:ev</id><link rel="alternate" href="https://wire.example/ev"/>
    <updated>2017-10-05T09:15:00+07:00</updated></entry>
</feed>"""


def test_rss_items_with_a_web_link_tidied_and_their_dates_in_utc():
    entries = parse_feed(RSS, "https://warta.example/rss.xml")
    assert entries == [
        FeedEntry("https://warta.example/news/aitec", "Kemenperin dan AITEC", datetime(2017, 10, 4, 8, 32, tzinfo=UTC)),
        FeedEntry("https://warta.example/news/relatif", "Relatif", None),
    ]


def test_atom_entries():
    assert parse_feed(ATOM) == [
        FeedEntry("https://wire.example/ev", "Electric vehicle MoU", datetime(2017, 10, 5, 2, 15, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "body", [b"<!DOCTYPE html><html><body><p>Resep rendang</p></body></html>", b"", b"not a feed at all"]
)
def test_a_document_that_is_no_feed_is_refused(body):
    with pytest.raises(FetchError) as refused:
        parse_feed(body)
    assert refused.value.code == "not_a_feed"
    assert str(refused.value.message) == "This address gives no RSS or Atom feed."
