"""Config errors as a new user meets them, through the real ``dealradar`` command: every problem at once, each
as ``key.path: expected ..., got value``, the same verdict from every command, and advice that can be followed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from entrypoint import dealradar, write_yaml
from servers.webhook_receiver import Reply, WebhookReceiver

FEED = {"name": "wire", "feed": "https://news.example/feed.xml", "every": "10m"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def config(tmp_path: Path, **data: object) -> Path:
    doc = {"storage": {"url": f"sqlite:///{tmp_path / 'dealradar.db'}"}, "sources": [FEED], **data}
    return write_yaml(tmp_path / "dealradar.yaml", doc)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_every_problem_is_reported_at_once_with_the_key_path_and_the_bad_value(tmp_path: Path) -> None:
    cfg = config(tmp_path, crawl={"dealy": "1s", "concurrency_per_host": "many"},
                 sources=[{**FEED, "every": 10}],
                 alerts={"channels": [{"webhok": "https://hooks.example.org/x"}]})
    res = dealradar("sources", "list", "-c", str(cfg))
    assert res.code == 2, res
    lines = error_lines(res.err)
    assert sorted(lines) == sorted([
        "dealradar: config error: crawl.dealy: unknown key, did you mean 'delay'?",
        "dealradar: config error: crawl.concurrency_per_host: expected a whole number, got 'many'",
        "dealradar: config error: sources[0].every: expected a duration with a unit (ms, s, m, h, d, w) like 30s, "
        "10m, 1h, 1d, got 10",
        "dealradar: config error: alerts.channels[0].webhok: unknown key, did you mean 'webhook'?",
    ]), res.err
    assert "Input should" not in res.err and "Traceback" not in res.err


def test_a_key_far_from_any_known_one_lists_the_known_keys(tmp_path: Path) -> None:
    res = dealradar("deals", "list", "-c", str(config(tmp_path, crawl={"politeness": True})))
    assert res.code == 2
    [line] = error_lines(res.err)
    assert line.startswith("dealradar: config error: crawl.politeness: unknown key; known keys here: ")
    assert "delay" in line and "allow_private_addresses" in line


@pytest.mark.parametrize("args", [("sources", "list"), ("crawl",), ("status",), ("deals", "list"),
                                  ("alerts", "list"), ("db", "upgrade"), ("run",)])
def test_every_command_refuses_a_bad_cron_the_same_way(tmp_path: Path, args: tuple[str, ...]) -> None:
    cfg = config(tmp_path, sources=[{"name": "weekly", "feed": "https://news.example/feed.xml",
                                     "cron": "every monday"}])
    res = dealradar(*args, "-c", str(cfg), timeout=60)
    assert res.code == 2, res
    [line] = error_lines(res.err)
    assert line.startswith("dealradar: config error: sources[0].cron: expected a crontab expression")
    assert line.endswith("got 'every monday'")
    assert not (tmp_path / "dealradar.db").exists()  # refused before anything was written


@pytest.mark.parametrize("args", [("sources", "list"), ("crawl",), ("status",)])
def test_an_alert_channel_that_cannot_be_built_is_refused_by_every_command(tmp_path: Path,
                                                                           args: tuple[str, ...]) -> None:
    cfg = config(tmp_path, alerts={"channels": [{"webhook": "https://hooks.example.org/x", "secret": ""}]})
    res = dealradar(*args, "-c", str(cfg), timeout=60)
    assert res.code == 2, res
    assert "alerts.channels[0]: webhook secret is empty" in res.err


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused(tmp_path: Path, url: str) -> None:
    cfg = write_yaml(tmp_path / "c.yaml", {"storage": {"url": url}, "sources": [FEED]})
    res = dealradar("deals", "list", "-c", str(cfg))
    assert res.code == 2, res
    [line] = error_lines(res.err)
    assert line.startswith("dealradar: config error: storage.url: expected sqlite:///PATH with a file name")
    assert line.endswith(f"got '{url}'")


def test_the_advice_for_a_loopback_webhook_can_be_followed(tmp_path: Path, receiver: WebhookReceiver) -> None:
    channel = {"name": "local", "webhook": receiver.url("/hook")}
    res = dealradar("alerts", "test", "-c", str(config(tmp_path, alerts={"channels": [channel]})))
    assert res.code == 2
    assert "set allow_private: true on the channel (or crawl.allow_private_addresses)" in res.err
    # Doing what the message says works: the switch exists on the channel and reaches the address check.
    res = dealradar("alerts", "test", "-c", str(config(tmp_path, alerts={"channels": [
        {**channel, "allow_private": True}]})))
    assert res.code == 0, res
    [req] = receiver.wait_for(1)
    assert req.path == "/hook"
    # The crawl-wide setting still covers alert targets too.
    res = dealradar("alerts", "test", "-c", str(config(tmp_path, crawl={"allow_private_addresses": True},
                                                       alerts={"channels": [channel]})))
    assert res.code == 0, res


def test_allow_private_is_a_webhook_setting_only(tmp_path: Path) -> None:
    cfg = config(tmp_path, alerts={"channels": [{"apprise": "json://127.0.0.1:9/x", "allow_private": True}]})
    res = dealradar("sources", "list", "-c", str(cfg))
    assert res.code == 2 and "alerts.channels[0]" in res.err and "webhook settings" in res.err


def test_the_webhook_timeout_is_accepted_and_used(tmp_path: Path, receiver: WebhookReceiver) -> None:
    receiver.enqueue(Reply(delay=5.0))
    channel = {"name": "slow", "webhook": receiver.url("/hook"), "allow_private": True, "timeout": "500ms"}
    res = dealradar("alerts", "test", "-c", str(config(tmp_path, alerts={"channels": [channel]})))
    assert res.code == 1, res
    assert re.search(r"slow: FAILED: .*timed out", res.out), res.out
    res = dealradar("sources", "list", "-c", str(config(tmp_path, alerts={"channels": [{**channel, "timeout": 10}]})))
    assert res.code == 2
    assert "alerts.channels[0].timeout: expected a duration with a unit (ms, s, m, h, d, w)" in res.err
