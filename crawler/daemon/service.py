"""``dealradar run``: every source on its schedule, alerts delivered as they come, until told to stop.

The daemon process itself never runs Scrapy: a Twisted reactor cannot be restarted, so each batch
of due sources is crawled by ``crawler.crawl.runner.run_crawl`` in a fresh child process, and the daemon
only schedules, records and alerts. That also keeps the long-lived process small and its memory
flat: whatever a crawl allocates goes away with its child.

Lifecycle: take the one-daemon-per-database lock (``crawler.daemon.lock``), open and migrate the
database, plan every source (``crawler.daemon.scheduler``), serve /healthz and /metrics
(``crawler.daemon.observe``) and, with ``web.enabled``, the dashboard (``crawler.web``, a thread), then tick
until a signal:

- SIGTERM / SIGINT: stop taking work, stop the running crawl child (SIGTERM, then SIGKILL if it
  has not ended after a few seconds) and exit 0 within 10 s. A pass cut short is not recorded as
  run, so its sources are due again at the next start; nothing stored is lost, nothing sent twice.
- SIGHUP: reload the configuration; sources added, removed or changed take effect at once; a bad
  file is logged and the running configuration kept.
- the lock lost (a PostgreSQL advisory lock whose connection was cut and that another daemon took):
  noticed at once by a thread waiting on the lock's connection; nothing new starts, the crawl in flight
  is stopped, exit 1. While the lock's connection is down and not yet taken back, nothing new starts.
- SIGKILL: nothing to clean up. The lock dies with the process, articles were committed one by
  one, alerts sit in the outbox, and ``sources.next_run_at`` says where the schedule was.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import random
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from crawler.alerts.channels import Channel
from crawler.alerts.dispatcher import build_channels, dispatch_once
from crawler.config import Settings, SourceSettings, load_settings
from crawler.crawl.report import SourceReport
from crawler.crawl.runner import CrawlFailed, crawl_start_method, run_crawl
from crawler.daemon.holdback import Holdback
from crawler.daemon.lock import DaemonLock, acquire_daemon_lock
from crawler.daemon.observe import Metrics, ObserveServer, setup_logging
from crawler.daemon.scheduler import (
    CrawlScheduler,
    DueSource,
    due_now,
    plan_after_pass,
    plan_resume,
)
from crawler.daemon.status import RATE_WINDOW, assess_source, redact_url
from crawler.errors import ConfigError, DealRadarError, StorageError
from storage.records import ChannelRoute, SourceState
from storage.repository import Repository
from storage.schedule import PublishStats, flag_source_alert, next_runs, publish_stats, set_next_runs

log = logging.getLogger("crawler.daemon")

STOP_GRACE_S = 6.0  # a stopped crawl child gets this long to end before it is killed
KILL_GRACE_S = 2.0
EXIT_DEADLINE_S = 9.5  # from the stop signal to the process exit, whatever is still running
DISPATCH_BATCH = 20  # deliveries per claim; the dispatcher checks for a stop between claims
STATS_EVERY = timedelta(minutes=1)  # publish rates for the stale gauges: a table scan, so not every 15 s
STALL_AFTER_S = 30.0  # no tick for this long makes /healthz answer 503
LOCK_CHECK_S = 5.0  # the lock is asked about at least this often, and at once when its connection stirs
# The crawl child's level for each daemon level. At INFO a child would log Scrapy's start-up banner and one
# line per stored article every pass, so it stays at WARNING; its format is always the daemon's.
_CHILD_LOG_LEVEL = {"DEBUG": "DEBUG", "INFO": "WARNING", "WARNING": "WARNING", "ERROR": "ERROR"}


def run_daemon(config_path: str | None) -> int:
    """Run until SIGTERM/SIGINT; the exit status. Raises ConfigError (exit 2) and DealRadarError (exit 1)."""
    settings = load_settings(config_path)
    setup_logging(settings.daemon.log_format, settings.daemon.log_level)
    if settings.web.enabled:
        from crawler.web.server import check_bind

        check_bind(settings.web.host, settings.web.token)  # before the lock: a refused bind is exit 2, at once
    lock = acquire_daemon_lock(settings.storage.url)
    try:
        return Daemon(settings, lock).run()
    finally:
        lock.release()


def _crawl_children() -> list[Any]:
    """The crawl processes this daemon started (``run_crawl`` names them), and nothing else."""
    return [p for p in mp.active_children() if p.name == "dealradar-crawl"]


def _always(event: str, deal: dict[str, Any]) -> bool:
    return True


def _event(level: int, message: str, **fields: Any) -> None:
    """``message k=v ...`` for people, and the same fields as JSON keys with ``log_format: json``."""
    text = " ".join([message, *(f"{k}={_plain(v)}" for k, v in fields.items())])
    log.log(level, text, extra=fields)


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def operator_alert(settings: Settings, repo: Repository, src: SourceSettings, state: SourceState, ok: bool,
                   now: datetime) -> None:
    """One "source.failing" per outage, after N failures in a row; one "source.recovered" after it. Shared with
    the cluster worker, which records passes in place of the daemon."""
    threshold = settings.daemon.failure_alert_after
    body: dict[str, Any] = {"source": src.name, "kind": src.kind, "url": src.urls[0],
                            "consecutive_failures": state.consecutive_failures, "last_error": state.last_error,
                            "last_success_at": state.last_success_at.isoformat() if state.last_success_at else None,
                            "occurred_at": now.isoformat()}
    if not ok and state.consecutive_failures >= threshold and not state.failure_alerted:
        body["message"] = (f"Source {src.name} failed {state.consecutive_failures} times in a row; "
                           f"last error: {state.last_error or 'unknown'}")
        if flag_source_alert(repo, src.name, alerted=True, event="source.failing", body=body,
                             channels=operator_routes(settings), now=now):
            _event(logging.WARNING, "source failing, operator alert queued", source=src.name,
                   failures=state.consecutive_failures)
    elif ok and state.failure_alerted:
        body["message"] = f"Source {src.name} works again"
        if flag_source_alert(repo, src.name, alerted=False, event="source.recovered", body=body,
                             channels=operator_routes(settings), now=now):
            _event(logging.INFO, "source recovered, operator alert queued", source=src.name)


def operator_routes(settings: Settings) -> list[ChannelRoute]:
    """Channels marked ``operator: true``; every channel when none is."""
    chans = settings.alerts.channels
    chosen = [c for c in chans if c.operator] or list(chans)
    return [ChannelRoute(c.label(chans.index(c)), _always) for c in chosen]


class Daemon:
    """One running daemon: its settings (swapped on reload), database, channels, scheduler and metrics."""

    def __init__(self, settings: Settings, lock: DaemonLock) -> None:
        self._stop_requested = False
        self._force = False
        self._reload_requested = False
        self._lock_lost = False
        self._lock_doubt = False  # the lock's connection broke and it is not yet taken again: no new work meanwhile
        self._install_signals()  # first: a SIGHUP during start-up must not kill the process
        self.settings = settings
        self.lock = lock
        self.repo = Repository.open(settings.storage.url)
        self.channels: dict[str, Channel] = build_channels(settings)
        self.metrics = Metrics()
        self.rng = random.Random()
        self.started_at = datetime.now(UTC)
        self.last_crawl_at: datetime | None = None
        self._dispatch_lock = threading.Lock()
        self._stats: dict[str, PublishStats] = {}
        self._stats_at: datetime | None = None
        self.held = Holdback()
        self._last_errors: dict[str, str | None] = {}  # for /healthz, kept with the failure gauge
        self.scheduler = CrawlScheduler(
            due=self.due_sources, run_batch=self.run_batch, dispatch=self.dispatch, housekeeping=self.housekeeping,
            limits=lambda: (self.settings.daemon.per_host_limit, self.settings.daemon.max_crawls),
            dispatch_every=settings.daemon.dispatch_every.total_seconds(),
        )
        self.server = ObserveServer(settings.daemon.http, self.metrics, self.health) if settings.daemon.http else None
        self.web = self._web_thread(settings)

    @staticmethod
    def _web_thread(settings: Settings) -> Any:
        """The dashboard, API and feed in a thread of this process when ``web.enabled`` (``crawler.web``)."""
        if not settings.web.enabled:
            return None
        from crawler.web.server import WebThread

        return WebThread(settings)

    # ---- lifecycle ----------------------------------------------------------------------------

    def run(self) -> int:
        """Start everything, then wait for signals on the main thread; returns the exit status."""
        self.repo.sync_sources(self.settings.sources)
        self.plan(self.settings.sources)
        self.metrics.set_sources(s.name for s in self.settings.sources)
        if self.server is not None:
            self.server.start()
            _event(logging.INFO, "serving /healthz and /metrics", address=self.server.address)
        if self.web is not None:
            self.web.start()
            _event(logging.INFO, "serving the web dashboard", address=self.web.address)
        self.scheduler.start()
        threading.Thread(target=self._watch_lock, name="dealradar-lock-watch", daemon=True).start()
        self.metrics.up.set(1)
        enabled = [s.name for s in self.settings.sources if s.enabled]
        _event(logging.INFO, "daemon started", pid=os.getpid(), sources=len(enabled),
               database=redact_url(self.settings.storage.url), config=self.settings.path or "-")
        if not enabled:
            log.warning("no enabled sources: nothing to crawl until the configuration gains some (SIGHUP reloads it)")
        if not self.settings.alerts.channels:
            log.warning("no alert channels configured (alerts.channels): deals are stored but nobody is told; "
                        "add a webhook, email or apprise channel and reload (SIGHUP)")
        code = 0
        while not self._stop_requested:
            time.sleep(0.2)  # signal handlers only set flags; the work happens here, outside them
            if self._reload_requested:
                self._reload_requested = False
                self.reload()
            if self._lock_lost:
                code = 1
                break
        return self._shutdown(code)

    def _watch_lock(self) -> None:
        """Notice a lost lock at once. When the connection holding a PostgreSQL advisory lock is cut, the server
        drops the lock and a second daemon may take it that instant; until this one knows whether it got the lock
        back, it starts nothing, and when another process has it, it stops taking work straight away."""
        while not (self._stop_requested or self._lock_lost):
            broken = self.lock.wait_broken(LOCK_CHECK_S if not self._lock_doubt else 1.0)
            if self._stop_requested:
                return
            if broken:
                self._lock_doubt = True
            state = self.lock.check()
            if state == "lost":
                # Logged before the flag is set: the main thread exits as soon as it sees the flag, and this
                # thread is a daemon thread, so a line written after it could be lost with the process.
                log.error("another process took the daemon lock; stopping")
                self._lock_lost = True
                self.scheduler.stop()  # no more ticks, batches or dispatches; the main loop shuts down
                return
            self._lock_doubt = state != "held"

    def _may_work(self) -> bool:
        """False while the lock is in doubt or lost: nothing new starts then."""
        return not (self._lock_doubt or self._lock_lost)

    def _install_signals(self) -> None:
        def on_stop(signum: int, frame: FrameType | None) -> None:
            if self._stop_requested:
                self._force = True  # a second signal: do not wait for the crawl child
            self._stop_requested = True

        def on_hup(signum: int, frame: FrameType | None) -> None:
            self._reload_requested = True

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, on_hup)

    def _shutdown(self, code: int) -> int:
        t0 = time.monotonic()
        self.metrics.up.set(0)
        in_flight = self.scheduler.in_flight()
        _event(logging.INFO, "stopping", in_flight=in_flight or "-")
        self.scheduler.stop()  # no more ticks; run_crawl's should_stop now says stop
        if self._lock_lost:  # another daemon runs now: the crawl in flight is its work, stop it at once
            for child in _crawl_children():
                child.terminate()
        # run_crawl sends the child SIGTERM: Scrapy then finishes the requests in flight. Halfway through
        # the grace period a second SIGTERM makes Scrapy stop at once; at its end the child is killed.
        nudged = False
        while not self.scheduler.join(0.2) and not self._force:
            waited = time.monotonic() - t0
            if waited > STOP_GRACE_S:
                break
            if waited > STOP_GRACE_S / 2 and not nudged:
                nudged = True
                for child in _crawl_children():
                    child.terminate()
        if self.scheduler.running_batches():
            log.warning("crawl process did not stop in time; killing it")
            for child in _crawl_children():
                child.kill()
            self.scheduler.join(KILL_GRACE_S)
        if self.server is not None:
            self.server.stop()
        if self.web is not None:
            self.web.stop()
        self._exit_if_stuck(t0, code)
        self.repo.close()
        _event(logging.INFO, "daemon stopped", seconds=time.monotonic() - t0)
        return code

    def _exit_if_stuck(self, t0: float, code: int) -> None:
        """An alert send stuck on a slow receiver must not hold the exit past 10 s.

        Its delivery stays leased and is retried after the lease with the same delivery id,
        which receivers dedupe on.
        """
        busy = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
        while busy and time.monotonic() - t0 < EXIT_DEADLINE_S:
            busy[0].join(0.1)
            busy = [t for t in busy if t.is_alive()]
        if busy:
            log.warning("exiting with work still running: %s", ", ".join(t.name for t in busy))
            for handler in logging.getLogger().handlers:
                handler.flush()
            self.lock.release()
            os._exit(code)

    # ---- configuration --------------------------------------------------------------------------

    def reload(self) -> None:
        """SIGHUP: read the configuration again; on any error keep running with the old one."""
        old = self.settings
        try:
            new = load_settings(old.path)
            if new.storage.url != old.storage.url:
                raise ConfigError("storage.url", "cannot change while the daemon runs; restart it to switch databases")
            channels = build_channels(new)
            self.repo.sync_sources(new.sources)
        except DealRadarError as exc:
            self.metrics.reloads.labels("rejected").inc()
            log.error("configuration reload rejected, keeping the running configuration: %s", exc)
            return
        self.settings, self.channels = new, channels
        d_old, d_new = old.daemon, new.daemon
        if (d_old.log_format, d_old.log_level) != (d_new.log_format, d_new.log_level):
            setup_logging(d_new.log_format, d_new.log_level)
        if d_old.http != d_new.http:
            log.warning("daemon.http changed; it takes effect at the next restart")
        if old.web != new.web:
            log.warning("web settings changed; they take effect at the next restart")
        if d_old.dispatch_every != d_new.dispatch_every:
            self.scheduler.set_dispatch_every(d_new.dispatch_every.total_seconds())
        before = {s.name: s for s in old.sources}
        after = {s.name: s for s in new.sources}
        added = [n for n in after if n not in before]
        removed = [n for n in before if n not in after]
        changed = [n for n in after if n in before and after[n] != before[n]]
        self.plan([after[n] for n in added + changed])
        self.metrics.set_sources(after)
        self.metrics.reloads.labels("ok").inc()
        _event(logging.INFO, "configuration reloaded", added=added or "-", removed=removed or "-",
               changed=changed or "-")

    def plan(self, sources: list[SourceSettings] | tuple[SourceSettings, ...]) -> None:
        """Give sources their place in the schedule, keeping the stored one where it still makes sense."""
        now = datetime.now(UTC)
        stored = next_runs(self.repo)
        states = {s.name: s for s in self.repo.list_sources()}
        gaps = self._mean_gaps(now) if self.settings.daemon.adaptive else {}
        updates = {}
        for src in sources:
            st = states.get(src.name)
            if not src.enabled or st is None:
                continue
            at = plan_resume(src, self.settings.daemon, stored=stored.get(src.name), now=now,
                             failures=st.consecutive_failures, hint_s=st.poll_hint_s, mean_gap_s=gaps.get(src.name),
                             rng=self.rng)
            if at != stored.get(src.name):
                updates[src.name] = at
        try:
            set_next_runs(self.repo, updates)
        except StorageError as exc:
            self.held.write_failed("planning the sources", exc)
            for name, at in updates.items():
                self.held.hold(name, at)
        else:
            for name in updates:
                self.held.release(name)

    def _mean_gaps(self, now: datetime, names: list[str] | None = None) -> dict[str, float | None]:
        from crawler.daemon.polling import mean_gap

        stats = publish_stats(self.repo, now - RATE_WINDOW, names)
        return {name: mean_gap(st.count, st.first, st.last) for name, st in stats.items()}

    # ---- crawling -------------------------------------------------------------------------------

    def due_sources(self) -> list[DueSource]:
        """What the tick may start now: enabled sources whose planned time has come."""
        if not self._may_work():
            return []
        now = datetime.now(UTC)
        try:
            plan = {k: (v if v is not None else now) for k, v in self.held.plan(next_runs(self.repo)).items()}
        except SQLAlchemyError as exc:  # locked or unreachable: try again at the next tick
            log.warning("cannot read the schedule: %s", str(exc).splitlines()[0])
            return []
        return due_now(plan, self.settings.sources, now)

    def run_batch(self, batch: list[DueSource]) -> None:
        """One crawl child over a batch of due sources, then schedules, operator alerts and alert delivery."""
        settings = self.settings
        known = {s.name: s for s in settings.sources}
        sources = [known[d.name] for d in batch if d.name in known]
        if not sources or not self._may_work():
            return
        started = datetime.now(UTC)
        for d in batch:
            lag = max(0.0, (started - d.due_at).total_seconds())
            self.metrics.lag_hist.observe(lag)
        self.metrics.lag.set(max(0.0, (started - min(d.due_at for d in batch)).total_seconds()))
        _event(logging.INFO, "crawl started", sources=[s.name for s in sources])
        self.metrics.in_flight.inc()
        failure: str | None = None
        reports: dict[str, SourceReport] = {}
        try:
            summary = run_crawl(settings, sources, timeout=settings.daemon.crawl_timeout,
                                log_level=_CHILD_LOG_LEVEL[settings.daemon.log_level],
                                log_format=settings.daemon.log_format,
                                should_stop=lambda: self.scheduler.stopping,
                                start_method=crawl_start_method(long_lived=True), warm_workers=False)
            reports = {r.source: r for r in summary.sources}
        except CrawlFailed as exc:
            failure = str(exc)
        finally:
            self.metrics.in_flight.dec()
        finished = datetime.now(UTC)
        self.metrics.crawl_seconds.observe((finished - started).total_seconds())
        if failure is not None and self.scheduler.stopping:
            self.metrics.crawls.labels("stopped").inc()
            _event(logging.INFO, "crawl stopped by shutdown; its sources are due again at the next start",
                   sources=[s.name for s in sources])
            return
        self.metrics.crawls.labels("ok" if failure is None else "failed").inc()
        if failure is not None:
            _event(logging.ERROR, "crawl process failed", sources=[s.name for s in sources], error=failure)
        self.last_crawl_at = finished
        gaps = self._mean_gaps(finished, [s.name for s in sources]) if self.settings.daemon.adaptive else {}
        for src in sources:
            try:
                self._after_pass(src.name, reports.get(src.name), failure, started, finished, gaps.get(src.name))
            except DealRadarError as exc:
                log.error("could not record the pass of source %s: %s", src.name, exc)
        self.dispatch(blocking=True)

    def _after_pass(self, name: str, rep: SourceReport | None, failure: str | None, started: datetime,
                    finished: datetime, mean_gap_s: float | None) -> None:
        recorded = rep is not None and rep.state_saved  # the crawl child recorded the pass itself
        if rep is None:  # the child died before reporting: a failed pass all the same, so backoff applies
            try:
                self.repo.record_source_run(name, at=finished, ok=False, status="error",
                                            error=f"crawl process failed: {failure or 'no report'}")
                recorded = True
            except StorageError as exc:
                self.held.write_failed(f"recording the pass of {name}", exc)
            self.metrics.record_crash(name)
        else:
            self.metrics.record_pass(rep)
        state = self.repo.source_state(name)
        src = next((s for s in self.settings.sources if s.name == name), None)  # the config may have been reloaded
        if state is None or src is None or not src.enabled:
            return
        ok = rep is not None and rep.ok
        # A pass the database would not record still counts: the backoff is kept here, in memory, until it can be
        # written, or the source would be due again at once and the daemon would crawl in a loop.
        failures = self.held.failures(name, state.consecutive_failures, ok=ok, recorded=recorded)
        hint = rep.poll_hint_s if rep is not None else None
        nxt = plan_after_pass(src, self.settings.daemon, started=started, finished=finished,
                              failures=failures, hint_s=hint, mean_gap_s=mean_gap_s, rng=self.rng)
        try:
            self.repo.set_source_schedule(name, nxt)
        except StorageError as exc:
            self.held.hold(name, nxt)
            self.held.write_failed(f"planning the next pass of {name}", exc)
        else:
            self.held.release(name)
            if recorded:
                self.held.write_ok()
        self.metrics.next_run.labels(name).set(nxt.timestamp())
        self.metrics.failures.labels(name).set(failures)
        self._last_errors[name] = state.last_error
        if state.last_success_at is not None:
            self.metrics.last_success.labels(name).set(state.last_success_at.timestamp())
        fields: dict[str, Any] = {"source": name, "ok": ok, "next_in_s": round((nxt - finished).total_seconds(), 1)}
        if rep is not None:
            fields.update(new=rep.new_articles, deals_new=rep.deals_new, not_modified=rep.not_modified)
        if not ok:
            fields.update(failures=failures, error=(rep.fatal if rep else failure) or "?")
        _event(logging.INFO if ok else logging.WARNING, "source pass", **fields)
        try:
            self._operator_alert(src, state, ok, finished)
        except StorageError as exc:
            self.held.write_failed(f"queueing an operator alert for {name}", exc)

    def _operator_alert(self, src: SourceSettings, state: SourceState, ok: bool, now: datetime) -> None:
        operator_alert(self.settings, self.repo, src, state, ok, now)

    # ---- alerts and housekeeping ------------------------------------------------------------------

    def dispatch(self, blocking: bool = False) -> None:
        """Deliver what is due. After a crawl the batch thread waits its turn; the periodic job just skips."""
        if not self._may_work() or not self._dispatch_lock.acquire(blocking=blocking):
            return
        try:
            while not self.scheduler.stopping:
                result = dispatch_once(self.settings, self.repo, channels=self.channels, now=datetime.now(UTC),
                                       limit=DISPATCH_BATCH)
                self.metrics.alerts_sent.inc(result.sent)
                self.metrics.alerts_failed.inc(result.failed)
                self.metrics.alerts_retried.inc(result.retried)
                if result.sent + result.retried + result.failed < DISPATCH_BATCH:
                    break
            self.metrics.alerts_pending.set(self.repo.pending_count())
        except StorageError as exc:  # the database refuses the leases: said once, not a traceback every few seconds
            self.held.write_failed("leasing alert deliveries", exc)
        except Exception:  # the outbox keeps everything; the next run retries
            log.exception("alert dispatch failed")
        finally:
            self._dispatch_lock.release()

    def housekeeping(self) -> None:
        """Refresh the gauges that mirror the database (the lock has a thread of its own: ``_watch_lock``)."""
        now = datetime.now(UTC)
        try:
            states = {s.name: s for s in self.repo.list_sources()}
            if self._stats_at is None or now - self._stats_at > STATS_EVERY:  # a scan of recent articles
                self._stats, self._stats_at = publish_stats(self.repo, now - RATE_WINDOW), now
            stats = self._stats
            for src in self.settings.sources:
                st = states.get(src.name)
                if st is None:
                    continue
                health = assess_source(src, st, stats.get(src.name), self.settings.daemon, now)
                self.metrics.stale.labels(src.name).set(1 if health.stale else 0)
                self.metrics.failures.labels(src.name).set(st.consecutive_failures)
                self._last_errors[src.name] = st.last_error
                if st.last_success_at is not None:
                    self.metrics.last_success.labels(src.name).set(st.last_success_at.timestamp())
                if st.next_run_at is not None:
                    self.metrics.next_run.labels(src.name).set(st.next_run_at.timestamp())
            self.metrics.alerts_pending.set(self.repo.pending_count())
        except (DealRadarError, SQLAlchemyError) as exc:
            log.warning("housekeeping could not read the database: %s", str(exc).splitlines()[0])

    def health(self) -> tuple[bool, dict[str, Any]]:
        """/healthz: 200 while ticking and holding the lock, 503 when stopping or stalled.

        Sources whose last pass failed make it ``degraded`` (still 200: the daemon works, the sources do not)
        and are listed, so a check that reads the body sees them."""
        tick_age = time.monotonic() - self.scheduler.last_tick
        stalled = tick_age > STALL_AFTER_S
        stopping = self.scheduler.stopping or self._stop_requested
        failing = self._failing_sources()
        status = "stopping" if stopping else ("stalled" if stalled else ("lock-lost" if self._lock_lost else
                                                                         "degraded" if failing else "ok"))
        body = {
            "status": status,
            "pid": os.getpid(),
            "started_at": self.started_at.isoformat(),
            "uptime_s": round((datetime.now(UTC) - self.started_at).total_seconds(), 1),
            "sources": sum(1 for s in self.settings.sources if s.enabled),
            "in_flight": self.scheduler.in_flight(),
            "last_tick_age_s": round(tick_age, 2),
            "last_crawl_at": self.last_crawl_at.isoformat() if self.last_crawl_at else None,
            "failing": failing,
        }
        return status in ("ok", "degraded"), body

    def _failing_sources(self) -> list[dict[str, Any]]:
        """Enabled sources whose last pass failed, from the failure gauge the passes and housekeeping keep."""
        enabled = {s.name for s in self.settings.sources if s.enabled}
        out = []
        for metric in self.metrics.failures.collect():
            for sample in metric.samples:
                name = sample.labels.get("source")
                if name in enabled and sample.value > 0:
                    out.append({"source": name, "consecutive_failures": int(sample.value),
                                "last_error": self._last_errors.get(name)})
        return sorted(out, key=lambda f: f["source"])
