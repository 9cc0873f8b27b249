"""Running the app: ``dealradar serve`` in the foreground, or a thread beside the daemon's loop.

The socket is bound here, before uvicorn starts, so a port in use is one clear error; and the bind is refused
when it would expose the dashboard beyond this machine without ``web.token``. uvicorn's own signal handling
re-raises the signal after a graceful stop (the process would die of SIGTERM); here SIGTERM and Ctrl-C stop the
server and the command exits 0.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Generator
from types import FrameType

import uvicorn

from crawler.config import Settings
from crawler.errors import ConfigError, DealRadarError

log = logging.getLogger("crawler.web")


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """A bind beyond loopback needs the token: anyone who can reach the port could otherwise read everything."""
    if not is_loopback(host) and not token:
        raise ConfigError("web.token", f"refusing to serve on {host} (not a loopback address) without a token; "
                                       f"set web.token or serve on 127.0.0.1")


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP; with
    # it on, a page sent in two writes waited 40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except (OSError, OverflowError) as exc:
        sock.close()
        raise DealRadarError(f"cannot serve on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn without its signal re-raising: in the main thread SIGTERM/SIGINT only ask it to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            if self.should_exit and signum == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def make_server(settings: Settings) -> _Server:
    from crawler.web.app import create_app

    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, lifespan="on",
                            server_header=False, proxy_headers=False, timeout_graceful_shutdown=5)
    return _Server(config)


def serve(settings: Settings, host: str, port: int, *, announce: bool = True) -> int:
    """Serve until SIGTERM or Ctrl-C; 0 then. Raises ConfigError (exit 2) or DealRadarError (exit 1) first."""
    check_bind(host, settings.web.token)
    sock = bind(host, port)
    server = make_server(settings)
    if announce:
        import sys

        mode = "corrections need the token" if settings.web.token else "read-only"
        print(f"dealradar: serving on {address(sock)} ({mode}); Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


class WebThread:
    """The dashboard beside ``dealradar run``: its own thread and event loop; the daemon stops it on shutdown."""

    def __init__(self, settings: Settings) -> None:
        web = settings.web
        check_bind(web.host, web.token)
        self.sock = bind(web.host, web.port)
        self.address = address(self.sock)
        self.server = make_server(settings)
        self.thread = threading.Thread(target=self._run, name="dealradar-web", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except Exception:  # the daemon keeps crawling and alerting without its dashboard
            log.exception("the web server stopped")

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()
