"""The news inbox's test support: local web sites the app may fetch from (the feeds and pages of tests/fixtures/feeds;
test_ingest's saved pages), and records of a feed and an inbox item for the tests that visit every page (access,
accessibility, faults)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from tracker.ingest.extract.result import Extracted
from tracker.ingest.review import plain
from tracker.models import InboxItem, NewsFeed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED_TYPES = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "sitemap.xml": "application/xml",
    "sitemap-index.xml": "application/xml",
}


class FeedSiteHandler(BaseHTTPRequestHandler):
    """Serves the fixture feeds and pages with the server's own address in place of {site}; query strings are
    ignored, as a news site serves one article under many."""

    def do_GET(self) -> None:
        name = self.path.split("?")[0].strip("/")
        path = FEEDS / name
        if not name or ".." in name or not path.is_file():
            self.send_error(404)
            return
        site = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        body = path.read_text(encoding="utf-8").replace("{site}", site).encode()
        self.send_response(200)
        self.send_header("Content-Type", f"{FEED_TYPES.get(name, 'text/html')}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


def feed_site(app: Flask) -> AbstractContextManager[str]:
    """The local news site of feeds, which the app may fetch from; its base address."""
    return local_site(app, FeedSiteHandler)


@contextmanager
def local_site(app: Flask, handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local web server answering with `handler`, which the app may fetch from; its base address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    # Only for this test: the local server is a private address on an unusual port.
    app.config["TRACKER_FETCH_PORTS"] = f"80,443,{port}"
    app.config["TRACKER_FETCH_ALLOWED_NETWORKS"] = "127.0.0.1/32"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def inbox_records(session: Session) -> dict[str, int]:
    """A feed and a waiting inbox item, by the URL arguments naming them."""
    feed = NewsFeed(name="Warta Industri", url="https://warta.example/rss.xml", last_result={})
    page = Extracted(
        title="Kemenperin dan AITEC Korea Lanjutkan Kerja Sama Industri Cetakan",
        outlet="Warta Industri",
        language="id",
        text="Kementerian Perindustrian ingin melanjutkan kerja sama dengan AITEC Co., Ltd sejak 2006.",
        excerpt="Kementerian Perindustrian ingin melanjutkan kerja sama dengan AITEC Co., Ltd.",
        url="https://warta.example/news/aitec-cetakan",
    )
    item = InboxItem(
        feed=feed,
        url="https://warta.example/news/aitec-cetakan",
        url_normalized="https://warta.example/news/aitec-cetakan",
        title=page.title,
        outlet="Warta Industri",
        language="id",
        page=plain(page),
        score=6.0,
        reasons=[{"kind": "alias", "alias": "Kemenperin", "name": "Ministry of Industry"}],
    )
    session.add_all([feed, item])
    session.commit()
    return {"news_feed_id": feed.id, "item_id": item.id}
