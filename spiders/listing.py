"""Listing pages: ``start_urls`` plus a ``follow`` regex picking the article links on them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.items import FeedEntry
from spiders.base import DealRadarSpider


class ListingSpider(DealRadarSpider):
    def start_requests_for_source(self) -> Iterable[Request]:
        for url in self.source.start_urls:
            yield self.index_request(url, self.parse_listing)

    def parse_listing(self, response: Response) -> Iterable[Any]:
        if not self.index_response_ok(response):
            return
        if not isinstance(response, TextResponse):
            self.report.error(f"{response.url}: listing page is not HTML")
            return
        host = urlsplit(response.url).hostname
        extractor = LinkExtractor(allow=(self.source.follow,) if self.source.follow else ())
        pattern = re.compile(self.source.follow) if self.source.follow else None
        entries = []
        for link in extractor.extract_links(response):
            if urlsplit(link.url).hostname != host:  # article links stay on the listing's own site
                continue
            if pattern is None or pattern.search(link.url):
                entries.append(FeedEntry(url=link.url, title=(link.text or "").strip() or None))
        yield from self.article_requests(entries)
