"""One article through the whole core: extract -> parse deals -> resolve and store (with the outbox).

The daemon and the one-off crawl both come through here, from the Scrapy item pipeline. The CPU
half (``analyse``: extraction and parsing) is a pure function that can run in a worker process;
the storage half runs where the database connection lives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.article import ExtractedArticle
from crawler.crawl.extract import extract_article
from crawler.crawl.items import ArticleItem
from crawler.events import ResolutionPolicy

if TYPE_CHECKING:  # workers import this module for ``analyse``; keep SQLAlchemy out of their start-up
    from crawler.deals import Resources
    from storage.repository import ArticleOutcome, ChannelRoute, Repository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the CPU half found in one page; picklable, so it can come back from a worker process."""

    article: ExtractedArticle
    is_deal: bool
    records: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Processed:
    article: ExtractedArticle
    outcome: ArticleOutcome
    is_deal: bool


def analyse(item: ArticleItem, resources: Resources, *, now: datetime) -> Analysis:
    """Extract the article and parse its deals. No I/O."""
    from crawler.deals import parse_article  # not at the top: a crawl process with workers never parses

    article = extract_article(item, now=now)
    result = parse_article(article.title or "", article.text, article.published, resources=resources,
                           url=article.url)
    return Analysis(article, result.is_deal, tuple(d.to_record() for d in result.deals))


# How long an analysed article waits for others to share its commit, and how many share one at most.
BATCH_WAIT_S = 0.02
BATCH_MAX = 64


class ArticleProcessor:
    """Plain dependencies in, so tests build one without Scrapy."""

    def __init__(self, repo: Repository, resources: Resources | None, *, channels: Sequence[ChannelRoute] = (),
                 policy: ResolutionPolicy | None = None, batch_wait: float = BATCH_WAIT_S,
                 batch_max: int = BATCH_MAX) -> None:
        self.repo = repo
        self.resources = resources
        self.channels = tuple(channels)
        self.policy = policy or ResolutionPolicy()
        self.batch_wait = batch_wait
        self.batch_max = batch_max
        self._batch: list[tuple[Analysis, datetime, asyncio.Future[Processed]]] = []
        self._flush_timer: asyncio.TimerHandle | None = None

    def analyse(self, item: ArticleItem, *, now: datetime | None = None) -> Analysis:
        return analyse(item, self.resources, now=now or datetime.now(UTC))

    def store(self, analysis: Analysis, *, now: datetime | None = None) -> Processed:
        (done,) = self.store_many([(analysis, now or datetime.now(UTC))])
        if isinstance(done, Exception):
            raise done
        return done

    def store_many(self, batch: Sequence[tuple[Analysis, datetime]]) -> list[Processed | Exception]:
        """Store several analysed articles in one transaction (see ``Repository.store_articles``)."""
        from storage.repository import PendingArticle

        pending = [PendingArticle(a.article, a.is_deal, a.records, now) for a, now in batch]
        outcomes = self.repo.store_articles(pending, channels=self.channels, policy=self.policy)
        done: list[Processed | Exception] = []
        for (analysis, _), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                done.append(outcome)
                continue
            if outcome.status == "new":
                log.info("stored article url=%s deals=%d events=%d", analysis.article.url, len(analysis.records),
                         len(outcome.events))
            done.append(Processed(analysis.article, outcome, analysis.is_deal))
        return done

    async def store_batched(self, analysis: Analysis, *, now: datetime) -> Processed:
        """``store``, but sharing a transaction with the articles analysed within ``batch_wait`` of this one.

        A crawl stores a couple of hundred articles a second from the event loop's thread; a commit each
        was a fifth of that thread's work. An article waits at most ``batch_wait`` seconds; until its batch
        commits it is not stored, not marked seen, and its alerts are not queued, so a crash loses
        nothing that the next pass does not fetch again."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Processed] = loop.create_future()
        self._batch.append((analysis, now, done))
        if len(self._batch) >= self.batch_max:
            self.flush()
        elif self._flush_timer is None:
            self._flush_timer = loop.call_later(self.batch_wait, self.flush)
        return await done

    def flush(self) -> None:
        """Store the waiting batch now and hand each article's result, or its exception, to its waiter."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            results = self.store_many([(analysis, now) for analysis, now, _ in batch])
        except Exception as exc:  # noqa: BLE001 - every waiter must hear, or the crawl would wait for ever
            results = [exc] * len(batch)
        for (_, _, waiter), result in zip(batch, results, strict=True):
            if waiter.done():
                continue
            if isinstance(result, Exception):
                waiter.set_exception(result)
            else:
                waiter.set_result(result)

    def process(self, item: ArticleItem, *, now: datetime | None = None) -> Processed:
        now = now or datetime.now(UTC)
        return self.store(self.analyse(item, now=now), now=now)
