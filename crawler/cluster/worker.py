"""``dealradar worker``: take due sources from the Redis queue, crawl them through the same pass as
``dealradar run`` (``crawler.crawl.runner.run_crawl``: spiders, extraction, parsing, storage, outbox), record each
pass and the source's next run in PostgreSQL, then let the claim go.

Inside a pass, Scrapy's scheduler is scrapy-redis's (the pass's requests queue in Redis) with the cluster's
expiring dupefilter, and every download waits for a cluster-wide per-host slot (``politeness``). A pass runs in a
child process, as the daemon's do (a Twisted reactor cannot be restarted). What a worker killed at any moment
leaves behind: claims that expire (the leader queues the sources again, still due in the database), a feed whose
validators were not saved (the pass did not finish), articles not stored and so not seen: the next worker fetches
them again. A worker cut off from PostgreSQL or Redis keeps retrying with a growing pause, then carries on.
"""

from __future__ import annotations

import itertools
import logging
import random
import signal
import threading
import time
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from crawler.cluster.heartbeat import Heartbeat, member_id
from crawler.cluster.politeness import scrapy_overrides
from crawler.cluster.queue import SourceQueue, Task
from crawler.cluster.redisconn import Keys, connect
from crawler.config import Settings, SourceSettings, load_settings
from crawler.crawl.report import SourceReport
from crawler.crawl.runner import CrawlFailed, crawl_start_method, run_crawl
from crawler.daemon.observe import setup_logging
from crawler.daemon.polling import mean_gap
from crawler.daemon.scheduler import plan_after_pass
from crawler.daemon.service import operator_alert
from crawler.daemon.status import RATE_WINDOW
from crawler.errors import DealRadarError
from storage.repository import SourcePass
from storage.schedule import publish_stats, set_next_runs

log = logging.getLogger("crawler.cluster")

IDLE_WAIT_S = 0.5  # an empty queue is asked again after this
MAX_PAUSE_S = 30.0  # longest wait between retries while PostgreSQL or Redis is away
_CHILD_LOG_LEVEL = {"DEBUG": "DEBUG", "INFO": "WARNING", "WARNING": "WARNING", "ERROR": "ERROR"}


def run_worker(config_path: str | None, concurrency: int | None = None) -> int:
    """Run until SIGTERM/SIGINT; the exit status. ConfigError (exit 2) for a config without ``cluster:`` or with
    SQLite; ClusterError (exit 1) when Redis does not answer at start."""
    from crawler.errors import ConfigError

    settings = load_settings(config_path)
    if settings.cluster is None:
        raise ConfigError("cluster", "dealradar worker needs a cluster: section (cluster: {redis: redis://...})")
    if concurrency is not None:
        settings = settings.model_copy(update={"crawl": settings.crawl.model_copy(update={"concurrency": concurrency})})
    setup_logging(settings.daemon.log_format, settings.daemon.log_level)
    client = connect(settings.cluster)
    return Worker(settings, client, concurrency=concurrency).run()


