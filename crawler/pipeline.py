"""One article through the whole core: extract -> parse deals -> resolve and store (with the outbox).

The daemon and the one-off crawl both come through here, from the Scrapy item pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.deals import Resources, parse_article
from crawler.events import ResolutionPolicy
from crawler.extract import ExtractedArticle, extract_article
from crawler.items import ArticleItem
from storage.repository import ArticleOutcome, ChannelRoute, Repository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Processed:
    article: ExtractedArticle
    outcome: ArticleOutcome
    is_deal: bool


class ArticleProcessor:
    """Plain dependencies in, so tests build one without Scrapy."""

    def __init__(self, repo: Repository, resources: Resources, *, channels: Sequence[ChannelRoute] = (),
                 policy: ResolutionPolicy | None = None) -> None:
        self.repo = repo
        self.resources = resources
        self.channels = tuple(channels)
        self.policy = policy or ResolutionPolicy()

    def process(self, item: ArticleItem, *, now: datetime | None = None) -> Processed:
        now = now or datetime.now(UTC)
        article = extract_article(item, now=now)
        result = parse_article(article.title or "", article.text, article.published, resources=self.resources)
        records = [d.to_record() for d in result.deals]
        outcome = self.repo.store_article(
            article, is_deal=result.is_deal, records=records, channels=self.channels, policy=self.policy, now=now,
        )
        if outcome.status == "new":
            log.info("stored article url=%s deals=%d events=%d", article.url, len(records), len(outcome.events))
        return Processed(article, outcome, result.is_deal)
