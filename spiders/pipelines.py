"""The only Scrapy item pipeline: hands each ArticleItem to the core and counts what it did."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import DropItem

from crawler.crawl.items import ArticleItem
from crawler.crawl.workers import AnalysisTimeout, analyse_limited
from crawler.errors import StorageError

log = logging.getLogger(__name__)


class HandOffPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> HandOffPipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        spider = self.crawler.spider
        report = spider.runs[item.source].report
        processor = spider.processor
        now = datetime.now(UTC)
        try:
            done = await self._analyse_and_store(spider, processor, item, now)
        finally:
            # Done only now, its batch committed (or its failure recorded): until then the pass is not complete,
            # and a pass cut short here must not save the feed's validators over an article never stored.
            report.pending_articles -= 1
        outcome = done.outcome
        if outcome.status == "new":
            report.new_articles += 1
            report.deal_articles += int(done.is_deal)
        elif outcome.status == "duplicate":
            report.duplicates += 1
        else:
            report.already_seen += 1
        report.deals_new += outcome.deals_new
        report.deals_updated += outcome.deals_updated
        report.conflicts += outcome.conflicts
        progress = getattr(spider, "progress", None)
        if progress is not None:
            progress(item.source, outcome.status)
        return item

    @staticmethod
    async def _analyse_and_store(spider: Any, processor: Any, item: ArticleItem, now: datetime) -> Any:
        """Extract and parse (in a worker when there is a pool), then store in a batch; a failure is recorded
        on the source and the item dropped."""
        report = spider.runs[item.source].report
        try:
            pool = getattr(spider, "analysis_pool", None)
            if pool is not None:
                analysis = await pool.analyse(item, now)
            else:
                analysis = analyse_limited(item, processor.resources, now, spider.crawl_settings.page_time_limit)
            return await processor.store_batched(analysis, now=now)
        except AnalysisTimeout as exc:
            report.error(f"{item.url}: {exc}; skipped")
            raise DropItem(str(exc)) from exc
        except StorageError as exc:
            report.error(f"{item.url}: {exc}")
            report.fatal = report.fatal or f"storage failure: {exc}"
            report.storage_failed(str(exc))
            raise DropItem(f"not stored: {exc}") from exc
        except Exception as exc:  # one bad page must not end the crawl; it is reported with its URL
            log.exception("article processing failed url=%s", item.url)
            report.error(f"{item.url}: processing failed: {type(exc).__name__}: {exc}")
            raise DropItem(f"processing failed: {exc}") from exc
