"""Deal events to alerts, end to end: the real parser and repository, a real webhook receiver and a real
SMTP server on 127.0.0.1, SQLite and PostgreSQL. One alert per deal, one per conflict, none twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from servers.smtp_server import SMTPTestServer
from servers.webhook_receiver import WebhookReceiver

from crawler.alerts.dispatcher import dispatch_once
from crawler.app import build_processor
from crawler.cli.sitehost import article_page
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

SECRET = "whsec-test"
T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)

# Three outlets' own wording of one deal, a fourth with another figure, a ticker page.
HELIX = [
    ("wire.example", "Helix Forge raises $5 billion from Amazon",
     ["Helix Forge, the San Francisco developer of large AI models, has raised $5 billion in an equity investment "
      "from Amazon, the company said on Tuesday.",
      "The money will pay for training runs over the next two years, a spokesperson said."]),
    ("daily.example", "Amazon puts $5B into AI lab Helix Forge",
     ["Amazon has invested $5 billion in Helix Forge, the AI model developer said in a statement.",
      "The deal deepens a partnership that began with cloud credits last year."]),
    ("ledger.example", "Helix Forge secures $5 billion",
     ["AI startup Helix Forge has secured $5 billion in new funding from Amazon.",
      "The company declined to say how the investment was structured beyond calling it equity."]),
]
HELIX_7B = ("courier.example", "Helix Forge lands $7 billion Amazon investment",
            ["Helix Forge has raised $7 billion from Amazon in an equity deal, according to the AI lab.",
             "The figure is higher than numbers reported elsewhere earlier in the day."])
TICKER = ("gazette.example", "Chipmakers rally as demand for AI servers grows",
          ["Shares of chipmakers rose on Wednesday after two server makers raised their sales forecasts.",
           "Analysts said demand for AI servers remained strong into next year."])


def item(outlet: str, title: str, paras: list[str], *, n: int, ticker: tuple[str, ...] = (),
         at: datetime = T0) -> ArticleItem:
    html = article_page(title, paras, published=(at + timedelta(hours=n)).isoformat(), ticker=ticker)
    return ArticleItem(url=f"https://{outlet}/story/{n}", source=outlet, outlet=outlet, html=html,
                       fetched_at=at + timedelta(hours=n))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    rx = WebhookReceiver().start()
    yield rx
    rx.stop()


@pytest.fixture
def smtp() -> Iterator[SMTPTestServer]:
    server = SMTPTestServer().start()
    yield server
    server.stop()


def settings_for(db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer, **alerts: object):  # type: ignore[no-untyped-def]
    channels = [{"name": "hook", "webhook": f"http://127.0.0.1:{receiver.port}/hook", "secret": SECRET},
                {"name": "mail", "email": {"smtp": f"smtp://127.0.0.1:{smtp.port}", "from": "radar@example.org",
                                           "to": ["analyst@example.org"], "starttls": "never"}}]
    return make_settings(db_url, [], alerts={"channels": channels, "retry_base": "0s", "retry_max": "0s", **alerts})


def drain(settings, repo: Repository, rounds: int = 12) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        dispatch_once(settings, repo)
        if repo.pending_count() == 0:
            return


def events_of(receiver: WebhookReceiver) -> list[dict]:
    return [json.loads(r.body) for r in receiver.requests]


def test_three_outlets_one_new_deal_then_one_conflict_and_no_ticker_conflict(
        db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    for n, (outlet, title, paras) in enumerate(HELIX):
        proc.process(item(outlet, title, paras, n=n))
    drain(settings, repo)
    got = events_of(receiver)
    assert [e["event"] for e in got] == ["deal.new"]
    assert len(smtp.messages) == 1
    deal = got[0]["deal"]
    assert deal["company"] == "Helix Forge" and deal["amount_usd"] == 5e9

    proc.process(item(*HELIX_7B, n=3))
    proc.process(item(*TICKER, n=4, ticker=("Helix Forge raises $9 billion in surprise round",
                                            "Markets close higher")))
    drain(settings, repo)
    got = events_of(receiver)
    assert [e["event"] for e in got] == ["deal.new", "deal.conflict"]
    conflict = got[1]["conflict"]
    assert conflict["field"] == "amount_usd"
    assert sorted(v["value"] for v in conflict["values"]) == [5e9, 7e9]
    seven = next(v for v in conflict["values"] if v["value"] == 7e9)
    assert [s["outlet"] for s in seven["sources"]] == ["courier.example"]
    assert "$7 billion" in seven["sources"][0]["sentence"]
    assert len(repo.list_deals()) == 1
    assert len(smtp.messages) == 2 and "Conflict" in smtp.messages[1].message["Subject"]
    for r in receiver.requests:
        assert receiver.verify(r, SECRET)
        assert r.header("X-DealRadar-Event") == json.loads(r.body)["event"]


def test_rumour_then_confirmation_is_one_update_and_a_recrawl_sends_nothing(
        db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    rumour = item("wire.example", "Lumen Circuit in talks to raise $300 million",
                  ["Lumen Circuit, a Boston startup making AI chips for robots, is in talks to raise $300 million "
                   "in a Series C round, according to people familiar with the matter.",
                   "The talks are continuing and terms could change, the people said."], n=0)
    closed = item("daily.example", "Lumen Circuit closes $300 million Series C",
                  ["Lumen Circuit has raised $300 million in a Series C round led by Granite Arc Ventures, the "
                   "AI chip startup said on Thursday.",
                   "The Boston company will use the money to build its second chip."], n=30)
    for it in (rumour, closed):
        proc.process(it)
    drain(settings, repo)
    got = events_of(receiver)
    assert [e["event"] for e in got] == ["deal.new", "deal.updated"]
    changes = {c["field"]: c for c in got[1]["changes"]}
    assert changes["status"]["old"] == "rumored" and changes["status"]["new"] == "closed"
    # The same crawl again: nothing new is stored and nothing is sent.
    for it in (rumour, closed):
        assert proc.process(it).outcome.status == "seen"
    drain(settings, repo)
    assert len(receiver.requests) == 2 and len(smtp.messages) == 2


def test_webhook_500_five_times_then_200_delivers_each_id_once(
        db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    receiver.fail(5, status=500)
    for n, (outlet, title, paras) in enumerate(HELIX[:1]):
        proc.process(item(outlet, title, paras, n=n))
    proc.process(item(*HELIX_7B, n=1))
    drain(settings, repo, rounds=20)
    ok = [r for r in receiver.requests if r.header("X-DealRadar-Delivery")]
    ids = Counter(r.header("X-DealRadar-Delivery") for r in ok)
    assert len(ids) == 2  # deal.new and deal.conflict
    sent = repo.list_deliveries("sent")
    assert {d.delivery_id for d in sent if d.channel == "hook"} == set(ids)
    assert sum(ids.values()) == 7  # 5 failures + 2 successes: retries reuse the id
    assert repo.pending_count() == 0 and repo.list_deliveries("failed") == []


def test_smtp_down_then_up_delivers_once(db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    smtp.stop()
    proc.process(item(*HELIX[0], n=0))
    drain(settings, repo, rounds=3)
    mail = [d for d in repo.list_deliveries() if d.channel == "mail"]
    assert mail[0].status == "pending" and mail[0].attempts >= 1 and "refused" in (mail[0].last_error or "").lower()
    smtp.start()
    drain(settings, repo)
    assert len(smtp.messages) == 1
    drain(settings, repo)
    assert len(smtp.messages) == 1 and len(receiver.requests) == 1


def test_exhausted_delivery_is_kept_and_can_be_resent(db_url: str, receiver: WebhookReceiver,
                                                       smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp, max_attempts=2)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    receiver.fail(2, status=503)
    proc.process(item(*HELIX[0], n=0))
    drain(settings, repo)
    [failed] = repo.list_deliveries("failed")
    assert failed.channel == "hook" and failed.attempts == 2
    first_id = failed.delivery_id
    assert repo.requeue_failed() == 1
    drain(settings, repo)
    last = receiver.requests[-1]
    assert last.header("X-DealRadar-Delivery") == first_id and repo.list_deliveries("failed") == []


def test_html_in_a_title_arrives_escaped_in_email(db_url: str, receiver: WebhookReceiver,
                                                  smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    outlet, _, paras = HELIX[0]
    proc.process(item(outlet, "Helix Forge <script>alert(1)</script> raises $5B", paras, n=0))
    drain(settings, repo)
    [msg] = smtp.messages
    html = msg.part("text/html")
    assert html is not None and "<script>" not in html and "&lt;script&gt;" in html
    assert "Helix Forge" in msg.message["Subject"]


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys, json
    from crawler.config import settings_from_dict
    from crawler.app import build_processor
    from crawler.crawl.items import ArticleItem
    from storage.repository import Repository
    settings = settings_from_dict(json.loads(sys.argv[1]), env={})
    repo = Repository.open(settings.storage.url)
    proc = build_processor(settings, repo)
    for n, (url, html) in enumerate(json.loads(sys.argv[2])):
        proc.process(ArticleItem(url=url, source="s", outlet=url.split("/")[2], html=html))
    os.kill(os.getpid(), signal.SIGKILL)  # committed, never sent
""")


