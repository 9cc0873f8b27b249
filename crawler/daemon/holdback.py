"""The daemon's memory of what the database would not take: next-run times and failure counts.

A pass records its outcome and its source's next run in the database. When the database refuses writes (a
role without write rights, a read-only standby, a full disk), neither lands: the source would look due again
at once, its failure count would stay where it was, and the daemon would start crawl after crawl. So the
daemon keeps what it could not write here and plans with it — failing sources back off in memory as they
would on disk — and says once that the database refuses writes, and once that it takes them again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

log = logging.getLogger("crawler.daemon")


class Holdback:
    """Next-run times and consecutive failures not yet written, per source; and whether writes are failing."""

    def __init__(self) -> None:
        self._next: dict[str, datetime] = {}
        self._failures: dict[str, int] = {}
        self.refusing: str | None = None  # the last refusal, while the database refuses writes

    def plan(self, stored: Mapping[str, datetime | None]) -> dict[str, datetime | None]:
        """The stored plan with the held times over it: whichever is later wins."""
        plan = dict(stored)
        for name, at in self._next.items():
            mine = plan.get(name)
            plan[name] = at if mine is None or at > mine else mine
        return plan

    def hold(self, name: str, at: datetime) -> None:
        self._next[name] = at

    def release(self, name: str) -> None:
        """The source's time is in the database now."""
        self._next.pop(name, None)

    def failures(self, name: str, stored: int, *, ok: bool, recorded: bool) -> int:
        """Consecutive failures to plan with: the stored count, plus the passes that failed without being counted."""
        if ok or recorded:
            self._failures.pop(name, None)
            return stored
        self._failures[name] = self._failures.get(name, 0) + 1
        return stored + self._failures[name]

    def write_failed(self, what: str, exc: BaseException) -> None:
        """Report the first refused write of an outage at ERROR, the rest only at DEBUG."""
        first = self.refusing is None
        self.refusing = str(exc)
        if first:
            log.error("the database refuses writes (%s: %s); sources back off in memory until it takes them again",
                      what, exc)
        else:
            log.debug("database write refused (%s): %s", what, exc)

    def write_ok(self) -> None:
        if self.refusing is not None:
            self.refusing = None
            log.info("the database takes writes again")
