"""``dealradar run`` as a real subprocess against a fixture site on 127.0.0.1, plus the daemon's parts in-process.

The end-to-end tests use short intervals (``every: 1s``/``2s``, no jitter) and a temp SQLite file;
a crawl child takes about two seconds, which sets the pace.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from servers.daemon_proc import ROOT, log_times, wait_until, write_config
from servers.daemon_proc import DaemonProcess as Daemon
from servers.webhook_receiver import RecordedRequest, WebhookReceiver, free_port

from crawler.cli.sitehost import Reply, SiteRequest, SiteServer, article_page, rss
from storage.repository import Repository

SECRET = "daemon-test-secret"

DEALS = {
    "zephyr": ("Zephyr Grid raises $45 million Series B for AI grid software", [
        "Zephyr Grid, a Denver startup building AI software for power utilities, has raised $45 million in a "
        "Series B round led by Copperline Ventures.",
        "The company said it would use the money to hire engineers and expand to new markets in Europe."]),
    "lumora": ("Lumora Labs raises $18 million Series A for AI pathology software", [
        "Lumora Labs, a Toronto company that trains AI models for pathology labs, has raised $18 million in a "
        "Series A round led by Birchfield Capital.",
        "The money will pay for clinical studies in three hospital networks."]),
    "quillon": ("Quillon Robotics raises $120 million to build AI warehouse robots", [
        "Quillon Robotics, a Boston startup making AI-guided warehouse robots, has raised $120 million in a "
        "Series C round led by Northgate Partners.",
        "It plans to open a second factory next year."]),
}
COMPANIES = {"zephyr": "Zephyr Grid", "lumora": "Lumora Labs", "quillon": "Quillon Robotics"}


def plain_story(n: int) -> str:
    """A page that is not about a deal, distinct from every other one."""
    return article_page(f"Harbour notes {n}", [
        f"The harbour office published its schedule number {n} for the coming season, with berths assigned "
        f"to {n + 3} fishing boats and a new timetable for the ferry to the island.",
        f"Residents asked for longer opening hours at the market; the council will answer in week {n + 10}."])


def deal_page(key: str) -> str:
    title, paragraphs = DEALS[key]
    return article_page(title, paragraphs)


def publish(site: SiteServer, path: str, links: list[str], *, ttl: int | None = None) -> None:
    site.add(path, Reply(rss([{"title": f"item {i}", "link": u, "guid": u} for i, u in enumerate(links)], ttl=ttl),
                         content_type="application/rss+xml"))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def events(rx: WebhookReceiver, prefix: str = "") -> list[RecordedRequest]:
    return [r for r in rx.requests if (r.header("X-DealRadar-Event") or "").startswith(prefix)]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# ---- end to end ----------------------------------------------------------------------------------


def test_new_article_alerts_at_the_next_pass_then_sigterm_exits_0(
        site: SiteServer, sqlite_url: str, tmp_path: Path, receiver: WebhookReceiver,
        daemons: Callable[[Path], Daemon]) -> None:
    site.add("/a/1", plain_story(1))
    site.add("/a/zephyr", deal_page("zephyr"))
    publish(site, "/feed.xml", [site.url("/a/1")])
    port = free_port()
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml"),
                                                                 "every": "2s"}],
                       channels=[{"webhook": receiver.url(), "secret": SECRET}], port=port)
    d = daemons(cfg)
    d.wait_log("source pass source=wire ok=true")

    publish(site, "/feed.xml", [site.url("/a/zephyr"), site.url("/a/1")])
    t0 = time.time()
    [req] = receiver.wait_for(1, timeout=40)
    # Within the next pass: the interval plus one pass and a dispatch, with room for a busy machine.
    assert req.received_at - t0 <= 2 + 30, f"alert took {req.received_at - t0:.1f}s"
    assert req.header("X-DealRadar-Event") == "deal.new"
    assert WebhookReceiver.verify(req, SECRET)
    assert req.json()["deal"]["company"] == "Zephyr Grid"

    d.wait_log("deals_new=1")  # the pass that found the deal has been recorded
    status, body = get(f"http://127.0.0.1:{port}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    # The counter moves when the dispatcher's batch returns, a moment after the receiver has the POST.
    wait_until(lambda: b"dealradar_alerts_sent_total 1.0" in get(f"http://127.0.0.1:{port}/metrics")[1],
               timeout=10, what="the sent alert in /metrics")
    status, body = get(f"http://127.0.0.1:{port}/metrics")
    text = body.decode()
    assert status == 200
    assert 'dealradar_fetches_total{outcome="ok",source="wire"}' in text
    assert 'dealradar_articles_total{source="wire"} 2.0' in text
    assert "dealradar_alerts_sent_total 1.0" in text
    assert 'dealradar_source_last_success_timestamp_seconds{source="wire"}' in text
    assert "dealradar_scheduler_lag_seconds" in text

    out = subprocess.run([sys.executable, "-m", "crawler.cli", "status", "--json", "-c", str(cfg)], cwd=ROOT,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["daemon"]["running"] is True
    [wire] = report["sources"]
    assert wire["state"] == "ok" and wire["articles_total"] == 2 and wire["next_run_at"]
    assert report["alerts"]["sent"] == 1

    code, took = d.stop()
    assert code == 0 and took < 10, d.tail()
    assert len(receiver.requests) == 1  # nothing sent twice
    assert "daemon stopped" in d.output()


def test_sigterm_mid_crawl_exits_0_within_10s_and_the_pass_runs_again_at_next_start(
        site: SiteServer, sqlite_url: str, tmp_path: Path, daemons: Callable[[Path], Daemon]) -> None:
    slow = {"on": True}

    def story(req: SiteRequest) -> Reply:
        return Reply(plain_story(2), delay=30 if slow["on"] else 0)

    site.add("/a/slow", story)
    publish(site, "/feed.xml", [site.url("/a/slow")])
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1h"}],
                       daemon={"crawl_timeout": "2m"})
    d = daemons(cfg)
    wait_until(lambda: bool(site.hits("/a/slow")), 60, "the slow article to be requested")
    code, took = d.stop()
    assert code == 0, d.tail()
    assert took < 10, f"took {took:.1f}s"
    assert "crawl stopped by shutdown" in d.output()

    slow["on"] = False
    d2 = daemons(cfg)  # every: 1h, but the interrupted pass is due at once
    d2.wait_log("source pass source=wire ok=true", timeout=60)
    repo = Repository.open(sqlite_url)
    assert repo.count_articles() == 1
    state = repo.source_state("wire")
    assert state is not None and state.next_run_at is not None
    assert state.next_run_at - datetime.now(UTC) > timedelta(minutes=50)  # planned an hour after that pass
    repo.close()
    assert d2.stop()[0] == 0


def test_sigkill_mid_crawl_then_restart_sends_no_alert_twice_and_loses_no_article(
        site: SiteServer, sqlite_url: str, tmp_path: Path, receiver: WebhookReceiver,
        daemons: Callable[[Path], Daemon]) -> None:
    slow = {"on": True}

    def quillon(req: SiteRequest) -> Reply:
        return Reply(deal_page("quillon"), delay=30 if slow["on"] else 0)

    site.add("/a/zephyr", deal_page("zephyr"))
    site.add("/a/lumora", deal_page("lumora"))
    site.add("/a/quillon", quillon)
    publish(site, "/feed.xml", [site.url("/a/zephyr")])
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1s"}],
                       channels=[{"webhook": receiver.url(), "secret": SECRET}])
    d = daemons(cfg)
    receiver.wait_for(1, timeout=60)  # the first deal went out
    publish(site, "/feed.xml", [site.url("/a/quillon"), site.url("/a/lumora"), site.url("/a/zephyr")])
    wait_until(lambda: bool(site.hits("/a/quillon")) and bool(site.hits("/a/lumora")), 60,
               "the next pass to be fetching the slow article")
    time.sleep(0.5)  # let the fast article be stored: its alert is now in the outbox or already sent
    d.kill_all()

    slow["on"] = False
    d2 = daemons(cfg)
    wait_until(lambda: len(events(receiver, "deal.new")) >= 3, 60, "three deal alerts")
    d2.wait_log("source pass source=wire ok=true", count=2)  # one more pass: nothing new must go out
    time.sleep(1.5)
    assert d2.stop()[0] == 0

    sent = events(receiver, "deal.")
    companies = sorted(r.json()["deal"]["company"] for r in sent)
    assert companies == sorted(COMPANIES.values()), companies
    ids = [r.header("X-DealRadar-Delivery") for r in sent]
    assert len(set(ids)) == len(ids) == 3
    repo = Repository.open(sqlite_url)
    assert repo.count_articles() == 3
    assert repo.pending_count() == 0
    repo.close()


def test_second_instance_is_refused_and_sighup_reloads_sources(
        site: SiteServer, sqlite_url: str, tmp_path: Path, daemons: Callable[[Path], Daemon]) -> None:
    site.add("/a/1", plain_story(1))
    site.add("/a/2", plain_story(2))
    publish(site, "/one.xml", [site.url("/a/1")])
    publish(site, "/two.xml", [site.url("/a/2")])
    one = {"name": "one", "feed": site.url("/one.xml"), "every": "1s"}
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url, [one])
    d = daemons(cfg)
    d.wait_log("daemon started")

    t0 = time.monotonic()
    second = subprocess.run([sys.executable, "-m", "crawler.cli", "run", "-c", str(cfg)], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert second.returncode != 0
    assert "already running" in second.stderr and str(d.proc.pid) in second.stderr
    assert time.monotonic() - t0 < 30  # refused at once, not after waiting for the lock (start-up may be slow)
    manual = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--json", "-c", str(cfg)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert manual.returncode == 0, manual.stderr  # a manual crawl beside the daemon is fine
    assert json.loads(manual.stdout)["sources"][0]["source"] == "one"

    write_config(cfg, sqlite_url, [one, {"name": "two", "feed": site.url("/two.xml"), "every": "1s"}])
    d.send(signal.SIGHUP)
    d.wait_log("configuration reloaded added=two")
    d.wait_log("source pass source=two ok=true", timeout=60)

    cfg.write_text("sources:\n  - {name: broken, every: often}\n")
    d.send(signal.SIGHUP)
    d.wait_log("configuration reload rejected")
    passes = d.output().count("source pass source=two")
    d.wait_log("source pass source=two", count=passes + 1, timeout=60)  # still running the old configuration
    assert d.stop()[0] == 0


def test_failing_source_backs_off_alerts_once_and_recovers(
        site: SiteServer, sqlite_url: str, tmp_path: Path, receiver: WebhookReceiver,
        daemons: Callable[[Path], Daemon]) -> None:
    down = {"on": True}
    site.add("/a/1", plain_story(1))
    good = Reply(rss([{"title": "one", "link": site.url("/a/1")}]), content_type="application/rss+xml")
    site.add("/feed.xml", lambda req: Reply("unavailable", status=503) if down["on"] else good)
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "flaky", "feed": site.url("/feed.xml"), "every": "1s"}],
                       channels=[{"webhook": receiver.url(), "operator": True}],
                       daemon={"failure_alert_after": 2, "max_backoff": "4s"})
    d = daemons(cfg)
    wait_until(lambda: len(site.hits("/feed.xml")) >= 3, 60, "three failed passes")
    down["on"] = False
    d.wait_log("source recovered", timeout=60)
    wait_until(lambda: len(events(receiver, "source.")) >= 2, 30, "the recovery alert")
    assert d.stop()[0] == 0

    # Every 1s, doubled per failure (2s, 4s, 8s) and capped at 4s. Measured on the daemon's own log, so that how
    # long a pass takes on a busy machine does not count: each pass starts at least its interval after the one
    # before, and no failing pass was planned further off than its interval.
    out = d.output()
    starts = log_times(out, "crawl started")
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps[0] >= 2 - 0.25 and gaps[1] >= 4 - 0.25 and gaps[2] >= 4 - 0.25, gaps
    planned = [(int(n), float(s)) for s, n in re.findall(r"source=flaky ok=false next_in_s=([\d.]+).* failures=(\d+)", out)]
    assert len(planned) >= 3, out
    for failures, next_in in planned:
        assert next_in <= min(2 ** failures, 4) + 0.05, planned  # 2s, then 4s, and the cap holds
    alerts = events(receiver, "source.")
    assert [a.header("X-DealRadar-Event") for a in alerts] == ["source.failing", "source.recovered"]
    body = alerts[0].json()
    assert body["source"] == "flaky" and body["consecutive_failures"] == 2 and "503" in body["last_error"]
    assert not events(receiver, "deal.")
    repo = Repository.open(sqlite_url)
    state = repo.source_state("flaky")
    assert state is not None and state.consecutive_failures == 0 and not state.failure_alerted
    repo.close()


# ---- the parts, in-process -------------------------------------------------------------------------


def test_pick_batch_respects_the_per_host_cap_and_takes_the_most_overdue_first() -> None:
    from crawler.daemon.scheduler import DueSource, pick_batch

    now = datetime(2026, 1, 1, tzinfo=UTC)
    due = [DueSource("late", frozenset({"a.example"}), now - timedelta(minutes=5)),
           DueSource("later", frozenset({"a.example"}), now - timedelta(minutes=9)),
           DueSource("other", frozenset({"b.example"}), now),
           DueSource("both", frozenset({"b.example", "c.example"}), now - timedelta(minutes=1))]
    assert [d.name for d in pick_batch(due, {}, per_host_limit=1)] == ["later", "both"]
    assert [d.name for d in pick_batch(due, {"a.example": 1}, per_host_limit=1)] == ["both"]
    assert [d.name for d in pick_batch(due, {}, per_host_limit=2)] == ["later", "late", "both", "other"]
    assert len(pick_batch(due, {}, per_host_limit=5, max_size=2)) == 2


def test_source_hosts_and_due_now() -> None:
    from crawler.daemon.scheduler import due_now, source_hosts

    settings = make_settings("sqlite:///unused.db", [
        {"name": "a", "feed": "https://News.Example/feed"},
        {"name": "b", "start_urls": ["https://x.example/ai/", "https://y.example/"]},
        {"name": "c", "feed": "https://z.example/feed", "enabled": False}])
    assert source_hosts(settings.sources[0]) == {"news.example"}
    assert source_hosts(settings.sources[1]) == {"x.example", "y.example"}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    plan = {"a": now - timedelta(seconds=1), "b": now + timedelta(seconds=1), "c": now - timedelta(days=1)}
    assert [d.name for d in due_now(plan, settings.sources, now)] == ["a"]


def test_a_bad_cron_is_a_config_error_with_its_key_path() -> None:
    from crawler.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        make_settings("sqlite:///unused.db", [{"name": "a", "feed": "https://a.example/f", "cron": "99 * * * *"}])
    assert err.value.key_path == "sources[0].cron"


def test_the_sqlite_lock_is_exclusive_and_dies_with_its_holder(tmp_path: Path, sqlite_url: str) -> None:
    from crawler.daemon.lock import acquire_daemon_lock, daemon_running
    from crawler.errors import LockedError

    assert daemon_running(sqlite_url) is False
    lock = acquire_daemon_lock(sqlite_url)
    assert (tmp_path / "dealradar.db.lock").read_text().strip() == str(os.getpid())
    assert daemon_running(sqlite_url) is True
    with pytest.raises(LockedError, match=f"pid {os.getpid()}"):
        acquire_daemon_lock(sqlite_url)
    lock.release()
    assert daemon_running(sqlite_url) is False
    # A holder killed with SIGKILL leaves the file but not the lock.
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from crawler.daemon.lock import acquire_daemon_lock; "
                               f"l = acquire_daemon_lock({sqlite_url!r}); print('ok', flush=True); time.sleep(60)"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
    assert daemon_running(sqlite_url) is True
    holder.kill()
    holder.wait()
    acquire_daemon_lock(sqlite_url).release()


def test_an_in_memory_database_cannot_host_a_daemon() -> None:
    from crawler.daemon.lock import acquire_daemon_lock
    from crawler.errors import ConfigError

    with pytest.raises(ConfigError, match="storage.url"):
        acquire_daemon_lock("sqlite://")


@pytest.mark.postgres
def test_the_postgres_advisory_lock_is_exclusive(pg_url: str) -> None:
    from crawler.daemon.lock import acquire_daemon_lock, daemon_running
    from crawler.errors import LockedError

    assert daemon_running(pg_url) is False
    lock = acquire_daemon_lock(pg_url)
    try:
        assert lock.check() == "held"
        assert daemon_running(pg_url) is True
        with pytest.raises(LockedError, match="already running"):
            acquire_daemon_lock(pg_url)
    finally:
        lock.release()
    assert daemon_running(pg_url) is False
    acquire_daemon_lock(pg_url).release()


def test_failing_and_recovered_alerts_go_once_to_operator_channels(db_url: str) -> None:
    from storage.records import ChannelRoute
    from storage.schedule import flag_source_alert

    settings = make_settings(db_url, [{"name": "s", "feed": "https://s.example/feed"}])
    repo = Repository.open(db_url)
    repo.sync_sources(settings.sources)
    ops = [ChannelRoute("ops", lambda e, d: True)]
    first = flag_source_alert(repo, "s", alerted=True, event="source.failing", body={"source": "s"}, channels=ops)
    again = flag_source_alert(repo, "s", alerted=True, event="source.failing", body={"source": "s"}, channels=ops)
    assert first is not None and first.channels == ("ops",) and again is None
    assert repo.source_state("s").failure_alerted  # type: ignore[union-attr]
    back = flag_source_alert(repo, "s", alerted=False, event="source.recovered", body={"source": "s"}, channels=ops)
    assert back is not None and not repo.source_state("s").failure_alerted  # type: ignore[union-attr]
    assert [d.event for d in repo.list_deliveries()] == ["source.recovered", "source.failing"]
    repo.close()


def test_schedule_queries_on_each_database(db_url: str) -> None:
    from crawler.article import ExtractedArticle, content_hash, simhash
    from storage.schedule import next_runs, publish_stats, set_next_runs

    settings = make_settings(db_url, [{"name": "s", "feed": "https://s.example/feed"},
                                      {"name": "t", "feed": "https://t.example/feed"}])
    repo = Repository.open(db_url)
    repo.sync_sources(settings.sources)
    base = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert next_runs(repo) == {"s": None, "t": None}
    set_next_runs(repo, {"s": base, "t": base + timedelta(minutes=5)})
    assert next_runs(repo) == {"s": base, "t": base + timedelta(minutes=5)}
    for i in range(4):
        text = f"Entry {i}: " + " ".join(f"word{i}x{j}" for j in range(60))
        repo.store_article(ExtractedArticle(
            url=f"https://s.example/{i}", source="s", outlet="s", title=f"t{i}", text=text,
            published=base + timedelta(hours=i) if i else None, published_from="page", language="en",
            content_hash=content_hash(text), simhash=simhash(text), fetched_at=base + timedelta(hours=6)))
    stats = publish_stats(repo, base - timedelta(days=1))
    assert set(stats) == {"s"}
    assert stats["s"].count == 4
    assert stats["s"].first == base + timedelta(hours=1) and stats["s"].last == base + timedelta(hours=6)
    assert publish_stats(repo, base + timedelta(hours=2), ["s"])["s"].count == 3
    repo.close()


def test_status_reports_failing_stale_and_overdue_sources_without_a_daemon(sqlite_url: str) -> None:
    from crawler.daemon.status import build_status, print_status

    settings = make_settings(sqlite_url, [
        {"name": "fine", "feed": "https://a.example/feed", "every": "10m"},
        {"name": "broken", "feed": "https://b.example/feed", "every": "10m"},
        {"name": "quiet", "feed": "https://c.example/feed", "every": "10m"},
        {"name": "new", "feed": "https://d.example/feed"}], daemon={"stale_after": "1d"})
    repo = Repository.open(sqlite_url)
    repo.sync_sources(settings.sources)
    now = datetime.now(UTC)
    repo.record_source_run("fine", at=now - timedelta(minutes=3), ok=True, status="ok", new_articles=2,
                           next_run_at=now + timedelta(minutes=7))
    for _ in range(3):
        repo.record_source_run("broken", at=now - timedelta(minutes=2), ok=False, status="error", error="HTTP 500",
                               next_run_at=now - timedelta(minutes=30))
    repo.record_source_run("quiet", at=now - timedelta(days=3), ok=True, status="ok", new_articles=1)
    repo.record_source_run("quiet", at=now - timedelta(minutes=1), ok=True, status="not-modified")
    report = build_status(settings, repo, now)
    json.dumps(report)  # --json must not need a custom encoder
    rows = {r["name"]: r for r in report["sources"]}
    assert report["daemon"]["running"] is False
    assert rows["fine"]["state"] == "ok" and not rows["fine"]["stale"]
    assert rows["broken"]["state"] == "failing" and rows["broken"]["consecutive_failures"] == 3
    assert rows["broken"]["overdue_s"] > 25 * 60 and rows["broken"]["last_error"] == "HTTP 500"
    assert rows["quiet"]["state"] == "stale" and rows["quiet"]["silent_for_s"] > 2 * 86400
    assert rows["new"]["state"] == "never run"
    assert report["totals"] == {**report["totals"], "failing": 1, "stale": 1, "enabled": 4}
    print_status(report)  # renders without error
    repo.close()


def test_json_logs_carry_the_event_fields(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from crawler.daemon.observe import setup_logging

    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("json", "INFO")
        logging.getLogger("crawler.daemon").info("source pass source=wire", extra={"source": "wire", "new": 2})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["level"] == "INFO" and record["logger"] == "crawler.daemon"
        assert record["source"] == "wire" and record["new"] == 2 and record["msg"] == "source pass source=wire"
    finally:
        root.handlers[:], root.level = saved[0], saved[1]


def test_with_json_logs_the_crawl_child_logs_json_too(
        site: SiteServer, sqlite_url: str, tmp_path: Path, daemons: Callable[[Path], Daemon]) -> None:
    site.add("/a/1", plain_story(1))
    publish(site, "/feed.xml", [site.url("/a/1")])
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"  # its failure is logged by the crawl child, at WARNING
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1h"},
                        {"name": "dead", "feed": dead, "every": "1h"}],
                       daemon={"log_format": "json", "log_level": "INFO"})
    d = daemons(cfg)
    d.wait_log("source pass source=dead")
    d.wait_log("source pass source=wire")
    assert d.stop()[0] == 0

    records = []
    for line in d.output().splitlines():
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise AssertionError(f"not a JSON log line: {line!r}\n{d.output()}") from None
    child = [r for r in records if r["logger"] == "spiders.base"]  # only the crawl child runs the spiders
    assert child and child[0]["level"] == "WARNING" and dead in child[0]["msg"], records
    assert any(r["logger"] == "crawler.daemon" and r["msg"].startswith("daemon started") for r in records)


def test_listen_addresses() -> None:
    from crawler.daemon.observe import parse_listen
    from crawler.errors import ConfigError

    assert parse_listen("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_listen("9464") == ("127.0.0.1", 9464)
    assert parse_listen("[::1]:0") == ("::1", 0)
    with pytest.raises(ConfigError, match="daemon.http"):
        parse_listen("localhost:http")
