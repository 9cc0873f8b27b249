"""Listing pages: ``start_urls`` plus a ``follow`` regex picking the article links on them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.crawl.items import FeedEntry
from spiders.base import DealRadarSpider, SourceRun


class ListingSpider(DealRadarSpider):
    def start_requests_for(self, run: SourceRun) -> Iterable[Request]:
        for url in run.source.start_urls:
            yield self.index_request(run, url, self.parse_listing)

    def parse_listing(self, response: Response) -> Iterable[Any]:
        if not self.index_response_ok(response):
            return
        run = self.run_of(response)
        if not isinstance(response, TextResponse):
            run.report.error(f"{response.url}: listing page is not HTML")
            return
        host = urlsplit(response.url).hostname
        extractor = LinkExtractor(allow=(run.source.follow,) if run.source.follow else ())
        pattern = re.compile(run.source.follow) if run.source.follow else None
        entries = []
        for link in extractor.extract_links(response):
            if urlsplit(link.url).hostname != host:  # article links stay on the listing's own site
                continue
            if pattern is None or pattern.search(link.url):
                entries.append(FeedEntry(url=link.url, title=(link.text or "").strip() or None))
        yield from self.article_requests(run, entries)
