"""A real HTTP webhook receiver on 127.0.0.1 for tests: records requests, answers as scripted.

    with WebhookReceiver() as rx:
        rx.fail(2, status=500)                         # the next two requests get 500
        rx.enqueue(Reply(429, {"Retry-After": "3"}))   # then one 429
        ...                                            # then 200 (the default reply)
        [req] = rx.wait_for(1)
        assert verify(req.body, "secret", req.header("X-DealRadar-Signature-256"))

Scripted replies are consumed in order, one per request; when the script is empty the default
reply (200 ``{"ok": true}``) is used. A reply can also ``delay`` (to trigger client timeouts) or
``drop`` the connection without answering.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["RecordedRequest", "Reply", "WebhookReceiver", "free_port", "hmac_sha256"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | str = b'{"ok": true}'
    delay: float = 0.0
    drop: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    """What the receiver saw: method, path (with query), headers and the raw body bytes."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    received_at: float
    status: int | None  # what we answered (None when the connection was dropped)

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup (first value)."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


def hmac_sha256(body: bytes, secret: str) -> str:
    """What a receiver computes: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class WebhookReceiver:
    """Threaded HTTP server on 127.0.0.1:0 (any method, any path)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, default: Reply | None = None) -> None:
        self.host = host
        self._requested_port = port
        self.default = default or Reply()
        self._script: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                body = self._read_body()
                reply = receiver._next_reply()
                if reply.delay:
                    time.sleep(reply.delay)
                receiver._record(self, body, None if reply.drop else reply.status)
                if reply.drop:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                data = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **dict(reply.headers)}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.close_connection = True

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer((self.host, self._requested_port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="webhook-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/hook") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # scripting ---------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order."""
        with self._lock:
            self._script.extend(replies)

    def fail(self, times: int, status: int = 500, headers: Mapping[str, str] | None = None) -> None:
        """Answer the next ``times`` requests with ``status``."""
        self.enqueue(*[Reply(status, dict(headers or {}), b'{"error": "scripted"}') for _ in range(times)])

    def reset(self) -> None:
        """Forget recorded requests and any remaining script."""
        with self._lock:
            self._script.clear()
            self._requests.clear()

    # inspection --------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} request(s), got {len(self._requests)}")
                self._lock.wait(left)
            return list(self._requests)

    @staticmethod
    def verify(request: RecordedRequest, secret: str, header: str = "X-DealRadar-Signature-256") -> bool:
        """Receiver-side check of the signature header, in constant time."""
        got = request.header(header)
        return got is not None and hmac.compare_digest(hmac_sha256(request.body, secret), got)

    # internals ---------------------------------------------------------------------------
    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _record(self, handler: BaseHTTPRequestHandler, body: bytes, status: int | None) -> None:
        request = RecordedRequest(
            method=handler.command,
            path=handler.path,
            headers=tuple((k, v) for k, v in handler.headers.items()),
            body=body,
            received_at=time.time(),
            status=status,
        )
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()
