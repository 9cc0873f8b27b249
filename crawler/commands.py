"""What the CLI commands do, as plain functions that tests call directly."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import Settings, SourceSettings
from crawler.errors import ConfigError
from crawler.items import ArticleItem
from crawler.report import CrawlSummary

log = logging.getLogger(__name__)


def select_sources(settings: Settings, names: Sequence[str] = ()) -> list[SourceSettings]:
    if not names:
        return [s for s in settings.sources if s.enabled]
    known = {s.name for s in settings.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError("sources", f"no source named {', '.join(map(repr, unknown))}")
    return [settings.source(n) for n in names]


def crawl_once(settings: Settings, names: Sequence[str] = (), *, send_alerts: bool = True,
               show_progress: bool = True, log_level: str = "WARNING", summary_printed: bool = False) -> CrawlSummary:
    """One pass: crawl in a child process, then deliver the alerts it queued.

    ``summary_printed``: the caller prints the summary (``dealradar crawl``), so the child's log lines
    come through the progress display (above its bar) without the errors the summary lists; otherwise
    the child logs everything to this process's stderr."""
    from crawler.progress import CrawlProgress
    from crawler.runner import CrawlFailed, run_crawl

    sources = select_sources(settings, names)
    if not sources:
        return CrawlSummary()
    # Forked, the child keeps this process's sys.stderr; only the CLI, whose child logs through the queue,
    # is sure that is the real one.
    start_method = _preload_for_fork() if summary_printed else "spawn"
    with CrawlProgress([s.name for s in sources], enabled=show_progress) as progress:
        try:
            summary = run_crawl(settings, sources, progress=progress.advance, log_level=log_level,
                                log_lines=progress.log if summary_printed else None, start_method=start_method)
        except CrawlFailed as exc:
            from crawler.errors import DealRadarError

            raise DealRadarError(f"crawl failed: {exc}") from exc
    if send_alerts:
        from crawler.alerts.dispatcher import dispatch_once
        from storage.repository import Repository

        repo = Repository.open(settings.storage.url)
        try:
            result = dispatch_once(settings, repo)
            summary.alerts_sent, summary.alerts_failed = result.sent, result.failed
            summary.alerts_pending = repo.pending_count()
        finally:
            repo.close()
    return summary


def _preload_for_fork() -> str:
    """``fork`` where the platform has it, with Scrapy, SQLAlchemy and the spiders imported here first.

    A one-off crawl used to spawn its child: a new interpreter importing all of that again, about a
    second of CPU, before the first request. Forked from this process the child starts with them loaded.
    This process has no reactor and no open transaction to hand over; the progress bar's thread is held
    still while the fork happens (``crawler.progress``)."""
    import importlib
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods() or not sys.platform.startswith("linux"):
        return "spawn"
    from crawler.runner import _FORKSERVER_PRELOAD

    for name in _FORKSERVER_PRELOAD:
        if name != "crawler.deals":  # only a crawl without analysis workers parses in its own process
            importlib.import_module(name)
    return "fork"


def _text_input(obj: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A batch-input object with ``html`` turned into ``text`` by the real extractor."""
    from crawler.extract import extract_article, parse_date

    if obj.get("text") is not None or not isinstance(obj.get("html"), str):
        return obj
    published = parse_date(obj.get("published")) if isinstance(obj.get("published"), str) else None
    art = extract_article(ArticleItem(url=obj.get("url") or "about:blank", source="extract", html=obj["html"],
                                      entry_title=obj.get("title") or None, entry_published=published,
                                      fetched_at=now), now=now)
    return {**obj, "title": obj.get("title") or art.title or "", "text": art.text}


def extract_batch(settings: Settings, lines: Iterable[str]) -> Iterator[str]:
    """The fixed batch contract: one prediction per input line, same order, even for bad lines."""
    from crawler.app import parser_resources
    from crawler.deals.batch import predict

    resources = parser_resources(settings)
    now = datetime.now(UTC)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"dealradar: line {n}: not JSON ({exc.msg}); predicting no deal", file=sys.stderr)
            yield json.dumps({"id": None, "is_deal": False, "deals": []})
            continue
        ident = obj.get("id") if isinstance(obj, dict) else None
        try:
            if not isinstance(obj, dict):
                raise TypeError("each line must be a JSON object")
            out = predict(_text_input(obj, now), resources)
        except Exception as exc:  # one bad article must not cost the rest of the batch
            print(f"dealradar: line {n} (id {ident}): {type(exc).__name__}: {exc}", file=sys.stderr)
            out = {"id": ident, "is_deal": False, "deals": []}
        yield json.dumps(out, ensure_ascii=False)


def extract_one(settings: Settings, target: str) -> dict[str, Any]:
    """Parse one article from a URL, a file or stdin (``-``); HTML is detected and extracted first."""
    from crawler.app import parser_resources
    from crawler.deals import parse_article
    from crawler.extract import extract_article
    from crawler.fetch import fetch_page

    now = datetime.now(UTC)
    url = target
    if target.startswith(("http://", "https://")):
        page = fetch_page(target, settings.crawl)
        raw, url = page.text, page.url
    elif target == "-":
        raw, url = sys.stdin.read(), "stdin"
    else:
        path = Path(target)
        if not path.is_file():
            raise ConfigError("", f"no such file: {target}")
        raw, url = path.read_bytes().decode("utf-8", errors="replace"), path.resolve().as_uri()
    if raw.lstrip()[:1] == "<":
        art = extract_article(ArticleItem(url=url, source="extract", html=raw, fetched_at=now), now=now)
        title, text, published = art.title or "", art.text, art.published
    else:
        first, _, rest = raw.strip().partition("\n")
        title, text, published = first.strip(), rest.strip() or first.strip(), None
    result = parse_article(title, text, published, resources=parser_resources(settings))
    return {"url": url, "title": title, "is_deal": result.is_deal, "deals": [d.to_record() for d in result.deals]}
