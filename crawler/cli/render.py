"""Human-readable output for the CLI (rich tables). Machine output is JSON and lives in the commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.markup import escape

from crawler.cli.tables import Col, print_table
from crawler.crawl.report import CrawlSummary
from crawler.record import money


def console() -> Console:
    """The terminal's width; ``$COLUMNS`` when set; 160 for pipes and logs (whole names, not an 80-column squeeze)."""
    from crawler.config import columns_asked

    out = Console(highlight=False, soft_wrap=False)
    if not out.is_terminal and not columns_asked():
        out = Console(highlight=False, soft_wrap=False, width=160)
    return out


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 deal``, ``2 deals``, ``1 delivery``, ``3 deliveries``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


_SUMMARY_COLS = (Col("source"), Col("fetched", 1, right=True), Col("new", right=True), Col("dup", 3, right=True),
                 Col("seen", 3, right=True), Col("not modified", 4), Col("deals new", right=True),
                 Col("updated", 2, right=True), Col("conflicts", 2, right=True), Col("errors", right=True))


def print_crawl_summary(summary: CrawlSummary) -> None:
    rows = [(s.source, str(s.fetched), str(s.new_articles), str(s.duplicates), str(s.already_seen),
             "yes" if s.not_modified else "", str(s.deals_new), str(s.deals_updated), str(s.conflicts),
             f"[red]{len(s.errors)}[/]" if s.errors else "0") for s in summary.sources]
    out = console()
    print_table(out, _SUMMARY_COLS, rows, title="Crawl summary")
    out.print(f"articles new {summary.total('new_articles')}, deals new {summary.total('deals_new')}, "
              f"updated {summary.total('deals_updated')}, conflicts {summary.total('conflicts')}; "
              f"alerts sent {summary.alerts_sent}, failed {summary.alerts_failed}, pending {summary.alerts_pending}")
    for s in summary.sources:
        for err in s.errors[:10]:
            out.print(f"[red]error[/] {s.source}: {err}", markup=True)
        if len(s.errors) > 10:
            out.print(f"[red]error[/] {s.source}: ... and {len(s.errors) - 10} more")
        for w in s.warnings[:5]:
            out.print(f"[yellow]warning[/] {s.source}: {w}")


_TITLE_NOTES = {
    "option": "title: from --title",
    "page": "title: from the page",
    "first line": "title: the text's first line (--title TEXT sets another)",
    "none": "no title: the text has no headline line, all of it is read as the body (--title TEXT sets one)",
}


def print_extraction(result: dict[str, Any]) -> None:
    """The parse of one article, saying which headline it was read with."""
    out = console()
    out.print(escape(result.get("title") or result.get("url") or ""), style="bold")
    note = _TITLE_NOTES.get(result.get("title_from") or "")
    if note:
        out.print(f"[dim]({escape(note)})[/]")
    out.print(f"is_deal: {result['is_deal']}")
    if not result["deals"]:
        return
    cols = (Col("company", wrap=True, min_width=14), Col("type", 1), Col("amount"), Col("round", 2),
            Col("investors (lead*)", 1, wrap=True, min_width=18), Col("valuation", 3), Col("status", 1), Col("AI", 4))
    rows = []
    for d in result["deals"]:
        leads = set(d.get("lead_investors") or [])
        inv = ", ".join(f"{i}*" if i in leads else i for i in d.get("investors") or [])
        rows.append((d["company"], d["deal_type"], d.get("amount_text") or money(d.get("amount_usd")),
                     d.get("round") or "—", inv or "—", money(d.get("valuation_usd")), d["status"],
                     "yes" if d.get("ai_related") else "no"))
    print_table(out, cols, rows)
    for d in result["deals"]:
        for ev in d.get("evidence") or []:
            out.print(f"  [dim]{d['company']}: “{ev.get('text')}” [{ev.get('start')}:{ev.get('end')}][/]")


def print_sources(report: dict[str, Any]) -> None:
    """The sources part of ``status``: the same schedule and state words, with each source's URL."""
    from crawler.daemon.status import source_cells

    cols = (Col("name"), Col("kind", 4), Col("schedule", 2), Col("state"), Col("last run", 3), Col("next run", 3),
            Col("fails", 2, right=True), Col("articles", 4, right=True), Col("url", 5, wrap=True, min_width=24),
            Col("last error", 1, wrap=True, min_width=20))
    now = datetime.fromisoformat(report["generated_at"])
    rows = []
    for r in report["sources"]:
        c = source_cells(r, now)
        rows.append((r["name"], r["kind"], r["schedule"], c["state"], c["last run"], c["next run"], c["fails"],
                     c["articles"], r["url"], c["last error"]))
    print_table(console(), cols, rows, title="Sources")


