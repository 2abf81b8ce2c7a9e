"""A local news site for link-health tests: pages that change, move, vanish or hang, on 127.0.0.1 under made-up
names (`berita.test`, `arsip.test`) that the app's resolver maps there; any other name — `*.invalid` — is not found,
so no test looks a name up outside."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

NAMES = ("berita.test", "arsip.test")


@dataclass
class Answer:
    """What the site answers at a path: a status, a body, and where a redirect leads."""

    status: int = 200
    body: str = ""
    location: str = ""


@dataclass
class LinkSite:
    """The site's answers (path -> Answer), and the paths that never answer (until the test ends)."""

    port: int = 0
    answers: dict[str, Answer] = field(default_factory=dict)
    hanging: set[str] = field(default_factory=set)
    released: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "berita.test") -> str:
        """The page's address under one of the site's names."""
        return f"http://{host}:{self.port}{path}"

    def page(self, path: str, *paragraphs: str) -> None:
        """Serve an article with these paragraphs at the path."""
        text = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        body = f"<html><head><title>Kerja sama</title></head><body><article>{text}</article></body></html>"
        self.answers[path] = Answer(200, body)


def handler_for(site: LinkSite) -> type[BaseHTTPRequestHandler]:
    """The request handler serving the site's answers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in site.hanging:
                site.released.wait()  # the fetch's deadline passes first
                return
            answer = site.answers.get(self.path)
            if answer is None:
                self.send_error(404)
                return
            if answer.status != 200:
                self.send_response(answer.status)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = answer.body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    return Handler


def resolver(host: str, port: int) -> list[str]:
    """The site's names lead to 127.0.0.1; every other name is not found (as a .invalid name is)."""
    if host in NAMES:
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture
def link_site(app: Flask) -> Iterator[LinkSite]:
    """The site, which the app may fetch from, with fetches giving up after a second."""
    site = LinkSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        TRACKER_FETCH_PORTS=f"80,443,{site.port}",
        TRACKER_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        TRACKER_FETCH_TIMEOUT=1,
        TRACKER_RECHECK_DAYS=0,  # every source is due at every run
    )
    app.extensions["tracker.resolver"] = resolver
    yield site
    site.released.set()
    server.shutdown()
    server.server_close()