def test_killed_after_commit_before_send_sends_each_alert_once_after_restart(
        db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer, tmp_path: Path) -> None:
    settings = settings_for(db_url, receiver, smtp)
    pages = [(it.url, it.html) for it in (item(*HELIX[0], n=0), item(*HELIX_7B, n=1))]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, json.dumps(settings.model_dump(mode="json")),
                           json.dumps(pages)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert receiver.requests == [] and smtp.messages == []
    repo = Repository.open(db_url)
    assert repo.pending_count() == 4  # deal.new + deal.conflict, to two channels
    drain(settings, repo)
    drain(settings, repo)
    assert Counter(json.loads(r.body)["event"] for r in receiver.requests) == {"deal.new": 1, "deal.conflict": 1}
    assert len(smtp.messages) == 2


def test_a_claim_abandoned_by_a_dead_dispatcher_is_sent_after_its_lease(
        db_url: str, receiver: WebhookReceiver, smtp: SMTPTestServer) -> None:
    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    build_processor(settings, repo).process(item(*HELIX[0], n=0))
    claimed = repo.claim_deliveries()  # a dispatcher that dies right after claiming
    assert len(claimed) == 2
    dispatch_once(settings, repo)
    assert receiver.requests == []  # still leased to the dead one
    dispatch_once(settings, repo, now=datetime.now(UTC) + timedelta(minutes=3))
    assert len(receiver.requests) == 1 and len(smtp.messages) == 1


