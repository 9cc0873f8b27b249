"""``dealradar run`` in cluster mode: a standby until it holds the leader lock, then the leader.

The lock is the single daemon's PostgreSQL advisory lock (``crawler.daemon.lock``): the server drops it the moment
the holder's session ends, SIGKILL included, and a standby asks for it every ``TAKEOVER_POLL_S`` seconds, so one
takes over within a couple of seconds (the contract says 15). The leader is the single daemon
(``crawler.daemon.service.Daemon``: the schedule in ``sources.next_run_at``, the outbox, /healthz, signals), with
one change: a due source is put on the Redis queue (``queue.SourceQueue.offer``) instead of being crawled here.
The schedule continues from the database and the claims in Redis, so a new leader neither skips a source nor
queues one that is still being crawled. A leader that loses the lock exits 1, like the single daemon; a service
manager starts it again and it waits as a standby.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from crawler.cluster.heartbeat import Heartbeat, forget_silent, members
from crawler.cluster.queue import SourceQueue
from crawler.cluster.redisconn import Keys, connect
from crawler.config import Settings, load_settings
from crawler.daemon.lock import DaemonLock, acquire_daemon_lock
from crawler.daemon.observe import setup_logging
from crawler.daemon.scheduler import CrawlScheduler, DueSource, due_now
from crawler.daemon.service import Daemon
from crawler.errors import LockedError, StorageError
from storage.schedule import due_runs

log = logging.getLogger("crawler.cluster")

TAKEOVER_POLL_S = 1.0  # a standby asks for the lock this often
ORPHAN_SWEEP_S = 60.0  # how often the leader deletes the pass queues of workers that died
QUEUE_BATCH = 1000  # sources queued per tick at most
CLAIM_CHUNK = 5000  # claims asked of Redis in one MGET


def run_cluster(config_path: str | None) -> int:
    """Wait as a standby, lead when the lock comes; the exit status. Redis unreachable at start: ClusterError."""
    settings = load_settings(config_path)
    assert settings.cluster is not None
    setup_logging(settings.daemon.log_format, settings.daemon.log_level)
    client = connect(settings.cluster)
    keys = Keys(settings.cluster.prefix)
    beat = Heartbeat(client, keys, "standby", settings.cluster.heartbeat_every.total_seconds())
    stop = threading.Event()

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    beat.start()
    lock = _wait_for_lock(settings, stop, beat)
    if lock is None:
        beat.stop()
        log.info("standby stopped")
        return 0
    beat.set_role("leader")
    log.info("leading the cluster id=%s", beat.id)
    try:
        return ClusterLeader(settings, lock, client).run()
    finally:
        lock.release()
        beat.stop()


def _wait_for_lock(settings: Settings, stop: threading.Event, beat: Heartbeat) -> DaemonLock | None:
    """Ask for the leader lock until it is ours (or a stop signal: None). PostgreSQL away: keep asking."""
    said = ""
    while not stop.is_set():
        try:
            return acquire_daemon_lock(settings.storage.url)
        except LockedError:
            msg = "standby: another dealradar run leads; waiting to take over"
        except StorageError as exc:
            msg = f"standby: cannot reach the database ({str(exc).splitlines()[0]}); retrying"
        if msg != said:
            log.info(msg)
            said = msg
        stop.wait(TAKEOVER_POLL_S)
    return None


class ClusterLeader(Daemon):
    """The single daemon, queueing due sources on Redis for the workers instead of crawling them itself."""

    def __init__(self, settings: Settings, lock: DaemonLock, client: Any) -> None:
        super().__init__(settings, lock)
        assert settings.cluster is not None
        self.redis = client
        self.keys = Keys(settings.cluster.prefix)
        self.queue = SourceQueue(client, self.keys)
        self._swept_at = 0.0
        self._redis_down = False
        # Queueing takes milliseconds: no per-host or crawl-count limit here (the workers' politeness and the
        # claims do that job), and the tick queues up to QUEUE_BATCH sources at once.
        self.scheduler = CrawlScheduler(
            due=self.due_sources, run_batch=self.run_batch, dispatch=self.dispatch, housekeeping=self.housekeeping,
            limits=lambda: (1_000_000, 1), dispatch_every=settings.daemon.dispatch_every.total_seconds(),
            max_batch=QUEUE_BATCH,
        )

    def due_sources(self) -> list[DueSource]:
        """Due in the database and not claimed in Redis (queued, or being crawled by a worker).

        Only due rows are read, then their claims, then the schedule of the free ones once more: a worker records
        a pass's next run before it drops the claim, so a source free at the second read and still due at the third
        is really due. (With two reads, a pass finishing between them would look due on its old next run and free,
        and be polled again at once.)"""
        if not self._may_work():
            return []
        now = datetime.now(UTC)
        enabled = {s.name for s in self.settings.sources if s.enabled}
        try:
            stored = due_runs(self.repo, now)
        except SQLAlchemyError as exc:  # locked or unreachable: try again at the next tick
            log.warning("cannot read the schedule: %s", str(exc).splitlines()[0])
            return []
        names = sorted((n for n in stored if n in enabled), key=lambda n: stored[n])
        if not names:
            return []
        free: list[str] = []
        try:
            for i in range(0, len(names), CLAIM_CHUNK):  # the most overdue first, until a tick's worth is free
                free += self.queue.unclaimed(names[i:i + CLAIM_CHUNK])
                if len(free) >= QUEUE_BATCH:
                    break
        except Exception as exc:  # noqa: BLE001 - Redis away: queue nothing until it answers
            if not self._redis_down:
                log.warning("cannot read the source claims, queueing nothing until Redis answers: %s", exc)
            self._redis_down = True
            return []
        if self._redis_down:
            log.info("Redis answers again; queueing due sources")
            self._redis_down = False
        if not free:
            return []
        try:
            plan = self.held.plan(due_runs(self.repo, now, free[:QUEUE_BATCH]))
        except SQLAlchemyError as exc:
            log.warning("cannot read the schedule: %s", str(exc).splitlines()[0])
            return []
        due = due_now(plan, [s for s in self.settings.sources if s.name in plan], now)
        return sorted(due, key=lambda d: d.due_at)[:QUEUE_BATCH]

    def run_batch(self, batch: list[DueSource]) -> None:
        """Put the batch on the queue; a queued claim lasts as long as a pass may (``daemon.crawl_timeout``)."""
        if not self._may_work():
            return
        ttl = max(self.settings.daemon.crawl_timeout.total_seconds(), 3600.0)
        try:
            queued = self.queue.offer([d.name for d in batch], queued_ttl_s=ttl)
        except Exception as exc:  # noqa: BLE001 - the sources stay due in the database and are queued later
            log.warning("cannot queue sources: %s", exc)
            return
        if queued:
            log.info("queued sources=%d depth=%d", len(queued), self.queue.depth())

    def housekeeping(self) -> None:
        super().housekeeping()
        now = time.time()
        if now - self._swept_at < ORPHAN_SWEEP_S:
            return
        self._swept_at = now
        try:
            forget_silent(self.redis, self.keys)
            self._sweep_orphans()
        except Exception as exc:  # noqa: BLE001 - tidying only
            log.warning("cluster housekeeping failed: %s", exc)

    def _sweep_orphans(self) -> None:
        """Delete pass queues left by workers that are gone (killed mid-pass): their sources were queued again."""
        alive = {m["id"] for m in members(self.redis, self.keys) if m["age_s"] < 60}
        for key in self.redis.scan_iter(match=self.keys.pass_queues, count=500):
            worker = key[len(self.keys.prefix) + len(":pass:"):].rsplit(":", 2)[0]
            if worker not in alive:
                self.redis.delete(key)
