"""Cluster mode end to end: ``dealradar run`` x2 and ``dealradar worker`` x3 as real processes, on a PostgreSQL
database and a Redis key prefix of the test's own, against a fixture site of many outlets on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import scratch_database
from servers.cluster_proc import Member, entry_point, redis_available, redis_prefix, write_cluster_config
from servers.daemon_proc import wait_until
from servers.webhook_receiver import WebhookReceiver

from crawler.cli.sitehost import Reply, SiteServer, article_page, rss
from storage.repository import Repository

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
SECRET = "cluster-test-secret"
OUTLETS = 6
PLAIN_PER_OUTLET = 3
# Each deal is covered by two outlets, each in its own words: one deal, one deal.new, whichever worker stores first.
DEALS = {
    "vantor": ("Vantor Systems", 42, "Series B", "Alderbank Ventures"),
    "brisa": ("Brisa Health", 27, "Series A", "Kestrel Capital"),
    "okumi": ("Okumi Robotics", 150, "Series C", "Harlow Partners"),
}


def deal_page(slug: str, outlet: int) -> str:
    company, amount, rnd, lead = DEALS[slug]
    if outlet % 2 == 0:
        return article_page(f"{company} raises ${amount} million {rnd} for AI software", [
            f"{company}, a startup building AI software for hospitals and factories, has raised ${amount} million "
            f"in a {rnd} round led by {lead}.",
            "The company will hire engineers and open an office in Berlin next year."])
    return article_page(f"AI startup {company} lands ${amount} million", [
        f"{lead} led a ${amount} million {rnd} investment in {company}, the AI software maker said on Tuesday.",
        f"The round brings new backers to {company}, which sells to manufacturers in Europe and Asia."])


def plain_page(outlet: int, n: int) -> str:
    return article_page(f"Outlet {outlet} harbour notes {n}", [
        f"The harbour office of town {outlet} published schedule {n} for the season, with berths for "
        f"{n + outlet + 3} boats and a new ferry timetable for the island crossing number {n * 7 + outlet}.",
        f"Residents of district {outlet}-{n} asked for longer market hours; the council answers in week {n + 9}."])


@dataclass
class Cluster:
    site: SiteServer
    db: str
    prefix: str
    config: Path
    receiver: WebhookReceiver
    tmp: Path
    links: dict[int, list[str]]
    members: list[Member]

    def start(self, role: str, *extra: str) -> Member:
        args = ["run", "-c", str(self.config)] if role == "run" else ["worker", "-c", str(self.config), *extra]
        m = Member(args, self.tmp / f"{role}-{len(self.members)}.log")
        self.members.append(m)
        return m

    def publish(self, outlet: int) -> None:
        links = self.links[outlet]
        self.site.add(f"/o{outlet}/feed.xml", Reply(rss([{"title": f"item {i}", "link": u, "guid": u}
                                                          for i, u in enumerate(links)]),
                                                     content_type="application/rss+xml"))

    def add_article(self, outlet: int, path: str, html: str) -> str:
        self.site.add(path, html)
        url = self.site.url(path)
        self.links[outlet].append(url)
        self.publish(outlet)
        return url


def deal_alerts(rx: WebhookReceiver, event: str = "deal.new") -> list[dict]:
    return [json.loads(r.body) for r in rx.requests if r.header("X-DealRadar-Event") == event]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if not redis_available():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    with scratch_database("cluster") as db, redis_prefix() as prefix, WebhookReceiver() as rx:
        site = SiteServer().start()
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        links: dict[int, list[str]] = {o: [] for o in range(OUTLETS)}
        c = Cluster(site, db, prefix, tmp_path / "cluster.yaml", rx, tmp_path, links, [])
        for o in range(OUTLETS):
            for n in range(PLAIN_PER_OUTLET):
                c.add_article(o, f"/o{o}/2026/notes-{n}", plain_page(o, n))
        for i, slug in enumerate(DEALS):
            for o in (i * 2, i * 2 + 1):
                c.add_article(o, f"/o{o}/2026/{slug}", deal_page(slug, o))
        sources = [{"name": f"outlet{o}", "feed": site.url(f"/o{o}/feed.xml"), "every": "2s"} for o in range(OUTLETS)]
        write_cluster_config(c.config, db, prefix, sources,
                             channels=[{"webhook": rx.url("/hook"), "secret": SECRET, "allow_private": True}])
        try:
            yield c
        finally:
            for m in c.members:
                if m.proc.poll() is None:
                    m.kill()
            site.stop()


def stored_urls(db: str) -> list[str]:
    repo = Repository.open(db)
    try:
        from sqlalchemy import text

        with repo.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT url FROM articles"))]
    finally:
        repo.close()


def test_two_runs_three_workers_store_once_alert_once_and_survive_a_killed_leader(cluster: Cluster) -> None:
    runs = [cluster.start("run"), cluster.start("run")]
    workers = [cluster.start("worker") for _ in range(3)]
    expected = {u for links in cluster.links.values() for u in links}
    wait_until(lambda: set(stored_urls(cluster.db)) >= expected, 90, "every article stored")
    wait_until(lambda: len(deal_alerts(cluster.receiver)) >= len(DEALS), 30, "a deal.new per deal")
    time.sleep(3)  # a few more cycles: nothing new may be stored or sent
    urls = stored_urls(cluster.db)
    assert sorted(urls) == sorted(expected)  # every article once
    news = deal_alerts(cluster.receiver)
    assert Counter(a["deal"]["company"] for a in news) == Counter(d[0] for d in DEALS.values())
    ids = [r.header("X-DealRadar-Delivery") for r in cluster.receiver.requests]
    assert len(ids) == len(set(ids))  # no delivery sent twice
    # Every worker took part: the work is spread, not done by one.
    passes = [w.output().count("pass done") for w in workers]
    assert all(p > 0 for p in passes), passes

    # ``dealradar status`` shows the leader, the standby and the three workers with their last heartbeat.
    res = subprocess.run([*entry_point(), "status", "--json", "-c", str(cluster.config)], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    roles = Counter(m["role"] for m in json.loads(res.stdout)["cluster"]["members"])
    assert roles == {"leader": 1, "standby": 1, "worker": 3}
    assert all(m["age_s"] < 10 for m in json.loads(res.stdout)["cluster"]["members"])
    text_out = subprocess.run([*entry_point(), "status", "-c", str(cluster.config)], capture_output=True, text=True,
                              timeout=60, env={**os.environ, "COLUMNS": "200"}).stdout
    assert "leader" in text_out and "standby" in text_out and text_out.count("worker") >= 3

    # Which run leads? The one that logged it. Kill it outright; the other must lead within 15 s.
    leader = next(r for r in runs if "leading the cluster" in r.output())
    standby = next(r for r in runs if r is not leader)
    assert "leading the cluster" not in standby.output()
    leader.kill()
    t0 = time.monotonic()
    standby.wait_log("leading the cluster", timeout=15)
    takeover = time.monotonic() - t0
    assert takeover < 15
    # A story published after the takeover is still crawled and alerted, once.
    cluster.add_article(5, "/o5/2026/late-deal", article_page("Pellucid AI raises $33 million Series A", [
        "Pellucid AI, a Lisbon startup building AI tools for insurers, has raised $33 million in a Series A round "
        "led by Marrow Capital.", "It will double its staff this year."]))
    wait_until(lambda: any(a["deal"]["company"] == "Pellucid AI" for a in deal_alerts(cluster.receiver)), 45,
               "the late deal's alert")
    time.sleep(2)
    news = deal_alerts(cluster.receiver)
    assert Counter(a["deal"]["company"] for a in news)["Pellucid AI"] == 1
    ids = [r.header("X-DealRadar-Delivery") for r in cluster.receiver.requests]
    assert len(ids) == len(set(ids))
    for m in [standby, *workers]:
        assert m.stop() == 0
    print(f"takeover after SIGKILL: {takeover:.1f}s; passes per worker: {passes}")


def test_a_worker_killed_mid_page_loses_nothing(cluster: Cluster) -> None:
    """The first request for one page hangs; the worker fetching it is SIGKILLed (with its crawl child). Its
    claims expire, the leader queues the sources again, and another worker fetches the page and stores it."""
    slow = "/o3/2026/slow-story"
    html = article_page("Harbour works delayed by storm", [
        "The storm delayed the harbour works by a week, the port office said, and the ferry ran on a reduced "
        "timetable for three days while crews repaired the breakwater and the fuel dock."])
    cluster.site.add(slow, [Reply(html, delay=60), Reply(html)])
    cluster.links[3].append(cluster.site.url(slow))
    cluster.publish(3)
    cluster.start("run")
    first = cluster.start("worker")
    wait_until(lambda: len(cluster.site.hits(slow)) >= 1, 60, "the slow page requested")
    assert cluster.site.url(slow) not in stored_urls(cluster.db)
    first.kill()
    cluster.start("worker")
    expected = {u for links in cluster.links.values() for u in links}
    wait_until(lambda: set(stored_urls(cluster.db)) >= expected, 60, "every article stored, the slow one too")
    assert len(cluster.site.hits(slow)) >= 2  # fetched again, by the second worker
    assert sorted(stored_urls(cluster.db)) == sorted(expected)
    wait_until(lambda: len(deal_alerts(cluster.receiver)) >= len(DEALS), 30, "a deal.new per deal")
    time.sleep(2)
    assert Counter(a["deal"]["company"] for a in deal_alerts(cluster.receiver)) == Counter(
        d[0] for d in DEALS.values())


def test_a_worker_cut_off_from_postgresql_and_redis_retries_then_carries_on(cluster: Cluster) -> None:
    """The worker reaches PostgreSQL and Redis through proxies that are cut for a while (the leader is not cut
    off): the worker keeps running, says it is retrying, and afterwards stores what was published meanwhile, each
    article once. Nothing is marked seen that was not stored: the feed's validators were not saved over it."""
    import yaml
    from servers.cluster_proc import REDIS_URL
    from servers.tcp_proxy import TcpProxy

    pg, rd = TcpProxy(5432), TcpProxy(6379)
    data = yaml.safe_load(cluster.config.read_text())
    data["storage"]["url"] = cluster.db.replace("127.0.0.1:5432", f"127.0.0.1:{pg.port}")
    data["cluster"]["redis"] = REDIS_URL.replace("127.0.0.1:6379", f"127.0.0.1:{rd.port}")
    worker_cfg = cluster.tmp / "worker.yaml"
    worker_cfg.write_text(yaml.safe_dump(data))
    cluster.start("run")
    worker = Member(["worker", "-c", str(worker_cfg)], cluster.tmp / "cut-worker.log")
    cluster.members.append(worker)
    expected = {u for links in cluster.links.values() for u in links}
    wait_until(lambda: set(stored_urls(cluster.db)) >= expected, 60, "every article stored")
    pg.cut()
    rd.cut()
    late = [cluster.add_article(o, f"/o{o}/2026/while-cut", plain_page(o, 40 + o)) for o in range(OUTLETS)]
    wait_until(lambda: "worker cannot work" in worker.output() or "could not record" in worker.output(), 30,
               "the worker to notice")
    time.sleep(5)
    assert worker.proc.poll() is None  # still running, retrying
    assert not set(late) & set(stored_urls(cluster.db))
    pg.restore()
    rd.restore()
    wait_until(lambda: set(stored_urls(cluster.db)) >= expected | set(late), 90, "the late articles stored")
    assert sorted(stored_urls(cluster.db)) == sorted(expected | set(late))
    assert worker.stop() == 0