CSV_FIELDS = ("id", "company", "deal_type", "amount_usd", "amount_text", "currency", "round", "investors",
              "lead_investors", "valuation_usd", "status", "ai_related", "first_seen", "last_seen", "sources")


def write_deals_csv(deals: Sequence[Any], stream: Any) -> None:
    import csv

    w = csv.writer(stream)
    w.writerow(CSV_FIELDS)
    for d in deals:
        r = d.record
        w.writerow([d.id, r["company"], r["deal_type"], r.get("amount_usd"), r.get("amount_text"), r.get("currency"),
                    r.get("round"), "; ".join(r.get("investors") or []), "; ".join(r.get("lead_investors") or []),
                    r.get("valuation_usd"), r["status"], r.get("ai_related"), d.first_seen.isoformat(),
                    d.last_seen.isoformat(), " ".join(s["url"] for s in d.sources)])


_DEAL_COLS = (Col("id", right=True), Col("company", wrap=True, min_width=14), Col("type", 2), Col("amount", right=True),
              Col("round", 2), Col("investors", 1, wrap=True, min_width=18), Col("valuation", 3, right=True),
              Col("status", 1), Col("sources", 3, right=True), Col("last seen", 4))


def print_deals(deals: Sequence[Any]) -> None:
    rows = []
    for d in deals:
        r = d.record
        rows.append((str(d.id), r["company"], r["deal_type"], money(r.get("amount_usd")), r.get("round") or "—",
                     ", ".join(r.get("investors") or []) or "—", money(r.get("valuation_usd")), r["status"],
                     str(len(d.sources)), when(d.last_seen)))
    print_table(console(), _DEAL_COLS, rows, title=plural(len(deals), "deal"))


def print_deal(deal: Any, events: Sequence[Any]) -> None:
    out = console()
    r = deal.record
    out.print(f"[bold]Deal {deal.id}: {r['company']}[/] — {r['deal_type']}, {money(r.get('amount_usd'))}, "
              f"{r.get('round') or 'no round'}, {r['status']}")
    out.print(f"investors: {', '.join(r.get('investors') or []) or '—'} (lead: "
              f"{', '.join(r.get('lead_investors') or []) or '—'}); valuation {money(r.get('valuation_usd'))}")
    out.print(f"first seen {when(deal.first_seen)}, last seen {when(deal.last_seen)}")
    out.print("\n[bold]Sources[/]")
    for s in deal.sources:
        tag = " (syndicated)" if s.get("syndicated") else ""
        out.print(f"  {s.get('outlet') or '?'}{tag}: {s.get('title') or ''}\n    {s['url']}")
        if s.get("amount_text") or s.get("sentence"):
            out.print(f"    [dim]{s.get('amount_text') or ''} — “{s.get('sentence') or ''}”[/]")
    out.print("\n[bold]Events[/]")
    for e in events:
        line = f"  {e.body.get('occurred_at', '')[:16]} {e.event}"
        if e.event == "deal.updated":
            line += ": " + "; ".join(f"{c['field']} {c.get('old')} → {c.get('new')}" for c in e.body.get("changes", []))
        elif e.event == "deal.conflict":
            c = e.body.get("conflict") or {}
            line += f": {c.get('field')} " + " vs ".join(
                f"{money(v.get('value')) if isinstance(v.get('value'), int | float) else v.get('value')} "
                f"({', '.join(s.get('outlet') or '?' for s in v.get('sources', []))})" for v in c.get("values", []))
        out.print(line)


_DELIVERY_COLS = (Col("id", right=True), Col("channel", 1), Col("event"), Col("company", 2, wrap=True, min_width=14),
                  Col("status"), Col("attempts", 1, right=True), Col("next attempt", 3), Col("sent", 3),
                  Col("last error", 1, wrap=True, min_width=24))


def print_deliveries(rows: Sequence[Any]) -> None:
    cells = [(str(d.id), d.channel, d.event, d.company or "—", d.status, str(d.attempts),
              when(d.next_attempt_at) if d.status == "pending" else "", when(d.sent_at), d.last_error or "")
             for d in rows]
    print_table(console(), _DELIVERY_COLS, cells, title=plural(len(rows), "delivery", "deliveries"))
