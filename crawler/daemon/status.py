"""``dealradar status``: how the daemon and every source are doing, read from the database.

It works whether or not the daemon runs (everything it needs is in the database, plus a look at
the daemon lock), and the daemon's /metrics gauges use the same assessment, so a person and
Prometheus see the same "failing" and "stale".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crawler.config import DaemonSettings, Settings, SourceSettings
from crawler.daemon import polling
from crawler.daemon.scheduler import healthy_interval
from storage.records import SourceState
from storage.repository import Repository
from storage.schedule import PublishStats, publish_stats

RATE_WINDOW = timedelta(days=30)  # how far back the publish rate looks
OVERDUE_GRACE = timedelta(minutes=1)  # a pass this late means the daemon is not keeping up (or not running)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """What the schedule and the articles say about one source."""

    interval_s: float
    mean_gap_s: float | None
    expected_silence_s: float
    silent_for_s: float | None
    stale: bool
    failing: bool
    overdue_s: float | None


def redact_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def assess_source(src: SourceSettings, state: SourceState, stats: PublishStats | None, daemon: DaemonSettings,
                  now: datetime) -> SourceHealth:
    """Failing (the last pass failed), stale (no new article for longer than its rate predicts), overdue."""
    gap = polling.mean_gap(stats.count, stats.first, stats.last) if stats else None
    interval = healthy_interval(src, daemon, now, gap)
    expected = polling.expected_silence(interval_s=interval, floor_s=daemon.stale_after.total_seconds(),
                                        mean_gap_s=gap)
    overdue = None
    if state.next_run_at is not None and now - state.next_run_at > OVERDUE_GRACE:
        overdue = (now - state.next_run_at).total_seconds()
    return SourceHealth(
        interval_s=interval, mean_gap_s=gap, expected_silence_s=expected,
        silent_for_s=polling.silent_for(state.last_new_article_at, now),
        stale=polling.is_stale(state.last_new_article_at, now, expected),
        failing=state.consecutive_failures > 0, overdue_s=overdue,
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _state_word(src: SourceSettings, st: SourceState | None, health: SourceHealth | None) -> str:
    if not src.enabled:
        return "disabled"
    if st is None or st.last_run_at is None:
        return "never run"
    if health and health.failing:
        return "failing"
    if health and health.stale:
        return "stale"
    return "ok"


def build_status(settings: Settings, repo: Repository, now: datetime) -> dict[str, Any]:
    """Everything ``status`` shows, as JSON-ready values (``--json`` prints exactly this)."""
    from crawler.daemon.lock import daemon_running

    rows = source_rows(settings, repo, now)
    counts = repo.counts()
    enabled = [r for r in rows if r["enabled"]]
    return {
        "generated_at": now.isoformat(),
        "database": redact_url(settings.storage.url),
        "config": settings.path,
        "daemon": {"running": daemon_running(settings.storage.url)},
        "totals": {
            "sources": len(rows),
            "enabled": len(enabled),
            "failing": sum(1 for r in enabled if r["state"] == "failing"),
            "stale": sum(1 for r in enabled if r["stale"]),
            "overdue": sum(1 for r in enabled if r["overdue_s"]),
            "articles": counts.get("articles", 0),
            "deal_articles": counts.get("deal_articles", 0),
            "deals": counts.get("deals", 0),
        },
        "alerts": {k: counts.get(f"deliveries_{k}", 0) for k in ("pending", "sent", "failed")},
        "sources": rows,
    }


def source_rows(settings: Settings, repo: Repository, now: datetime) -> list[dict[str, Any]]:
    """The ``sources`` of ``build_status``: each configured source's state and health. Apart, so the web
    dashboard shows the same rows without counting every table, as the totals do."""
    states = {s.name: s for s in repo.list_sources()}
    stats = publish_stats(repo, now - RATE_WINDOW)
    rows = []
    for src in settings.sources:
        st = states.get(src.name)
        health = assess_source(src, st, stats.get(src.name), settings.daemon, now) if st else None
        rows.append({
            "name": src.name,
            "kind": src.kind,
            "url": src.urls[0],
            "enabled": src.enabled,
            "schedule": f"cron {src.cron}" if src.cron else f"every {_human(src.every.total_seconds())}",
            "state": _state_word(src, st, health),
            "last_run_at": _iso(st.last_run_at) if st else None,
            "last_success_at": _iso(st.last_success_at) if st else None,
            "next_run_at": _iso(st.next_run_at) if st else None,
            "last_status": st.last_status if st else None,
            "last_error": st.last_error if st else None,
            "consecutive_failures": st.consecutive_failures if st else 0,
            "failure_alerted": st.failure_alerted if st else False,
            "articles_total": st.articles_total if st else 0,
            "last_new_article_at": _iso(st.last_new_article_at) if st else None,
            "poll_hint_s": st.poll_hint_s if st else None,
            "interval_s": health.interval_s if health else None,
            "silent_for_s": health.silent_for_s if health else None,
            "expected_silence_s": health.expected_silence_s if health else None,
            "stale": bool(health and health.stale),
            "overdue_s": health.overdue_s if health and src.enabled else None,
        })
    return rows


def _human(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}" if seconds >= 10 * size else f"{seconds / size:.1f}".rstrip("0").rstrip(".") + unit
    return f"{seconds:.0f}s"


def _ago(iso: str | None, now: datetime, *, future: bool = False) -> str:
    if not iso:
        return "—"
    delta = (datetime.fromisoformat(iso) - now).total_seconds()
    if future:
        return f"in {_human(delta)}" if delta >= 0 else f"{_human(delta)} late"
    return f"{_human(delta)} ago"


_COLOURS = {"ok": "green", "failing": "red", "stale": "yellow", "never run": "dim", "disabled": "dim"}


def source_cells(r: dict[str, Any], now: datetime) -> dict[str, str]:
    """One row of ``build_status`` as table cells; ``status`` and ``sources list`` both show sources this way."""
    return {
        "state": f"[{_COLOURS.get(r['state'], 'white')}]{r['state']}[/]",
        "last run": _ago(r["last_run_at"], now),
        "last success": _ago(r["last_success_at"], now),
        "next run": _ago(r["next_run_at"], now, future=True) if r["enabled"] else "—",
        "fails": str(r["consecutive_failures"]),
        "articles": str(r["articles_total"]),
        "silent": _human(r["silent_for_s"]) if r["silent_for_s"] is not None else "—",
        "last error": _without_prefix(r["last_error"] or "", r["url"] + ": "),
    }


def _without_prefix(text: str, prefix: str) -> str:
    """An error about the source's own URL, without repeating the URL (``--json`` keeps the whole text)."""
    return text[len(prefix):] if text.startswith(prefix) else text


