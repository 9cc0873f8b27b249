"""``dealradar run`` as a real subprocess for daemon tests: its config, its log, and ways to stop or kill it.

The daemon runs in a session (process group) of its own, so a test can SIGKILL it together with its crawl
child, or the daemon alone and then wait for what it left behind to end."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def write_config(path: Path, db: str, sources: list[dict[str, Any]], *, channels: list[dict[str, Any]] = (),
                 daemon: dict[str, Any] | None = None, port: int | None = None,
                 crawl: dict[str, Any] | None = None) -> Path:
    data = {
        "storage": {"url": db},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "concurrency_per_host": 8,
                  "timeout": "10s", "retries": 0, "max_article_age": "3650d", **(crawl or {})},
        "sources": sources,
        "alerts": {"channels": list(channels), "retry_base": "1s"},
        "daemon": {"jitter": "0s", "dispatch_every": "1s", "per_host_limit": 4,
                   "http": f"127.0.0.1:{port}" if port else None, **(daemon or {})},
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def log_times(output: str, text: str) -> list[datetime]:
    """When the daemon logged each line holding ``text`` (its own clock, from the plain log format): what it
    did when, without the test's own delays in between."""
    times = []
    for line in output.splitlines():
        m = _LOG_TIME.match(line)
        if m and text in line:
            times.append(datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f"))
    return times


def group_alive(pgid: int) -> bool:
    """Whether any process of this process group is still running (zombies waiting to be reaped do not count)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class DaemonProcess:
    """``dealradar run`` in its own process group, so a test can SIGKILL it together with its crawl child."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log
        env = {k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"}
        with open(log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "run", "-c", str(config)], cwd=ROOT,
                                         env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_log(self, text: str, timeout: float = 60.0, *, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while self.output().count(text) < count:
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited ({self.proc.returncode}) before logging {text!r}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} (x{count}) within {timeout}s:\n{self.tail()}")
            time.sleep(0.1)

    def tail(self, lines: int = 40) -> str:
        keep = [line for line in self.output().splitlines() if " crawler." in line or "dealradar" in line]
        return "\n".join(keep[-lines:])

    def send(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 10.0) -> tuple[int, float]:
        t0 = time.monotonic()
        self.send(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - t0

    def kill_all(self) -> None:
        """SIGKILL the daemon and its crawl child at once, like an OOM kill of the whole service."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)

    def kill_daemon_only(self, leftovers_timeout: float = 60.0) -> None:
        """SIGKILL the daemon process alone, then wait until what it started (crawl child, fork server) has ended
        by itself: a kill of the main process by an operator or a supervisor, its children left running."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(5)
        wait_until(lambda: not group_alive(self.proc.pid), leftovers_timeout, "the daemon's children to end")
