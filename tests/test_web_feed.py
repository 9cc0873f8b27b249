"""The Atom feed: valid for feedparser (no ``bozo``), one entry per deal event with a stable id, the figures in
the summary and the sources as links, filters as for /api/deals, and a 304 for a reader's conditional GET."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser
import pytest
from fastapi.testclient import TestClient
from webdata import Story, fill, store

from crawler.web.app import create_app


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    settings, repo = fill(sqlite_url)
    with TestClient(create_app(settings, repo)) as c:
        c.repo, c.settings = repo, settings  # type: ignore[attr-defined]
        yield c
    repo.close()


def parsed(client: TestClient, path: str = "/feed.atom") -> feedparser.FeedParserDict:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_feed_lists_deal_events_newest_first_with_figures_and_sources(client: TestClient) -> None:
    feed = parsed(client)
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles == ["New deal: Corvane, $250 million", "New deal: Tessel AI, $25 million",
                      "Conflicting figures: Northwind Vision, $60 million (amount)",
                      "New deal: Northwind Vision, $60 million"]
    conflict = feed.entries[2]
    assert "amount $80M according to daily.example" in conflict.summary
    assert "investors: Alder Peak Capital (lead), Cedar Row Ventures" in conflict.summary
    related = {link.href for link in conflict.links if link.rel == "related"}
    assert related == {"https://wire.example/northwind", "https://daily.example/northwind"}
    assert all(e.link.startswith("http://testserver/deals/") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 4


def test_entry_ids_are_stable_and_new_events_come_first(client: TestClient) -> None:
    before = [e.id for e in parsed(client).entries]
    assert [e.id for e in parsed(client).entries] == before
    newcomer = Story("https://wire.example/lumora", "wire.example", "Lumora raises $90 million",
                     "Lumora, a startup building AI agents for hospitals, has raised $90 million in a Series C round "
                     "led by Orbit Peak Partners.", "2026-11-15T09:00:00Z")
    store(client.repo, client.settings, [newcomer], now=datetime(2026, 11, 17, tzinfo=UTC))  # type: ignore[attr-defined]
    after = parsed(client).entries
    assert [e.id for e in after] == [after[0].id, *before]
    assert after[0].title == "New deal: Lumora, $90 million"


def test_filters_as_for_the_api(client: TestClient) -> None:
    assert [e.title for e in parsed(client, "/feed.atom?company=Tessel%20AI").entries] == [
        "New deal: Tessel AI, $25 million"]
    assert [e.title for e in parsed(client, "/feed.atom?type=debt").entries] == ["New deal: Corvane, $250 million"]
    assert len(parsed(client, "/feed.atom?limit=2").entries) == 2
    assert parsed(client, "/feed.atom?min_amount=1e12").entries == []


def test_conditional_get_gets_a_304(client: TestClient) -> None:
    first = client.get("/feed.atom")
    etag = first.headers["etag"]
    again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/feed.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    client.post(f"/api/deals/{client.get('/api/deals').json()[0]['id']}/dismiss",
                headers={"Authorization": f"Bearer {client.settings.web.token}"})  # type: ignore[attr-defined]
    changed = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    # ...and feedparser's own conditional GET, as a feed reader does it
    assert feedparser.parse(changed.content, etag=changed.headers["etag"]).entries


def test_last_modified_gets_a_304_too(client: TestClient) -> None:
    first = client.get("/feed.atom")
    modified = first.headers["last-modified"]
    assert modified.endswith(" GMT")
    assert client.get("/feed.atom", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feed.atom", headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    assert client.get("/feed.atom", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # an ETag that no longer matches wins over a date that would
    assert client.get("/feed.atom", headers={"If-None-Match": '"old"', "If-Modified-Since": modified}).status_code == 200
