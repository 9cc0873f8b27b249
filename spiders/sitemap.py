"""News sitemaps: sitemap indexes, ``<news:news>`` records, a lastmod cut-off, gzip."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree
from scrapy import Request
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip

from crawler.crawl.items import FeedEntry
from crawler.dates import parse_date
from spiders.base import DealRadarSpider, SourceRun

_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
MAX_CHILD_SITEMAPS = 50


def parse_sitemap(body: bytes) -> tuple[str, list[FeedEntry], list[str]]:
    """Returns (kind, article entries, child sitemap URLs); kind is urlset, sitemapindex or invalid."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
        kind = etree.QName(root).localname if root is not None and isinstance(root.tag, str) else "invalid"
    except (etree.LxmlError, ValueError):  # recover mode still gives up on some bytes, or makes tags like "<:"
        return "invalid", [], []
    if kind not in ("urlset", "sitemapindex"):
        return "invalid", [], []
    if kind == "sitemapindex":
        locs = [el.text.strip() for el in root.iterfind(".//{*}sitemap/{*}loc") if el.text and el.text.strip()]
        return kind, [], locs
    entries = []
    for url in root.iterfind(".//{*}url"):
        loc = (url.findtext("{*}loc") or "").strip()
        if not loc:
            continue
        title = url.findtext(".//{*}news/{*}title")
        published = parse_date(url.findtext(".//{*}news/{*}publication_date")) or parse_date(url.findtext("{*}lastmod"))
        entries.append(FeedEntry(url=loc, title=title.strip() if title else None, published=published))
    return kind, entries, []


class NewsSitemapSpider(DealRadarSpider):
    def start_requests_for(self, run: SourceRun) -> Iterable[Request]:
        yield self.index_request(run, run.source.sitemap or "", self.parse_sitemap, depth_left=2)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        if not self.index_response_ok(response):
            return
        run = self.run_of(response)
        report = run.report
        body = response.body
        child = bool(response.meta.get("child_sitemap"))
        if body[:2] == b"\x1f\x8b":
            limit = self.crawl_settings.max_response_size
            try:
                body = gunzip(body, max_size=limit)
            except _DecompressionMaxSizeExceeded:
                self._sitemap_failed(run, child, f"{response.url}: gzip sitemap inflates past the {limit} byte "
                                                 "limit (a compression bomb?), cut off")
                return
            except Exception as exc:  # broken archives
                self._sitemap_failed(run, child, f"{response.url}: bad gzip sitemap ({type(exc).__name__})")
                return
        kind, entries, children = parse_sitemap(body)
        if kind == "invalid":
            self._sitemap_failed(run, child, f"{response.url}: not a sitemap")
            return
        depth_left = response.meta.get("depth_left", 0)
        if children:
            if depth_left <= 0:
                report.warnings.append(f"{response.url}: sitemap index nested too deep, ignored")
                return
            for child in children[:MAX_CHILD_SITEMAPS]:
                yield self.index_request(run, response.urljoin(child), self.parse_sitemap,
                                         depth_left=depth_left - 1, child_sitemap=True)
            return
        yield from self.article_requests(run, entries)

    def _sitemap_failed(self, run: SourceRun, child: bool, msg: str) -> None:
        """A child sitemap that fails is one error; the source's own sitemap failing fails the source."""
        if child:
            run.report.error(f"child sitemap failed: {msg}")
        else:
            run.report.fatal = run.report.fatal or msg
            run.report.error(msg)
        self.logger.warning("sitemap failed source=%s error=%s", run.source.name, msg)
