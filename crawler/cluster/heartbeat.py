"""Who is in the cluster: each leader, standby and worker writes a heartbeat to one Redis hash, which
``dealradar status`` reads. A member that stops beating is shown with the age of its last beat, then dropped."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from crawler.cluster.redisconn import Keys

log = logging.getLogger("crawler.cluster")

FORGET_AFTER_S = 3600.0  # a member silent this long is no longer listed


def member_id(role: str) -> str:
    """``host:pid``: unique while the process lives, and says where to look."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """A daemon thread that writes ``{role, host, pid, started, beat, ...}`` every ``every_s`` seconds."""

    def __init__(self, client: Any, keys: Keys, role: str, every_s: float,
                 detail: Callable[[], dict[str, Any]] | None = None) -> None:
        self.redis = client
        self.keys = keys
        self.role = role
        self.every_s = every_s
        self.id = member_id(role)
        self.started = time.time()
        self._detail = detail
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    def beat(self) -> None:
        """Write the heartbeat now; a Redis error is logged once per outage, never raised."""
        record = {"role": self.role, "host": socket.gethostname(), "pid": os.getpid(), "started": self.started,
                  "beat": time.time(), **(self._detail() if self._detail else {})}
        try:
            self.redis.hset(self.keys.members, self.id, json.dumps(record))
        except Exception as exc:  # noqa: BLE001 - Redis away: the member goes on and beats again later
            if not self._failing:
                log.warning("cannot write the cluster heartbeat: %s", exc)
            self._failing = True
        else:
            if self._failing:
                log.info("cluster heartbeat written again")
            self._failing = False

    def set_role(self, role: str) -> None:
        self.role = role
        self.beat()

    def start(self) -> None:
        self.beat()
        self._thread = threading.Thread(target=self._run, name="dealradar-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.beat()

    def stop(self, *, forget: bool = True) -> None:
        """Stop beating; ``forget`` removes the member at once (a clean exit), so status does not list it."""
        self._stop.set()
        if forget:
            with contextlib.suppress(Exception):  # Redis away: the entry ages out instead
                self.redis.hdel(self.keys.members, self.id)


def members(client: Any, keys: Keys, *, now: float | None = None) -> list[dict[str, Any]]:
    """Every member heard from within ``FORGET_AFTER_S``, leader first, with ``id`` and ``age_s``."""
    now = time.time() if now is None else now
    out = []
    for mid, raw in client.hgetall(keys.members).items():
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        rec["id"] = mid
        rec["age_s"] = round(max(0.0, now - float(rec.get("beat", 0))), 1)
        if rec["age_s"] <= FORGET_AFTER_S:
            out.append(rec)
    order = {"leader": 0, "standby": 1, "worker": 2}
    return sorted(out, key=lambda r: (order.get(r.get("role", ""), 3), r["id"]))


def forget_silent(client: Any, keys: Keys, *, now: float | None = None) -> None:
    """Drop members silent longer than ``FORGET_AFTER_S`` (the leader's housekeeping)."""
    now = time.time() if now is None else now
    for mid, raw in client.hgetall(keys.members).items():
        try:
            beat = float(json.loads(raw).get("beat", 0))
        except (ValueError, AttributeError):
            beat = 0.0
        if now - beat > FORGET_AFTER_S:
            client.hdel(keys.members, mid)
