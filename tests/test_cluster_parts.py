"""Cluster parts on the real Redis and PostgreSQL, each test with a Redis key prefix and a schema of its own:
the claims of the source queue, the expiring dupefilter, the cluster-wide politeness slot, the merge step under
concurrent writers, and the refusals at start (SQLite: exit 2; Redis unreachable: exit 1)."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from servers.cluster_proc import REDIS_URL, entry_point, redis_available, redis_prefix, write_cluster_config
from servers.daemon_proc import ROOT
from servers.webhook_receiver import free_port

from crawler.cli.sitehost import article_page
from crawler.cluster.dupefilter import ExpiringDupeFilter
from crawler.cluster.heartbeat import Heartbeat, members
from crawler.cluster.politeness import ClusterPolitenessMiddleware
from crawler.cluster.queue import SourceQueue
from crawler.cluster.redisconn import Keys
from crawler.crawl.items import ArticleItem

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def rds() -> Iterator[tuple[Any, Keys]]:
    if not redis_available():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    import redis

    with redis_prefix() as prefix:
        client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
        yield client, Keys(prefix)
        client.close()


def test_a_source_is_queued_once_until_its_claim_is_released_or_expires(rds: tuple[Any, Keys]) -> None:
    client, keys = rds
    q = SourceQueue(client, keys)
    assert q.offer(["a", "b"], queued_ttl_s=60) == ["a", "b"]
    assert q.offer(["a", "b", "c"], queued_ttl_s=60) == ["c"]  # a and b are queued already
    assert q.unclaimed(["a", "c", "d"]) == ["d"]
    tasks = q.take(2, claim_ttl_s=0.5)
    assert [t.source for t in tasks] == ["a", "b"]
    assert q.renew(tasks, claim_ttl_s=0.5) == 2
    assert q.release(tasks[:1]) == 1  # a is done: it may be queued again
    assert q.offer(["a"], queued_ttl_s=60) == ["a"]
    time.sleep(0.7)  # b's worker died: its claim ran out
    assert q.renew(tasks[1:], claim_ttl_s=0.5) == 0
    assert q.unclaimed(["b"]) == ["b"]
    # A task whose claim was given to a newer task is stale: taking it yields nothing.
    client.delete(keys.claim("c"))
    assert q.offer(["c"], queued_ttl_s=60) == ["c"]
    taken = q.take(10, claim_ttl_s=5)
    assert [t.source for t in taken] == ["a", "c"]  # the first c task (before a) was stale and dropped
    assert q.depth() == 0


def test_fingerprints_are_shared_and_expire(rds: tuple[Any, Keys]) -> None:
    from scrapy import Request

    client, keys = rds
    one = ExpiringDupeFilter(client, keys.fingerprints, ttl_ms=400)
    two = ExpiringDupeFilter(client, keys.fingerprints, ttl_ms=400)
    req = Request("http://127.0.0.1:9/2026/story?utm_source=x")
    assert not one.request_seen(req)
    assert two.request_seen(req)  # another worker asking for the same URL meanwhile
    one.close()  # closing a pass keeps the cluster's fingerprints
    assert two.request_seen(req)
    time.sleep(0.6)
    assert not two.request_seen(req)  # expired: the URL may be requested again


def test_per_host_slots_and_delay_hold_across_workers(rds: tuple[Any, Keys]) -> None:
    from scrapy import Request

    client, keys = rds
    # Two "workers" (two middlewares, two connections), one host, one slot, 300 ms between starts.
    import redis

    mws = [ClusterPolitenessMiddleware(redis.Redis.from_url(REDIS_URL), keys.prefix, per_host=1, delay_s=0.3,
                                       slot_ttl_s=30) for _ in range(2)]
    starts: list[float] = []

    async def fetch(mw: ClusterPolitenessMiddleware, n: int) -> None:
        req = Request(f"http://127.0.0.1:9/page{n}")
        await mw.process_request(req)
        starts.append(time.monotonic())
        await asyncio.sleep(0.05)  # the download
        mw.process_response(req, object())

    async def main() -> None:
        await asyncio.gather(*(fetch(mws[i % 2], i) for i in range(6)))

    asyncio.run(main())
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 6
    assert min(gaps) >= 0.27, gaps  # the delay holds for both workers together (server clock, ms rounding)
    # Two slots, no delay: at most two downloads at once across the workers.
    mws = [ClusterPolitenessMiddleware(redis.Redis.from_url(REDIS_URL), keys.prefix + "b", per_host=2, delay_s=0,
                                       slot_ttl_s=30) for _ in range(3)]
    running = peak = 0

    async def fetch2(mw: ClusterPolitenessMiddleware, n: int) -> None:
        nonlocal running, peak
        req = Request(f"http://127.0.0.1:9/p{n}")
        await mw.process_request(req)
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        mw.process_exception(req, OSError("gone"))

    async def main2() -> None:
        await asyncio.gather(*(fetch2(mws[i % 3], i) for i in range(9)))

    asyncio.run(main2())
    assert peak == 2


def test_status_lists_members_with_their_heartbeat(rds: tuple[Any, Keys]) -> None:
    client, keys = rds
    beat = Heartbeat(client, keys, "standby", 0.2)
    beat.start()
    beat.set_role("leader")
    found = members(client, keys)
    assert [(m["role"], m["age_s"] < 5) for m in found] == [("leader", True)]
    beat.stop()
    assert members(client, keys) == []


@pytest.mark.postgres
def test_two_writers_racing_on_one_story_make_one_deal(pg_url: str) -> None:
    """Two outlets' articles about one deal stored at the same instant by two processes' repositories: the merge
    step takes an advisory lock, so each deal exists once (without it, both see no deal and both insert)."""
    from crawler.app import build_processor
    from storage.repository import Repository

    settings = make_settings(pg_url, [])
    repos = [Repository.open(pg_url) for _ in range(2)]
    procs = [build_processor(settings, r) for r in repos]
    now = datetime.now(UTC)
    companies = [f"Quorvex{chr(65 + i)} Labs" for i in range(8)]
    for i, company in enumerate(companies):
        amount = 20 + i
        items = [
            ArticleItem(url=f"https://wire.example/2026/{i}", source="wire", outlet="Wire", html=article_page(
                f"{company} raises ${amount} million Series A for AI chips", [
                    f"{company}, a startup designing AI chips, has raised ${amount} million in a Series A round "
                    "led by Tamsin Ventures.", "It will hire engineers in Austin."]), fetched_at=now),
            ArticleItem(url=f"https://daily.example/2026/{i}", source="daily", outlet="Daily", html=article_page(
                f"AI chip maker {company} lands ${amount} million", [
                    f"Tamsin Ventures led a ${amount} million Series A investment in {company}, the AI chip "
                    "designer said on Monday.", "The company sells to data centres."]), fetched_at=now)]
        analyses = [procs[0].analyse(it, now=now) for it in items]
        assert all(a.is_deal for a in analyses)
        gate = threading.Barrier(2)
        errors: list[BaseException] = []

        def store(k: int, analyses: list[Any] = analyses, gate: threading.Barrier = gate,
                  errors: list[BaseException] = errors) -> None:
            try:
                gate.wait()
                procs[k].store(analyses[k], now=now)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=store, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
    deals = repos[0].list_deals()
    assert sorted(d.record["company"] for d in deals) == sorted(companies)
    assert all(len(d.sources) == 2 for d in deals)  # both outlets are sources of the one deal
    for r in repos:
        r.close()


def _dealradar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*entry_point(), *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", ["run", "worker"])
def test_cluster_with_sqlite_is_refused_with_exit_2(tmp_path: Path, command: str) -> None:
    cfg = write_cluster_config(tmp_path / "c.yaml", f"sqlite:///{tmp_path / 'x.db'}", "drtest-unused", [])
    res = _dealradar(command, "-c", str(cfg))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "storage.url" in lines[0] and "PostgreSQL" in lines[0], res.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("command", ["run", "worker"])
def test_unreachable_redis_is_refused_with_exit_1(tmp_path: Path, pg_url: str, command: str) -> None:
    port = free_port()  # nothing listens there
    cfg = write_cluster_config(tmp_path / "c.yaml", pg_url, "drtest-unused", [], redis_url=f"redis://127.0.0.1:{port}/0")
    res = _dealradar(command, "-c", str(cfg))
    assert res.returncode == 1, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach Redis" in lines[0] and str(port) in lines[0], res.stderr


def test_a_worker_without_a_cluster_section_is_refused_with_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "single.yaml"
    cfg.write_text(f"storage: {{url: 'sqlite:///{tmp_path / 'x.db'}'}}\n")
    res = _dealradar("worker", "-c", str(cfg))
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == [
        "dealradar: config error: cluster: dealradar worker needs a cluster: section (cluster: {redis: redis://...})"]
