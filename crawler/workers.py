"""A process pool for the CPU half of the pipeline (extraction and parsing), so a crawl uses every
core and a slow page never stalls the fetcher. Each page gets a time limit inside its worker.

This module imports nothing heavy at load time: the crawl process creates the pool, and starts its
workers, before it imports Scrapy and SQLAlchemy, so that the workers' own start-up (an interpreter,
trafilatura, the parser's tables, a first analysis that fills their caches) runs on another core
meanwhile instead of after it.

Where the platform has it (Linux), workers come from a fork server that imports trafilatura and the
parser once (about 0.3 s of CPU) and forks every worker already loaded, instead of each worker
importing them again in an interpreter of its own. Elsewhere each worker is spawned.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from crawler.items import ArticleItem

if TYPE_CHECKING:
    from crawler.pipeline import Analysis

T = TypeVar("T")
_resources: Any = None
_time_limit = 0


class AnalysisTimeout(Exception):
    """A page took longer than the per-page limit to extract and parse."""


# A page of our own, analysed once as each worker starts: the first analysis in a process pays for
# lazy imports and cold caches (about a tenth of a second), and a real article should not.
_WARM_UP_PAGE = (
    "<html><head><title>Quillmark raises $12 million</title></head><body><article><h1>Quillmark raises $12 "
    "million</h1><p>Quillmark, a Porto start-up that builds language models for shipping clerks, said on "
    "Monday it had raised $12 million in a Series A round led by Fernhill Ventures, with Orla Capital also "
    "taking part. The company will spend the money on hiring engineers.</p></article></body></html>"
)


def analyse(item: ArticleItem, resources: Any, *, now: datetime) -> Analysis:
    """``crawler.pipeline.analyse``, imported on first use (see the module's docstring)."""
    from crawler.pipeline import analyse as run

    return run(item, resources, now=now)


def _init(aliases: str | None, rates: str | None, time_limit: int) -> None:
    global _resources, _time_limit
    from crawler.deals import load_resources

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _resources = load_resources(aliases_path=aliases, rates_path=rates)
    _time_limit = time_limit
    warm_up(_resources)


def warm_up(resources: Any) -> None:
    """Analyse the built-in page once, so the first real article finds every import done and every cache warm."""
    import crawler.feeds  # noqa: F401  (feeds are parsed here too, in a crawl that started its workers early)

    with contextlib.suppress(Exception):  # a failed warm-up costs the first article its speed, nothing else
        analyse(ArticleItem(url="http://warm-up.invalid/", source="warm-up", html=_WARM_UP_PAGE,
                            fetched_at=datetime.now(UTC)), resources, now=datetime.now(UTC))


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise AnalysisTimeout(f"page analysis took longer than {_time_limit}s")


def analyse_limited(item: ArticleItem, resources: Any, now: datetime, time_limit: int) -> Analysis:
    """``analyse`` under a wall-clock limit (SIGALRM: call it from a process's main thread)."""
    global _time_limit
    if time_limit:
        _time_limit = time_limit
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(time_limit)
    try:
        return analyse(item, resources, now=now)
    finally:
        if time_limit:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _analyse(item: ArticleItem, now: datetime) -> Analysis:
    return analyse_limited(item, _resources, now, _time_limit)


# What the fork server imports before it forks a worker: everything ``_init`` and ``analyse`` need.
_PRELOAD = ["crawler.workers", "crawler.pipeline", "crawler.extract", "crawler.deals", "crawler.feeds",
            "trafilatura", "htmldate", "feedparser"]


def worker_context() -> mp.context.BaseContext:
    """``forkserver`` with the analysis modules preloaded where the platform has it, else ``spawn``.

    A process has one fork server: a crawl process that also started crawl children from it (a test
    process can) gets its workers from that one, which works the same, only with less preloaded."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # used when this process's fork server starts
    return ctx


class AnalysisPool:
    def __init__(self, workers: int | None = None, *, aliases: str | None = None, rates: str | None = None,
                 time_limit: int = 20) -> None:
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool = ProcessPoolExecutor(self.workers, mp_context=worker_context(), initializer=_init,
                                         initargs=(aliases, rates, time_limit))
        self._warm = False
        self._starting: threading.Thread | None = None

    def warm(self) -> None:
        """Start every worker now, while the first articles are still being fetched, so their imports and
        resource loading do not delay the first analysis. Not done up front: most passes of a daemon find
        nothing new and never need a worker.

        The workers are started from a thread: under ``forkserver`` starting the first one waits for the
        server's imports, and the caller (the crawl process's start-up, or its event loop) goes on meanwhile."""
        if not self._warm:
            self._warm = True
            self._starting = threading.Thread(target=self._start_workers, name="dealradar-workers-start", daemon=True)
            self._starting.start()

    def _start_workers(self) -> None:
        with contextlib.suppress(RuntimeError):  # the pool was closed before its workers started
            for _ in range(self.workers):  # the executor starts a worker per submit until one is idle
                self._pool.submit(os.getpid)

    @property
    def started(self) -> bool:
        return self._warm

    def submit(self, item: ArticleItem, now: datetime) -> Future[Analysis]:
        return self._pool.submit(_analyse, item, now)

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Any other pure, picklable function (a feed's parsing) in a worker."""
        return self._pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        self._pool.shutdown(wait=True, cancel_futures=True)
