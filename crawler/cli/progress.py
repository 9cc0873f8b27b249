"""Crawl progress: a rich bar on a terminal, plain lines otherwise (logs, CI, pipes).

Log lines of the crawl process come here too (``log``), so on a terminal they print above the bar
instead of running into it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crawler.cli.render import plural

_live_lock: threading.RLock | None = None  # the running bar's lock: held across a fork, see _hold_bar


def _hold_bar() -> None:
    """Before a fork: keep the bar's refresh thread out of the middle of a write, which would leave the
    child a stream lock nobody releases."""
    if _live_lock is not None:
        _live_lock.acquire()


def _release_bar() -> None:
    if _live_lock is not None:
        _live_lock.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_hold_bar, after_in_parent=_release_bar, after_in_child=_release_bar)


class CrawlProgress:
    def __init__(self, sources: Sequence[str], *, enabled: bool = True, stream: Any = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.sources = list(sources)
        self.counts: dict[str, int] = {}
        self.total = 0
        self._rich: Progress | None = None
        self._task: Any = None
        self._last_line = 0.0

    def __enter__(self) -> CrawlProgress:
        what = plural(len(self.sources), "source")
        if self.enabled and self.stream.isatty():
            self._rich = Progress(SpinnerColumn(), TextColumn("[bold]crawling[/] {task.description}"), BarColumn(),
                                  TextColumn("{task.fields[done]}"), TimeElapsedColumn(),
                                  console=Console(file=self.stream), transient=True)
            self._rich.start()
            _set_live_lock(getattr(self._rich.live, "_lock", None))
            self._task = self._rich.add_task(what, total=None, done=plural(0, "article"))
        elif self.enabled:
            print(f"crawling {what}: {', '.join(self.sources)}", file=self.stream, flush=True)
        return self

    def advance(self, source: str, status: str) -> None:
        self.total += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        if self._rich is not None:
            self._rich.update(self._task, advance=1, done=plural(self.total, "article"),
                              description=f"{plural(len(self.sources), 'source')} (last: {source})")
        elif self.enabled and time.monotonic() - self._last_line > 2:
            self._last_line = time.monotonic()
            print(f"  {plural(self.total, 'article')} processed ({self.counts.get('new', 0)} new)", file=self.stream,
                  flush=True)

    def log(self, line: str) -> None:
        """One log line of the crawl: above the bar on a terminal, as it is elsewhere."""
        if self._rich is not None:
            self._rich.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._rich is not None:
            _set_live_lock(None)
            self._rich.stop()


def _set_live_lock(lock: threading.RLock | None) -> None:
    global _live_lock
    _live_lock = lock
