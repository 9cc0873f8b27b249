"""Cluster members as real subprocesses through the ``dealradar`` entry point, a config for them, and a Redis
key prefix of each test's own (deleted afterwards), so cluster tests never see each other's queues."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from servers.daemon_proc import ROOT, group_alive, wait_until

REDIS_URL = os.environ.get("DEALRADAR_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of the caller's own; its keys are deleted afterwards."""
    import redis

    prefix = f"drtest-{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def write_cluster_config(path: Path, db: str, prefix: str, sources: list[dict[str, Any]], *,
                         channels: list[dict[str, Any]] = (), cluster: dict[str, Any] | None = None,
                         crawl: dict[str, Any] | None = None, redis_url: str = REDIS_URL) -> Path:
    """Fast settings for local servers: short claims and fingerprints, a beat a second, alerts every second."""
    data = {
        "storage": {"url": db},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "concurrency_per_host": 8,
                  "timeout": "10s", "retries": 0, "max_article_age": "3650d", "workers": 1, **(crawl or {})},
        "sources": sources,
        "alerts": {"channels": list(channels), "retry_base": "1s"},
        "daemon": {"jitter": "0s", "dispatch_every": "1s", "http": None},
        "cluster": {"redis": redis_url, "prefix": prefix, "batch": 2, "claim_ttl": "4s", "fingerprint_ttl": "3s",
                    "heartbeat_every": "1s", **(cluster or {})},
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def entry_point() -> list[str]:
    """The installed ``dealradar`` script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("dealradar")
    if script.exists():
        return [str(script)]
    found = shutil.which("dealradar")
    return [found] if found else [sys.executable, "-m", "crawler.cli"]


class Member:
    """``dealradar run`` or ``dealradar worker`` in a process group of its own (so its crawl child dies with it)."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log
        env = {k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"}
        with open(log, "ab") as out:
            self.proc = subprocess.Popen([*entry_point(), *args], cwd=ROOT, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.log.name} exited ({self.proc.returncode}) before {text!r}:\n"
                                     f"{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} in {self.log.name} within {timeout}s:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def stop(self, timeout: float = 15.0) -> int:
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL the member and everything it started, at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)
        wait_until(lambda: not group_alive(self.proc.pid), 30, f"{self.log.name}'s children to end")
