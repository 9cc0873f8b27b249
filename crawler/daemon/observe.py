"""Watching the daemon: structured logs, Prometheus metrics, and a small HTTP server for /healthz and /metrics.

Metrics live in a registry of their own (not prometheus_client's global one), so several daemons
in one test process, or a library user's own metrics, never collide.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from crawler.config import parse_listen
from crawler.crawl.report import SourceReport
from crawler.errors import DealRadarError
from crawler.logformat import JsonFormatter, setup_logging

__all__ = ["JsonFormatter", "Metrics", "ObserveServer", "parse_listen", "setup_logging"]

log = logging.getLogger(__name__)


class Metrics:
    """Everything /metrics exports. Counters count since the daemon started; gauges mirror the database."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.fetches = Counter("dealradar_fetches", "Source passes, by source and outcome (ok, not_modified, error).",
                               ["source", "outcome"], registry=r)
        self.errors = Counter("dealradar_errors", "Errors (failed pass or failed article), by source.",
                              ["source"], registry=r)
        self.articles = Counter("dealradar_articles", "New articles stored, by source.", ["source"], registry=r)
        self.deals = Counter("dealradar_deals", "Deal events from crawled articles (new, updated, conflict).",
                             ["kind"], registry=r)
        self.alerts_sent = Counter("dealradar_alerts_sent", "Alert deliveries sent.", registry=r)
        self.alerts_failed = Counter("dealradar_alerts_failed", "Alert deliveries that ran out of attempts.",
                                     registry=r)
        self.alerts_retried = Counter("dealradar_alerts_retried", "Alert deliveries that failed and will be retried.",
                                      registry=r)
        self.alerts_pending = Gauge("dealradar_alerts_pending", "Deliveries waiting in the outbox.", registry=r)
        self.crawls = Counter("dealradar_crawl_processes", "Crawl child processes, by outcome (ok, failed, stopped).",
                              ["outcome"], registry=r)
        self.crawl_seconds = Histogram("dealradar_crawl_duration_seconds", "Wall time of one crawl child process.",
                                       buckets=(1, 2, 5, 10, 30, 60, 120, 300, 900, 1800), registry=r)
        self.in_flight = Gauge("dealradar_crawls_in_flight", "Crawl child processes running now.", registry=r)
        self.lag = Gauge("dealradar_scheduler_lag_seconds",
                         "How late the most recent pass started after its planned time.", registry=r)
        self.lag_hist = Histogram("dealradar_scheduler_lag", "Start delay of each source pass, in seconds.",
                                  buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900), registry=r)
        self.last_success = Gauge("dealradar_source_last_success_timestamp_seconds",
                                  "Unix time of the source's last successful pass.", ["source"], registry=r)
        self.next_run = Gauge("dealradar_source_next_run_timestamp_seconds", "Unix time of the source's next pass.",
                              ["source"], registry=r)
        self.failures = Gauge("dealradar_source_consecutive_failures", "Failed passes in a row.", ["source"],
                              registry=r)
        self.stale = Gauge("dealradar_source_stale", "1 when the source has been silent longer than expected.",
                           ["source"], registry=r)
        self.reloads = Counter("dealradar_config_reloads", "SIGHUP reloads, by outcome (ok, rejected).",
                               ["outcome"], registry=r)
        self.up = Gauge("dealradar_up", "1 while the daemon is running and not stopping.", registry=r)
        self._sources: set[str] = set()

    def record_pass(self, rep: SourceReport) -> None:
        """Count one source's pass from its report."""
        outcome = "error" if not rep.ok else ("not_modified" if rep.not_modified else "ok")
        self.fetches.labels(rep.source, outcome).inc()
        errors = max(len(rep.errors), 1 if rep.fatal else 0)
        if errors:
            self.errors.labels(rep.source).inc(errors)
        if rep.new_articles:
            self.articles.labels(rep.source).inc(rep.new_articles)
        for kind, n in (("new", rep.deals_new), ("updated", rep.deals_updated), ("conflict", rep.conflicts)):
            if n:
                self.deals.labels(kind).inc(n)

    def record_crash(self, source: str) -> None:
        """A pass that ended with its crawl process, before any report."""
        self.fetches.labels(source, "error").inc()
        self.errors.labels(source).inc()

    def set_sources(self, names: Iterable[str]) -> None:
        """Drop per-source series of sources no longer configured, so a reload does not leave ghosts."""
        names = set(names)
        for gone in self._sources - names:
            for gauge in (self.last_success, self.next_run, self.failures, self.stale):
                with contextlib.suppress(KeyError):
                    gauge.remove(gone)
        self._sources = names

    def render(self) -> bytes:
        return generate_latest(self.registry)


HealthFn = Callable[[], tuple[bool, dict[str, Any]]]


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class ObserveServer:
    """/healthz (JSON; 200 healthy, 503 not) and /metrics (Prometheus text) on a background thread."""

    def __init__(self, listen: str, metrics: Metrics, health: HealthFn) -> None:
        host, port = parse_listen(listen)
        metrics_ref, health_ref = metrics, health

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._reply(200, metrics_ref.render(), CONTENT_TYPE_LATEST)
                elif path in ("/healthz", "/health"):
                    ok, body = health_ref()
                    self._reply(200 if ok else 503, json.dumps(body, default=str).encode(), "application/json")
                else:
                    self._reply(404, b"not found: try /healthz or /metrics\n", "text/plain")

            def _reply(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server_cls = _V6Server if ":" in host else ThreadingHTTPServer
        try:
            self._httpd = server_cls((host, port), Handler)
        except OSError as exc:
            raise DealRadarError(f"cannot serve /metrics on {listen} (daemon.http): {exc.strerror or exc}") from exc
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.5},
                                        name="dealradar-observe", daemon=True)

    @property
    def address(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ObserveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
