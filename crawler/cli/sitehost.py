"""A small threaded HTTP server for local news sites: the demo, the tests and the benchmarks serve
their pages through it on 127.0.0.1. It speaks ETag/If-None-Match, Last-Modified, and lets a route
answer with a scripted sequence (500 then 200, 429 with Retry-After, ...)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: bool = True

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[["SiteRequest"], Reply]


@dataclass(frozen=True)
class SiteRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    at: float
    body: bytes = b""


class SiteServer:
    """Routes are exact paths (query ignored unless given); a route maps to a Reply, a list of Replies
    (served in order, the last one repeated) or a function of the request."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, Reply | list[Reply] | Handler] = {}
        self.requests: list[SiteRequest] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without TCP_NODELAY each keep-alive response
            # waits out the client's delayed ACK (~40 ms).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._serve(self)

            def do_HEAD(self) -> None:  # noqa: N802
                server._serve(self, head=True)

            def do_POST(self) -> None:  # noqa: N802
                server._serve(self)

        # socketserver's listen backlog is 5: a crawler opening 16 connections at once overflows it, and
        # the client retries the dropped SYNs a second later.
        _Server = type("_Server", (ThreadingHTTPServer,), {"request_queue_size": 1024})
        self._httpd = _Server((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, reply: Reply | list[Reply] | Handler | str | bytes, **kwargs: Any) -> None:
        if isinstance(reply, str | bytes):
            reply = Reply(reply, **kwargs)
        with self._lock:
            self.routes[path] = reply

    def hits(self, path: str) -> list[SiteRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _pick(self, req: SiteRequest) -> Reply:
        with self._lock:
            route = self.routes.get(f"{req.path}?{req.query}") if req.query else None
            route = route or self.routes.get(req.path)
            if route is None:
                return Reply("not found", status=404, content_type="text/plain")
            if isinstance(route, list):
                reply = route[0]
                if len(route) > 1:
                    route.pop(0)
                return reply
        if isinstance(route, Reply):
            return route
        return route(req)

    def _serve(self, h: BaseHTTPRequestHandler, head: bool = False) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        data = h.rfile.read(length) if length else b""
        req = SiteRequest(h.command, parts.path, parts.query, {k.lower(): v for k, v in h.headers.items()},
                          time.monotonic(), data)
        with self._lock:
            self.requests.append(req)
        reply = self._pick(req)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.payload()
        headers = dict(reply.headers)
        if reply.etag and reply.status == 200:
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers.setdefault("ETag", tag)
            if req.headers.get("if-none-match") == headers["ETag"]:
                h.send_response(304)
                h.send_header("ETag", headers["ETag"])
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
        try:
            h.send_response(reply.status)
            h.send_header("Content-Type", reply.content_type)
            h.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                h.send_header(k, v)
            h.end_headers()
            if not head:
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="site-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss(items: Iterable[dict[str, str]], *, title: str = "Feed", link: str = "", ttl: int | None = None) -> str:
    """An RSS 2.0 document from dicts with title, link, pubDate, description, guid."""
    from xml.sax.saxutils import escape

    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
             f"<link>{escape(link)}</link><description>{escape(title)}</description>"]
    if ttl:
        parts.append(f"<ttl>{ttl}</ttl>")
    for it in items:
        parts.append("<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in it.items()) + "</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts)


def atom(entries: Iterable[dict[str, str]], *, title: str = "Feed", feed_id: str = "urn:feed") -> str:
    """An Atom 1.0 document from dicts with title, link, updated, summary, id."""
    from xml.sax.saxutils import escape, quoteattr

    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
             f"<title>{escape(title)}</title><id>{escape(feed_id)}</id><updated>2026-01-01T00:00:00Z</updated>"]
    for e in entries:
        parts.append(f"<entry><title>{escape(e['title'])}</title><link href={quoteattr(e['link'])}/>"
                     f"<id>{escape(e.get('id', e['link']))}</id><updated>{escape(e['updated'])}</updated>"
                     f"<summary>{escape(e.get('summary', ''))}</summary></entry>")
    parts.append("</feed>\n")
    return "".join(parts)


def news_sitemap(entries: Iterable[dict[str, str]]) -> str:
    """A Google News sitemap from dicts with loc, title, date."""
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
    for e in entries:
        parts.append(f"<url><loc>{escape(e['loc'])}</loc><news:news><news:publication>"
                     f"<news:name>Site</news:name><news:language>en</news:language></news:publication>"
                     f"<news:publication_date>{escape(e['date'])}</news:publication_date>"
                     f"<news:title>{escape(e.get('title', ''))}</news:title></news:news></url>")
    parts.append("</urlset>\n")
    return "".join(parts)


def article_page(title: str, paragraphs: Iterable[str], *, published: str | None = None,
                 ticker: Iterable[str] = (), related: Iterable[str] = (), lang: str = "en") -> str:
    """An article page with the furniture real sites have: nav, ticker, related stories, comments, footer."""
    from html import escape

    meta = f'<meta property="article:published_time" content="{escape(published)}">' if published else ""
    tick = "".join(f"<li>{escape(t)}</li>" for t in ticker)
    rel = "".join(f'<li><a href="/related/{i}">{escape(r)}</a></li>' for i, r in enumerate(related))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>{meta}'
            f'<meta property="og:title" content="{escape(title)}"></head><body>'
            f'<nav class="site-nav"><a href="/">Home</a> <a href="/ai/">AI</a></nav>'
            f'<div class="ticker"><ul>{tick}</ul></div>'
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            f'<aside class="related"><h3>Related stories</h3><ul>{rel}</ul></aside>'
            f'<section class="comments"><form><textarea>Leave a comment</textarea></form></section>'
            f'<footer class="site-footer">© Example Media. All rights reserved.</footer></body></html>')
