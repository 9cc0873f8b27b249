"""The daemon when things go wrong around it: killed alone while its crawl child runs, a database that refuses
writes, the PostgreSQL connection holding its lock cut. Real ``dealradar run`` processes, a fixture site on
127.0.0.1, real SQLite files and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ReadOnlyDatabase, make_settings, scratch_database
from servers.daemon_proc import DaemonProcess, log_times, wait_until, write_config

from crawler.cli.sitehost import Reply, SiteServer, article_page, rss
from storage.repository import Repository
from storage.schedule import set_next_runs


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


# ---- a database that refuses writes --------------------------------------------------------------------------

@pytest.mark.postgres
def test_a_role_without_write_rights_makes_the_daemon_back_off_not_loop(
        site: SiteServer, read_only_pg: ReadOnlyDatabase, tmp_path: Path,
        daemons: Callable[[Path], DaemonProcess]) -> None:
    """The sources were planned by a daemon that could write (their next run is in the past); now the daemon
    runs as a role that may only read. Every pass fails before it can record anything, so the backoff must live
    in the daemon: passes 1 s, 2 s, 4 s, 8 s apart, not back to back; the refusal said once, no traceback."""
    site.add("/a/1", story(1))
    publish(site, [site.url("/a/1")])
    sources = [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1s"}]
    owner = Repository.open(read_only_pg.owner_url)
    try:
        owner.sync_sources(make_settings(read_only_pg.owner_url, sources).sources)
        set_next_runs(owner, {"wire": datetime.now(UTC) - timedelta(minutes=5)})
    finally:
        owner.close()
    cfg = write_config(tmp_path / "dealradar.yaml", read_only_pg.reader_url, sources, daemon={"max_backoff": "1h"})
    d = daemons(cfg)
    d.wait_log("source pass source=wire ok=false", count=4, timeout=90)
    assert d.stop()[0] == 0
    out = d.output()

    passes = [line for line in out.splitlines() if "source pass source=wire ok=false" in line]
    assert [re.search(r"failures=(\d+)", p).group(1) for p in passes[:4]] == ["1", "2", "3", "4"], passes  # type: ignore[union-attr]
    starts = log_times(out, "crawl started")
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    # Each pass starts at least its interval after the one before: 1 s doubled per failure (the log's
    # millisecond clock, and the pass's start taken just before its line, allow a little slack).
    for i, gap in enumerate(gaps[:3]):
        assert gap >= 2 ** (i + 1) - 0.25, gaps
    assert out.count("the database refuses writes") == 1, out
    assert "permission denied" in out
    assert "Traceback" not in out, out
    assert not site.hits("/feed.xml")  # nothing fetched that could not be stored


# ---- the lock's connection cut ------------------------------------------------------------------------------

@pytest.fixture
def own_pg() -> Iterator[str]:
    """A database of this test's own: advisory locks are per database, and other test runs share ``test``."""
    with scratch_database("dealradar_lock") as url:
        yield url


_LOCK_ROWS = ("SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s "
              "AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


@pytest.mark.postgres
def test_a_daemon_whose_lock_is_taken_after_a_connection_kill_stops_before_doing_more_work(
        site: SiteServer, own_pg: str, tmp_path: Path, daemons: Callable[[Path], DaemonProcess]) -> None:
    """Another process queues for the daemon's advisory lock; the test then kills the backend holding it
    (pg_terminate_backend), so the waiter has the lock the moment it is dropped. The daemon must see that at
    once: it starts nothing more (a source made due right after is never fetched) and exits 1."""
    import threading

    import psycopg

    from crawler.daemon.lock import ADVISORY_KEY

    site.add("/a/1", story(1))
    publish(site, [site.url("/a/1")])
    cfg = write_config(tmp_path / "dealradar.yaml", own_pg,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1h"}])
    d = daemons(cfg)
    d.wait_log("source pass source=wire ok=true", timeout=60)
    fetched = len(site.hits("/feed.xml"))
    plain = own_pg.replace("postgresql+psycopg://", "postgresql://")
    key = (ADVISORY_KEY >> 32, ADVISORY_KEY & 0xFFFFFFFF)

    with psycopg.connect(plain, autocommit=True) as admin, psycopg.connect(plain, autocommit=True) as rival:
        [(holder, granted)] = admin.execute(_LOCK_ROWS, key).fetchall()
        assert granted
        taken = threading.Event()

        def queue_for_the_lock() -> None:
            rival.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
            taken.set()

        thread = threading.Thread(target=queue_for_the_lock, daemon=True)
        thread.start()
        wait_until(lambda: len(admin.execute(_LOCK_ROWS, key).fetchall()) == 2, 10, "the rival to queue")
        admin.execute("SELECT pg_terminate_backend(%s)", (holder,))
        assert taken.wait(10), "the rival did not get the lock"
        # Work for the daemon, right away: the source is due again.
        admin.execute("UPDATE sources SET next_run_at = now() - interval '1 minute' WHERE name = 'wire'")
        assert d.proc.wait(30) == 1, d.tail()
        thread.join(5)
    assert "another process took the daemon lock" in d.output()
    assert len(site.hits("/feed.xml")) == fetched, d.tail()  # nothing fetched after the lock was lost
