"""RSS 0.9x/1.0/2.0, Atom and RDF feeds, parsed by feedparser from the response body, with conditional GET."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.feeds import parse_feed
from spiders.base import DealRadarSpider

_MAX_AGE = re.compile(r"max-age=(\d+)")


class FeedSpider(DealRadarSpider):
    def start_requests_for_source(self) -> Iterable[Request]:
        request = self.index_request(self.source.feed or "", self.parse_feed)
        if self.state is not None:
            if self.state.etag:
                request.headers[b"If-None-Match"] = self.state.etag
            if self.state.last_modified:
                request.headers[b"If-Modified-Since"] = self.state.last_modified
        yield request

    def parse_feed(self, response: Response) -> Iterable[Any]:
        if not self.index_response_ok(response):
            return
        self._poll_hints(response)
        if response.status == 304:
            self.report.not_modified = True
            self.report.etag = self.state.etag if self.state else None
            self.report.last_modified = self.state.last_modified if self.state else None
            return
        etag = response.headers.get(b"ETag")
        last_mod = response.headers.get(b"Last-Modified")
        self.report.etag = etag.decode("latin-1") if etag else None
        self.report.last_modified = last_mod.decode("latin-1") if last_mod else None
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        feed = parse_feed(response.body, url=response.url, content_type=ctype)
        if feed.problem:
            note = f"{response.url}: malformed feed ({feed.problem})"
            if feed.entries:
                self.report.warnings.append(note + "; used the entries that parsed")
                self.logger.warning("malformed feed, entries recovered url=%s problem=%s", response.url, feed.problem)
            else:
                self.report.fatal = note
                self.report.error(note)
                self.logger.warning("malformed feed, nothing usable url=%s problem=%s", response.url, feed.problem)
                return
        for reason in feed.skipped:
            self.report.skipped += 1
            self.logger.info("feed entry skipped url=%s reason=%s", response.url, reason)
        if feed.ttl_minutes:
            self.report.poll_hint_s = max(self.report.poll_hint_s or 0, feed.ttl_minutes * 60)
        yield from self.article_requests(feed.entries)

    def _poll_hints(self, response: Response) -> None:
        cache = response.headers.get(b"Cache-Control", b"").decode("latin-1")
        m = _MAX_AGE.search(cache)
        if m:
            self.report.poll_hint_s = max(self.report.poll_hint_s or 0, int(m.group(1)))
