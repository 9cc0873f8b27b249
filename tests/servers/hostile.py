"""A raw asyncio HTTP/1.1 server on 127.0.0.1 for hostile-server tests: what ``http.server`` cannot do
politely — bodies that never end, a Content-Length of a gigabyte, one byte a second, gzip bombs, redirect
loops, lying headers.

    with HostileServer() as srv:
        srv.add("/ok", fixed(b"<html>...</html>"))
        srv.add("/forever", endless_chunked())
        srv.add("/bomb", fixed(gzip_bomb(2 << 30), headers={"Content-Encoding": "gzip"}))
        srv.url("/forever")

A handler is ``async def handler(request, writer)``; it writes a whole HTTP response (status line,
headers, body) and may close the connection. Every handler stops writing as soon as the client goes away,
and the endless ones give up by themselves after ``MAX_SECONDS`` so a broken test cannot hang the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "HostileServer", "RawRequest", "deflate_bomb", "endless_chunked", "fixed", "gzip_bomb", "huge_length",
    "LocalOnlyMiddleware", "redirect", "redirect_loop", "slow_drip", "streamed",
]

MAX_SECONDS = 60.0  # no hostile handler writes for longer than this
MAX_BYTES = 3 << 30  # nor more than this


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float


Handler = Callable[[RawRequest, asyncio.StreamWriter], Awaitable[None]]


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
            500: "Internal Server Error"}


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await writer.drain()


def fixed(body: bytes | str, *, status: int = 200, content_type: str | None = "text/html; charset=utf-8",
          headers: dict[str, str] | None = None) -> Handler:
    """A plain response with a correct Content-Length; ``content_type=None`` sends no Content-Type at all."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        h = {"Content-Length": str(len(data)), "Connection": "close"}
        if content_type is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        await _send(writer, _head(status, h) + (b"" if req.method == "HEAD" else data))

    return handler


def endless_chunked(chunk: bytes = b"<p>" + b"more and more words " * 3200 + b"</p>\n", *,
                    interval: float = 0.0) -> Handler:
    """Chunked transfer encoding that never sends the last chunk."""

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        await _send(writer, _head(200, {"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"})
                    + b"c\r\n<html><body>\r\n")
        started, sent = time.monotonic(), 0
        while time.monotonic() - started < MAX_SECONDS and sent < MAX_BYTES:
            await _send(writer, b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            if interval:
                await asyncio.sleep(interval)

    return handler


def huge_length(size: int = 1 << 30, *, send_body: bool = True) -> Handler:
    """Advertises ``Content-Length: size`` (a gigabyte by default) and streams filler towards it."""

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        await _send(writer, _head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(size)}))
        if not send_body:
            await asyncio.sleep(MAX_SECONDS)
            return
        block = b"<p>" + b"x" * 65530 + b"</p>"
        started, sent = time.monotonic(), 0
        while sent < size and time.monotonic() - started < MAX_SECONDS:
            piece = block[: size - sent]
            await _send(writer, piece)
            sent += len(piece)

    return handler


def streamed(size: int = 1 << 30) -> Handler:
    """``size`` bytes of HTML with no Content-Length: the body ends when the connection closes."""

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        await _send(writer, _head(200, {"Content-Type": "text/html; charset=utf-8", "Connection": "close"}))
        block = b"<p>" + b"y" * 65530 + b"</p>"
        started, sent = time.monotonic(), 0
        while sent < min(size, MAX_BYTES) and time.monotonic() - started < MAX_SECONDS:
            await _send(writer, block)
            sent += len(block)

    return handler


def slow_drip(body: bytes | str = b"<html><body><p>" + b"drip " * 2000 + b"</p></body></html>", *,
              per_second: float = 1.0) -> Handler:
    """A correct Content-Length, then one byte every ``1/per_second`` seconds."""
    data = body.encode() if isinstance(body, str) else body

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        await _send(writer, _head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(data))}))
        started = time.monotonic()
        for i in range(len(data)):
            if time.monotonic() - started > MAX_SECONDS:
                return
            await _send(writer, data[i : i + 1])
            await asyncio.sleep(1.0 / per_second)

    return handler


def redirect(location: str, *, status: int = 302) -> Handler:
    return fixed(b"", status=status, content_type=None, headers={"Location": location})


def redirect_loop(prefix: str = "/loop/") -> Handler:
    """``/loop/N`` redirects to ``/loop/N+1``, for ever: a chain no client should follow to its end."""

    async def handler(req: RawRequest, writer: asyncio.StreamWriter) -> None:
        tail = req.path[len(prefix):] if req.path.startswith(prefix) else "0"
        n = int(tail) if tail.isdigit() else 0
        await fixed(b"", status=302, content_type=None, headers={"Location": f"{prefix}{n + 1}"})(req, writer)

    return handler


