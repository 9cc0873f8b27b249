"""End to end: three outlets of a local news site cover the same deals in their own words and spellings.

Real crawl (Scrapy child process), real parser, real SQLite, real webhook receiver on 127.0.0.1.
Exactly one ``deal.new`` per deal, whatever each outlet calls the company or the deal's type, and
one ``deal.updated`` per step when a rumor is later announced, then closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import make_settings
from servers.webhook_receiver import RecordedRequest, WebhookReceiver

from crawler.cli.commands import crawl_once
from crawler.cli.sitehost import Reply, SiteServer, article_page, atom, news_sitemap, rss
from storage.repository import Repository

SECRET = "e2e-secret"


@dataclass(frozen=True)
class Story:
    outlet: str
    slug: str
    title: str
    published: str
    body: str
    crawl: int = 1  # the pass in which it is out


STORIES = [
    # Ampere: "Ampere Computing" at the wire, "Ampere" at the blog, "Ampere Computing LLC" in the daily.
    Story("wire", "ampere", "Ampere Computing raises $400 million in Series C round", "2026-11-10T09:00:00Z",
          "Ampere Computing, the Santa Clara designer of AI server chips, has raised $400 million in a Series C "
          "round led by Harbor Peak Ventures, the company said on Tuesday. The money pays for processors that "
          "run AI inference."),
    Story("blog", "ampere", "Ampere lands $400M for AI server chips", "2026-11-10T15:00:00Z",
          "Ampere said it closed a $400 million funding round led by Harbor Peak Ventures. The company designs "
          "processors that run AI models in data centres."),
    Story("daily", "ampere", "Ampere Computing LLC closes $400 million round", "2026-11-10T18:00:00Z",
          "Ampere Computing LLC has closed a $400 million round led by Harbor Peak Ventures to build AI server "
          "processors."),
    # Kalshi: a dateline glued to the name at the wire, a legal form in the daily.
    Story("wire", "kalshi", "Kalshi raises $300 million", "2026-11-11T09:00:00Z",
          "NEW YORK--Kalshi, the prediction market operator, said on Wednesday it had raised $300 million from "
          "Sundial Partners to expand its AI forecasting products."),
    Story("blog", "kalshi", "Prediction market Kalshi gets $300M for AI forecasts", "2026-11-11T13:00:00Z",
          "Kalshi has raised $300 million in new funding from Sundial Partners. The company uses AI models to "
          "price event contracts."),
    Story("daily", "kalshi", "Kalshi Inc. raises $300 million", "2026-11-11T16:00:00Z",
          "Kalshi Inc. has raised $300 million from Sundial Partners, the company said, as it adds AI "
          "forecasting tools to its prediction market."),
    # Corvane: debt at the wire, equity at the blog, structure not given in the daily.
    Story("wire", "corvane", "Corvane secures $250 million credit facility", "2026-11-12T09:00:00Z",
          "Corvane, which runs GPU clusters for AI labs, has secured a $250 million credit facility from "
          "Northgate Capital to buy more chips, the company said."),
    Story("blog", "corvane", "Corvane raises $250 million", "2026-11-12T14:00:00Z",
          "AI cloud provider Corvane has raised $250 million, it announced on Thursday. Northgate Capital "
          "provided the funds."),
    Story("daily", "corvane", "Corvane gets $250 million in financing", "2026-11-12T16:00:00Z",
          "Corvane, an AI cloud provider, has obtained $250 million in financing from Northgate Capital, it "
          "said. It did not say whether the money was debt or equity."),
    # Two companies sharing a word, same amount, same day: two deals.
    Story("wire", "tessel-ai", "Tessel AI raises $60 million", "2026-11-13T10:00:00Z",
          "Tessel AI, which trains language models for lawyers, has raised $60 million in a Series A round led "
          "by Meridian Growth."),
    Story("blog", "tessel-motors", "Tessel Motors raises $60 million", "2026-11-13T12:00:00Z",
          "Tessel Motors, an electric truck maker that uses AI to plan routes, has raised $60 million from "
          "Lanternfish Capital."),
    # Lumora: a rumor, announced six weeks later, closed three weeks after that.
    Story("blog", "lumora-talks", "Lumora in talks to raise $500 million", "2026-09-15T10:00:00Z",
          "Lumora, a startup building AI agents for hospitals, is in talks to raise $500 million, according to "
          "people familiar with the matter. The talks are ongoing and the terms could change."),
    Story("daily", "lumora-agreed", "Lumora agrees $500 million funding deal", "2026-10-30T10:00:00Z",
          "Lumora, which builds AI agents for hospitals, said on Friday it has agreed to raise $500 million "
          "from Orbit Peak Partners. The deal is expected to close next month.", crawl=2),
    Story("wire", "lumora-closed", "Lumora closes $500 million Series B", "2026-11-20T10:00:00Z",
          "Lumora, which builds AI agents for hospitals, said on Friday it has closed a $500 million Series B "
          "round led by Orbit Peak Partners.", crawl=3),
]
DEALS = {"Ampere", "Kalshi", "Corvane", "Tessel AI", "Tessel Motors", "Lumora"}


def publish(site: SiteServer, upto: int) -> None:
    """Every outlet's feed and pages for the stories out by pass ``upto``: RSS, Atom, a news sitemap."""
    site.add("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))
    for outlet in ("wire", "blog", "daily"):
        out = [s for s in STORIES if s.outlet == outlet and s.crawl <= upto]
        for s in out:
            site.add(f"/{outlet}/2026/{s.slug}", article_page(s.title, [s.body], published=s.published))
        links = [(site.url(f"/{outlet}/2026/{s.slug}"), s) for s in out]
        if outlet == "wire":
            site.add("/wire/feed.xml", Reply(rss([{"title": s.title, "link": u, "guid": u, "pubDate": s.published}
                                                  for u, s in links]), content_type="application/rss+xml"))
        elif outlet == "blog":
            site.add("/blog/atom.xml", Reply(atom([{"title": s.title, "link": u, "updated": s.published}
                                                   for u, s in links]), content_type="application/atom+xml"))
        else:
            site.add("/daily/news-sitemap.xml", Reply(news_sitemap([{"loc": u, "title": s.title, "date": s.published}
                                                                     for u, s in links]),
                                                      content_type="application/xml"))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def alerts(rx: WebhookReceiver, seen: int) -> list[dict[str, Any]]:
    """The signed alerts received after the first ``seen`` ones."""
    requests: list[RecordedRequest] = rx.requests[seen:]
    assert all(WebhookReceiver.verify(r, SECRET) for r in requests)
    return [r.json() for r in requests]


def test_outlets_spelling_one_deal_differently_give_one_new_alert_each_and_updates_as_it_closes(
        site: SiteServer, sqlite_url: str, receiver: WebhookReceiver) -> None:
    settings = make_settings(sqlite_url, [
        {"name": "wire", "outlet": "Wire", "feed": site.url("/wire/feed.xml")},
        {"name": "blog", "outlet": "Blog", "feed": site.url("/blog/atom.xml")},
        {"name": "daily", "outlet": "Daily", "sitemap": site.url("/daily/news-sitemap.xml")},
    ], alerts={"ai_only": False, "retry_base": "1s",
               "channels": [{"name": "hook", "webhook": receiver.url(), "secret": SECRET}]})

    # Pass 1, one outlet after another so the alerts come in one order on every run.
    publish(site, 1)
    for name in ("wire", "blog", "daily"):
        summary = crawl_once(settings, [name], show_progress=False)
        assert summary.alerts_failed == 0 and summary.alerts_pending == 0
    first = alerts(receiver, 0)
    new = [a for a in first if a["event"] == "deal.new"]
    assert sorted(a["deal"]["company"] for a in new) == sorted(
        ["Ampere Computing", "Kalshi", "Corvane", "Tessel AI", "Tessel Motors", "Lumora"])
    assert [a["event"] for a in first if a["event"] != "deal.new"] == []  # the same facts in other words

    repo = Repository.open(sqlite_url)
    try:
        deals = {d.record["company"]: d for d in repo.list_deals()}
    finally:
        repo.close()
    assert len(deals) == len(DEALS)
    assert {name: len(d.sources) for name, d in deals.items()} == {
        "Ampere Computing": 3, "Kalshi": 3, "Corvane": 3, "Tessel AI": 1, "Tessel Motors": 1, "Lumora": 1}
    assert deals["Corvane"].record["deal_type"] == "debt"  # one reading each: the first report's stands
    assert deals["Lumora"].record["status"] == "rumored"

    # Pass 2: the rumor is announced six weeks later, in another outlet's words.
    publish(site, 2)
    crawl_once(settings, ["daily"], show_progress=False)
    (announced,) = alerts(receiver, len(first))
    assert announced["event"] == "deal.updated" and announced["deal"]["company"] == "Lumora"
    assert announced["deal"]["id"] == next(a["deal"]["id"] for a in new if a["deal"]["company"] == "Lumora")
    changes = {c["field"]: (c["old"], c["new"]) for c in announced["changes"]}
    assert changes["status"] == ("rumored", "announced")
    assert changes["investors"] == ([], ["Orbit Peak Partners"])

    # Pass 3: it closes; status only moves forward and the update names the round too.
    publish(site, 3)
    crawl_once(settings, ["wire"], show_progress=False)
    (closed,) = alerts(receiver, len(first) + 1)
    assert closed["event"] == "deal.updated" and closed["deal"]["id"] == announced["deal"]["id"]
    changes = {c["field"]: (c["old"], c["new"]) for c in closed["changes"]}
    assert changes["status"] == ("announced", "closed")
    assert changes["round"] == (None, "Series B")
    assert closed["deal"]["status"] == "closed" and len(closed["deal"]["sources"]) == 3
    # every change is there: applied to the deal as last sent, they give the deal in this payload
    sent = {k: v for k, v in announced["deal"].items() if k not in ("id", "sources")}
    for change in closed["changes"]:
        assert sent[change["field"]] == change["old"]
        sent[change["field"]] = change["new"]
    assert sent == {k: v for k, v in closed["deal"].items() if k not in ("id", "sources")}
