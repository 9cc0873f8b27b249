"""One article through the whole core: extract -> parse deals -> resolve and store (with the outbox).

The daemon and the one-off crawl both come through here, from the Scrapy item pipeline. The CPU
half (``analyse``: extraction and parsing) is a pure function that can run in a worker process;
the storage half runs where the database connection lives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.deals import Resources, parse_article
from crawler.events import ResolutionPolicy
from crawler.extract import ExtractedArticle, extract_article
from crawler.items import ArticleItem

if TYPE_CHECKING:  # workers import this module for ``analyse``; keep SQLAlchemy out of their start-up
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
    article = extract_article(item, now=now)
    result = parse_article(article.title or "", article.text, article.published, resources=resources)
    return Analysis(article, result.is_deal, tuple(d.to_record() for d in result.deals))


class ArticleProcessor:
    """Plain dependencies in, so tests build one without Scrapy."""

    def __init__(self, repo: Repository, resources: Resources, *, channels: Sequence[ChannelRoute] = (),
                 policy: ResolutionPolicy | None = None) -> None:
        self.repo = repo
        self.resources = resources
        self.channels = tuple(channels)
        self.policy = policy or ResolutionPolicy()

    def analyse(self, item: ArticleItem, *, now: datetime | None = None) -> Analysis:
        return analyse(item, self.resources, now=now or datetime.now(UTC))

    def store(self, analysis: Analysis, *, now: datetime | None = None) -> Processed:
        now = now or datetime.now(UTC)
        article = analysis.article
        outcome = self.repo.store_article(
            article, is_deal=analysis.is_deal, records=analysis.records, channels=self.channels,
            policy=self.policy, now=now,
        )
        if outcome.status == "new":
            log.info("stored article url=%s deals=%d events=%d", article.url, len(analysis.records),
                     len(outcome.events))
        return Processed(article, outcome, analysis.is_deal)

    def process(self, item: ArticleItem, *, now: datetime | None = None) -> Processed:
        now = now or datetime.now(UTC)
        return self.store(self.analyse(item, now=now), now=now)
