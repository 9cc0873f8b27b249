"""``dealradar serve`` and ``dealradar run`` with ``web.enabled``, as real processes: they serve, SIGTERM ends them
with exit 0, and a bind beyond loopback without ``web.token`` is refused at once with one line and exit 2."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from entrypoint import dealradar, write_yaml
from servers.daemon_proc import DaemonProcess, write_config
from servers.web_proc import Served
from webdata import TOKEN, fill


@pytest.fixture
def served() -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        s = Served(*args)
        started.append(s)
        return s

    yield start
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait(5)


def config(tmp_path: Path, db_url: str, **web: object) -> Path:
    return write_yaml(tmp_path / "web.yaml", {"storage": {"url": db_url}, "sources": [], "web": web})


def test_serve_answers_then_sigterm_exits_0(tmp_path: Path, sqlite_url: str, served: Callable[..., Served]) -> None:
    fill(sqlite_url)[1].close()
    s = served("-c", str(config(tmp_path, sqlite_url, token=TOKEN)), "--port", "0")
    assert s.base.startswith("http://127.0.0.1:")
    deals = httpx.get(f"{s.base}/api/deals", timeout=10).json()
    assert [d["company"] for d in deals] == ["Corvane", "Tessel AI", "Northwind Vision"]
    page = httpx.get(f"{s.base}/", timeout=10)
    assert page.status_code == 200 and "Northwind Vision" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    r = httpx.post(f"{s.base}/api/deals/{deals[0]['id']}/dismiss", headers={"Authorization": f"Bearer {TOKEN}"},
                   timeout=10)
    assert r.status_code == 200
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(15) == 0
    assert "Traceback" not in s.proc.stderr.read()  # type: ignore[union-attr]


def test_serve_ctrl_c_exits_0(tmp_path: Path, sqlite_url: str, served: Callable[..., Served]) -> None:
    s = served("-c", str(config(tmp_path, sqlite_url)), "--port", "0")
    assert httpx.get(f"{s.base}/api/sources", timeout=10).json() == []
    s.proc.send_signal(signal.SIGINT)
    assert s.proc.wait(15) == 0


def test_non_loopback_without_token_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    r = dealradar("serve", "-c", str(config(tmp_path, sqlite_url)), "--host", "0.0.0.0", "--port", "0", timeout=60)
    assert r.code == 2
    assert r.err.count("\n") == 1 and "web.token" in r.err and "0.0.0.0" in r.err, r.err
    # the same from the configuration, and for ``dealradar run`` with web.enabled
    cfg = config(tmp_path, sqlite_url, enabled=True, host="0.0.0.0", port=0)
    for cmd in ("serve", "run"):
        r = dealradar(cmd, "-c", str(cfg), timeout=60)
        assert r.code == 2 and r.err.count("\n") == 1 and "web.token" in r.err, (cmd, r.err)


def test_port_in_use_is_one_line_and_exit_1(tmp_path: Path, sqlite_url: str, served: Callable[..., Served]) -> None:
    s = served("-c", str(config(tmp_path, sqlite_url)), "--port", "0")
    port = s.base.rsplit(":", 1)[1]
    r = dealradar("serve", "-c", str(config(tmp_path, sqlite_url)), "--port", port, timeout=60)
    assert r.code == 1 and r.err.count("\n") == 1 and f"cannot serve on 127.0.0.1:{port}" in r.err, r.err


def test_run_serves_the_dashboard_when_enabled(tmp_path: Path, sqlite_url: str,
                                               daemons: Callable[[Path], DaemonProcess]) -> None:
    fill(sqlite_url)[1].close()
    cfg = write_config(tmp_path / "run.yaml", sqlite_url, [])
    data = yaml.safe_load(cfg.read_text())
    data["web"] = {"enabled": True, "port": 0, "token": TOKEN}
    cfg.write_text(yaml.safe_dump(data))
    d = daemons(cfg)
    d.wait_log("serving the web dashboard")
    base = re.search(r"serving the web dashboard address=(\S+)", d.output()).group(1)  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while True:
        try:
            r = httpx.get(f"{base}/api/deals", timeout=5)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert r.status_code == 200 and len(r.json()) == 3
    code, _ = d.stop(15)
    assert code == 0
    assert "Traceback" not in d.output()