_STATUS_COLS = ("source", "state", "schedule", "last run", "last success", "next run", "fails", "articles", "silent",
                "last error")


def print_status(report: dict[str, Any]) -> None:
    """A table per source, and one line each for the daemon, the totals and the alert outbox."""
    from crawler.cli.render import console
    from crawler.cli.tables import Col, print_table

    out = console()
    now = datetime.fromisoformat(report["generated_at"])
    running = report["daemon"]["running"]
    daemon = {True: "[green]running[/]", False: "[yellow]not running[/]", None: "unknown"}[running]
    out.print(f"daemon: {daemon}   database: {report['database']}")
    t = report["totals"]
    out.print(f"sources: {t['enabled']} enabled of {t['sources']}, {t['failing']} failing, {t['stale']} stale, "
              f"{t['overdue']} overdue")
    out.print(f"articles: {t['articles']} ({t['deal_articles']} about deals)   deals: {t['deals']}")
    a = report["alerts"]
    pending = f"[yellow]{a['pending']}[/]" if a["pending"] else "0"
    failed = f"[red]{a['failed']}[/]" if a["failed"] else "0"
    out.print(f"alerts: {a['sent']} sent, {pending} pending, {failed} failed")
    cols = (Col("source"), Col("state"), Col("schedule", 2), Col("last run", 3), Col("last success", 4),
            Col("next run", 3), Col("fails", 2, right=True), Col("articles", 4, right=True), Col("silent", 4),
            Col("last error", 1, wrap=True, min_width=20))
    rows = []
    for r in report["sources"]:
        c = source_cells(r, now)
        rows.append((r["name"], c["state"], r["schedule"], *(c[k] for k in _STATUS_COLS[3:])))
    print_table(out, cols, rows)
