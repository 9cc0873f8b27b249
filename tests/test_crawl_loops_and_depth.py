"""Articles that used to vanish without a word: redirect chains that come back on themselves (Scrapy's
duplicate filter dropped the repeated request quietly) and pages nested past libxml2's depth limit (the
tree was cut and the text came out empty). A crawl of a fixture site on 127.0.0.1 through the real engine,
and the extractor on its own."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import make_settings

from crawler.cli.commands import crawl_once
from crawler.cli.sitehost import Reply, SiteServer, article_page, rss
from crawler.crawl.extract import MAX_DEPTH, extract_article
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

DEAL = ("Nimbus Grid, a Dublin company that trains AI models for power networks, has raised $30 million in a "
        "Series B round led by Kestrel Partners, the company said on Tuesday.")
MORE = "The money will pay for a second data centre and forty new engineers over the next two years."


def nested(depth: int, title: str = "Nimbus Grid raises $30 million") -> str:
    return (f"<html><head><title>{title}</title><script>var tracker = 1;</script></head><body>"
            "<nav>Home | World | Markets</nav>" + "<div>" * depth + f"<p>{DEAL}</p><p>{MORE}</p>" + "</div>" * depth
            + "<footer>All rights reserved</footer></body></html>")


def test_redirect_loops_are_reported_with_their_chain(site: SiteServer, tmp_path: Path) -> None:
    site.add("/a/cycle-1", Reply(b"", status=302, headers={"Location": "/a/cycle-2"}))
    site.add("/a/cycle-2", Reply(b"", status=301, headers={"Location": "/a/cycle-1"}))
    site.add("/a/self", Reply(b"", status=307, headers={"Location": "/a/self?utm_source=loop"}))
    site.add("/a/refresh", '<html><head><meta http-equiv="refresh" content="0; url=/a/refresh"></head>'
                           "<body><p>Moved.</p></body></html>")
    site.add("/a/fine", article_page("Nimbus Grid raises $30 million", [DEAL, MORE]))
    links = ["/a/cycle-1", "/a/self", "/a/refresh", "/a/fine"]
    site.add("/feed.xml", Reply(rss([{"title": p, "link": site.url(p), "guid": p} for p in links]),
                                content_type="application/rss+xml"))
    db = f"sqlite:///{tmp_path / 'loops.db'}"
    settings = make_settings(db, [{"name": "wire", "feed": site.url("/feed.xml")}])
    [rep] = crawl_once(settings, send_alerts=False, show_progress=False).sources
    assert rep.ok and rep.new_articles == 1, (rep.fatal, rep.errors)
    loops = [e for e in rep.errors if "redirect loop" in e]
    assert len(loops) == 3, rep.errors
    cycle = next(e for e in loops if "cycle" in e)
    assert f"({site.url('/a/cycle-1')} -> {site.url('/a/cycle-2')} -> {site.url('/a/cycle-1')})" in cycle
    assert any(site.url("/a/self") in e and "utm_source=loop" in e for e in loops)
    assert any(site.url("/a/refresh") in e for e in loops)
    assert all(e.endswith("gave up") for e in loops)
    assert len(site.hits("/a/cycle-1")) == 1 and len(site.hits("/a/cycle-2")) == 1  # found, not walked round


def test_deeply_nested_article_is_stored_with_its_text(site: SiteServer, tmp_path: Path) -> None:
    site.add("/a/deep", nested(400))
    site.add("/feed.xml", Reply(rss([{"title": "deep", "link": site.url("/a/deep"), "guid": "deep"}]),
                                content_type="application/rss+xml"))
    db = f"sqlite:///{tmp_path / 'deep.db'}"
    settings = make_settings(db, [{"name": "wire", "feed": site.url("/feed.xml")}])
    [rep] = crawl_once(settings, send_alerts=False, show_progress=False).sources
    assert rep.ok and rep.new_articles == 1 and rep.deals_new == 1, (rep.errors, rep.warnings)
    repo = Repository.open(db)
    try:
        [deal] = repo.list_deals()
        # The round and the lead investor are only in the body, which used to come out empty.
        assert deal.record["company"] == "Nimbus Grid" and deal.record["amount_usd"] == 30e6
        assert deal.record["round"] == "Series B" and deal.record["lead_investors"] == ["Kestrel Partners"]
    finally:
        repo.close()
    with sqlite3.connect(tmp_path / "deep.db") as conn:
        (text,) = conn.execute("SELECT text FROM articles WHERE url = ?", (site.url("/a/deep"),)).fetchone()
    assert DEAL in text and MORE in text


@pytest.mark.parametrize("depth", [300, 1000, MAX_DEPTH - 10])
def test_text_is_extracted_below_the_old_256_level_limit(depth: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.crawl.extract"):
        art = extract_article(ArticleItem(url="https://news.example/deep", source="s", html=nested(depth)),
                              now=datetime.now(UTC))
    assert DEAL in art.text and MORE in art.text
    assert art.title == "Nimbus Grid raises $30 million"
    assert not [r for r in caplog.records if "nested deeper" in r.getMessage()]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 10, 20_000])
def test_past_the_parser_limit_the_text_is_still_read_with_a_warning(
        depth: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.crawl.extract"):
        art = extract_article(ArticleItem(url="https://news.example/deeper", source="s", html=nested(depth)),
                              now=datetime.now(UTC))
    assert art.text == f"{DEAL}\n\n{MORE}"  # no navigation, script or footer
    [warning] = [r.getMessage() for r in caplog.records if "nested deeper" in r.getMessage()]
    assert f"nested deeper than {MAX_DEPTH} levels" in warning and "https://news.example/deeper" in warning