class Worker:
    """One worker process: its queue, heartbeat and the pass in flight."""

    def __init__(self, settings: Settings, client: Any, *, concurrency: int | None = None) -> None:
        from storage.repository import Repository

        assert settings.cluster is not None
        self.settings = settings
        self.cluster = settings.cluster
        self.keys = Keys(self.cluster.prefix)
        self.redis = client
        self.queue = SourceQueue(client, self.keys)
        self.repo = Repository.open(settings.storage.url)
        self.id = member_id("worker")
        self.passes = itertools.count(1)
        self.rng = random.Random()
        self.stopping = False
        self.reload_requested = False
        self.concurrency = concurrency
        self.current: list[str] = []
        self.done = 0
        self.heartbeat = Heartbeat(client, self.keys, "worker", self.cluster.heartbeat_every.total_seconds(),
                                   detail=lambda: {"crawling": len(self.current), "passes": self.done})

    def _install_signals(self) -> None:
        def on_stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        def on_hup(signum: int, frame: FrameType | None) -> None:
            self.reload_requested = True

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_hup)

    def reload(self) -> None:
        """SIGHUP, between passes: read the configuration again (sources, crawl settings); the database and
        Redis stay as they are; a bad file is logged and the running configuration kept."""
        self.reload_requested = False
        try:
            new = load_settings(self.settings.path)
        except DealRadarError as exc:
            log.error("configuration reload rejected, keeping the running configuration: %s", exc)
            return
        if new.storage.url != self.settings.storage.url or new.cluster != self.settings.cluster:
            log.error("configuration reload rejected: storage.url and cluster: need a restart")
            return
        if self.concurrency is not None:
            new = new.model_copy(update={"crawl": new.crawl.model_copy(update={"concurrency": self.concurrency})})
        self.settings = new
        log.info("configuration reloaded sources=%d", len(new.sources))

    def run(self) -> int:
        self._install_signals()
        self.repo.sync_sources(self.settings.sources)
        self.heartbeat.start()
        log.info("worker started id=%s batch=%d concurrency=%d", self.id, self.cluster.batch,
                 self.settings.crawl.concurrency)
        pause = 0.0
        while not self.stopping:
            if pause:
                self._sleep(pause)
                if self.stopping:
                    break
            try:
                worked = self.work_once()
            except Exception as exc:  # noqa: BLE001 - Redis or PostgreSQL away: say so, wait, try again
                pause = min(MAX_PAUSE_S, max(1.0, pause * 2))
                log.warning("worker cannot work: %s; retrying in %.0fs", str(exc).splitlines()[0], pause)
                continue
            # The database refused the pass: wait longer each time, as for an outage.
            pause = min(MAX_PAUSE_S, max(1.0, pause * 2)) if worked is False else 0.0
            if self.reload_requested:
                self.reload()
            if worked is None:
                time.sleep(IDLE_WAIT_S)
        self.heartbeat.stop()
        self.repo.close()
        log.info("worker stopped id=%s passes=%d", self.id, self.done)
        return 0

    def _sleep(self, seconds: float) -> None:
        """A pause that a stop signal cuts short (systemd waits 20 s for the exit, a pause may be 30)."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def work_once(self) -> bool | None:
        """Take a batch and crawl it; None when the queue was empty, False when the pass could not be stored."""
        claim_ttl = self.cluster.claim_ttl.total_seconds()
        tasks = self.queue.take(self.cluster.batch, claim_ttl_s=claim_ttl)
        if not tasks:
            return None
        known = {s.name: s for s in self.settings.sources if s.enabled}
        unknown = [t for t in tasks if t.source not in known]
        if unknown:  # a leader with a newer config queued them: not ours to crawl
            log.warning("sources not in this worker's configuration: %s", ",".join(t.source for t in unknown))
            self.queue.release(unknown)
        tasks = [t for t in tasks if t.source in known]
        if not tasks:
            return True
        try:
            return self.crawl([known[t.source] for t in tasks], tasks)
        finally:
            self.queue.release(tasks)  # after the pass is recorded: the source may be queued again when due

    def crawl(self, sources: list[SourceSettings], tasks: list[Task]) -> bool:
        """One pass over ``sources`` in a child process, its claims renewed meanwhile; then record it."""
        number = next(self.passes)
        overrides = scrapy_overrides(
            self.cluster.redis, self.cluster.prefix, pass_queue=self.keys.pass_queue(self.id, number),
            fingerprints=self.keys.fingerprints, fingerprint_ttl_s=self.cluster.fingerprint_ttl.total_seconds(),
            delay_s=self.settings.crawl.delay.total_seconds(), per_host=self.settings.crawl.concurrency_per_host)
        lost = threading.Event()
        renewing = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(tasks, renewing, lost), name="dealradar-claims",
                                   daemon=True)
        renewer.start()
        self.current = [s.name for s in sources]
        started = datetime.now(UTC)
        failure: str | None = None
        reports: dict[str, SourceReport] = {}
        try:
            summary = run_crawl(self.settings, sources, timeout=self.settings.daemon.crawl_timeout,
                                log_level=_CHILD_LOG_LEVEL[self.settings.daemon.log_level],
                                log_format=self.settings.daemon.log_format,
                                should_stop=lambda: self.stopping or lost.is_set(),
                                start_method=crawl_start_method(long_lived=True), warm_workers=False,
                                scrapy_overrides=overrides)
            reports = {r.source: r for r in summary.sources}
        except CrawlFailed as exc:
            failure = str(exc)
        finally:
            renewing.set()
            renewer.join()
            self.current = []
        if failure is not None and (self.stopping or lost.is_set()):
            log.info("pass stopped before its end; its sources are due again: %s", ",".join(self.current or
                                                                                           [s.name for s in sources]))
            return True
        finished = datetime.now(UTC)
        stored = True
        try:
            self._record(sources, reports, failure, started, finished)
        except DealRadarError as exc:
            stored = False
            log.error("could not record the pass of %d sources: %s", len(sources), exc)
        self.done += 1
        new = sum(r.new_articles for r in reports.values())
        log.info("pass done sources=%d new=%d failed=%s", len(sources), new, failure or "-")
        return stored

    def _renew(self, tasks: list[Task], done: threading.Event, lost: threading.Event) -> None:
        """Keep the claims alive while the pass runs. A claim that is gone (Redis lost it, or we were cut off
        longer than its TTL) may already be another worker's: the pass stops rather than crawl it twice."""
        ttl = self.cluster.claim_ttl.total_seconds()
        renewed = time.monotonic()
        while not done.wait(ttl / 3):
            try:
                held = self.queue.renew(tasks, claim_ttl_s=ttl)
            except Exception as exc:  # noqa: BLE001 - Redis away for a moment: try again at the next beat
                if time.monotonic() - renewed > ttl * 0.9:  # the claims may be gone by now: another may crawl
                    log.warning("cannot renew source claims for %.0fs (%s); stopping this pass", ttl, exc)
                    lost.set()
                    return
                log.warning("cannot renew source claims: %s", exc)
                continue
            renewed = time.monotonic()
            if held < len(tasks):
                log.warning("source claims expired (%d of %d held); stopping this pass", held, len(tasks))
                lost.set()
                return

    def _record(self, sources: list[SourceSettings], reports: dict[str, SourceReport], failure: str | None,
                started: datetime, finished: datetime) -> None:
        """The passes' outcomes, the sources' next runs and any operator alert, as the single daemon records them,
        in a few statements for the whole batch (one per source cost a 10,000-source cycle most of its time).
        With ``daemon.adaptive`` the interval follows each source's publishing rate, read as the daemon reads it."""
        missing = [src for src in sources if src.name not in reports]
        if missing:  # the child died before reporting: failed passes, so the backoff applies
            self.repo.record_source_runs([SourcePass(src.name, at=finished, ok=False, status="error",
                                                     error=f"crawl process failed: {failure or 'no report'}")
                                          for src in missing])
        states = {st.name: st for st in self.repo.list_sources([s.name for s in sources])}
        gaps: dict[str, float | None] = {}
        if self.settings.daemon.adaptive:
            stats = publish_stats(self.repo, finished - RATE_WINDOW, [s.name for s in sources])
            gaps = {name: mean_gap(st.count, st.first, st.last) for name, st in stats.items()}
        plan = {}
        for src in sources:
            state, rep = states.get(src.name), reports.get(src.name)
            if state is None:
                continue
            plan[src.name] = plan_after_pass(src, self.settings.daemon, started=started, finished=finished,
                                             failures=state.consecutive_failures,
                                             hint_s=rep.poll_hint_s if rep else None,
                                             mean_gap_s=gaps.get(src.name), rng=self.rng)
        set_next_runs(self.repo, plan)
        for src in sources:  # queued in the outbox like the single daemon's; the leader sends them
            state, rep = states.get(src.name), reports.get(src.name)
            if state is not None and (state.consecutive_failures > 0 or state.failure_alerted):
                operator_alert(self.settings, self.repo, src, state, rep is not None and rep.ok, finished)
