"""Tables at 80 and 200 columns through the real ``dealradar`` command: columns chosen by width, headers and
names whole, long text wrapped on words, the same schedule and state words in ``sources list`` and ``status``,
and ``--json`` with everything."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from entrypoint import dealradar, write_yaml
from servers.webhook_receiver import free_port

from crawler.app import build_processor
from crawler.cli.sitehost import SiteServer, article_page, rss
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

DEAL = ("Northwind Vision, a Seattle startup building AI models for warehouse cameras, has raised $60 million in a "
        "Series B round led by Alder Peak Capital, with Cedar Row Ventures and Juniper Fields Capital joining.")
PHRASE_ERROR = "Connection was refused by other side"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One working source, one whose server is gone (a long error), one with a cron schedule; crawled once."""
    tmp = tmp_path_factory.mktemp("tables")
    with SiteServer() as site:
        site.add("/feed.xml", rss([]), content_type="application/rss+xml")
        doc = {"storage": {"url": f"sqlite:///{tmp / 'dealradar.db'}"},
               "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "retries": 0,
                         "max_article_age": "3650d", "workers": 1},
               "sources": [{"name": "northwind-daily-wire", "feed": site.url("/feed.xml"), "every": "10m"},
                           {"name": "broken-regional-feed", "feed": f"http://127.0.0.1:{free_port()}/broken.xml",
                            "every": "2h"},
                           {"name": "weekly", "feed": site.url("/feed.xml"), "cron": "0 9 * * 1"}]}
        cfg = write_yaml(tmp / "dealradar.yaml", doc)
        res = dealradar("crawl", "-c", str(cfg), "--no-alerts")
        assert res.code == 0, res
    repo = Repository.open(doc["storage"]["url"])
    html = article_page("Northwind Vision raises $60 million Series B", [DEAL, "More details followed."])
    build_processor(make_settings(doc["storage"]["url"], []), repo).process(
        ArticleItem(url="https://news.example/northwind", source="northwind-daily-wire", outlet="news.example",
                    html=html))
    repo.close()
    return cfg


def show(cfg: Path, columns: int, *args: str) -> list[str]:
    res = dealradar(*args, "-c", str(cfg), columns=columns)
    assert res.code == 0, res
    return res.out.splitlines()


def header_of(lines: list[str], first: str) -> list[str]:
    """The column headers of the table whose header line starts with ``first``."""
    line = next(line for line in lines if re.match(rf"{first}\s\s", line))
    return re.split(r"\s{2,}", line.strip())


def error_text(cfg: Path) -> str:
    res = dealradar("sources", "list", "-c", str(cfg), "--json")
    [broken] = [s for s in json.loads(res.out) if s["name"] == "broken-regional-feed"]
    return broken["state"]["last_error"]


@pytest.mark.parametrize("columns", [80, 200])
@pytest.mark.parametrize("command", [("sources", "list"), ("status",)])
def test_source_tables_fit_and_wrap_the_error_on_words(crawled: Path, columns: int, command: tuple[str, ...]) -> None:
    lines = show(crawled, columns, *command)
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    assert "…" not in "\n".join(lines)
    headers = header_of(lines, "name" if command[0] == "sources" else "source")
    assert "state" in headers and "last error" in headers
    for name in ("northwind-daily-wire", "broken-regional-feed", "weekly"):
        assert any(line.startswith(name) for line in lines)  # names whole, on their own row
    error = error_text(crawled)
    assert PHRASE_ERROR in error
    # Every word of the error is on the screen whole (wrapped between words, never cut inside one).
    screen_words = set(" ".join(lines).split())
    assert set(error.split()) - screen_words <= {w for w in error.split() if w.startswith("http")}, \
        ("\n".join(lines), error)
    if columns == 200:
        assert {"schedule", "fails", "last run", "next run"} <= set(headers)
    else:
        assert any(line.startswith("not shown at this width:") for line in lines)


def test_sources_list_and_status_show_schedules_and_states_alike(crawled: Path) -> None:
    listed = "\n".join(show(crawled, 200, "sources", "list"))
    status = "\n".join(show(crawled, 200, "status"))
    for name, schedule, state in (("northwind-daily-wire", "every 10m", "ok"),
                                  ("broken-regional-feed", "every 2h", "failing"),
                                  ("weekly", "cron 0 9 * * 1", "ok")):
        for text in (listed, status):
            [row] = [line for line in text.splitlines() if line.startswith(name)]
            assert schedule in row and re.search(rf"\s{state}\s", row), row
    assert "0:10:00" not in listed and "2:00:00" not in listed


@pytest.mark.parametrize("columns", [80, 200])
def test_deals_table_keeps_names_and_investor_lists_readable(crawled: Path, columns: int) -> None:
    lines = show(crawled, columns, "deals", "list")
    assert all(len(line) <= columns for line in lines)
    text = "\n".join(lines)
    assert "Northwind Vision" in text and "…" not in text
    # The nine words of the investor list wrap on words, several a line, never one word a line.
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("1 "))
    row = lines[start:next((i for i, line in enumerate(lines) if i > start and not line.startswith(" ")),
                           len(lines))]
    assert len(row) <= 4, "\n".join(lines)
    assert "Alder Peak" in text and "Cedar Row" in text and "Juniper" in text
    assert {"id", "company", "amount", "investors"} <= set(header_of(lines, "id"))


@pytest.mark.parametrize("columns", [80, 200])
def test_crawl_summary_headers_are_never_cut(crawled: Path, columns: int) -> None:
    res = dealradar("crawl", "-c", str(crawled), "--no-alerts", columns=columns)
    assert res.code == 0
    lines = res.out.splitlines()
    assert all(len(line) <= columns for line in lines), res.out
    headers = header_of(lines, "source")
    assert {"source", "fetched", "new", "deals new", "errors"} <= set(headers)
    assert not any(h.endswith("…") for h in headers)
    if columns == 200:
        assert "not modified" in headers and "conflicts" in headers


def test_json_carries_every_field(crawled: Path) -> None:
    res = dealradar("status", "-c", str(crawled), "--json", columns=80)
    report: dict[str, Any] = json.loads(res.out)
    [broken] = [s for s in report["sources"] if s["name"] == "broken-regional-feed"]
    assert PHRASE_ERROR in broken["last_error"] and broken["schedule"] == "every 2h" and broken["state"] == "failing"
    assert broken["url"].endswith("/broken.xml") and "last_run_at" in broken
    listed = json.loads(dealradar("sources", "list", "-c", str(crawled), "--json", columns=80).out)
    [weekly] = [s for s in listed if s["name"] == "weekly"]
    assert weekly["cron"] == "0 9 * * 1" and weekly["state"]["last_run_at"]
