"""Crawl progress: a rich bar on a terminal, plain lines otherwise (logs, CI, pipes)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


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
        if self.enabled and self.stream.isatty():
            self._rich = Progress(SpinnerColumn(), TextColumn("[bold]crawling[/] {task.description}"), BarColumn(),
                                  TextColumn("{task.completed} articles"), TimeElapsedColumn(),
                                  console=Console(file=self.stream), transient=True)
            self._rich.start()
            self._task = self._rich.add_task(f"{len(self.sources)} sources", total=None)
        elif self.enabled:
            print(f"crawling {len(self.sources)} sources: {', '.join(self.sources)}", file=self.stream, flush=True)
        return self

    def advance(self, source: str, status: str) -> None:
        self.total += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        if self._rich is not None:
            self._rich.update(self._task, advance=1, description=f"{len(self.sources)} sources (last: {source})")
        elif self.enabled and time.monotonic() - self._last_line > 2:
            self._last_line = time.monotonic()
            print(f"  {self.total} articles processed ({self.counts.get('new', 0)} new)", file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._rich is not None:
            self._rich.stop()
