"""The rough edges a newcomer met, through the real ``dealradar`` command: usage errors that name the option,
plurals, marked test alerts, the attempt count after a retry, and a crawl whose output says each thing once."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from entrypoint import EXE, dealradar, write_yaml
from servers.smtp_server import SMTPTestServer
from servers.webhook_receiver import Reply, WebhookReceiver, free_port

from crawler.alerts.dispatcher import dispatch_once
from crawler.app import build_processor
from crawler.cli.sitehost import SiteServer, article_page, rss
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

DEAL_TEXT = ("Northwind Vision, a Seattle startup building AI models for warehouse cameras, has raised $60 million "
             "in a Series B round led by Alder Peak Capital. Existing investor Cedar Row Ventures also took part.")
STORIES = {
    "/brightwell": ("Brightwell Robotics raises $30 million Series A for AI farm robots",
                    "Brightwell Robotics, a Fresno startup making AI-guided harvest robots, has raised $30 million "
                    "in a Series A round led by Juniper Fields Capital."),
    "/tidemark": ("Tidemark Labs raises $12 million seed round for AI shipping software",
                  "Tidemark Labs, a Rotterdam company writing AI software for container terminals, has raised "
                  "$12 million in a seed round led by Harbourline Ventures."),
}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def base_config(tmp_path: Path, **data: Any) -> dict[str, Any]:
    return {"storage": {"url": f"sqlite:///{tmp_path / 'dealradar.db'}"},
            "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "retries": 0,
                      "timeout": "10s", "max_article_age": "3650d", "workers": 1},
            "sources": [], **data}


def one_deal_stored(tmp_path: Path, **data: Any) -> Path:
    """A config whose database holds one deal (and its queued alerts, when ``data`` has channels)."""
    doc = base_config(tmp_path, **data)
    cfg = write_yaml(tmp_path / "dealradar.yaml", doc)
    settings = make_settings(doc["storage"]["url"], [], **{k: v for k, v in data.items()})
    repo = Repository.open(doc["storage"]["url"])
    html = article_page("Northwind Vision raises $60 million Series B", [DEAL_TEXT, "More details followed."])
    build_processor(settings, repo).process(
        ArticleItem(url="https://news.example/northwind", source="s", outlet="news.example", html=html))
    repo.close()
    return cfg


def local_site(site: SiteServer) -> str:
    for path, (title, text) in STORIES.items():
        site.add(path, article_page(title, [text, "The round closed this week, the company said."]))
    site.add("/feed.xml", rss([{"title": t, "link": site.url(p), "guid": site.url(p)} for p, (t, _) in STORIES.items()]),
             content_type="application/rss+xml")
    return site.url("/feed.xml")


# ---- usage errors ----------------------------------------------------------------------------------------------


def test_a_bad_since_names_the_option(tmp_path: Path) -> None:
    cfg = one_deal_stored(tmp_path)
    for args in (("deals", "list"), ("deals", "export")):
        res = dealradar(*args, "-c", str(cfg), "--since", "yesterday")
        assert res.code == 2, res
        assert "'--since'" in res.err and "'yesterday'" in res.err and "7d" in res.err
    res = dealradar("deals", "list", "-c", str(cfg), "--since", "2d", "--json")
    assert res.code == 0 and len(json.loads(res.out)) == 1


def test_json_and_csv_together_are_refused(tmp_path: Path) -> None:
    res = dealradar("deals", "list", "-c", str(one_deal_stored(tmp_path)), "--json", "--csv")
    assert res.code == 2
    assert "--json and --csv cannot be used together" in res.err and res.out == ""


def test_an_unknown_source_is_a_usage_error_listing_the_configured_ones(tmp_path: Path) -> None:
    cfg = write_yaml(tmp_path / "c.yaml", base_config(tmp_path, sources=[
        {"name": "wire", "feed": "https://news.example/a.xml"}, {"name": "daily", "feed": "https://news.example/b.xml"}]))
    res = dealradar("crawl", "-c", str(cfg), "--source", "nosuch")
    assert res.code == 2
    assert "no source named 'nosuch'; configured: wire, daily" in res.err
    assert "config error" not in res.err and "Usage:" in res.err


# ---- words -----------------------------------------------------------------------------------------------------


def test_one_is_singular(tmp_path: Path, site: SiteServer) -> None:
    cfg = one_deal_stored(tmp_path)
    res = dealradar("deals", "list", "-c", str(cfg))
    assert res.code == 0 and re.search(r"\b1 deal\b", res.out) and "1 deals" not in res.out
    res = dealradar("alerts", "list", "-c", str(cfg))
    assert res.code == 0 and "0 deliveries" in res.out
    doc = base_config(tmp_path, sources=[{"name": "local", "feed": site.url("/empty.xml")}])
    site.add("/empty.xml", rss([]), content_type="application/rss+xml")
    res = dealradar("crawl", "-c", str(write_yaml(tmp_path / "c2.yaml", doc)), "--no-alerts")
    assert res.code == 0, res
    assert "crawling 1 source: local" in res.err and "1 sources" not in res.err


# ---- alerts ----------------------------------------------------------------------------------------------------


def test_a_test_alert_is_marked_as_one(tmp_path: Path, receiver: WebhookReceiver) -> None:
    with SMTPTestServer() as smtp:
        cfg = write_yaml(tmp_path / "c.yaml", base_config(tmp_path, alerts={"channels": [
            {"name": "hook", "webhook": receiver.url("/hook"), "allow_private": True},
            {"name": "mail", "email": {"smtp": smtp.url(), "from": "radar@example.org", "to": ["me@example.org"]}},
        ]}))
        res = dealradar("alerts", "test", "-c", str(cfg))
        assert res.code == 0, res
        [req] = receiver.wait_for(1)
        [mail] = smtp.wait_for(1)
    assert req.header("X-DealRadar-Test") == "1" and req.header("X-DealRadar-Event") == "deal.new"
    assert req.json()["test"] is True
    assert mail.message["Subject"].startswith("[DealRadar TEST] ")
    assert mail.message["X-DealRadar-Test"] == "1"


def test_a_real_alert_is_not_marked(tmp_path: Path, receiver: WebhookReceiver) -> None:
    channels = [{"name": "hook", "webhook": receiver.url("/hook"), "allow_private": True}]
    cfg = one_deal_stored(tmp_path, alerts={"channels": channels})
    res = dealradar("alerts", "retry", "-c", str(cfg))  # nothing failed: nothing to send
    assert res.code == 0 and "0 deliveries queued again" in res.out
    url = base_config(tmp_path)["storage"]["url"]
    repo = Repository.open(url)
    try:
        assert dispatch_once(make_settings(url, [], alerts={"channels": channels}), repo).sent == 1
    finally:
        repo.close()
    [req] = receiver.wait_for(1)
    assert req.header("X-DealRadar-Test") is None and "test" not in req.json()


def test_retry_counts_every_attempt(tmp_path: Path, receiver: WebhookReceiver) -> None:
    channels = [{"name": "hook", "webhook": receiver.url("/hook"), "allow_private": True}]
    cfg = one_deal_stored(tmp_path, alerts={"channels": channels})
    receiver.enqueue(Reply(status=400))  # refused for good: failed after one attempt
    url = base_config(tmp_path)["storage"]["url"]
    repo = Repository.open(url)
    try:
        assert dispatch_once(make_settings(url, [], alerts={"channels": channels}), repo).failed == 1
    finally:
        repo.close()
    res = dealradar("alerts", "list", "-c", str(cfg), "--json")
    [row] = json.loads(res.out)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    res = dealradar("alerts", "retry", "-c", str(cfg))
    assert res.code == 0 and "1 delivery queued again" in res.out and "sent 1" in res.out
    [row] = json.loads(dealradar("alerts", "list", "-c", str(cfg), "--json").out)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(receiver.wait_for(2)) == 2


# ---- crawl output ----------------------------------------------------------------------------------------------


def crawl_config(tmp_path: Path, site: SiteServer) -> tuple[Path, str]:
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    doc = base_config(tmp_path, sources=[{"name": "local", "feed": local_site(site)}, {"name": "dead", "feed": dead}])
    return write_yaml(tmp_path / "c.yaml", doc), dead


@pytest.mark.parametrize("verbose", [(), ("-v",)])
def test_each_source_error_is_printed_once_and_no_scrapy_banner(tmp_path: Path, site: SiteServer,
                                                               verbose: tuple[str, ...]) -> None:
    cfg, dead = crawl_config(tmp_path, site)
    res = dealradar("crawl", "-c", str(cfg), "--no-alerts", *verbose)
    assert res.code == 0, res
    both = res.out + res.err
    assert both.count(dead) == 1, both
    assert "error dead: " + dead in res.out
    assert "Scrapy" not in both and "Traceback" not in both
    if verbose:
        assert "stored article" in res.err  # -v still shows what happened


def run_in_a_terminal(args: list[str], *, columns: int = 100, timeout: float = 180) -> str:
    """Run with stdout and stderr on a pseudo-terminal (so the progress bar shows); what the terminal got."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("DEALRADAR_CONFIG", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    try:
        assert proc.wait(timeout) == 0, b"".join(chunks).decode(errors="replace")
    finally:
        reader.join(10)
        os.close(master)
    return b"".join(chunks).decode(errors="replace")


def test_log_lines_print_above_the_progress_bar_not_into_it(tmp_path: Path, site: SiteServer) -> None:
    cfg, _ = crawl_config(tmp_path, site)
    screen = run_in_a_terminal([EXE, "crawl", "-c", str(cfg), "--no-alerts", "-v"])
    assert "crawling" in screen  # the bar was shown
    # What one screen line ends up holding: split where the terminal starts a line again.
    lines = re.split(r"[\r\n]", screen)
    logged = [line for line in lines if "stored article" in line]
    assert logged, screen
    for line in logged:
        assert "crawling" not in line and "article" in line.split("stored article")[0] + "article", repr(line)
        assert "━" not in line, repr(line)


def test_alerts_test_without_channels_is_a_configuration_problem(tmp_path: Path) -> None:
    res = dealradar("alerts", "test", "-c", str(write_yaml(tmp_path / "c.yaml", base_config(tmp_path))))
    assert res.code == 2
    assert res.err.strip() == ("dealradar: config error: alerts.channels: no alert channels configured; "
                               "add one (see the README)")


def test_the_readme_says_how_to_stop_its_first_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Setup", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    first = setup.split("# 2.", 1)[0]
    assert "dealradar run" in first and "Ctrl-C to stop" in first