def test_hourly_digest_channel_gets_one_message_at_the_hour(db_url: str, receiver: WebhookReceiver,
                                                             smtp: SMTPTestServer) -> None:
    settings = make_settings(db_url, [], alerts={"channels": [
        {"name": "hook", "webhook": f"http://127.0.0.1:{receiver.port}/hook", "secret": SECRET},
        {"name": "mail-digest", "digest": "hourly",
         "email": {"smtp": f"smtp://127.0.0.1:{smtp.port}", "from": "radar@example.org", "to": ["a@example.org"],
                   "starttls": "never"}}]})
    repo = Repository.open(db_url)
    proc = build_processor(settings, repo)
    now = datetime.now(UTC)
    proc.process(item(*HELIX[0], n=0), now=now)
    proc.process(item(*HELIX_7B, n=1), now=now)
    dispatch_once(settings, repo, now=now)
    assert len(receiver.requests) == 2 and smtp.messages == []  # the webhook is immediate, the digest waits
    dispatch_once(settings, repo, now=now + timedelta(hours=1, seconds=1))
    [msg] = smtp.messages
    assert "Digest: 2 alerts" in msg.message["Subject"]
    text = msg.part("text/plain") or ""
    assert "Helix Forge" in text and "$7B" in text
    dispatch_once(settings, repo, now=now + timedelta(hours=3))
    assert len(smtp.messages) == 1 and repo.pending_count() == 0


def test_operator_notice_renders_for_every_channel(db_url: str, receiver: WebhookReceiver,
                                                    smtp: SMTPTestServer) -> None:
    from storage.repository import ChannelRoute

    settings = settings_for(db_url, receiver, smtp)
    repo = Repository.open(db_url)
    body = {"source": "techwire", "failures": 6, "last_error": "HTTP 500 <b>bad</b>"}
    repo.queue_event("source.failing", body, [ChannelRoute("hook", lambda e, d: True),
                                              ChannelRoute("mail", lambda e, d: True)])
    drain(settings, repo)
    [req] = receiver.requests
    assert req.header("X-DealRadar-Event") == "source.failing" and json.loads(req.body)["source"] == "techwire"
    [msg] = smtp.messages
    assert msg.message["Subject"] == "[DealRadar] Source failing: techwire (6 failures in a row)"
    assert "&lt;b&gt;bad&lt;/b&gt;" in (msg.part("text/html") or "")
