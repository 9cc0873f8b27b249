"""A process pool for the CPU half of the pipeline (extraction and parsing), so a crawl uses every
core and a slow page never stalls the fetcher. Each page gets a time limit inside its worker.

This module imports nothing heavy at load time: the crawl process creates the pool, and starts its
workers, before it imports Scrapy and SQLAlchemy, so that the workers' own start-up (an interpreter,
trafilatura, the parser's tables, a first analysis that fills their caches) runs on another core
meanwhile instead of after it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
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


class AnalysisPool:
    def __init__(self, workers: int | None = None, *, aliases: str | None = None, rates: str | None = None,
                 time_limit: int = 20) -> None:
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"), initializer=_init,
                                         initargs=(aliases, rates, time_limit))
        self._warm = False

    def warm(self) -> None:
        """Start every worker now, while the first articles are still being fetched, so their imports and
        resource loading do not delay the first analysis. Not done up front: most passes of a daemon find
        nothing new and never need a worker."""
        if not self._warm:
            self._warm = True
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
        self._pool.shutdown(wait=True, cancel_futures=True)
