"""A daemon's first run as a newcomer meets it: a warning when no alert channel is set, and a /healthz that says
so when the sources fail while the daemon itself is fine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from servers.webhook_receiver import free_port
from test_daemon import Daemon, get, wait_until, write_config

from crawler.cli.sitehost import SiteServer


def test_no_channels_warns_once_and_failing_sources_make_healthz_degraded(
        site: SiteServer, sqlite_url: str, tmp_path: Path, daemons: Callable[[Path], Daemon]) -> None:  # noqa: F811
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    port = free_port()
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url, [{"name": "gone", "feed": dead, "every": "1s"}],
                       port=port)
    d = daemons(cfg)
    d.wait_log("source pass source=gone ok=false", timeout=60)

    def health() -> dict:
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body  # the daemon works; its sources do not
        return json.loads(body)

    wait_until(lambda: health()["status"] == "degraded", timeout=30, what="a degraded /healthz")
    [failing] = health()["failing"]
    assert failing["source"] == "gone" and failing["consecutive_failures"] >= 1
    assert dead in (failing["last_error"] or "")
    d.wait_log("source pass source=gone ok=false", timeout=60, count=2)
    assert d.output().count("no alert channels configured (alerts.channels)") == 1
    code, _ = d.stop()
    assert code == 0


def test_healthz_is_ok_when_sources_work(site: SiteServer, sqlite_url: str, tmp_path: Path,
                                         daemons: Callable[[Path], Daemon]) -> None:  # noqa: F811
    from crawler.cli.sitehost import rss

    site.add("/feed.xml", rss([]), content_type="application/rss+xml")
    port = free_port()
    cfg = write_config(tmp_path / "dealradar.yaml", sqlite_url,
                       [{"name": "wire", "feed": site.url("/feed.xml"), "every": "2s"}], port=port,
                       channels=[{"webhook": "https://hooks.example.org/x"}])
    d = daemons(cfg)
    d.wait_log("source pass source=wire ok=true", timeout=60)
    status, body = get(f"http://127.0.0.1:{port}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok" and json.loads(body)["failing"] == []
    assert "no alert channels configured" not in d.output()
    assert d.stop()[0] == 0
