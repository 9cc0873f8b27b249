"""Faults under a real crawl: the database read-only or full, PostgreSQL connections cut mid-crawl, the alert
channels down for many retry cycles, and the crawl child SIGKILLed at random points. The promises: a clear
error; no half-stored article (each is one transaction with its mentions, deal changes and outbox rows);
no article lost (whatever was not stored is fetched on a later pass); no alert lost, none sent twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings, scratch_database
from servers.crawl_child import CrawlChild
from servers.smtp_server import SMTPTestServer
from servers.webhook_receiver import WebhookReceiver, free_port
from sqlalchemy import text

from crawler.alerts.dispatcher import dispatch_once
from crawler.cli.commands import crawl_once
from crawler.cli.sitehost import Reply, SiteServer, article_page, rss
from crawler.config import Settings
from crawler.errors import DealRadarError
from storage.repository import Repository

_PRE = ["Quill", "Brass", "Lum", "Tide", "Corv", "Halc", "Mire", "Ostr", "Penn", "Selv"]
_SUF = ["feather", "wick", "ora", "well", "ane", "yra"]
COMPANIES = [f"{p}{s} AI" for s in _SUF for p in _PRE]  # 60 invented companies
_WORDS = ("harbour market river signal lantern orchard copper meadow canyon falcon glacier summit prairie beacon "
          "quarry harvest compass tundra delta marble ember willow cobalt saffron").split()
INVESTORS = ["Accel", "Sequoia Capital", "Index Ventures", "Lightspeed", "General Catalyst", "Benchmark"]


def deal_page(i: int, words: int = 50) -> str:
    """Article ``i``: one equity deal of its own company, with text unlike every other article's."""
    company, amount = COMPANIES[i], 10 + 7 * i
    rng = random.Random(i)
    filler = " ".join(rng.choice(_WORDS) for _ in range(words))
    return article_page(f"{company} raises ${amount} million", [
        f"{company}, a startup that builds machine learning software, raised ${amount} million in a Series A "
        f"round led by {INVESTORS[i % len(INVESTORS)]}, the company said on Monday.",
        f"Field notes {i}: {filler}.",
    ], published="2026-11-10T10:00:00Z")


def publish(site: SiteServer, count: int, *, delay: float = 0.0, words: int = 50) -> list[str]:
    """Articles 0..count-1 on the site and in its feed; their URLs."""
    urls = []
    for i in range(count):
        site.add(f"/a/{i}", Reply(deal_page(i, words), delay=delay))
        urls.append(site.url(f"/a/{i}"))
    site.add("/feed.xml", Reply(rss([{"title": f"t{i}", "link": u, "guid": u,
                                      "pubDate": "Tue, 10 Nov 2026 10:00:00 GMT"} for i, u in enumerate(urls)]),
                                content_type="application/rss+xml"))
    return urls


def db_state(url: str) -> dict[str, Any]:
    """Everything a crawl writes, in a form two databases can be compared by."""
    repo = Repository.open(url)
    try:
        with repo.engine.connect() as c:
            articles = {u: n for u, n in c.execute(text(
                "SELECT a.url, COUNT(m.id) FROM articles a LEFT JOIN mentions m ON m.article_id = a.id GROUP BY a.url"))}
            deals = Counter(row[0] for row in c.execute(text("SELECT id FROM deals")))
            events = Counter(row[0] for row in c.execute(text("SELECT event FROM alert_events")))
            deliveries = Counter(row[0] for row in c.execute(text("SELECT status FROM deliveries")))
            orphans = c.execute(text(
                "SELECT COUNT(*) FROM mentions m LEFT JOIN articles a ON a.id = m.article_id WHERE a.id IS NULL"
            )).scalar()
            undelivered = c.execute(text(
                "SELECT COUNT(*) FROM alert_events e LEFT JOIN deliveries d ON d.event_id = e.id WHERE d.id IS NULL"
            )).scalar()
    finally:
        repo.close()
    return {"articles": articles, "deals": len(deals), "events": dict(events), "deliveries": dict(deliveries),
            "orphan_mentions": orphans, "events_without_delivery": undelivered}


