"""Corrections silence alerts: a dismissed deal's pending deliveries are never sent, later coverage of it queues
none, and a delivery that slips in anyway is cancelled by the dispatcher; a merge moves sources and mentions and
cancels the merged deal's alerts. Real parser, repository, webhook receiver and the ``dealradar`` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import make_settings
from entrypoint import dealradar, write_yaml
from servers.webhook_receiver import WebhookReceiver
from webdata import STORIES, Story, store

from crawler.alerts.dispatcher import dispatch_once
from crawler.app import channel_routes
from storage.repository import Repository

LATER = Story("https://courier.example/northwind", "courier.example", "Northwind Vision adds investors",
              "Northwind Vision has raised $60 million in a Series B round led by Alder Peak Capital, with Harbor "
              "Peak Ventures joining the round, the AI camera company said.", "2026-11-11T09:00:00Z")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    rx = WebhookReceiver().start()
    yield rx
    rx.stop()


def hooked(db_url: str, receiver: WebhookReceiver):  # type: ignore[no-untyped-def]
    return make_settings(db_url, [], alerts={"channels": [{"name": "hook", "webhook": receiver.url(), "secret": "s"}],
                                             "retry_base": "0s", "retry_max": "0s"})


def deal_id(repo: Repository, company: str) -> int:
    return next(d.id for d in repo.list_deals(hidden_query()) if d.record["company"] == company)


def hidden_query():  # type: ignore[no-untyped-def]
    from storage.records import DealQuery

    return DealQuery(hidden=True)


def test_dismissed_deal_alerts_nobody(db_url: str, receiver: WebhookReceiver) -> None:
    settings = hooked(db_url, receiver)
    repo = Repository.open(db_url)
    store(repo, settings, STORIES[:3])
    assert repo.pending_count() == 3  # two new deals and a conflict, not sent yet
    northwind = deal_id(repo, "Northwind Vision")
    assert repo.dismiss_deal(northwind) is True
    assert repo.pending_count() == 1  # Tessel's deal.new only
    dispatch_once(settings, repo)
    sent = [json.loads(r.body)["deal"]["company"] for r in receiver.requests]
    assert sent == ["Tessel AI"]

    # More coverage of the dismissed deal joins it quietly: an event on record, no delivery.
    store(repo, settings, [LATER], now=datetime(2026, 11, 17, tzinfo=UTC))
    assert [e.event for e in repo.deal_events(northwind)][-1] == "deal.updated"
    assert repo.pending_count() == 0
    assert [d.record["company"] for d in repo.list_deals()] == ["Tessel AI"]
    assert repo.get_deal(northwind).dismissed_at is not None  # type: ignore[union-attr]

    # A delivery queued for it anyway (a race with the dismissal) is cancelled by the dispatcher, not sent.
    repo.queue_event("deal.updated", {"deal": {"company": "Northwind Vision", "id": northwind}},
                     channel_routes(settings), deal_id=northwind)
    result = dispatch_once(settings, repo)
    assert result.sent == 0 and len(receiver.requests) == 1
    assert {d.status for d in repo.list_deliveries()} == {"sent", "cancelled"}
    repo.close()


def test_merge_moves_reports_and_mentions_and_cancels_alerts(db_url: str, receiver: WebhookReceiver) -> None:
    settings = hooked(db_url, receiver)
    repo = Repository.open(db_url)
    store(repo, settings, STORIES[2:4])
    tessel, corvane = deal_id(repo, "Tessel AI"), deal_id(repo, "Corvane")
    assert repo.merge_deal(tessel, corvane) == corvane
    merged = repo.get_deal(corvane)
    assert merged is not None and len(merged.sources) == 2
    assert repo.get_deal(tessel).merged_into == corvane  # type: ignore[union-attr]
    assert repo.deal_merges(corvane) == [tessel]
    dispatch_once(settings, repo)
    assert [json.loads(r.body)["deal"]["id"] for r in receiver.requests] == [corvane]
    assert [d.id for d in repo.list_deals()] == [corvane]
    repo.close()


def test_cli_dismiss_and_merge(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, [])
    repo = Repository.open(sqlite_url)
    store(repo, settings, STORIES)
    ids = {d.record["company"]: d.id for d in repo.list_deals()}
    repo.close()
    cfg = write_yaml(tmp_path / "c.yaml", {"storage": {"url": sqlite_url}, "sources": []})

    r = dealradar("deals", "dismiss", str(ids["Corvane"]), "-c", str(cfg))
    assert (r.code, r.out.strip()) == (0, f"deal {ids['Corvane']} dismissed")
    listed = json.loads(dealradar("deals", "list", "--json", "-c", str(cfg)).out)
    assert "Corvane" not in [d["company"] for d in listed]
    assert dealradar("deals", "dismiss", str(ids["Corvane"]), "-c", str(cfg)).out.strip().endswith("already dismissed")
    assert dealradar("deals", "dismiss", str(ids["Corvane"]), "--undo", "-c", str(cfg)).code == 0

    r = dealradar("deals", "merge", str(ids["Tessel AI"]), str(ids["Northwind Vision"]), "-c", str(cfg))
    assert (r.code, r.out.strip()) == (0, f"deal {ids['Tessel AI']} merged into deal {ids['Northwind Vision']}")
    shown = json.loads(dealradar("deals", "show", str(ids["Northwind Vision"]), "--json", "-c", str(cfg)).out)
    assert "https://wire.example/tessel" in {s["url"] for s in shown["sources"]}

    missing = dealradar("deals", "dismiss", "999", "-c", str(cfg))
    assert missing.code == 1 and missing.err.strip() == "dealradar: no such deal: 999"
    same = dealradar("deals", "merge", str(ids["Corvane"]), str(ids["Corvane"]), "-c", str(cfg))
    assert same.code == 1 and "itself" in same.err and len(same.err.strip().splitlines()) == 1
