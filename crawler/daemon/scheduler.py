"""What runs when. APScheduler only ticks; the plan (each source's next pass) lives in the database.

Every second a tick reads ``sources.next_run_at``, takes the sources that are due and not already
running, and starts ONE crawl child process for them (a batch), leaving out sources whose host
already has ``daemon.per_host_limit`` sources in flight: they go in a later batch. At most
``daemon.max_crawls`` children run at once. When a pass ends, its sources get their next time
(``crawler.daemon.polling``) written back, so a restart continues the schedule instead of fetching
everything at once, and runs missed while the daemon was down coalesce into one.

Two more jobs share the scheduler: the alert dispatcher (every ``daemon.dispatch_every``) and
housekeeping (metrics from the database); the daemon watches its lock on a thread of its own. Every
job has ``max_instances=1`` and ``coalesce=True``: a slow job is never stacked up behind itself.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.config import DaemonSettings, SourceSettings
from crawler.daemon import polling
from crawler.daemon.polling import CronNext, PollPolicy

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 15.0
MAX_BATCH = 64  # sources in one crawl child


@dataclass(frozen=True, slots=True)
class DueSource:
    """A source whose planned time has come."""

    name: str
    hosts: frozenset[str]
    due_at: datetime


# ---- planning (pure, over settings) ---------------------------------------------------------


def source_hosts(src: SourceSettings) -> frozenset[str]:
    """The hosts a source's pass starts on: what the per-host cap counts."""
    return frozenset((urlsplit(u).hostname or u).lower() for u in src.urls)


def cron_next(expr: str, tz: str | None = None) -> CronNext:
    """A function giving the expression's next fire time at or after an instant (local time unless ``tz``)."""
    trigger = CronTrigger.from_crontab(expr, timezone=tz) if tz else CronTrigger.from_crontab(expr)

    def nxt(after: datetime) -> datetime:
        at = trigger.get_next_fire_time(None, after)
        if at is None:  # an expression that never fires again: never is far away
            return after + timedelta(days=3650)
        return at.astimezone(UTC)

    return nxt


def policy_for(src: SourceSettings, daemon: DaemonSettings) -> PollPolicy:
    return PollPolicy(
        every=src.every.total_seconds(), jitter=daemon.jitter.total_seconds(),
        min_interval=daemon.min_interval.total_seconds(), max_interval=daemon.max_interval.total_seconds(),
        adaptive=daemon.adaptive, max_backoff=daemon.max_backoff.total_seconds(),
    )


def healthy_interval(src: SourceSettings, daemon: DaemonSettings, now: datetime,
                     mean_gap_s: float | None = None) -> float:
    """The interval a source gets while all is well (the cron period for cron sources)."""
    if src.cron:
        return polling.cron_period(cron_next(src.cron), now)
    return polling.base_interval(policy_for(src, daemon), mean_gap_s)


def plan_after_pass(src: SourceSettings, daemon: DaemonSettings, *, started: datetime, finished: datetime,
                    failures: int, hint_s: float | None, mean_gap_s: float | None,
                    rng: random.Random | None = None) -> datetime:
    """The next pass of a source that just ran."""
    return polling.next_run(policy_for(src, daemon), started=started, finished=finished, failures=failures,
                            hint_s=hint_s, mean_gap_s=mean_gap_s, cron=cron_next(src.cron) if src.cron else None,
                            rng=rng)


def plan_resume(src: SourceSettings, daemon: DaemonSettings, *, stored: datetime | None, now: datetime,
                failures: int, hint_s: float | None, mean_gap_s: float | None,
                rng: random.Random | None = None) -> datetime:
    """Where a source's schedule picks up after a start or a reload (see ``polling.resume_at``)."""
    policy = policy_for(src, daemon)
    if src.cron:
        cron = cron_next(src.cron)
        if stored is None:
            return cron(now)
        # A stored time no cron fire justifies (the expression changed) moves to the next fire.
        return stored if stored <= now else min(stored, polling.next_run(
            policy, started=now, finished=now, failures=failures, hint_s=hint_s, cron=cron, rng=rng))
    longest = polling.interval_for(policy, failures=failures, hint_s=hint_s, mean_gap_s=mean_gap_s)
    return polling.resume_at(stored, now, longest_wait=longest + policy.jitter, policy=policy, rng=rng)


