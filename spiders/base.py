"""What every DealRadar spider shares: article requests, seen-URL filtering, error reporting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import CrawlSettings, SourceSettings
from crawler.extract import parse_date
from crawler.items import ArticleItem, FeedEntry
from crawler.report import SourceReport
from crawler.urlpolicy import canonical_url
from storage.repository import Repository, SourceState

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


@dataclass
class SourceRun:
    """One source's share of a spider's pass: its settings, stored state and the report being filled."""

    source: SourceSettings
    state: SourceState | None
    report: SourceReport


class DealRadarSpider(scrapy.Spider):
    """One spider per source kind and pass, over every source of that kind: one crawler serves hundreds
    of feeds. Every request carries its source's name in ``meta["source"]``."""

    crawl_settings: CrawlSettings
    repo: Repository

    def __init__(self, *args: Any, sources: list[SourceSettings], crawl_settings: CrawlSettings,
                 repo: Repository, reports: dict[str, SourceReport], now: datetime | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, name=f"dealradar-{type(self).__name__.lower()}", **kwargs)
        self.crawl_settings = crawl_settings
        self.repo = repo
        states = {st.name: st for st in repo.list_sources()}
        self.runs = {src.name: SourceRun(src, states.get(src.name), reports[src.name]) for src in sources}
        self.now = now or datetime.now(UTC)
        self.queued: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for run in self.runs.values():
            for request in self.start_requests_for(run):
                yield request

    def start_requests_for(self, run: SourceRun) -> Iterable[Request]:  # pragma: no cover - overridden
        raise NotImplementedError

    def run_of(self, request_or_response: Any) -> SourceRun:
        return self.runs[request_or_response.meta["source"]]

    def index_request(self, run: SourceRun, url: str, callback: Any, **meta: Any) -> Request:
        """A feed, sitemap or listing page: a failure here fails the whole source pass."""
        return Request(url, callback=callback, errback=self.index_failed, dont_filter=True,
                       meta={"index": True, "handle_httpstatus_all": True, "source": run.source.name, **meta})

    def article_requests(self, run: SourceRun, entries: Iterable[FeedEntry]) -> list[Request]:
        """Requests for entries not stored yet; recent enough, one per canonical URL."""
        report = run.report
        fresh: dict[str, FeedEntry] = {}
        cutoff = self.now - self.crawl_settings.max_article_age
        for entry in entries:
            if entry.published is not None and entry.published < cutoff:
                report.skipped += 1
                continue
            key = canonical_url(entry.url)
            if key not in fresh and key not in self.queued:
                fresh[key] = entry
        seen = self.repo.seen_urls(fresh)
        report.already_seen += len(seen)
        requests = []
        for key, entry in fresh.items():
            if key in seen:
                continue
            self.queued.add(key)
            requests.append(Request(
                entry.url, callback=self.parse_article, errback=self.article_failed,
                meta={"entry": entry, "canonical": key, "source": run.source.name},
            ))
        report.pending_articles += len(requests)
        return requests

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        run = self.run_of(response)
        report = run.report
        report.fetched += 1
        entry: FeedEntry = response.meta.get("entry") or FeedEntry(url=response.url)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (ctype and not ctype.startswith(_HTML_TYPES)):
            report.skipped += 1
            report.pending_articles -= 1
            report.warnings.append(f"{response.url}: not an HTML page ({ctype or 'binary'}), skipped")
            log.warning("skipped non-HTML article url=%s content_type=%s", response.url, ctype or "?")
            return
        text = response.text
        bad = text.count("\ufffd")
        if bad and bad > len(text) / 1000:
            msg = f"{response.url}: {bad} bytes invalid in declared encoding {response.encoding}; replaced"
            report.warnings.append(msg)
            log.warning("wrong encoding url=%s encoding=%s invalid=%d", response.url, response.encoding, bad)
        last_mod = response.headers.get(b"Last-Modified")
        yield ArticleItem(
            url=response.meta.get("canonical") or response.url,
            source=run.source.name,
            outlet=run.source.outlet,
            html=text,
            status=response.status,
            final_url=response.url,
            fetched_at=datetime.now(UTC),
            http_last_modified=parse_date(last_mod.decode("latin-1")) if last_mod else None,
            entry_title=entry.title,
            entry_published=entry.published,
            entry_summary=entry.summary,
            entry_guid=entry.guid,
        )

    def describe(self, failure: Failure) -> str:
        exc = failure.value
        if isinstance(exc, HttpError):
            return f"HTTP {exc.response.status}"
        name = type(exc).__name__
        text = str(exc).strip()
        if "max size" in text or "larger than download max size" in text:
            return f"response larger than the {self.crawl_settings.max_response_size} byte limit, cut off"
        return f"{name}: {text}"[:300] if text else name

    def index_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run = self.run_of(request)
        msg = f"{request.url}: {self.describe(failure)}"
        if request.meta.get("child_sitemap"):
            run.report.error(f"child sitemap failed: {msg}")
            return
        run.report.fatal = run.report.fatal or msg
        run.report.error(msg)
        log.warning("source failed source=%s error=%s", run.source.name, msg)

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run = self.run_of(request)
        run.report.pending_articles -= 1
        msg = f"{request.url}: {self.describe(failure)}"
        run.report.error(msg)
        log.warning("article failed source=%s error=%s", run.source.name, msg)

    def index_response_ok(self, response: Response) -> bool:
        """Non-2xx index pages (that were not retried away) fail the source pass."""
        if 200 <= response.status < 300 or response.status == 304:
            return True
        report = self.run_of(response).report
        msg = f"{response.url}: HTTP {response.status}"
        wait = response.meta.get("retry_after_s")
        if wait:
            report.poll_hint_s = int(wait)
            msg += f" (server asks to wait {int(wait)}s)"
        report.fatal = report.fatal or msg
        report.error(msg)
        return False
