"""The HTML pages: what they show, filters and paging in the URL, the chart, the strict CSP, and a hostile
article (``<script>``, an ``onerror`` attribute, a ``javascript:`` URL) rendering inert on every page and in the
feed. Corrections through the pages' forms need the login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from webdata import HOSTILE, TOKEN, fill, store_record, stored_record

from crawler.web.app import CSP, create_app
from storage.records import DealQuery

JS_URL = "javascript:alert(document.domain)//x"


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    settings, repo = fill(sqlite_url, hostile=True)
    store_record(repo, JS_URL, f"Vexlane {HOSTILE} raises $33 million",
                 stored_record("Vexlane", 33e6, sentence=f"Vexlane raised $33 million. {HOSTILE}"),
                 published=datetime(2026, 11, 15, 12, tzinfo=UTC), outlet=f"evil {HOSTILE}")
    with TestClient(create_app(settings, repo), base_url="http://testserver") as c:
        c.repo = repo  # type: ignore[attr-defined]
        yield c
    repo.close()


def ids(client: TestClient) -> dict[str, int]:
    return {d["company"]: d["id"] for d in client.get("/api/deals").json()}


def test_every_page_answers_with_a_strict_policy_and_no_script(client: TestClient) -> None:
    for path in ["/", "/conflicts", "/sources", "/login", *(f"/deals/{i}" for i in ids(client).values())]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "unsafe-inline" not in CSP
        assert "<script" not in r.text.lower() and " style=" not in r.text, path
    assert client.get("/static/style.css").status_code == 200


def test_hostile_strings_render_inert_everywhere(client: TestClient) -> None:
    pages = {p: client.get(p).text for p in ["/", "/conflicts", *(f"/deals/{i}" for i in ids(client).values())]}
    pages["/feed.atom"] = client.get("/feed.atom").text
    for path, html in pages.items():
        lowered = html.lower()
        assert "<script" not in lowered and "<img" not in lowered, path
        assert not re.search(r"""href\s*=\s*["']?\s*(javascript|data):""", lowered), path
    deal = pages[f"/deals/{ids(client)['Vexlane']}"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in deal  # shown as text
    assert "onerror=alert(1)&gt;" in deal and "&#34;&gt;&lt;img" in deal
    assert '<span class="nolink" title="not a web link">Vexlane &lt;script&gt;' in deal  # its title as text, no link
    assert all(JS_URL not in href for html in pages.values() for href in re.findall(r'href="([^"]*)"', html))
    quill = pages[f"/deals/{ids(client)['Quillmark']}"]
    assert "javascript:alert(document.cookie)" in quill and 'href="javascript' not in quill
    assert "&lt;script&gt;" in pages["/feed.atom"]
    assert JS_URL not in re.findall(r'href="([^"]*)"', pages["/feed.atom"])


def test_deals_table_filters_sort_and_paging_live_in_the_url(client: TestClient) -> None:
    repo = client.repo  # type: ignore[attr-defined]
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for n in range(55):
        store_record(repo, f"https://bulk.example/{n}", f"Bulkco {n} raises money",
                     stored_record(f"Bulkco{n:02d}", (n + 1) * 1e6, sentence=f"Bulkco{n:02d} raised money."),
                     published=start + timedelta(hours=n))
    total = repo.count_deals(DealQuery())
    assert 50 < total <= 100
    blank = client.get("/?company=&type=&min_amount=&page=1", follow_redirects=False)
    assert blank.status_code == 303 and blank.headers["location"] == "/"  # empty form fields: no filter, clean URL
    first = client.get("/")
    assert f"1–50 of {total} deals" in first.text and "page 1 of 2" in first.text
    assert 'href="/?page=2"' in first.text
    second = client.get("/?page=2")
    assert f"51–{total} of {total} deals" in second.text and 'class="charts"' not in second.text
    big = client.get("/?sort=amount&order=desc&min_amount=30000000")
    rows = re.findall(r'class="company">([^<]+)</a>', big.text)
    assert rows[:3] == ["Corvane", "Northwind Vision", "Bulkco54"] and "Tessel AI" not in rows
    assert 'href="/?min_amount=30000000&amp;sort=amount&amp;order=asc"' in big.text  # sort link keeps the filter
    one = client.get("/?company=Northwind+Vision")
    assert re.findall(r'class="company">([^<]+)</a>', one.text) == ["Northwind Vision"]
    assert 'value="Northwind Vision"' in one.text
    by_investor = client.get("/?investor=Meridian+Growth&ai=1&status=closed&round=series+a")
    assert re.findall(r'class="company">([^<]+)</a>', by_investor.text) == ["Tessel AI"]
    dated = client.get("/?since=2026-11-12&until=2026-11-14")
    assert re.findall(r'class="company">([^<]+)</a>', dated.text) == ["Corvane", "Tessel AI"]
    for bad, name in [("/?min_amount=lots", "min_amount"), ("/?page=0", "page"), ("/?sort=size", "sort"),
                      ("/?since=whenever", "since"), ("/deals/abc", "deal_id"), ("/conflicts?page=x", "page")]:
        r = client.get(bad)
        assert r.status_code == 422 and name in r.text, bad


def test_chart_is_inline_svg_per_week_and_type(client: TestClient, sqlite_url: str) -> None:
    repo = client.repo  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    store_record(repo, "https://now.example/a", "Nowco raises", stored_record("Nowco", 5e9, sentence="Nowco raised."),
                 published=now - timedelta(days=1))
    store_record(repo, "https://now.example/b", "Loanco borrows",
                 stored_record("Loanco", 2e9, sentence="Loanco borrowed.", deal_type="debt"), published=now)
    html = client.get("/").text
    svgs = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
    assert len(svgs) == 2
    assert "Deals per week" in svgs[0] and "Total amount per week" in svgs[1]
    assert re.search(r"equity: 1 deal, \$5B", svgs[1]) and re.search(r"debt: 1 deal, \$2B", svgs[1])
    assert 'fill="#2f6fdb"' in svgs[0]  # colours as attributes: no inline style for the CSP to block


def test_deal_page_shows_every_figure_status_history_and_conflict(client: TestClient) -> None:
    html = client.get(f"/deals/{ids(client)['Northwind Vision']}").text
    assert "Every figure and where it came from" in html
    assert html.count('class="claim"') == 2  # the two amounts side by side
    assert "$60M" in html and "$80M" in html
    assert 'href="https://daily.example/northwind"' in html and "2026-11-10" in html
    assert "led by Alder Peak Capital" in html  # the sentence
    assert "Status history" in html and "first reported 2026-11-10" in html
    assert "Alder Peak Capital" in html and "Lead" in html


def test_form_corrections_need_the_login(client: TestClient) -> None:
    deal = ids(client)["Corvane"]
    assert "Log in" in client.get(f"/deals/{deal}").text and 'id="dismiss"' not in client.get(f"/deals/{deal}").text
    assert client.post(f"/deals/{deal}/dismiss", headers={"accept": "text/html"}).status_code == 401
    bad = client.post("/login", data={"token": "nope", "next": f"/deals/{deal}"})
    assert bad.status_code == 401 and "That is not the token" in bad.text
    ok = client.post("/login", data={"token": TOKEN, "next": f"/deals/{deal}"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/deals/{deal}"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN.lower() not in cookie
    assert 'id="dismiss"' in client.get(f"/deals/{deal}").text
    # the cookie alone, from another site's form, is refused
    assert client.post(f"/deals/{deal}/dismiss", headers={"origin": "http://evil.example"}).status_code == 403
    done = client.post(f"/deals/{deal}/dismiss", headers={"origin": "http://testserver"}, follow_redirects=False)
    assert done.status_code == 303
    assert "Corvane" not in client.get("/").text and "Dismissed as not a deal" in client.get(f"/deals/{deal}").text
    assert "Corvane" in client.get("/?hidden=1").text
    known = ids(client)
    merged = client.post(f"/deals/{known['Tessel AI']}/merge", data={"into": f"#{known['Quillmark']}"},
                         headers={"origin": "http://testserver"}, follow_redirects=False)
    assert merged.status_code == 303 and merged.headers["location"] == f"/deals/{known['Quillmark']}"
    assert f'Merged into <a href="/deals/{known["Quillmark"]}">' in client.get(f"/deals/{known['Tessel AI']}").text
    assert client.post("/login", data={"token": TOKEN, "next": "//evil.example/"},
                       follow_redirects=False).headers["location"] == "/"