def pick_batch(due: Sequence[DueSource], busy_hosts: Mapping[str, int], per_host_limit: int,
               max_size: int = MAX_BATCH) -> list[DueSource]:
    """The most overdue sources that fit under the per-host cap, counting sources already in flight."""
    load = Counter(busy_hosts)
    batch: list[DueSource] = []
    for item in sorted(due, key=lambda d: d.due_at):
        if len(batch) >= max_size:
            break
        if any(load[h] >= per_host_limit for h in item.hosts):
            continue
        load.update(item.hosts)
        batch.append(item)
    return batch


# ---- the ticking part -----------------------------------------------------------------------


class CrawlScheduler:
    """Ticks, picks batches, runs each batch on a thread of its own, and knows what is in flight."""

    def __init__(self, *, due: Callable[[], list[DueSource]], run_batch: Callable[[list[DueSource]], None],
                 dispatch: Callable[[], None], housekeeping: Callable[[], None],
                 limits: Callable[[], tuple[int, int]], dispatch_every: float, max_batch: int = MAX_BATCH) -> None:
        self._due = due
        self._run_batch = run_batch
        self._limits = limits  # (per_host_limit, max_crawls), read at every tick: a reload may change them
        self._max_batch = max_batch  # sources per batch: a crawl child's share, or what a cluster leader queues
        self._aps = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                                    "misfire_grace_time": None})
        self._aps.add_job(self.tick, "interval", seconds=TICK_SECONDS, id="tick")
        self._aps.add_job(dispatch, "interval", seconds=dispatch_every, id="dispatch")
        self._aps.add_job(housekeeping, "interval", seconds=HOUSEKEEPING_SECONDS, id="housekeeping",
                          next_run_time=datetime.now(UTC))
        self._lock = threading.Lock()
        self._tick_lock = threading.Lock()
        self._in_flight: dict[str, frozenset[str]] = {}
        self._threads: set[threading.Thread] = set()
        self._stopping = False
        self.last_tick = time.monotonic()

    # lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self._aps.start()

    def set_dispatch_every(self, seconds: float) -> None:
        self._aps.reschedule_job("dispatch", trigger="interval", seconds=seconds)

    def stop(self) -> None:
        """Take no more work; batches already running are left to finish or be stopped by their owner."""
        self._stopping = True
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def join(self, timeout: float) -> bool:
        """Wait for running batches; True when none is left."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                threads = list(self._threads)
            if not threads:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            threads[0].join(min(left, 0.2))

    # state ------------------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stopping

    def in_flight(self) -> list[str]:
        with self._lock:
            return sorted(self._in_flight)

    def running_batches(self) -> int:
        with self._lock:
            return len(self._threads)

    # ticking ----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Start one batch of due sources if a crawl slot is free."""
        self.last_tick = time.monotonic()
        with self._tick_lock:
            if self._stopping:
                return
            per_host, max_crawls = self._limits()
            with self._lock:
                if len(self._threads) >= max_crawls:
                    return
                busy = Counter(h for hosts in self._in_flight.values() for h in hosts)
                running = set(self._in_flight)
            due = [d for d in self._due() if d.name not in running]
            batch = pick_batch(due, busy, per_host, self._max_batch)
            if not batch:
                return
            thread = threading.Thread(target=self._run, args=(batch,), name="dealradar-batch", daemon=True)
            with self._lock:
                for item in batch:
                    self._in_flight[item.name] = item.hosts
                self._threads.add(thread)
            thread.start()

    def _run(self, batch: list[DueSource]) -> None:
        try:
            self._run_batch(batch)
        except Exception:  # one bad batch must not stop the daemon; its sources are due again
            log.exception("crawl batch failed sources=%s", ",".join(d.name for d in batch))
        finally:
            with self._lock:
                for item in batch:
                    self._in_flight.pop(item.name, None)
                self._threads.discard(threading.current_thread())
        if not self._stopping:
            self.tick()  # the next batch need not wait for the next tick


def due_now(plan: Mapping[str, datetime | None], sources: Iterable[SourceSettings], now: datetime) -> list[DueSource]:
    """Enabled sources whose planned time has come (never-planned ones wait to be planned)."""
    out = []
    for src in sources:
        at = plan.get(src.name)
        if src.enabled and at is not None and at <= now:
            out.append(DueSource(src.name, source_hosts(src), at))
    return out
