"""RSS 0.9x/1.0/2.0, Atom and RDF feeds, parsed by feedparser from the response body, with conditional GET."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.crawl.feeds import parse_feed
from spiders.base import DealRadarSpider, SourceRun

_MAX_AGE = re.compile(r"max-age=(\d+)")


class FeedSpider(DealRadarSpider):
    def start_requests_for(self, run: SourceRun) -> Iterable[Request]:
        request = self.index_request(run, run.source.feed or "", self.parse_feed)
        if run.state is not None:
            if run.state.etag:
                request.headers[b"If-None-Match"] = run.state.etag
            if run.state.last_modified:
                request.headers[b"If-Modified-Since"] = run.state.last_modified
        yield request

    async def parse_feed(self, response: Response) -> AsyncIterator[Any]:
        if not self.index_response_ok(response):
            return
        run = self.run_of(response)
        report = run.report
        cache = response.headers.get(b"Cache-Control", b"").decode("latin-1")
        m = _MAX_AGE.search(cache)
        if m:
            report.poll_hint_s = max(report.poll_hint_s or 0, int(m.group(1)))
        if response.status == 304:
            report.not_modified = True
            report.etag = run.state.etag if run.state else None
            report.last_modified = run.state.last_modified if run.state else None
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        feed = await self.off_reactor(parse_feed, response.body, url=response.url, content_type=ctype)
        if feed.problem:
            note = f"{response.url}: malformed feed ({feed.problem})"
            if feed.entries:
                report.warnings.append(note + "; used the entries that parsed")
                self.logger.warning("malformed feed, entries recovered url=%s problem=%s", response.url, feed.problem)
            else:
                report.fatal = note
                report.error(note)
                self.logger.warning("malformed feed, nothing usable url=%s problem=%s", response.url, feed.problem)
                return
        for reason in feed.skipped:
            report.skipped += 1
            self.logger.info("feed entry skipped url=%s reason=%s", response.url, reason)
        if feed.ttl_minutes:
            report.poll_hint_s = max(report.poll_hint_s or 0, feed.ttl_minutes * 60)
        requests = self.article_requests(run, feed.entries)
        # The validators only once every entry has been looked at and its article counted as pending: a pass
        # cut short before that must not look complete (see crawler.crawl.runner).
        etag = response.headers.get(b"ETag")
        last_mod = response.headers.get(b"Last-Modified")
        report.etag = etag.decode("latin-1") if etag else None
        report.last_modified = last_mod.decode("latin-1") if last_mod else None
        for request in requests:
            yield request
