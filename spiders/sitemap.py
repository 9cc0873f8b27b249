"""News sitemaps: sitemap indexes, ``<news:news>`` records, a lastmod cut-off, gzip."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from crawler.extract import parse_date
from crawler.items import FeedEntry
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
    except etree.XMLSyntaxError:
        return "invalid", [], []
    if root is None:
        return "invalid", [], []
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        locs = [el.text.strip() for el in root.iterfind(".//{*}sitemap/{*}loc") if el.text]
        return kind, [], locs
    entries = []
    for url in root.iterfind(".//{*}url"):
        loc = url.findtext("{*}loc")
        if not loc:
            continue
        title = url.findtext(".//{*}news/{*}title")
        published = parse_date(url.findtext(".//{*}news/{*}publication_date")) or parse_date(url.findtext("{*}lastmod"))
        entries.append(FeedEntry(url=loc.strip(), title=title.strip() if title else None, published=published))
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
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.crawl_settings.max_response_size)
            except Exception as exc:  # gzip bombs and broken archives end the same way
                report.error(f"{response.url}: bad gzip sitemap ({type(exc).__name__})")
                return
        kind, entries, children = parse_sitemap(body)
        if kind == "invalid":
            msg = f"{response.url}: not a sitemap"
            report.fatal = report.fatal or msg
            report.error(msg)
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