def with_hook(settings: Settings, hook_url: str) -> Settings:
    data = settings.model_dump(mode="json", exclude={"path"})
    data["alerts"] = {**data["alerts"], "channels": [{"webhook": hook_url, "secret": "s3cret"}],
                      "retry_base": "1s", "retry_max": "2s"}
    from crawler.config import settings_from_dict

    return settings_from_dict(data, env={})


@pytest.fixture
def deal_site() -> Iterator[SiteServer]:
    server = SiteServer().start()
    server.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    yield server
    server.stop()


# ---- the database read-only ---------------------------------------------------------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["sqlite-readonly-mode", "file-permissions"])
def test_read_only_database_fails_clearly_and_writes_nothing(deal_site: SiteServer, tmp_path: Path, how: str) -> None:
    """Read-only as SQLite sees it. ``file-permissions`` (chmod 0444 on the file and its directory) only
    means something to a non-root user: root writes through permissions, so there the test opens the
    same file with ``mode=ro``, which SQLite enforces whoever the user is — the same SQLITE_READONLY."""
    if how == "file-permissions" and os.geteuid() == 0:
        pytest.skip("root ignores file permissions; the sqlite-readonly-mode case covers this as root")
    path = tmp_path / "db" / "dealradar.db"
    urls = publish(deal_site, 1)
    plain = f"sqlite:///{path}"
    first = crawl_once(make_settings(plain, [{"name": "wire", "feed": deal_site.url("/feed.xml")}]),
                       send_alerts=False, show_progress=False)
    assert first.sources[0].new_articles == 1
    urls = publish(deal_site, 3)
    before = _sha(path)
    if how == "file-permissions":
        path.chmod(0o444)
        path.parent.chmod(0o555)
        url = plain
    else:
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    try:
        with pytest.raises(DealRadarError, match="readonly database") as err:
            crawl_once(make_settings(url, [{"name": "wire", "feed": deal_site.url("/feed.xml")}]),
                       send_alerts=False, show_progress=False)
        assert "\n" not in str(err.value)  # one clear line for the CLI
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)
    assert _sha(path) == before  # nothing written, not even a source's run record

    # Writable again: the articles that could not be stored then are fetched and stored now.
    again = crawl_once(make_settings(plain, [{"name": "wire", "feed": deal_site.url("/feed.xml")}]),
                       send_alerts=False, show_progress=False)
    assert again.sources[0].new_articles == 2 and again.sources[0].errors == []
    repo = Repository.open(plain)
    try:
        assert repo.seen_urls(urls) == set(urls)
    finally:
        repo.close()


# ---- the disk full ------------------------------------------------------------------------------------------

