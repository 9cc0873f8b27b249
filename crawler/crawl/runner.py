"""Run one crawl pass over some sources through Scrapy.

A Twisted reactor cannot be restarted in one process, so every pass runs in a fresh child
process. The parent — the CLI or the daemon — stays free of Twisted, gets progress events through
a queue and the ``CrawlSummary`` back when the child ends. A child that dies (killed, out of
memory) loses nothing stored: articles are committed in small batches, each all or nothing, and
URLs in flight or in a batch not yet committed were never marked seen, so the next pass fetches them.

How the child starts: ``spawn`` (a new interpreter that imports Scrapy, SQLAlchemy and the rest,
about a second of CPU) for a one-off crawl; ``forkserver`` for the daemon on Linux: one server
process imports all that once, and every pass after the first is forked from it, already warm.
Most of a daemon's passes find nothing new, so that second was most of their cost.

On Linux the child is tied to its parent (``PR_SET_PDEATHSIG``): a parent that is SIGKILLed takes
its crawl child with it, instead of leaving it to finish a long pass nobody will read (under
``forkserver`` the parent is the fork server, which exits when the daemon does). The child logs
in the parent's format (``daemon.log_format``), so a JSON journal stays JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.config import Settings, SourceSettings
from crawler.crawl.report import CrawlSummary, SourceReport
from crawler.errors import DealRadarError, StorageError

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, str], None]
# How long an article's progress event may wait in the crawl process to travel with others.
PROGRESS_INTERVAL_S = 0.05

_SPIDERS = {
    "feed": "spiders.feed.FeedSpider",
    "sitemap": "spiders.sitemap.NewsSitemapSpider",
    "listing": "spiders.listing.ListingSpider",
}


def crawl_in_this_process(settings: Settings, sources: Sequence[SourceSettings], *,
                          progress: ProgressFn | None = None, log_level: str = "WARNING",
                          warm_workers: bool = False, scrapy_overrides: dict[str, Any] | None = None) -> CrawlSummary:
    """The child's side. Starts a reactor, so call it at most once per process.

    ``warm_workers`` starts the analysis workers as soon as the first request is on its way, so that they
    are ready when the first article arrives; otherwise they start with the first article to analyse.
    Not earlier: on two cores their start-up (an interpreter, trafilatura, the parser's tables) competed
    with this process's own and put the first request of ``dealradar crawl`` 0.3 s later, while the
    feed's round trip and parsing leave them time enough to start."""
    pool = make_pool(settings)
    try:
        return _crawl(settings, sources, pool, progress=progress, log_level=log_level,
                      warm_workers=warm_workers, scrapy_overrides=scrapy_overrides)
    finally:
        if pool is not None:
            pool.close()


def _crawl(settings: Settings, sources: Sequence[SourceSettings], pool: Any, *, progress: ProgressFn | None,
           log_level: str, warm_workers: bool = False,
           scrapy_overrides: dict[str, Any] | None = None) -> CrawlSummary:
    from scrapy import signals
    from scrapy.utils.misc import load_object

    from crawler.app import build_processor
    from spiders.settings import scrapy_settings
    from storage.repository import Repository, SourcePass

    repo = Repository.open(settings.storage.url)
    repo.sync_sources(settings.sources)
    repo.check_writable()  # read-only or full: stop before fetching anything
    processor = build_processor(settings, repo, parses=pool is None)
    started = datetime.now(UTC)
    reports = {src.name: SourceReport(src.name) for src in sources}
    scrapy_cfg = scrapy_settings(settings.crawl, log_level=log_level)
    scrapy_cfg["LOG_INSTALL_ROOT_HANDLER"] = False
    merge_scrapy_settings(scrapy_cfg, scrapy_overrides or {})
    parent_pid = _tied_to
    # Scrapy's logging set-up puts its own loggers back to DEBUG and logs its versions and settings
    # at once (a banner nobody asked for, even at -v); per-request DEBUG lines cost real CPU. Quiet both.
    disabled = logging.root.manager.disable
    logging.disable(max(disabled, logging.INFO))
    try:
        process = _crawler_process(scrapy_cfg, parent_pid=parent_pid)
    finally:
        logging.disable(disabled)
    quiet_noisy_loggers()
    for kind, spider_path in _SPIDERS.items():
        of_kind = [src for src in sources if src.kind == kind]
        if not of_kind:
            continue
        crawler = process.create_crawler(load_object(spider_path))
        if pool is not None and warm_workers:
            crawler.signals.connect(_warm_once(pool), signal=signals.request_reached_downloader, weak=False)
        process.crawl(crawler, sources=of_kind, crawl_settings=settings.crawl, repo=repo, reports=reports,
                      now=started, processor=processor, progress=progress, analysis_pool=pool)
    try:
        process.start()
    finally:
        abandoned = parent_gone(parent_pid)
        if abandoned:
            _stop_reactor_threads()  # the crashed reactor skipped the shutdown that stops them

    finished = datetime.now(UTC)
    summary = CrawlSummary(list(reports.values()))
    states = {st.name: st for st in repo.list_sources([s.name for s in sources])}  # one query, not one per source
    passes = []
    for src in sources:
        rep = reports[src.name]
        complete = rep.finished and not abandoned and rep.ok and rep.pending_articles <= 0 and not rep.errors
        # Keep the old validators unless the pass ran to its end and every article the feed listed was stored:
        # otherwise a 304 next time would hide the ones that failed, or were still being analysed, now.
        state = states.get(src.name)
        passes.append(SourcePass(
            src.name, at=finished, ok=rep.ok,
            status="not-modified" if rep.not_modified else ("ok" if rep.ok else "error"), error=rep.fatal,
            etag=rep.etag if complete else (state.etag if state else None),
            last_modified=rep.last_modified if complete else (state.last_modified if state else None),
            new_articles=rep.new_articles, poll_hint_s=rep.poll_hint_s,
        ))
    for p, outcome in zip(passes, repo.record_source_runs(passes), strict=True):
        if isinstance(outcome, StorageError):  # keep the rest of the summary; this source's state is not saved
            reports[p.name].error(f"fetch state not saved: {outcome}")
            reports[p.name].state_saved = False
            reports[p.name].storage_failed(str(outcome))
    repo.close()
    return summary


def _warm_once(pool: Any) -> Callable[..., None]:
    """A signal handler that starts the pool's workers the first time it fires (``warm`` is idempotent)."""
    def warm(**_: Any) -> None:
        if not pool.started:
            pool.warm()
    return warm


def merge_scrapy_settings(base: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Overrides on top of ``base``; component dicts (middlewares, pipelines) are merged key by key, so a caller
    (the cluster worker's Redis scheduler and politeness) adds components without restating the rest."""
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value


def make_pool(settings: Settings) -> Any:
    """Worker processes for extraction and parsing, unless one core (or ``crawl.workers: 1``) says not.

    By default one per core, at most four, and none on one core. The crawl process (fetching, storing)
    needs less than a core since it stores in batches: on two cores two workers beside it beat one,
    which left a core partly idle while the crawl process waited for it (2,000 articles: 216-221 ->
    250-258 articles/s steady). Before the batches the crawl process kept a core busy and one worker
    beat two."""
    import os

    from crawler.crawl.workers import AnalysisPool

    if settings.crawl.workers == 1:
        return None
    cores = os.cpu_count() or 1
    workers = settings.crawl.workers or (min(4, cores) if cores > 1 else 0)
    if workers < 1:
        return None
    return AnalysisPool(workers, aliases=settings.deals.aliases, rates=settings.deals.currency_rates,
                        time_limit=settings.crawl.page_time_limit)


def _crawler_process(settings: dict[str, Any], *, parent_pid: int | None) -> Any:
    """A CrawlerProcess that stops at once on a SIGTERM sent because the parent died (see the class).

    Scrapy is imported here, not at module level, so the parent that imports this module stays Twisted-free."""
    from scrapy.crawler import CrawlerProcess

    class ParentBoundCrawlerProcess(CrawlerProcess):
        """Scrapy's CrawlerProcess, but a SIGTERM that comes because the parent died stops at once.

        Scrapy stops gracefully on SIGTERM, and even its "forced" second SIGTERM waits for the requests
        in flight: on a slow server, the whole request timeout. That is right when the parent asks (it
        waits for the summary), pointless when the parent is gone. Then the reactor is crashed instead,
        from the reactor thread: articles are stored there, synchronously, so no article's transaction
        is open at that moment; ``start()`` returns and the usual clean-up after it runs.
        """

        def __init__(self, settings: dict[str, Any], *, parent_pid: int | None) -> None:
            super().__init__(settings)
            self._parent_pid = parent_pid

        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            if signum == signal.SIGTERM and parent_gone(self._parent_pid):
                from twisted.internet import reactor

                reactor.callFromThread(self._abandon)
            else:
                super()._signal_shutdown(signum, frame)

        def _abandon(self) -> None:
            from twisted.internet import reactor

            log.warning("crawl process stopping at once: its parent process is gone")
            with contextlib.suppress(RuntimeError):
                reactor.crash()

    return ParentBoundCrawlerProcess(settings, parent_pid=parent_pid)


def _stop_reactor_threads() -> None:
    """Stop the reactor's thread pool (DNS lookups): its threads would otherwise keep the process from exiting."""
    from twisted.internet import reactor

    pool = getattr(reactor, "threadpool", None)
    if pool is not None:
        with contextlib.suppress(Exception):
            pool.stop()


_PR_SET_PDEATHSIG = 1


def parent_gone(parent_pid: int | None) -> bool:
    """True when this process's parent is no longer ``parent_pid`` (it died and we were re-parented), or when
    the multiprocessing caller that started this process is gone (its pipe closed)."""
    if parent_pid is not None and os.getppid() != parent_pid:
        return True
    caller = mp.parent_process()
    return caller is not None and not caller.is_alive()


def _watch_caller(caller: Any) -> None:
    """SIGTERM this process when its caller's pipe closes: the caller died, even by SIGKILL.

    Needed under ``forkserver``: every child keeps the fork server open, so the server outlives a killed
    caller while a crawl runs and ``PR_SET_PDEATHSIG`` never fires. The signal then takes the same path as
    that one (see ``ParentBoundCrawlerProcess``)."""
    from multiprocessing.connection import wait

    def watch() -> None:
        wait([caller.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="dealradar-caller-watch", daemon=True).start()


def tie_to_parent(parent_pid: int | None, sig: int = signal.SIGTERM) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False if the parent is already gone.

    The check after ``prctl`` closes the race where the parent died before the request was made (the
    kernel would then never signal). Elsewhere (no ``prctl``) this only does that check.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
                log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    return not parent_gone(parent_pid)


_NOISY = ("scrapy", "twisted", "trafilatura", "htmldate", "charset_normalizer")


def quiet_noisy_loggers() -> None:
    """Libraries log at WARNING and above, whatever the root level."""
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(logging.getLogger().level, logging.WARNING))


# The process whose end means nobody waits for this crawl: the caller under spawn, the fork server
# (which exits with the caller) under forkserver. Set by ``_child``; None in any other process.
_tied_to: int | None = None


class _ForwardLogs(logging.Handler):
    """Log lines sent to the caller as queue events, which prints them (above its progress bar).

    Records the summary reports anyway (``extra={"in_summary": True}``: a failed source or article)
    and Scrapy's own retry and robots.txt complaints about the same failures are left out: the
    caller prints every error once, in its summary."""

    _DUPLICATES = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")

    def __init__(self, put: Callable[[tuple[Any, ...]], None], formatter: logging.Formatter | None) -> None:
        super().__init__()
        self._put = put
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "in_summary", False) or record.name in self._DUPLICATES:
            return
        try:
            self._put(("log", self.format(record), None))
        except Exception:  # a log line must never break the crawl
            self.handleError(record)


def _child(settings: Settings, names: list[str], events: Any, log_level: str, log_format: str = "plain",
           warm_workers: bool = False, forward_logs: bool = False,
           scrapy_overrides: dict[str, Any] | None = None) -> None:
    from crawler.logformat import setup_logging

    global _tied_to
    caller = mp.parent_process()
    _tied_to = parent_pid = os.getppid()
    if not tie_to_parent(parent_pid):  # parent_gone() also asks the caller's pipe, whoever forked us
        return  # the caller died while this process started: nobody to crawl for
    if caller is not None:
        _watch_caller(caller)
    setup_logging(log_format, log_level)
    quiet_noisy_loggers()
    sources = [settings.source(n) for n in names]

    def put(event: tuple[Any, ...]) -> None:
        if parent_gone(parent_pid):
            # Nobody reads the queue any more, and this process holds its read end too: a full pipe
            # would block the feeder thread, and the exit that joins it, for ever.
            events.cancel_join_thread()
            return
        events.put(event)

    # Progress goes to the caller in batches: one queue message per article cost the crawl process a thread
    # wake-up, a pickling and a pipe write each (about 60 microseconds of CPU).
    pending: list[tuple[str, str]] = []
    flush_due = False

    def flush_progress() -> None:
        nonlocal flush_due
        flush_due = False
        if pending:
            put(("articles", pending[:], None))
            pending.clear()

    def progress(source: str, status: str) -> None:
        nonlocal flush_due
        pending.append((source, status))
        if flush_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not called from the event loop: no timer to wait for
            flush_progress()
            return
        flush_due = True
        loop.call_later(PROGRESS_INTERVAL_S, flush_progress)

    code = 0
    if forward_logs:
        root = logging.getLogger()
        formatter = root.handlers[0].formatter if root.handlers else None
        for old in list(root.handlers):
            root.removeHandler(old)
        root.addHandler(_ForwardLogs(put, formatter))
    try:
        summary = crawl_in_this_process(settings, sources, progress=progress, log_level=log_level,
                                        warm_workers=warm_workers, scrapy_overrides=scrapy_overrides)
        flush_progress()
        put(("done", summary.to_dict(), None))
    except DealRadarError as exc:  # expected (the database refuses writes, say): the caller reports it in one line
        flush_progress()
        put(("failed", f"{type(exc).__name__}: {exc}", None))
        code = 1
    except Exception as exc:
        if not _database_trouble(exc):
            flush_progress()
            put(("failed", f"{type(exc).__name__}: {exc}", None))
            raise  # a bug: its traceback goes to the log
        flush_progress()  # the database failed a read (corrupt, gone): one line, as for a StorageError
        put(("failed", f"StorageError: database error: {_first_line(exc.orig)}", None))  # type: ignore[attr-defined]
        code = 1
    except BaseException as exc:
        flush_progress()
        put(("failed", f"{type(exc).__name__}: {exc}", None))
        raise
    finally:
        if parent_gone(parent_pid):
            events.cancel_join_thread()
    _exit_now(events, code)


def _database_trouble(exc: Exception) -> bool:
    from sqlalchemy.exc import DBAPIError

    from storage.base import is_storage_failure

    return isinstance(exc, DBAPIError) and is_storage_failure(exc)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _exit_now(events: Any, code: int = 0) -> None:
    """End the child without the interpreter's tear-down, which takes a third of a second after a big crawl
    (freeing every object one by one) while the caller waits in ``join``. Everything that matters is
    already closed: the database, the workers, the reactor; the queue's last event and the log lines
    are flushed here first."""
    events.close()
    events.join_thread()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _summary_from_dict(data: dict[str, Any]) -> CrawlSummary:
    return CrawlSummary([SourceReport(**s) for s in data["sources"]], data.get("alerts_sent", 0),
                        data.get("alerts_failed", 0), data.get("alerts_pending", 0))


class CrawlFailed(RuntimeError):
    """The crawl child process died or raised before producing a summary."""


# What a crawl child imports, loaded once by the fork server so that children start warm.
_FORKSERVER_PRELOAD = ["crawler.crawl.runner", "crawler.app", "crawler.logformat", "crawler.crawl.workers", "spiders.settings",
                       "spiders.feed", "spiders.sitemap", "spiders.listing", "spiders.pipelines",
                       "spiders.middlewares", "spiders.logformatter", "storage.repository", "scrapy.crawler",
                       "crawler.deals"]  # a child without workers (one core) parses in-process


def crawl_start_method(long_lived: bool) -> str:
    """``forkserver`` for a caller that runs many crawls (the daemon) where the platform has it, else ``spawn``."""
    return "forkserver" if long_lived and "forkserver" in mp.get_all_start_methods() else "spawn"


def run_crawl(settings: Settings, sources: Sequence[SourceSettings], *, progress: ProgressFn | None = None,
              timeout: timedelta | None = None, log_level: str = "WARNING", log_format: str = "plain",
              should_stop: Callable[[], bool] | None = None, start_method: str = "spawn",
              warm_workers: bool = True, log_lines: Callable[[str], None] | None = None,
              scrapy_overrides: dict[str, Any] | None = None) -> CrawlSummary:
    """One pass over ``sources`` in a child process; returns its summary, or raises CrawlFailed.

    ``log_format`` (``plain`` or ``json``) and ``log_level`` are the child's: pass the caller's own,
    so the child's lines look like the caller's in one log stream. ``start_method``: see the module.
    ``warm_workers``: start the analysis workers with the child, for a pass that expects new articles (a
    manual crawl); a scheduled pass, which mostly finds nothing new, starts them only when it needs them.
    ``log_lines``: the child's log lines come here instead of its stderr, without the errors its summary
    lists (``dealradar crawl`` prints them above its progress bar). ``scrapy_overrides``: Scrapy settings laid
    over DealRadar's (a cluster worker's Redis scheduler, dupefilter and politeness middleware)."""
    ctx = mp.get_context(start_method)
    if start_method == "forkserver":
        ctx.set_forkserver_preload(_FORKSERVER_PRELOAD)  # used when the server starts, with the first crawl
    events: Any = ctx.Queue()
    proc = ctx.Process(target=_child, args=(settings, [s.name for s in sources], events, log_level, log_format,
                                            warm_workers, log_lines is not None, scrapy_overrides),
                       name="dealradar-crawl")
    proc.start()
    deadline = datetime.now(UTC) + timeout if timeout else None
    result: CrawlSummary | None = None
    failure: str | None = None
    try:
        while result is None and failure is None:  # the child reports once, then only exits
            try:
                kind, a, b = events.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive():
                    # Drain anything sent just before exit.
                    try:
                        kind, a, b = events.get(timeout=0.5)
                    except queue.Empty:
                        break
                elif (deadline and datetime.now(UTC) > deadline) or (should_stop and should_stop()):
                    proc.terminate()
                    failure = "crawl stopped before it finished"
                    break
                else:
                    continue
            if kind == "articles" and progress is not None:
                for source, status in a:
                    progress(source, status)
            elif kind == "log" and log_lines is not None:
                log_lines(a)
            elif kind == "done":
                result = _summary_from_dict(a)
            elif kind == "failed":
                failure = a
    finally:
        proc.join(timeout=15)
        if proc.is_alive():
            proc.kill()
            proc.join()
        events.close()
    if result is None:
        raise CrawlFailed(failure or f"crawl process exited with status {proc.exitcode}")
    return result
