"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright, against a real
``dealradar serve`` over a database filled by ``dealradar crawl`` of a local news site (two outlets, one deal
they disagree on). Load /, filter by company, open the deal, see its sources and the conflict, log in with the
token, dismiss it and see it gone. Screenshots (laptop and phone) are kept as artifacts: in
``$DEALRADAR_TEST_ARTIFACTS`` when set, else in the test's temporary directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from entrypoint import dealradar, write_yaml
from servers.web_proc import Served
from webdata import HOSTILE, TOKEN

from crawler.cli.sitehost import Reply, SiteServer, article_page, rss

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed "
                                "(apt-get install chromium; .ci/run does it)")

ARTICLES = {
    "wire": [
        ("northwind", "Northwind Vision raises $60 million Series B", "2026-11-10T09:00:00Z",
         "Northwind Vision, a Seattle startup building AI models for warehouse cameras, has raised $60 million in a "
         "Series B round led by Alder Peak Capital. Existing investor Cedar Row Ventures also took part."),
        ("tessel", "Tessel AI raises $25 million Series A", "2026-11-12T10:00:00Z",
         "Tessel AI, which trains language models for lawyers, has raised $25 million in a Series A round led by "
         "Meridian Growth."),
        ("quillmark", f"Quillmark {HOSTILE} raises $40 million", "2026-11-15T10:00:00Z",
         f"Quillmark, an AI startup writing contracts, has raised $40 million in a Series B round led by Harbor "
         f"Peak Ventures. {HOSTILE}"),
    ],
    "daily": [
        ("northwind", "Northwind Vision gets $80 million for AI cameras", "2026-11-10T15:00:00Z",
         "Northwind Vision, the AI camera startup, has raised $80 million in a Series B round led by Alder Peak "
         "Capital, the company said on Tuesday."),
        ("corvane", "Corvane secures $250 million credit facility", "2026-11-14T10:00:00Z",
         "Corvane, which runs GPU clusters for AI labs, has secured a $250 million credit facility from Northgate "
         "Capital to buy more chips, the company said."),
    ],
}


@pytest.fixture
def news_site() -> Iterator[SiteServer]:
    site = SiteServer().start()
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    for outlet, stories in ARTICLES.items():
        items = []
        for slug, title, published, body in stories:
            path = f"/{outlet}/{slug}"
            site.add(path, article_page(title, [body, "More details followed later in the day."], published=published))
            items.append({"title": title, "link": site.url(path), "guid": site.url(path),
                          "pubDate": "Tue, 10 Nov 2026 10:00:00 GMT"})
        site.add(f"/{outlet}.xml", Reply(rss(items, title=outlet).encode(), content_type="application/rss+xml"))
    yield site
    site.stop()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    target = Path(os.environ.get("DEALRADAR_TEST_ARTIFACTS") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_dashboard_in_chromium(tmp_path: Path, news_site: SiteServer, artifacts: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    cfg = write_yaml(tmp_path / "dealradar.yaml", {
        "storage": {"url": f"sqlite:///{tmp_path / 'dealradar.db'}"},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "concurrency_per_host": 8,
                  "max_article_age": "3650d", "workers": 1},
        "sources": [{"name": o, "feed": news_site.url(f"/{o}.xml"), "outlet": f"{o}.example"} for o in ARTICLES],
        "web": {"token": TOKEN},
    })
    crawl = dealradar("crawl", "-c", str(cfg), "--json", timeout=180)
    assert crawl.code == 0, crawl.err
    server = Served("-c", str(cfg), "--port", "0")
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))  # a script that ran

            page.goto(f"{server.base}/")
            expect(page.locator("table.deals tbody tr")).to_have_count(4)
            expect(page.locator("svg.chart")).to_have_count(2)
            page.screenshot(path=str(artifacts / "deals.png"), full_page=True)

            page.fill("input[name=company]", "Northwind Vision")
            page.click("form.filters button[type=submit]")
            expect(page).to_have_url(f"{server.base}/?company=Northwind+Vision")  # the filter state, in the URL
            rows = page.locator("table.deals tbody tr")
            expect(rows).to_have_count(1)
            page.click("a.company:has-text('Northwind Vision')")

            expect(page.locator("h1")).to_contain_text("Northwind Vision")
            sources = page.locator("ul.sources > li")
            expect(sources).to_have_count(2)
            expect(page.locator("ul.sources")).to_contain_text("wire.example")
            expect(page.locator("ul.sources")).to_contain_text("daily.example")
            expect(page.locator("section.conflicts .claim")).to_have_count(2)
            expect(page.locator("section.conflicts")).to_contain_text("$80M")
            page.screenshot(path=str(artifacts / "deal.png"), full_page=True)

            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto(f"{server.base}/conflicts")
            expect(phone.locator("section.conflict .claim")).to_have_count(2)
            phone.screenshot(path=str(artifacts / "conflicts-phone.png"), full_page=True)

            page.click("text=Log in")
            page.fill("input[name=token]", TOKEN)
            page.click("form.login button")
            expect(page.locator("h1")).to_contain_text("Northwind Vision")
            page.click("#dismiss")
            expect(page.locator("p.notice")).to_contain_text("Dismissed as not a deal")
            page.goto(f"{server.base}/")
            expect(page.locator("table.deals tbody tr")).to_have_count(3)
            expect(page.locator("table.deals")).not_to_contain_text("Northwind Vision")
            page.click("a.company:has-text('Quillmark')")
            expect(page.locator("ul.sources")).to_contain_text('<script>alert("x")</script>')  # the title, as text

            phone.goto(f"{server.base}/")
            phone.screenshot(path=str(artifacts / "deals-phone.png"), full_page=True)
            page.goto(f"{server.base}/sources")
            expect(page.locator("table.sources-table tbody tr")).to_have_count(2)
            page.screenshot(path=str(artifacts / "sources.png"), full_page=True)
            browser.close()
    finally:
        code = server.stop()
    assert code == 0
    assert problems == []  # no script ran, nothing the policy had to block
    assert {p.name for p in artifacts.iterdir()} >= {"deals.png", "deal.png", "deals-phone.png", "sources.png"}
    shutil.copy(cfg, artifacts / "dealradar.yaml")
