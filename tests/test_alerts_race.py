"""Two dispatchers in two processes work one outbox while the receiver is slow: the first one's batch
takes longer than the lease it claimed it with, so the second one finds those rows due again. Every
delivery must still reach the receiver exactly once (a webhook receiver and an SMTP server on 127.0.0.1,
SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from servers.smtp_server import SMTPTestServer
from servers.webhook_receiver import Reply, WebhookReceiver

from crawler.config import Settings
from storage.repository import ChannelRoute, Repository

DELIVERIES = 16
REPLY_DELAY = 0.5  # seconds the receiver takes per alert: the first batch takes DELIVERIES * this
LEASE = 4.0  # seconds: far shorter than that batch, as a hanging receiver makes the real two minutes

DISPATCHER = textwrap.dedent("""
    import json, sys, time
    from datetime import timedelta
    from crawler.config import settings_from_dict
    from crawler.alerts.dispatcher import dispatch_once
    from storage.repository import Repository
    settings = settings_from_dict(json.loads(sys.argv[1]), env={})
    lease = timedelta(seconds=float(sys.argv[2]))
    repo = Repository.open(settings.storage.url)
    totals = {"sent": 0, "retried": 0, "failed": 0}
    deadline = time.monotonic() + 240
    while repo.pending_count() and time.monotonic() < deadline:
        result = dispatch_once(settings, repo, lease=lease)
        for key in totals:
            totals[key] += getattr(result, key)
        time.sleep(0.05)
    print(json.dumps(totals))
""")


def start_dispatcher(settings: Settings) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen([sys.executable, "-c", DISPATCHER, json.dumps(settings.model_dump(mode="json")),
                             str(LEASE)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def slow_webhook() -> Iterator[tuple[dict, Callable[[], list[str]]]]:
    with WebhookReceiver(default=Reply(delay=REPLY_DELAY)) as rx:
        yield ({"name": "out", "webhook": rx.url()},
               lambda: [r.header("X-DealRadar-Delivery") or "" for r in rx.requests])


@pytest.fixture
def slow_smtp() -> Iterator[tuple[dict, Callable[[], list[str]]]]:
    with SMTPTestServer(delay=REPLY_DELAY) as smtp:
        yield ({"name": "out", "email": {"smtp": smtp.url(), "from": "radar@example.org",
                                         "to": ["desk@example.org"], "starttls": "never"}},
               lambda: [m.message["X-DealRadar-Delivery"] for m in smtp.messages])


@pytest.mark.parametrize("receiver", ["slow_webhook", "slow_smtp"])
def test_two_dispatcher_processes_send_each_delivery_once_past_the_lease(
        db_url: str, receiver: str, request: pytest.FixtureRequest) -> None:
    channel, received = request.getfixturevalue(receiver)
    settings = make_settings(db_url, [], alerts={"channels": [channel], "retry_base": "1s", "retry_max": "1s"})
    repo = Repository.open(db_url)
    route = [ChannelRoute("out", lambda e, d: True)]
    for n in range(DELIVERIES):
        repo.queue_event("source.failing", {"source": f"feed-{n}", "failures": 6, "last_error": "HTTP 500"}, route)
    queued = {d.delivery_id for d in repo.list_deliveries()}
    assert len(queued) == DELIVERIES

    first = start_dispatcher(settings)
    deadline = time.monotonic() + 120
    while not received() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first dispatcher has claimed its batch once its first alert arrives
    assert received(), "the first dispatcher sent nothing"
    second = start_dispatcher(settings)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for proc, (_, err) in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0, err

    counts = Counter(received())
    twice = {k: v for k, v in counts.items() if v > 1}
    assert twice == {}, f"{len(twice)} of {DELIVERIES} deliveries went out more than once"
    assert set(counts) == queued
    assert {d.status for d in repo.list_deliveries()} == {"sent"}
    totals = [json.loads(out) for out, _ in outputs]
    assert sum(t["sent"] for t in totals) == DELIVERIES and sum(t["failed"] for t in totals) == 0
    repo.close()
