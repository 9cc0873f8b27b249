"""The command line, thin over the library: exit codes, JSON shapes, the batch contract."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import make_settings

from crawler.app import build_processor
from crawler.cli.cmdline import main
from crawler.cli.sitehost import SiteServer, article_page, rss
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

DEAL_TEXT = ("Northwind Vision, a Seattle startup building AI models for warehouse cameras, has raised $60 million "
             "in a Series B round led by Alder Peak Capital. Existing investor Cedar Row Ventures also took part.")


def write_config(tmp_path: Path, db_url: str, **extra: object) -> Path:
    cfg = tmp_path / "dealradar.yaml"
    data = {"storage": {"url": db_url}, "sources": [], **extra}
    cfg.write_text(yaml.safe_dump(data))
    return cfg


@pytest.fixture
def stored(tmp_path: Path, sqlite_url: str) -> Path:
    cfg = write_config(tmp_path, sqlite_url)
    settings = make_settings(sqlite_url, [])
    repo = Repository.open(sqlite_url)
    html = article_page("Northwind Vision raises $60 million Series B", [DEAL_TEXT, "More details followed."])
    build_processor(settings, repo).process(
        ArticleItem(url="https://news.example/northwind", source="s", outlet="news.example", html=html))
    return cfg


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_deals_list_json_show_and_export(stored: Path) -> None:
    code, out = run("deals", "list", "-c", str(stored), "--json")
    assert code == 0
    [deal] = json.loads(out)
    assert deal["company"] == "Northwind Vision" and deal["amount_usd"] == 60e6 and deal["id"] >= 1
    assert deal["sources"][0]["url"] == "https://news.example/northwind"
    code, out = run("deals", "list", "-c", str(stored), "--json", "--min-amount", "1e9")
    assert code == 0 and json.loads(out) == []
    code, out = run("deals", "show", str(deal["id"]), "-c", str(stored))
    assert code == 0 and "Northwind Vision" in out and "deal.new" in out
    code, out = run("deals", "export", "-c", str(stored), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["company"] == "Northwind Vision" and rows[0]["round"] == "Series B"
    code, out = run("deals", "show", "999", "-c", str(stored))
    assert code == 1


def test_alerts_list_and_retry(stored: Path) -> None:
    code, out = run("alerts", "list", "-c", str(stored), "--json")
    assert code == 0 and json.loads(out) == []  # no channels configured, so nothing was queued
    code, out = run("alerts", "retry", "-c", str(stored))
    assert code == 0 and "0 deliveries" in out
    code, out = run("alerts", "test", "-c", str(stored))
    assert code == 2  # no channels: a configuration problem


def test_extract_batch_contract(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "url": "https://x.example/a", "title": "Northwind Vision raises $60 million",
         "published": "2026-11-01T10:00:00Z", "text": DEAL_TEXT},
        {"id": "b", "url": "https://x.example/b", "title": "Weather in Lisbon",
         "published": "2026-11-01T10:00:00Z", "text": "It will rain on Tuesday and clear up by the weekend."},
        {"id": "c", "url": "https://x.example/c", "title": "Northwind Vision raises $60 million",
         "published": "2026-11-01T10:00:00Z", "html": article_page("Northwind Vision raises $60 million", [DEAL_TEXT])},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "extract", "--jsonl", str(src)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", None]
    assert out[0]["is_deal"] and out[0]["deals"][0]["company"] == "Northwind Vision"
    assert out[0]["deals"][0]["lead_investors"] == ["Alder Peak Capital"]
    assert not out[1]["is_deal"] and out[1]["deals"] == []
    assert out[2]["deals"][0]["amount_usd"] == 60e6
    assert "line 4" in proc.stderr


def test_extract_one_file_and_url(tmp_path: Path, site: SiteServer) -> None:
    page = tmp_path / "a.html"
    page.write_text(article_page("Northwind Vision raises $60 million", [DEAL_TEXT]))
    code, out = run("extract", str(page), "--json")
    assert code == 0 and json.loads(out)["deals"][0]["round"] == "Series B"
    site.add("/story", article_page("Northwind Vision raises $60 million", [DEAL_TEXT]))
    cfg = write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", crawl={"allow_private_addresses": True})
    code, out = run("extract", site.url("/story"), "-c", str(cfg))
    assert code == 0 and "Northwind Vision" in out and "Alder Peak Capital" in out
    # Without the setting a loopback URL is refused with a clear error.
    code, out = run("extract", site.url("/story"), "-c", str(write_config(tmp_path, "sqlite:///x.db")))
    assert code == 1


def test_crawl_command_summary_and_sources_list(tmp_path: Path, site: SiteServer) -> None:
    site.add("/n/1", article_page("Northwind Vision raises $60 million", [DEAL_TEXT]))
    site.add("/feed.xml", rss([{"title": "n", "link": site.url("/n/1")}]), content_type="application/rss+xml")
    cfg = write_config(tmp_path, f"sqlite:///{tmp_path / 'c.db'}",
                       crawl={"allow_private_addresses": True, "delay": "0s", "workers": 1},
                       sources=[{"name": "wire", "feed": site.url("/feed.xml")},
                                {"name": "gone", "feed": site.url("/missing.xml")}])
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "-c", str(cfg), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = {s["source"]: s for s in json.loads(proc.stdout)["sources"]}
    assert summary["wire"]["new_articles"] == 1 and summary["wire"]["deals_new"] == 1
    assert summary["gone"]["fatal"] and "404" in summary["gone"]["fatal"]
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "-c", str(cfg)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Crawl summary" in proc.stdout and "404" in proc.stdout
    code, out = run("sources", "list", "-c", str(cfg), "--json")
    states = {s["name"]: s["state"] for s in json.loads(out)}
    assert states["wire"]["last_status"] == "not-modified" and states["gone"]["consecutive_failures"] == 2
    code, out = run("crawl", "-c", str(cfg), "--source", "nope")
    assert code == 2
    code, out = run("db", "upgrade", "-c", str(cfg))
    assert code == 0 and "revision" in out


def test_storage_failure_exits_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cfg = write_config(tmp_path, f"sqlite:///{blocker}/sub/db.sqlite")
    code, out = run("deals", "list", "-c", str(cfg))
    assert code == 1


def test_demo_runs_the_whole_pipeline() -> None:
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "demo"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "deal.new" in proc.stdout and "deal.conflict" in proc.stdout and "deal.updated" in proc.stdout


def test_deals_list_company_filter_takes_the_start_of_a_longer_name(stored: Path) -> None:
    """"--company Northwind" finds "Northwind Vision"; a name that starts no company finds nothing."""
    code, out = run("deals", "list", "-c", str(stored), "--json", "--company", "Northwind")
    assert code == 0 and [d["company"] for d in json.loads(out)] == ["Northwind Vision"]
    code, out = run("deals", "list", "-c", str(stored), "--json", "--company", "northwind vision")
    assert code == 0 and [d["company"] for d in json.loads(out)] == ["Northwind Vision"]
    code, out = run("deals", "list", "-c", str(stored), "--json", "--company", "Vision")
    assert code == 0 and json.loads(out) == []
