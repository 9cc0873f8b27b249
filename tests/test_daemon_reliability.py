"""The daemon when things go wrong around it: killed alone while its crawl child runs, a database that refuses
writes, the PostgreSQL connection holding its lock cut. Real ``dealradar run`` processes, a fixture site on
127.0.0.1, real SQLite files and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from servers.daemon_proc import DaemonProcess, wait_until, write_config

from crawler.sitehost import Reply, SiteServer, article_page, rss
from storage.repository import Repository


def story(n: int, paragraphs: int = 2) -> str:
    """A page that is not about a deal, unlike every other; many paragraphs make it slow to analyse."""
    return article_page(f"Harbour notes {n}", [
        f"Notice {n}.{p}: the harbour office assigned berth {p % 40} to boat {n * 1000 + p} after a calm "
        f"crossing of the bay, and the ferry timetable number {p} stays as it was." for p in range(paragraphs)])


def publish(site: SiteServer, links: list[str]) -> None:
    site.add("/feed.xml", Reply(rss([{"title": f"item {i}", "link": u, "guid": u} for i, u in enumerate(links)]),
                                content_type="application/rss+xml"))


def stored(db: str) -> int:
    repo = Repository.open(db)
    try:
        return repo.count_articles()
    finally:
        repo.close()


# ---- kill -9 of the daemon alone ------------------------------------------------------------------------------

def test_daemon_killed_alone_mid_pass_loses_no_article_after_restart(
        site: SiteServer, sqlite_url: str, tmp_path: Path, daemons: Callable[[Path], DaemonProcess]) -> None:
    """The daemon is SIGKILLed on its own while its crawl child is analysing two big pages it has fetched; the
    child sees its caller gone and stops. Its pass did not finish, so the feed's ETag must not be saved:
    otherwise the restarted daemon's fetch is a 304 and the two articles are never fetched again."""
    small = [f"/a/{i}" for i in range(4)]
    big = "/big"
    for i, path in enumerate(small):
        site.add(path, story(i))
    site.add(big, story(100, paragraphs=20_000))  # about 3 MB: seconds of extraction and parsing
    publish(site, [site.url(p) for p in [*small, big]])
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1h"}],
                       crawl={"workers": 2, "page_time_limit": 0})
    d = daemons(cfg)
    wait_until(lambda: bool(site.hits(big)) and stored(sqlite_url) >= len(small), 60,
               "the small pages to be stored and the big one fetched")
    d.kill_daemon_only()

    d2 = daemons(cfg)  # every: 1h, but the pass that was cut short has not been planned past: due at once
    d2.wait_log("source pass source=wire ok=true", timeout=60)
    assert d2.stop()[0] == 0
    feed_hits = site.hits("/feed.xml")
    assert len(feed_hits) == 2
    repo = Repository.open(sqlite_url)
    try:
        urls = [site.url(p) for p in [*small, big]]
        assert repo.seen_urls(urls) == set(urls), (feed_hits[-1].headers, d2.tail())
        state = repo.source_state("wire")
        assert state is not None and state.etag  # the restarted pass finished: now its validators are kept
    finally:
        repo.close()