def gzip_bomb(inflated: int = 2 << 30) -> bytes:
    """A valid multi-member gzip body of about ``inflated/1000`` bytes that inflates to ``inflated`` zero bytes."""
    member = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
    return member * max(1, inflated >> 20)


def deflate_bomb(inflated: int = 2 << 30) -> bytes:
    """A zlib stream (``Content-Encoding: deflate``) inflating to ``inflated`` zero bytes: one compressed 1 MB
    block repeated (a full flush resets the window, so every repeat is the same bytes)."""
    c = zlib.compressobj(9)
    first = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    unit = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return first + unit * max(0, (inflated >> 20) - 1)  # no trailer: a client never gets that far


class HostileServer:
    """Routes are exact paths, or prefixes ending in ``/`` (``add("/loop/", ...)``); unknown paths get 404;
    ``/robots.txt`` allows everything unless routed. Records every request."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._port = port
        self.routes: dict[str, Handler] = {}
        self.requests: list[RawRequest] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> HostileServer:
        self._thread = threading.Thread(target=self._run, name="hostile-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("hostile server did not start")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        async def boot() -> None:
            self._server = await asyncio.start_server(self._client, self.host, self._port, reuse_address=True)
            self._port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        loop.run_until_complete(boot())
        loop.run_forever()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))
        loop.close()

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # routes ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(self, path: str, handler: Handler) -> None:
        with self._lock:
            self.routes[path] = handler

    def hits(self, path: str) -> list[RawRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def active_connections(self) -> int:
        """Connections whose handler is still running."""
        return len(self._tasks)

    def _route(self, path: str) -> Handler | None:
        with self._lock:
            if path in self.routes:
                return self.routes[path]
            for prefix, handler in self.routes.items():
                if prefix.endswith("/") and path.startswith(prefix):
                    return handler
        if path == "/robots.txt":
            return fixed("User-agent: *\nAllow: /\n", content_type="text/plain")
        return None

    # connection --------------------------------------------------------------------------
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            first, *lines = head.decode("latin-1").split("\r\n")
            method, target, _ = (first.split(" ") + ["", ""])[:3]
            headers = {}
            for line in lines:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            path = target.split("?", 1)[0]
            req = RawRequest(method, path, headers, time.monotonic())
            with self._lock:
                self.requests.append(req)
            handler = self._route(path) or fixed("not found", status=404, content_type="text/plain")
            await handler(req, writer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            if task is not None:
                self._tasks.discard(task)


def feed_of(links: Iterable[str]) -> str:
    """A minimal RSS 2.0 document pointing at ``links`` (dated now, so no age cut-off applies)."""
    from email.utils import formatdate
    from xml.sax.saxutils import escape

    date = formatdate(usegmt=True)
    items = "".join(f"<item><title>item {i}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
                    f"<pubDate>{date}</pubDate></item>" for i, u in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>hostile</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>")


class LocalOnlyMiddleware:
    """Test-only Scrapy downloader middleware: a request for any host but the test server's is answered in the
    crawl process with a small article page of its own (distinct per URL), so a crawl of real feeds, full of
    links to real sites, never leaves the machine (no DNS either) and every response keeps its request's URL.
    Enable it through ``CrawlChild`` overrides: ``{"DOWNLOADER_MIDDLEWARES": {"servers.hostile.LocalOnlyMiddleware":
    10}, "DEALRADAR_TEST_LOCAL_BASE": server.url("")}``.
    """

    def __init__(self, base: str) -> None:
        self.host = urlsplit(base).netloc

    @classmethod
    def from_crawler(cls, crawler: Any) -> LocalOnlyMiddleware:
        from scrapy.exceptions import NotConfigured

        base = crawler.settings.get("DEALRADAR_TEST_LOCAL_BASE")
        if not base:
            raise NotConfigured
        return cls(base)

    def process_request(self, request: Any) -> Any:
        from html import escape

        from scrapy.http import HtmlResponse

        if urlsplit(request.url).netloc == self.host:
            return None
        if request.url.endswith("/robots.txt"):
            from scrapy.http import TextResponse

            return TextResponse(request.url, body=b"User-agent: *\nAllow: /\n", encoding="utf-8", request=request)
        words = escape(request.url)
        page = (f"<html><head><title>Story at {words}</title></head><body><article><h1>Story at {words}</h1>"
                f"<p>{'This is the story found at ' + words + '. ' * 4}</p><p>Only {words} has this text.</p>"
                "</article></body></html>")
        return HtmlResponse(request.url, status=200, headers={"Content-Type": "text/html; charset=utf-8"},
                            body=page.encode("utf-8"), encoding="utf-8", request=request)
