"""``dealradar demo``: the whole pipeline on a bundled news web, with no network beyond 127.0.0.1."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from rich.table import Table

from crawler.bundled import bundled
from crawler.cli.sitehost import Reply, SiteServer, article_page, atom, news_sitemap, rss
from crawler.config import Settings, settings_from_dict
from crawler.crawl.report import CrawlSummary

DEMO_SECRET = "demo-secret"


def load_demo_site() -> dict[str, Any]:
    return yaml.safe_load(bundled("demo_site.yaml").read_text(encoding="utf-8"))


def publish(server: SiteServer, site: dict[str, Any], upto_pass: int) -> None:
    """(Re)build every outlet's index and article pages for the stories out by ``upto_pass``."""
    server.add("/robots.txt", Reply("User-agent: *\nAllow: /\n", content_type="text/plain"))
    server.add("/hook", Reply("ok", content_type="text/plain"))
    for outlet, spec in site["outlets"].items():
        stories = [a for a in site["articles"] if a["outlet"] == outlet and a["pass"] <= upto_pass]
        for a in stories:
            server.add(f"/{outlet}/{a['slug']}", article_page(a["title"], a["paragraphs"], published=a["published"],
                                                               ticker=a.get("ticker", ())))
        links = [(server.url(f"/{outlet}/{a['slug']}"), a) for a in stories]
        if spec["kind"] == "feed":
            server.add(f"/{outlet}/feed.xml", Reply(rss(
                [{"title": a["title"], "link": u, "guid": u, "pubDate": a["published"]} for u, a in links],
                title=outlet), content_type="application/rss+xml"))
        elif spec["kind"] == "atom":
            server.add(f"/{outlet}/atom.xml", Reply(atom(
                [{"title": a["title"], "link": u, "updated": a["published"]} for u, a in links], title=outlet),
                content_type="application/atom+xml"))
        elif spec["kind"] == "sitemap":
            server.add(f"/{outlet}/news-sitemap.xml", Reply(news_sitemap(
                [{"loc": u, "title": a["title"], "date": a["published"]} for u, a in links]),
                content_type="application/xml"))
        else:
            items = "".join(f'<li><a href="{u}">{a["title"]}</a></li>' for u, a in links)
            server.add(f"/{outlet}/", f"<html><body><h1>{outlet}</h1><ul>{items}</ul>"
                                      f'<a href="/{outlet}/about">About</a></body></html>')


def demo_settings(server: SiteServer, db_path: Path) -> Settings:
    def src(name: str, kind: str) -> dict[str, Any]:
        # One host serves every outlet, so each source names its outlet.
        common = {"name": name, "outlet": f"{name}.example"}
        if kind == "feed":
            return {**common, "feed": server.url(f"/{name}/feed.xml")}
        if kind == "atom":
            return {**common, "feed": server.url(f"/{name}/atom.xml")}
        if kind == "sitemap":
            return {**common, "sitemap": server.url(f"/{name}/news-sitemap.xml")}
        return {**common, "start_urls": [server.url(f"/{name}/")], "follow": r"/20\d\d/"}

    site = load_demo_site()
    return settings_from_dict({
        "storage": {"url": f"sqlite:///{db_path}"},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False,
                  "concurrency_per_host": 8, "max_article_age": "3650d", "retries": 1,
                  "workers": 1},  # analysis in the crawl process: no worker pool to start per source
        "sources": [src(n, o["kind"]) for n, o in site["outlets"].items()],
        "alerts": {"channels": [{"name": "demo-webhook", "webhook": server.url("/hook"), "secret": DEMO_SECRET}],
                   "retry_base": "1s"},
    }, env={})


def crawl_in_order(settings: Settings) -> CrawlSummary:
    """One pass over the sources one after another, in config order, as one summary.

    A pass over all sources at once stores articles in whatever order the responses arrive, and
    which outlet's figure a deal is first alerted with follows that order: one source at a time
    makes the demo print the same alerts on every run.
    """
    from crawler.cli.commands import crawl_once

    merged = CrawlSummary()
    for source in settings.sources:
        part = crawl_once(settings, [source.name], show_progress=False)
        merged.sources.extend(part.sources)
        merged.alerts_sent += part.alerts_sent
        merged.alerts_failed += part.alerts_failed
        merged.alerts_pending = part.alerts_pending
    return merged


def run_demo(*, keep: bool = False) -> None:
    from crawler.cli.render import console, money, print_crawl_summary
    from storage.repository import Repository

    out = console()
    site = load_demo_site()
    tmp = Path(tempfile.mkdtemp(prefix="dealradar-demo-"))
    db_path = tmp / "demo.db"
    with SiteServer() as server:
        out.print(f"[bold]DealRadar demo[/]: a news web of {len(site['outlets'])} outlets at {server.base}, "
                  f"database {db_path}")
        settings = demo_settings(server, db_path)
        for n in (1, 2):
            publish(server, site, n)
            out.print(f"\n[bold]Crawl {n}[/]" + (" (a day later: one more story is out)" if n == 2 else ""))
            print_crawl_summary(crawl_in_order(settings))
        repo = Repository.open(settings.storage.url)
        table = Table(title="Deals found")
        for col in ("id", "company", "type", "amount", "round", "investors", "valuation", "status", "sources"):
            table.add_column(col)
        for d in repo.list_deals():
            r = d.record
            table.add_row(str(d.id), r["company"], r["deal_type"], money(r.get("amount_usd")), r.get("round") or "—",
                          ", ".join(r.get("investors") or []) or "—", money(r.get("valuation_usd")), r["status"],
                          str(len(d.sources)))
        out.print(table)
        hooks = [json.loads(req.body) for req in server.hits("/hook") if req.method == "POST"]
        out.print(f"\n[bold]Alerts received by the demo webhook[/] ({len(hooks)}):")
        for h in hooks:
            deal = h["deal"]
            extra = ""
            if h["event"] == "deal.conflict":
                extra = " — " + " vs ".join(
                    f"{money(v['value'])} ({', '.join(s.get('outlet') or '?' for s in v['sources'])})"
                    for v in h["conflict"]["values"])
            elif h["event"] == "deal.updated":
                extra = " — " + "; ".join(f"{c['field']}: {c.get('old')} → {c.get('new')}" for c in h["changes"])
            out.print(f"  {h['event']:<14} {deal['company']} {money(deal.get('amount_usd'))} {deal['deal_type']}{extra}")
        repo.close()
    if keep:
        out.print(f"\nDemo database kept at {db_path}")
    else:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
