"""The JSON API on a real database (SQLite file, and PostgreSQL when it answers): the same deal objects as
``deals list --json``, filters, one deal, conflicts, sources, corrections with the token, and 422s that name
the parameter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient
from webdata import TOKEN, fill

from crawler.cli.cmdline import main
from crawler.web.app import create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    settings, repo = fill(db_url)
    with TestClient(create_app(settings, repo)) as c:
        c.db_url = db_url  # type: ignore[attr-defined]
        yield c
    repo.close()


def cli_json(tmp_path: Path, db_url: str, *args: str) -> object:
    cfg = tmp_path / "cli.yaml"
    cfg.write_text(yaml.safe_dump({"storage": {"url": db_url}, "sources": []}))
    result = CliRunner().invoke(main, [*args, "-c", str(cfg)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_deals_are_the_objects_of_deals_list_json(client: TestClient, tmp_path: Path) -> None:
    got = client.get("/api/deals").json()
    assert got == cli_json(tmp_path, client.db_url, "deals", "list", "--json")  # type: ignore[attr-defined]
    assert [d["company"] for d in got] == ["Corvane", "Tessel AI", "Northwind Vision"]  # newest first
    northwind = got[-1]
    assert {"id", "sources", "company", "deal_type", "amount_usd", "investors", "lead_investors", "status"} <= set(northwind)
    assert {s["url"] for s in northwind["sources"]} == {"https://wire.example/northwind", "https://daily.example/northwind"}


def test_filters(client: TestClient, tmp_path: Path) -> None:
    def companies(**params: object) -> list[str]:
        r = client.get("/api/deals", params=params)
        assert r.status_code == 200, r.text
        return [d["company"] for d in r.json()]

    assert companies(company="northwind vision") == ["Northwind Vision"]
    assert companies(investor="Cedar Row Ventures") == ["Northwind Vision"]
    assert companies(investor="Meridian Growth") == ["Tessel AI"]
    assert companies(investor="Nobody Capital") == []
    assert companies(type="debt") == ["Corvane"]
    assert companies(status="closed") == ["Corvane", "Tessel AI", "Northwind Vision"]
    assert companies(min_amount=50e6) == ["Corvane", "Northwind Vision"]
    assert companies(since="2026-11-12") == ["Corvane", "Tessel AI"]
    assert companies(since="2026-11-12", limit=1) == ["Corvane"]
    assert companies(since="2026-11-12", limit=1, offset=1) == ["Tessel AI"]
    # the same filter as the CLI's gives the same objects
    assert client.get("/api/deals", params={"min_amount": 50e6, "type": "equity"}).json() == cli_json(
        tmp_path, client.db_url, "deals", "list", "--json", "--min-amount", "5e7", "--type", "equity")  # type: ignore[attr-defined]


def test_one_deal_with_sources_events_and_conflicts(client: TestClient) -> None:
    [deal] = client.get("/api/deals", params={"company": "Northwind Vision"}).json()
    body = client.get(f"/api/deals/{deal['id']}").json()
    assert {k: body[k] for k in deal} == deal
    assert [e["event"] for e in body["events"]] == ["deal.new", "deal.conflict"]
    [conflict] = body["conflicts"]
    assert conflict["field"] == "amount_usd"
    assert sorted(v["value"] for v in conflict["values"]) == [60e6, 80e6]
    assert body["dismissed_at"] is None and body["merged_into"] is None and body["merged_from"] == []


@pytest.mark.parametrize(("path", "name"), [
    ("/api/deals?limit=0", "limit"), ("/api/deals?limit=abc", "limit"), ("/api/deals?offset=-1", "offset"),
    ("/api/deals?since=yesterday", "since"), ("/api/deals?type=grant", "type"), ("/api/deals?status=maybe", "status"),
    ("/api/deals?min_amount=nan", "min_amount"), ("/api/deals?min_amount=-5", "min_amount"),
    ("/api/deals?company=a%00b", "company"), ("/api/deals/abc", "deal_id"), ("/api/deals/0", "deal_id"),
    ("/api/deals/99999999999999999999999", "deal_id"), ("/api/conflicts?limit=5000", "limit"),
    ("/feed.atom?since=soon", "since"),
])
def test_a_bad_parameter_is_a_422_naming_it(client: TestClient, path: str, name: str) -> None:
    r = client.get(path)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["parameter"] == name


def test_unknown_deal_is_a_404_json(client: TestClient) -> None:
    r = client.get("/api/deals/4242")
    assert r.status_code == 404 and r.json() == {"detail": "no such deal: 4242"}


def test_conflicts_and_sources(client: TestClient, tmp_path: Path) -> None:
    [c] = client.get("/api/conflicts").json()
    assert c["company"] == "Northwind Vision" and c["field"] == "amount_usd"
    assert {s["outlet"] for v in c["values"] for s in v["sources"]} == {"wire.example", "daily.example"}
    sources = client.get("/api/sources").json()
    assert sources == []  # no sources configured: the same as status --json
    assert cli_json(tmp_path, client.db_url, "status", "--json")["sources"] == []  # type: ignore[attr-defined,index]


def test_sources_show_status_json(tmp_path: Path, sqlite_url: str) -> None:
    from conftest import make_settings

    from storage.repository import Repository

    settings = make_settings(sqlite_url, [{"name": "wire", "feed": "http://127.0.0.1:9/feed.xml", "every": "10m"}])
    repo = Repository.open(sqlite_url)
    repo.sync_sources(settings.sources)
    from datetime import UTC, datetime

    repo.record_source_run("wire", at=datetime.now(UTC), ok=False, status="error", error="connection refused")
    with TestClient(create_app(settings, repo)) as c:
        [row] = c.get("/api/sources").json()
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(settings.model_dump(mode="json", exclude={"path", "web"})))
    result = CliRunner().invoke(main, ["status", "--json", "-c", str(cfg)], catch_exceptions=False)
    [expected] = json.loads(result.output)["sources"]
    volatile = {"silent_for_s", "overdue_s"}
    assert {k: v for k, v in row.items() if k not in volatile} == {k: v for k, v in expected.items() if k not in volatile}
    assert row["state"] == "failing" and row["last_error"] == "connection refused"
    repo.close()


def test_writes_need_the_token(client: TestClient) -> None:
    [deal] = client.get("/api/deals", params={"company": "Tessel AI"}).json()
    assert client.post(f"/api/deals/{deal['id']}/dismiss").status_code == 401
    assert client.post(f"/api/deals/{deal['id']}/dismiss", headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = client.post(f"/api/deals/{deal['id']}/dismiss", headers=AUTH)
    assert r.status_code == 200 and r.json() == {"id": deal["id"], "dismissed": True, "merged_into": None}
    assert "Tessel AI" not in [d["company"] for d in client.get("/api/deals").json()]
    assert client.get(f"/api/deals/{deal['id']}").json()["dismissed_at"] is not None  # kept for the record
    assert client.post(f"/api/deals/{deal['id']}/restore", headers=AUTH).json()["dismissed"] is False
    assert "Tessel AI" in [d["company"] for d in client.get("/api/deals").json()]
    assert client.post("/api/deals/4242/dismiss", headers=AUTH).status_code == 404


def test_merge_through_the_api(client: TestClient) -> None:
    ids = {d["company"]: d["id"] for d in client.get("/api/deals").json()}
    r = client.post(f"/api/deals/{ids['Tessel AI']}/merge", params={"into": ids["Corvane"]}, headers=AUTH)
    assert r.status_code == 200 and r.json()["merged_into"] == ids["Corvane"]
    merged = client.get(f"/api/deals/{ids['Corvane']}").json()
    assert merged["merged_from"] == [ids["Tessel AI"]]
    assert {s["url"] for s in merged["sources"]} == {"https://daily.example/corvane", "https://wire.example/tessel"}
    assert {d["id"] for d in client.get("/api/deals").json()} == {ids["Corvane"], ids["Northwind Vision"]}
    again = client.post(f"/api/deals/{ids['Tessel AI']}/merge", params={"into": ids["Northwind Vision"]}, headers=AUTH)
    assert again.status_code == 409 and "already merged" in again.json()["detail"]
    itself = client.post(f"/api/deals/{ids['Corvane']}/merge", params={"into": ids["Corvane"]}, headers=AUTH)
    assert itself.status_code == 409


def test_read_only_without_a_configured_token(sqlite_url: str) -> None:
    from webdata import settings_for

    settings, repo = fill(sqlite_url)
    bare = settings.model_copy(update={"web": settings_for(sqlite_url, token=None).web})
    with TestClient(create_app(bare, repo)) as c:
        r = c.post("/api/deals/1/dismiss", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "web.token" in r.json()["detail"]
        assert c.get("/api/deals").status_code == 200
    repo.close()


def test_pages_and_chart_on_both_databases(client: TestClient) -> None:
    for path in ("/", "/?sort=amount&type=equity&ai=1", "/?sort=company&order=asc&investor=Alder+Peak+Capital",
                 "/conflicts", "/sources", "/feed.atom?type=equity"):
        assert client.get(path).status_code == 200, path
    repo = client.app.state.repo  # type: ignore[attr-defined]
    from datetime import UTC, datetime

    from storage.records import DealQuery

    weeks = repo.week_figures(datetime(2026, 11, 1, tzinfo=UTC))
    assert {(w.week.date().isoformat(), w.deal_type, w.count) for w in weeks} == {
        ("2026-11-09", "equity", 2), ("2026-11-09", "debt", 1)}
    assert sum(w.amount_usd for w in weeks) == 60e6 + 25e6 + 250e6
    assert repo.week_figures(datetime(2026, 11, 1, tzinfo=UTC), DealQuery(deal_type="debt"))[0].count == 1
