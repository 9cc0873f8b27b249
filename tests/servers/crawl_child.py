"""Crawl child processes for fault tests: the same child ``crawler.crawl.runner.run_crawl`` starts, but one the test
holds the handle of, so it can be SIGKILLed at a chosen moment, and with faults injected inside it:

- ``scrapy_overrides``: extra Scrapy settings (e.g. ``DEALRADAR_ALLOW_HOSTS`` before the config has a key
  for it, or a test-only downloader middleware), merged over ``spiders.settings.scrapy_settings`` (dict
  settings such as ``DOWNLOADER_MIDDLEWARES`` are merged key by key);
- ``sqlite_max_pages``: every SQLite connection the child opens gets ``PRAGMA max_page_count`` — the
  database cannot grow past that many pages, and a write that needs more fails exactly as on a full disk
  (``SQLITE_FULL``, "database or disk is full").

    child = CrawlChild.start(settings, ["wire"])
    child.wait_for_articles(3)
    child.kill()
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import time
from dataclasses import dataclass, field
from typing import Any

from crawler.config import Settings
from crawler.crawl.report import CrawlSummary


def _target(settings: Settings, names: list[str], events: Any, log_level: str,
            scrapy_overrides: dict[str, Any] | None, sqlite_max_pages: int | None) -> None:
    if scrapy_overrides:
        import spiders.settings as spider_settings

        original = spider_settings.scrapy_settings

        def patched(crawl: Any, **kwargs: Any) -> dict[str, Any]:
            merged = original(crawl, **kwargs)
            for key, value in scrapy_overrides.items():  # component dicts are merged, not replaced
                merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) \
                    else value
            return merged

        spider_settings.scrapy_settings = patched  # type: ignore[assignment]
    if sqlite_max_pages:
        from sqlalchemy import Engine, event

        @event.listens_for(Engine, "connect")
        def _limit(dbapi_conn: Any, _record: Any) -> None:
            if type(dbapi_conn).__module__.startswith("sqlite3"):
                dbapi_conn.execute(f"PRAGMA max_page_count = {int(sqlite_max_pages)}")

    from crawler.crawl.runner import _child

    _child(settings, names, events, log_level)


@dataclass
class CrawlChild:
    proc: Any
    events: Any
    articles: list[tuple[str, str]] = field(default_factory=list)
    summary: CrawlSummary | None = None
    failure: str | None = None

    @classmethod
    def start(cls, settings: Settings, names: list[str], *, log_level: str = "WARNING",
              scrapy_overrides: dict[str, Any] | None = None, sqlite_max_pages: int | None = None) -> CrawlChild:
        ctx = mp.get_context("spawn")
        events = ctx.Queue()
        proc = ctx.Process(target=_target, name="dealradar-crawl-test",
                           args=(settings, names, events, log_level, scrapy_overrides, sqlite_max_pages))
        proc.start()
        return cls(proc, events)

    def _pump(self, timeout: float) -> bool:
        """Handle one event; False when none came within ``timeout``."""
        try:
            kind, a, b = self.events.get(timeout=timeout)
        except (queue.Empty, EOFError, OSError):
            return False
        if kind == "articles":  # (source, status) of each article, a batch at a time
            self.articles += a
        elif kind == "done":
            from crawler.crawl.runner import _summary_from_dict

            self.summary = _summary_from_dict(a)
        elif kind == "failed":
            self.failure = a
        return True

    def wait_for_articles(self, count: int, timeout: float = 60.0) -> bool:
        """Until ``count`` articles went through the pipeline (or the child ended); True if they did."""
        deadline = time.monotonic() + timeout
        while len(self.articles) < count and time.monotonic() < deadline:
            if not self._pump(0.01) and not self.proc.is_alive() and not self._pump(0.2):
                break
        return len(self.articles) >= count

    def wait(self, timeout: float = 120.0) -> CrawlSummary:
        """Until the child ends; its summary, or AssertionError with the child's failure."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._pump(0.1):
                continue
            if not self.proc.is_alive():
                while self._pump(0.3):
                    pass
                break
        else:
            self.kill()
            raise AssertionError(f"crawl child still running after {timeout}s")
        self.proc.join(10)
        if self.summary is None:
            raise AssertionError(f"crawl child failed: {self.failure or f'exit status {self.proc.exitcode}'}")
        return self.summary

    def kill(self) -> None:
        """SIGKILL: no handler runs, no transaction is finished, nothing is flushed."""
        if self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join(10)
        self.events.close()
        self.events.join_thread()
