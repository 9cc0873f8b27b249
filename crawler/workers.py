"""A process pool for the CPU half of the pipeline (extraction and parsing), so a crawl uses every
core and a slow page never stalls the fetcher. Each page gets a time limit inside its worker."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from types import FrameType
from typing import Any

from crawler.items import ArticleItem
from crawler.pipeline import Analysis, analyse

_resources: Any = None
_time_limit = 0


class AnalysisTimeout(Exception):
    """A page took longer than the per-page limit to extract and parse."""


def _init(aliases: str | None, rates: str | None, time_limit: int) -> None:
    global _resources, _time_limit
    from crawler.deals import load_resources

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _resources = load_resources(aliases_path=aliases, rates_path=rates)
    _time_limit = time_limit


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

    def submit(self, item: ArticleItem, now: datetime) -> Future[Analysis]:
        return self._pool.submit(_analyse, item, now)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