def test_disk_full_mid_crawl_stores_whole_articles_or_nothing(deal_site: SiteServer, tmp_path: Path) -> None:
    """A full disk, simulated with ``PRAGMA max_page_count`` on every connection of the crawl child: the
    database file cannot grow past a few pages more than it has, and the write that needs more fails with
    SQLITE_FULL ("database or disk is full"), as on a full filesystem (a loop-mounted tiny filesystem would
    need mount rights on a shared machine). Every article is stored whole or not at all, and once there is
    room again the next pass stores the rest: the end state equals a crawl that never hit the fault."""
    import sqlite3

    n = 12
    urls = publish(deal_site, n, words=700)  # about 5 KB of text each: every article needs pages of its own
    source = [{"name": "wire", "feed": deal_site.url("/feed.xml")}]
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    crawl_once(make_settings(reference, source), send_alerts=False, show_progress=False)
    expected = db_state(reference)
    assert len(expected["articles"]) == n and expected["deals"] == n

    path = tmp_path / "full.db"
    url = f"sqlite:///{path}"
    settings = make_settings(url, source)
    Repository.open(url).close()  # schema in place: the limit then applies to the data alone
    with sqlite3.connect(path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    child = CrawlChild.start(settings, ["wire"], sqlite_max_pages=pages + 10)
    failure = None
    try:
        summary = child.wait()
        errors = summary.sources[0].errors
    except AssertionError as exc:  # the child may die writing the source's run record: that is clear too
        failure, errors = str(exc), []
    assert any("database or disk is full" in e for e in errors) or "database or disk is full" in (failure or ""), (
        errors, failure, db_state(url))

    partial = db_state(url)
    stored = partial["articles"]
    assert 0 < len(stored) < n, stored  # the fault hit mid-crawl
    for article, mentions in stored.items():
        assert mentions == expected["articles"][article]  # whole articles only
    assert partial["orphan_mentions"] == 0
    assert partial["events"].get("deal.new", 0) == partial["deals"] == len(stored)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # Room again: the next pass stores what was missing, and the end state is the fault-free one.
    again = crawl_once(settings, send_alerts=False, show_progress=False).sources[0]
    assert again.new_articles == n - len(stored), again.errors
    assert db_state(url) == expected
    repo = Repository.open(url)
    try:
        assert repo.seen_urls(urls) == set(urls)
    finally:
        repo.close()


# ---- PostgreSQL connections cut mid-crawl -------------------------------------------------------------------

@pytest.fixture
def own_pg_db() -> Iterator[str]:
    """A database of this test's own on the shared server (other sessions reset the ``test`` database's
    schema whenever they like); dropped afterwards."""
    with scratch_database("dealradar_faults") as url:
        yield url


@pytest.mark.postgres
def test_postgres_connections_terminated_mid_crawl(deal_site: SiteServer, own_pg_db: str, tmp_path: Path) -> None:
    """Instead of restarting the shared server, the test cuts the crawl's own connections (found by a
    unique application_name, in a database of its own) with pg_terminate_backend, over and over while the
    crawl runs. Articles whose transaction was cut are reported and not stored; the next pass stores them;
    nothing is stored twice."""
    import psycopg

    pg_url = own_pg_db

    n = 24
    publish(deal_site, n, delay=0.3)  # a pass long enough for the terminator to cut it several times
    source = [{"name": "wire", "feed": deal_site.url("/feed.xml")}]
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    crawl_once(make_settings(reference, source), send_alerts=False, show_progress=False)
    expected = db_state(reference)

    app = f"dealradar-faults-{uuid.uuid4().hex[:12]}"
    url = f"{pg_url}?application_name={app}"
    settings = make_settings(url, source)
    Repository.open(url).close()
    stop = threading.Event()
    killed: list[int] = []

    def terminator() -> None:
        rng = random.Random(7)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            while not stop.wait(rng.uniform(0.05, 0.25)):
                rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE application_name = %s AND pid <> pg_backend_pid()", (app,)).fetchall()
                killed.extend(1 for r in rows if r[0])

    thread = threading.Thread(target=terminator, daemon=True)
    child = CrawlChild.start(settings, ["wire"])
    child.wait_for_articles(1)  # cut connections while articles are being stored, not at start-up
    thread.start()
    try:
        try:
            summary = child.wait()
            first = summary.sources[0]
            outcome = f"stored {first.new_articles}, errors {first.errors[:3]}"
        except AssertionError as exc:  # cut while writing the run record: the pass fails, clearly
            outcome = str(exc)
            assert "terminat" in outcome or "connection" in outcome.lower() or "server closed" in outcome, outcome
    finally:
        stop.set()
        thread.join(5)
    assert killed, "no connection was cut: the test did not test anything"

    for _ in range(3):  # faults over: passes until nothing is missing
        if len(db_state(url)["articles"]) == n:
            break
        crawl_once(settings, send_alerts=False, show_progress=False)
    state = db_state(url)
    assert state == expected, outcome


# ---- alert channels down for many retry cycles --------------------------------------------------------------

def _store_deals(settings: Settings, count: int) -> None:
    from crawler.app import build_processor
    from crawler.crawl.items import ArticleItem

    repo = Repository.open(settings.storage.url)
    try:
        processor = build_processor(settings, repo)
        now = datetime.now(UTC)
        for i in range(count):
            done = processor.process(ArticleItem(url=f"http://news.example/a/{i}", source="wire", html=deal_page(i),
                                                 fetched_at=now), now=now)
            assert done.outcome.deals_new == 1
    finally:
        repo.close()


def _channels_settings(db: str, hook: str, smtp: str, **alerts: Any) -> Settings:
    return make_settings(db, [], alerts={"channels": [
        {"name": "hook", "webhook": hook, "secret": "s3cret"},
        {"name": "mail", "email": {"smtp": smtp, "from": "radar@example.org", "to": ["desk@example.org"]}},
    ], "retry_base": "1s", "retry_max": "2s", **alerts})


def test_webhook_and_smtp_down_for_many_retry_cycles(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    hook_port = free_port()
    smtp = SMTPTestServer().start()
    smtp_url = smtp.url()
    smtp.stop()  # down: connections refused
    settings = _channels_settings(db, f"http://127.0.0.1:{hook_port}/hook", smtp_url, max_attempts=12)
    _store_deals(settings, 3)
    repo = Repository.open(db)
    try:
        queued = {d.delivery_id: d.channel for d in repo.list_deliveries()}
        assert len(queued) == 6  # 3 deals x 2 channels
        now = datetime.now(UTC)
        for cycle in range(8):  # eight retry cycles with both channels down
            result = dispatch_once(settings, repo, now=now)
            assert result.sent == 0 and result.retried == 6 and result.failed == 0, (cycle, result)
            now += timedelta(seconds=3)  # past the longest backoff (retry_max 2s)
        rows = repo.list_deliveries()
        assert {d.status for d in rows} == {"pending"} and {d.attempts for d in rows} == {8}
        assert all(d.last_error for d in rows)

        with WebhookReceiver(port=hook_port) as rx:
            smtp.start()
            try:
                result = dispatch_once(settings, repo, now=now)
                assert result.sent == 6
                assert dispatch_once(settings, repo, now=now + timedelta(hours=2)).sent == 0  # nothing twice
                hooks = rx.requests
                mails = smtp.messages
            finally:
                smtp.stop()
        got = Counter(r.header("X-DealRadar-Delivery") for r in hooks)
        assert set(got) == {d for d, ch in queued.items() if ch == "hook"} and set(got.values()) == {1}
        assert all(WebhookReceiver.verify(r, "s3cret") for r in hooks)
        assert len(mails) == 3
        assert {d.status for d in repo.list_deliveries()} == {"sent"}
    finally:
        repo.close()


def test_deliveries_that_exhaust_their_retries_are_kept_and_resent_with_the_same_id(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    hook_port = free_port()
    smtp = SMTPTestServer().start()
    smtp_url = smtp.url()
    smtp.stop()
    settings = _channels_settings(db, f"http://127.0.0.1:{hook_port}/hook", smtp_url, max_attempts=4)
    _store_deals(settings, 2)
    repo = Repository.open(db)
    try:
        ids = {d.id: d.delivery_id for d in repo.list_deliveries()}
        now = datetime.now(UTC)
        for _ in range(6):
            dispatch_once(settings, repo, now=now)
            now += timedelta(seconds=3)
        failed = repo.list_deliveries("failed")
        assert len(failed) == 4 and {d.attempts for d in failed} == {4}  # kept, visible, not dropped
        assert repo.requeue_failed() == 4
        with WebhookReceiver(port=hook_port) as rx:
            smtp.start()
            try:
                assert dispatch_once(settings, repo, now=now).sent == 4
                assert dispatch_once(settings, repo, now=now + timedelta(hours=2)).sent == 0
                hook_ids = [r.header("X-DealRadar-Delivery") for r in rx.requests]
                assert len(smtp.messages) == 2
            finally:
                smtp.stop()
        hook_rows = {d.id for d in repo.list_deliveries() if d.channel == "hook"}
        assert sorted(hook_ids) == sorted(ids[i] for i in hook_rows)  # the ids fixed when queued, once each
    finally:
        repo.close()


# ---- the crawl child killed at random points ----------------------------------------------------------------

def test_crawl_child_killed_at_random_points_loses_nothing_and_sends_nothing_twice(
        deal_site: SiteServer, tmp_path: Path) -> None:
    """Twenty passes, each SIGKILLed at a random point — while starting, while fetching, between an
    article's commit and the next — with two more articles published before each. Alerts are dispatched
    after every pass. At the end one clean pass: every article is stored once, every deal has one deal.new
    event, and the receiver got every delivery exactly once."""
    rng = random.Random(20261110)
    passes, per_pass = 20, 2
    db = f"sqlite:///{tmp_path / 'killed.db'}"
    with WebhookReceiver() as rx:
        settings = with_hook(make_settings(db, [{"name": "wire", "feed": deal_site.url("/feed.xml")}]), rx.url())
        repo = Repository.open(db)
        kills = Counter()
        try:
            for p in range(passes):
                total = per_pass * (p + 1)
                publish(deal_site, total, delay=0.02)
                missing = total - repo.count_articles()
                child = CrawlChild.start(settings, ["wire"])
                if rng.random() < 0.25 or missing == 0:
                    time.sleep(rng.uniform(0.0, 2.0))  # mostly while the child starts up
                    kills["startup"] += 1
                else:
                    child.wait_for_articles(rng.randint(1, missing), timeout=30)
                    time.sleep(rng.uniform(0.0, 0.03))
                    kills["mid-crawl"] += 1
                child.kill()
                dispatch_once(settings, repo)
            final = crawl_once(settings, show_progress=False)
            assert final.sources[0].errors == []
            dispatch_once(settings, repo, now=datetime.now(UTC) + timedelta(minutes=5))
            total = per_pass * passes
            urls = [deal_site.url(f"/a/{i}") for i in range(total)]
            assert repo.seen_urls(urls) == set(urls)
            assert repo.count_articles() == total
        finally:
            repo.close()
        state = db_state(db)
        assert state["deals"] == total and state["events"] == {"deal.new": total}
        assert state["deliveries"] == {"sent": total}
        assert state["orphan_mentions"] == 0 and state["events_without_delivery"] == 0
        received = Counter(r.header("X-DealRadar-Delivery") for r in rx.requests)
        assert len(received) == total and set(received.values()) == {1}, received.most_common(3)
        companies = Counter(r.json()["deal"]["company"] for r in rx.requests)
        assert set(companies) == set(COMPANIES[:total]) and set(companies.values()) == {1}
    assert kills["mid-crawl"] >= 5, kills


def test_disk_full_logs_each_refused_article_as_a_short_line_without_its_page(
        deal_site: SiteServer, tmp_path: Path) -> None:
    """Each article a full disk refuses is logged with its URL and the reason, in a line of bounded length:
    never its HTML (Scrapy's own line for a dropped item holds the whole item)."""
    import sqlite3

    n = 8
    publish(deal_site, n, words=700)
    path = tmp_path / "full.db"
    url = f"sqlite:///{path}"
    Repository.open(url).close()
    with sqlite3.connect(path) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    settings = make_settings(url, [{"name": "wire", "feed": deal_site.url("/feed.xml")}])
    log_path = tmp_path / "crawl.log"
    saved = os.dup(2)
    with open(log_path, "wb") as log:
        os.dup2(log.fileno(), 2)  # the crawl child inherits stderr: its log lands in the file
        try:
            child = CrawlChild.start(settings, ["wire"], sqlite_max_pages=pages + 4)
            with contextlib.suppress(AssertionError):  # the child may fail writing the run record: also fine
                child.wait()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    text = log_path.read_text("utf-8", "replace")
    refused = [line for line in text.splitlines() if "database or disk is full" in line]
    assert refused, text[-3000:]
    assert all(len(line) < 1000 for line in text.splitlines()), max(text.splitlines(), key=len)[:500]
    assert "Field notes" not in text and "<html" not in text.lower()  # no page text, no markup
    dropped = [line for line in refused if "article dropped url=" in line]
    assert dropped and all(deal_site.url("/a/") in line for line in dropped), refused
