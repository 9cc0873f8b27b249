"""Holding an outbox lease while a claimed batch is worked.

A dispatcher claims a batch of deliveries for a lease (two minutes by default) and sends them one by one.
A hanging receiver can make the batch outlast the lease; another dispatcher then finds the rows due again.
``LeaseKeeper`` renews the lease of the rows still to be sent in a background thread, and ``hold`` renews
one row right before it is sent and says whether it is still ours: a row another dispatcher took over is
skipped, never sent a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from types import TracebackType

from crawler.errors import DealRadarError
from storage.repository import PendingDelivery, Repository

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Keeps one claim's lease alive until ``stop`` (use as a context manager around the sends)."""

    def __init__(self, repo: Repository, batch: Iterable[PendingDelivery], lease: timedelta,
                 now: datetime | None = None) -> None:
        self._repo = repo
        self._lease = lease
        self._open = {p.id: p.token for p in batch}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        # The claim may run on a caller's clock (tests, the daemon): renewals follow it as real time passes.
        self._base = now
        self._started = time.monotonic()

    def clock(self) -> datetime:
        """Now, on the clock the batch was claimed with."""
        if self._base is None:
            return datetime.now(UTC)
        return self._base + timedelta(seconds=time.monotonic() - self._started)

    def hold(self, delivery: PendingDelivery) -> bool:
        """Renew this delivery's lease right before it is sent; False when another dispatcher holds it now."""
        held = self._repo.renew_claims(delivery.token, [delivery.id], until=self.clock() + self._lease)
        if delivery.id not in held:
            self.done(delivery)
            return False
        return True

    def done(self, delivery: PendingDelivery) -> None:
        """The delivery was marked (or given up): stop renewing it."""
        with self._lock:
            self._open.pop(delivery.id, None)

    def __enter__(self) -> LeaseKeeper:
        self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        interval = max(0.1, self._lease.total_seconds() / 3)
        while not self._stopped.wait(interval):
            with self._lock:
                by_token: dict[str, list[int]] = {}
                for pk, token in self._open.items():
                    by_token.setdefault(token, []).append(pk)
            for token, pks in by_token.items():
                try:
                    held = self._repo.renew_claims(token, pks, until=self.clock() + self._lease)
                except DealRadarError as exc:  # the next renewal or the check before each send will tell
                    log.warning("could not renew the outbox lease: %s", exc)
                    continue
                with self._lock:
                    for pk in set(pks) - held:
                        self._open.pop(pk, None)
