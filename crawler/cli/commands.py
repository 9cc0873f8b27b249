"""What the CLI commands do, as plain functions that tests call directly."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from crawler.config import Settings, SourceSettings
from crawler.crawl.items import ArticleItem
from crawler.crawl.report import CrawlSummary
from crawler.errors import ConfigError

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
    from crawler.cli.progress import CrawlProgress
    from crawler.crawl.runner import CrawlFailed, run_crawl

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
    still while the fork happens (``crawler.cli.progress``)."""
    import importlib
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods() or not sys.platform.startswith("linux"):
        return "spawn"
    from crawler.crawl.runner import _FORKSERVER_PRELOAD

    for name in _FORKSERVER_PRELOAD:
        if name != "crawler.deals":  # only a crawl without analysis workers parses in its own process
            importlib.import_module(name)
    return "fork"


def _text_input(obj: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A batch-input object with ``html`` turned into ``text`` by the real extractor."""
    from crawler.crawl.extract import extract_article, parse_date

    if obj.get("text") is not None or not isinstance(obj.get("html"), str):
        return obj
    published = parse_date(obj.get("published")) if isinstance(obj.get("published"), str) else None
    art = extract_article(ArticleItem(url=obj.get("url") or "about:blank", source="extract", html=obj["html"],
                                      entry_title=obj.get("title") or None, entry_published=published,
                                      fetched_at=now), now=now)
    return {**obj, "title": obj.get("title") or art.title or "", "text": art.text}


def extract_batch(settings: Settings, lines: Iterable[bytes | str]) -> Iterator[str]:
    """The fixed batch contract: one prediction per input line, same order, even for bad lines (not UTF-8,
    not JSON, not an object): each of those gets its reason on stderr and a no-deal line with its id when
    the id can still be read."""
    from crawler.app import parser_resources
    from crawler.deals.batch import predict

    resources = parser_resources(settings)
    now = datetime.now(UTC)
    for n, raw in enumerate(lines, 1):
        line, problem = _decode_line(raw, first=n == 1)
        if not line.strip():
            continue
        if problem:
            ident = _recoverable_id(line)
            print(f"dealradar: line {n}{_id_note(ident)}: {problem}; predicting no deal", file=sys.stderr)
            yield json.dumps({"id": ident, "is_deal": False, "deals": []}, ensure_ascii=False)
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


def _decode_line(raw: bytes | str, *, first: bool) -> tuple[str, str | None]:
    """A batch line as text, and why it cannot be used when it is not UTF-8 (decoded with U+FFFD then)."""
    if isinstance(raw, str):
        return (raw.removeprefix("\ufeff") if first else raw), None
    if first:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 1].hex()
        return raw.decode("utf-8", errors="replace"), f"not UTF-8 (byte 0x{bad} at offset {exc.start})"


def _recoverable_id(line: str) -> Any:
    """The line's ``id`` when the line still parses and the id itself was not damaged."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None
    ident = obj.get("id") if isinstance(obj, dict) else None
    return None if isinstance(ident, str) and "\ufffd" in ident else ident


def _id_note(ident: Any) -> str:
    return f" (id {ident})" if ident is not None else ""


def extract_one(settings: Settings, target: str, *, title: str | None = None) -> dict[str, Any]:
    """Parse one article from a URL, a file or stdin (``-``); HTML is detected and extracted first.

    The result says which title was used and where it came from (``title_from``: the ``--title`` option,
    the page's metadata, the text's first line, or none)."""
    from crawler.app import parser_resources
    from crawler.cli.extract_input import read_article_bytes, refuse_unreadable, split_plain_text
    from crawler.crawl.extract import extract_article
    from crawler.crawl.fetch import fetch_page
    from crawler.deals import parse_article

    now = datetime.now(UTC)
    if target.startswith(("http://", "https://")):
        page = fetch_page(target, settings.crawl)
        raw, url = page.text, page.url
        refuse_unreadable(raw.encode("utf-8", errors="replace"), url)
    else:
        data, url = read_article_bytes(target)
        raw = data.decode("utf-8", errors="replace")
    if raw.lstrip()[:1] == "<":
        art = extract_article(ArticleItem(url=url, source="extract", html=raw, fetched_at=now), now=now)
        body, published = art.text, art.published
        head = title.strip() if title is not None else art.title or ""
        title_from = "option" if title is not None else ("page" if head else "none")
    else:
        parts = split_plain_text(raw, title)
        head, body, published, title_from = parts.title, parts.text, None, parts.title_from
    result = parse_article(head, body, published, resources=parser_resources(settings), url=url)
    return {"url": url, "title": head, "title_from": title_from, "is_deal": result.is_deal,
            "deals": [d.to_record() for d in result.deals]}
