"""Extraction layer: main text without furniture, the date chain, and the fingerprints duplicates rely on."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crawler.article import hamming, shingles, simhash
from crawler.crawl.extract import extract_article
from crawler.crawl.items import ArticleItem

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STORY = [
    "Lanternfish Robotics said on Tuesday it had raised $48 million in a Series B round led by Quarry Peak "
    "Ventures, money it plans to spend on training larger control models for warehouse arms.",
    "The company, founded in Tallinn four years ago, now employs ninety people and sells to logistics groups "
    "in six countries; its chief executive said the round was oversubscribed within three weeks of opening.",
    "Existing backers Brightwater Capital and Ninefold also took part, and the startup said its valuation "
    "had roughly tripled since its previous round, without giving a figure for either.",
]


def page(paragraphs: list[str], *, head: str = "", comment: str = "") -> str:
    body = "".join(f"<p>{p}{comment}</p>" for p in paragraphs)
    return (
        f"<html lang='en-GB'><head><title>Site</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/ai'>AI</a></nav>"
        "<div class='ticker'>Orbitale raises $900 million; Kelp AI lands $12 million</div>"
        f"<article><h1>Lanternfish Robotics raises $48 million</h1>{body}</article>"
        "<div class='related'><a href='/x'>Other startup raises $5 million</a></div>"
        "<footer>Copyright and a long list of links</footer></body></html>"
    )


def item(html: str, **kw: object) -> ArticleItem:
    return ArticleItem(url="https://news.example/a/1?utm_source=x", source="s", html=html, fetched_at=NOW, **kw)


def test_main_text_keeps_the_story_and_drops_furniture_and_title() -> None:
    art = extract_article(item(page(STORY)), now=NOW)
    assert art.title == "Lanternfish Robotics raises $48 million"
    assert "Series B round led by Quarry Peak Ventures" in art.text
    assert "without giving a figure" in art.text
    assert "$900 million" not in art.text and "$5 million" not in art.text  # ticker, related rail
    assert not art.text.startswith(art.title)
    assert art.url == "https://news.example/a/1" and art.language == "en"


def test_html_comments_do_not_change_the_text() -> None:
    plain = extract_article(item(page(STORY)), now=NOW)
    commented = extract_article(item(page(STORY, comment="<!-- ad slot -->")), now=NOW)
    assert commented.text == plain.text and commented.content_hash == plain.content_hash


def test_date_chain_page_then_feed_then_http_then_fetched() -> None:
    feed_date, http_date = NOW - timedelta(days=2), NOW - timedelta(days=3)
    meta = "<meta property='article:published_time' content='2026-03-09T08:30:00+01:00'>"
    on_page = extract_article(item(page(STORY, head=meta), entry_published=feed_date), now=NOW)
    assert (on_page.published, on_page.published_from) == (datetime(2026, 3, 9, 7, 30, tzinfo=UTC), "page")
    from_feed = extract_article(item(page(STORY), entry_published=feed_date, http_last_modified=http_date), now=NOW)
    assert (from_feed.published, from_feed.published_from) == (feed_date, "feed")
    from_http = extract_article(item(page(STORY), http_last_modified=http_date), now=NOW)
    assert from_http.published_from in ("page", "http")  # htmldate may read a date off the page first
    bare = extract_article(item("<html><body><p>short</p></body></html>"), now=NOW)
    assert (bare.published, bare.published_from) == (NOW, "fetched")


def _reference_simhash(text: str) -> int:
    weights = [0] * 64
    for shingle in shingles(text):
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


@given(st.lists(st.sampled_from("ai fund raise series round seed lead 48 million data model".split()), max_size=80))
def test_bit_sliced_simhash_matches_the_textbook_definition(words: list[str]) -> None:
    text = " ".join(words)
    assert simhash(text) == _reference_simhash(text)


def test_an_edit_moves_the_fingerprint_a_little_and_another_story_a_lot() -> None:
    text = " ".join(STORY)
    edited = text.replace("ninety people", "about a hundred people")
    other = "A regulator in Lisbon opened a consultation on model audits, inviting comment until June. " * 4
    assert hamming(simhash(text), simhash(edited)) <= 8
    assert hamming(simhash(text), simhash(other)) > 16
