"""Public corpora nobody here wrote (../shared/peers, skipped when absent) as bad-input material: feedparser's
test feeds, real feeds, an article-extraction benchmark, saved news pages and a publication-date set.

The assertions are "no crash" and "every feed entry accounted for". The figures (extraction P/R/F1 against
the benchmark, publication-date accuracy) come from ``benchmarks/corpora.py``. Nothing is copied out of
../shared: files are read in place (the feedparser tarball in memory) and served from memory.
"""

from __future__ import annotations

import gzip
import json
import re
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest

from crawler.crawl.feeds import ParsedFeed, parse_feed
from crawler.net.urlpolicy import canonical_url, is_fetchable_url

PEERS = Path(__file__).resolve().parents[2] / "shared" / "peers"
pytestmark = [pytest.mark.shared, pytest.mark.skipif(not PEERS.is_dir(), reason="../shared/peers is absent")]

FEEDPARSER_BASE = "http://127.0.0.1:8097/tests/"  # where the corpus README says its HTTP cases live
NOW = datetime(2026, 11, 10, tzinfo=UTC)


def feedparser_cases() -> Iterator[tuple[str, bytes, str | None]]:
    """(path, bytes, Content-Type) for every file of the feedparser corpus, read from the tarball in memory."""
    manifest = {m["path"]: m for m in json.loads(gzip.decompress((PEERS / "feedparser-corpus" / "manifest.json.gz")
                                                                 .read_bytes()))}
    with tarfile.open(PEERS / "feedparser-corpus" / "feedparser-tests-data.tar.gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            path = member.name.removeprefix("feedparser-tests/")
            headers = {k.lower(): v for k, v in ((manifest.get(path) or {}).get("http_headers") or {}).items()}
            ctype = headers.get("content-type") or ("text/xml" if "http" in path else None)
            data = tar.extractfile(member)
            assert data is not None
            yield path, data.read(), ctype


def real_feeds() -> Iterator[tuple[str, bytes]]:
    folder = PEERS / "news-sites" / "feeds"
    for path in sorted((folder / "rss-parser" / "input").iterdir()):
        yield path.name, path.read_bytes()
    yield "npr-technology.jsonfeed.json", (folder / "other" / "npr-technology.jsonfeed.json").read_bytes()


def accounted(feed: ParsedFeed) -> None:
    """Every entry is an article to fetch or a skip with its reason."""
    assert len(feed.entries) + len(feed.skipped) == feed.seen
    assert all(is_fetchable_url(e.url) for e in feed.entries)
    assert all(reason.strip() for reason in feed.skipped)


def test_every_feedparser_corpus_file_parses_and_every_entry_is_accounted_for() -> None:
    files = entries = skipped = 0
    for path, body, ctype in feedparser_cases():
        feed = parse_feed(body, url=FEEDPARSER_BASE + path, content_type=ctype)
        accounted(feed)
        files += 1
        entries += len(feed.entries)
        skipped += len(feed.skipped)
    assert files == 2107
    assert entries > 100 and skipped > 0  # most cases test feed-level elements; of the entries, some have no link


def test_real_feeds_give_the_items_and_links_their_reference_parser_found() -> None:
    expected_dir = PEERS / "news-sites" / "feeds" / "rss-parser" / "expected"
    for name, body in real_feeds():
        feed = parse_feed(body, url=f"https://feeds.example/{name}")
        accounted(feed)
        reference = expected_dir / (name.rsplit(".", 1)[0] + ".json")
        if name == "unrecognized.rss":  # an HTML "Document Moved" page: rejected, gracefully
            assert not feed.entries and feed.problem
            continue
        if name.endswith(".json"):  # JSON Feed, which feedparser does not read: parsed by our own reader
            assert feed.version == "json1" and len(feed.entries) == feed.seen == 25
            continue
        if not reference.exists():
            continue
        items = json.loads(reference.read_bytes().decode("utf-8", "replace"))["feed"]["items"]
        assert feed.seen == len(items), name
        links = {canonical_url(urljoin(f"https://feeds.example/{name}", i["link"])) for i in items if i.get("link")}
        assert links <= {canonical_url(e.url) for e in feed.entries}, name


# ---- a sample through a real crawl --------------------------------------------------------------------------

def _sample() -> list[tuple[str, bytes, str | None]]:
    """The real feeds and every 40th feedparser case that has entries: what the crawl serves."""
    out = [(name, body, "application/json" if name.endswith(".json") else None) for name, body in real_feeds()]
    with_entries = [c for c in feedparser_cases()
                    if parse_feed(c[1], url=FEEDPARSER_BASE + c[0], content_type=c[2]).seen]
    out += with_entries[::40]
    return out


def test_corpus_feeds_served_on_127_0_0_1_through_a_real_crawl(tmp_path: Path) -> None:
    """The feeds are served as response bodies on 127.0.0.1; their entries' links to real sites are answered
    inside the crawl process by a test middleware (no network, no DNS), relative links by the local server.
    Every entry with a link ends up fetched and stored, or reported with its reason."""
    from conftest import make_settings
    from servers.crawl_child import CrawlChild
    from servers.hostile import HostileServer, fixed

    from crawler.cli.sitehost import article_page
    from storage.repository import Repository

    sample = _sample()
    with HostileServer() as server:
        async def any_article(req, writer):  # type: ignore[no-untyped-def]
            words = re.sub(r"[^a-z0-9]+", " ", req.path.lower()).strip() or "home"
            page = article_page(f"Story at {words}", [f"This is the story found at {words}. " * 4,
                                                      f"Nothing else is at {req.path} but this text."])
            await fixed(page)(req, writer)

        server.add("/robots.txt", fixed("User-agent: *\nAllow: /\n", content_type="text/plain"))
        server.add("/", any_article)
        sources, parsed = [], {}
        for i, (name, body, ctype) in enumerate(sample):
            server.add(f"/feeds/{i}", fixed(body, content_type=ctype))
            url = server.url(f"/feeds/{i}")
            sources.append({"name": f"f{i}", "feed": url})
            parsed[f"f{i}"] = (name, parse_feed(body, url=url, content_type=ctype))
        settings = make_settings(f"sqlite:///{tmp_path / 'corpus.db'}", sources,
                                 crawl={"max_article_age": "36500d", "timeout": "5s", "retries": 0,
                                        "concurrency": 32, "concurrency_per_host": 32})
        overrides = {"DOWNLOADER_MIDDLEWARES": {"servers.hostile.LocalOnlyMiddleware": 10},
                     "DEALRADAR_TEST_LOCAL_BASE": server.url("")}
        reports = {r.source: r for r in CrawlChild.start(settings, [s["name"] for s in sources],
                                                         scrapy_overrides=overrides).wait(timeout=120).sources}

    total_entries = sum(len(feed.entries) for _, feed in parsed.values())
    fetched = sum(r.fetched for r in reports.values())
    print(f"corpus crawl: {len(sources)} feeds, {total_entries} entries with links, {fetched} fetched, "
          f"{sum(r.new_articles for r in reports.values())} new, {sum(r.skipped for r in reports.values())} skipped, "
          f"{sum(len(r.errors) for r in reports.values())} errors")
    assert len(sources) > 40 and fetched > 300
    repo = Repository.open(settings.storage.url)
    try:
        for source, (name, feed) in parsed.items():
            rep = reports[source]
            assert rep.pending_articles == 0, (name, rep)
            if not feed.entries:
                assert feed.problem or feed.seen == len(feed.skipped), name
                continue
            assert rep.skipped >= len(feed.skipped), (name, rep.skipped, feed.skipped)
            urls = {canonical_url(e.url) for e in feed.entries}
            stored = repo.seen_urls(urls)
            reported = {u for u in urls - stored if any(u in note or u.split("://", 1)[1] in note
                                                        for note in rep.errors + rep.warnings)}
            assert stored | reported == urls, (name, sorted(urls - stored - reported)[:5], rep.errors[:3])
    finally:
        repo.close()


# ---- pages --------------------------------------------------------------------------------------------------

def _pages(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def _analyse_all(paths: list[Path]) -> int:
    """Every page through the crawler's decoding (w3lib, as Scrapy does), extraction and the deal parser."""
    from w3lib.encoding import html_to_unicode

    from crawler.crawl.items import ArticleItem
    from crawler.crawl.pipeline import analyse
    from crawler.deals import load_resources

    resources = load_resources()
    for path in paths:
        raw = gzip.decompress(path.read_bytes())
        _, html = html_to_unicode(None, raw)
        item = ArticleItem(url=f"https://news.example/{path.name}", source="corpus", html=html, fetched_at=NOW)
        analysis = analyse(item, resources, now=NOW)
        assert analysis.article.published.tzinfo is not None
    return len(paths)


def test_no_extraction_benchmark_page_raises() -> None:
    assert _analyse_all(_pages(PEERS / "article-extraction-benchmark" / "html", "*.html.gz")) == 181


def test_no_saved_news_site_page_raises() -> None:
    pages = _pages(PEERS / "news-sites" / "fundus", "*/*.html.gz") + _pages(PEERS / "news-sites" / "newspaper4k" / "html",
                                                                          "*.html.gz")
    assert _analyse_all(pages) == 212


def test_no_pubdate_benchmark_page_raises() -> None:
    assert _analyse_all(_pages(PEERS / "pubdate-benchmark" / "html", "*.html.gz")) == 200
