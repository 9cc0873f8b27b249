"""Property-based fuzzing of every parser that sees outside input: money figures, configuration, feeds,
sitemaps, the deal parser, HTML extraction and URLs. The property is always the same: whatever comes in,
nothing but the documented error comes out. Each test is bounded (a few hundred examples, no deadline:
the first call warms up trafilatura and the alias tables)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.config import Settings, settings_from_dict
from crawler.crawl.extract import extract_article
from crawler.crawl.feeds import parse_feed
from crawler.crawl.items import ArticleItem
from crawler.dates import parse_date
from crawler.deals import load_resources, parse_article
from crawler.deals.money import find_money, to_usd
from crawler.errors import ConfigError
from crawler.net.urlpolicy import PrivateAddressError, canonical_url, check_url, is_fetchable_url
from spiders.sitemap import parse_sitemap

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RESOURCES = load_resources()

# ---- money and deal text -----------------------------------------------------------------------------------

MONEY_TOKENS = [
    "$", "US$", "USD", "€", "£", "¥", "₹", "A$", "C$", "HK$", "S$", "CHF", "kr", "$$", "€€",
    "1", "1.5", "0.5", "40", "1,000", "1,000,000", "12,5", "1.2.3", ",", ".", "0", "00", "9" * 40, "1e9", "½", "٣",
    "billion", "bn", "b", "B", "million", "mn", "m", "M", "mm", "k", "K", "thousand", "trillion", "T", "tn",
    "crore", "lakh", "half a", "a", "one", "two", "hundred", "dollars", "euros", "pounds", "yen", "rupees",
    "-", "–", "—", "to", "between", "and", "up to", "about", "around", "nearly", "more than", "~", "(", ")",
    "(about", "Series A", "Series B", "seed", "raised", "raises", "led by", "valued at", "valuation", "at a",
    "in talks", "sources say", "acquire", "acquired", "for", "debt", "loan", "joint venture", "commit", "compute",
    "OpenAI", "Anthropic", "Amazon", "AWS", "Google Cloud", "Nvidia", "SoftBank", "Acme AI", "Inc.", "Ltd",
    "\n", "\n\n", " ", "  ", "\t", "%", "per cent", "said", "on Monday", ".", ";", ":", "'s", "\u00a0", "\u200b",
]
money_text = st.lists(st.one_of(st.sampled_from(MONEY_TOKENS), st.text(max_size=8)), max_size=60).map(" ".join)


@FUZZ
@given(st.one_of(money_text, st.text(max_size=300)))
@example("$" + "9" * 400 + " billion")
@example("between €30 billion and €50 billion (about $1 trillion)")
@example("$1-2-3-4 billion")
@example("€385m (about $" * 30)
def test_find_money_never_raises_and_spans_index_the_text(text: str) -> None:
    figures = find_money(text)
    for m in figures:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert isinstance(m.value, float)
        to_usd(m, RESOURCES, dt.date(2025, 1, 1))  # conversion never raises either


@FUZZ_SLOW
@given(title=money_text, body=st.lists(money_text, max_size=8).map("\n\n".join),
       published=st.one_of(st.none(), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                                                     timezones=st.just(UTC))))
@example(title="Acme AI raises $40 million Series A led by Sequoia",
         body="Acme AI raised $40 million in a Series A round led by Sequoia, at a $400 million valuation.",
         published=None)
@example(title="", body="$" * 2000, published=None)
@example(title="$1bn " * 200, body="raised " * 500, published=None)
def test_deal_parser_never_raises(title: str, body: str, published: datetime | None) -> None:
    result = parse_article(title, body, published, resources=RESOURCES)
    for deal in result.deals:
        record = deal.to_record()
        assert record["deal_type"] in {"equity", "debt", "joint_venture", "compute_commitment", "infrastructure",
                                       "acquisition", "financing_undisclosed_structure"}
        amount = record.get("amount_usd")
        assert amount is None or (isinstance(amount, float) and math.isfinite(amount))


# ---- configuration -----------------------------------------------------------------------------------------

PLAUSIBLE = ["30s", "10m", "1h", "1d", "1w", "0s", "-1s", "soon", "10MB", "512KB", "1GB", "0", "-5", "1.5",
             "${HOME}", "${NOPE}", "${NOPE:-7}", "${", "$", "http://example.com/feed.xml", "ftp://x", "not a url",
             "sqlite:///tmp/x.db", "postgresql://u@h/db", "mysql://x", "(unclosed", "[a-z]+", "hourly", "json",
             "equity", "deal.new", "smtp://h:25", "", " ", "\x00", "é", "P1D", "PT30S", "P", "1e3"]
KEYS = ["storage", "crawl", "sources", "alerts", "deals", "daemon", "url", "allow_private_addresses",
        "obey_robots", "delay", "concurrency_per_host", "concurrency", "autothrottle", "timeout",
        "max_response_size", "retries", "max_retry_after", "max_article_age", "workers", "page_time_limit",
        "user_agent", "name", "feed", "sitemap", "start_urls", "follow", "every", "cron", "outlet", "enabled",
        "min_amount_usd", "ai_only", "companies", "investors", "deal_types", "events", "channels", "webhook",
        "secret", "email", "smtp", "from", "to", "apprise", "digest", "operator", "max_attempts", "retry_base",
        "retry_max", "window", "conflict_tolerance", "aliases", "currency_rates", "log_format", "log_level",
        "http", "jitter", "per_host_limit", "min_interval", "max_interval", "path", "bogus"]

# Finite, moderate numbers: see test_config_huge_durations_and_sizes_are_config_errors for the others.
leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(-1e6, 1e6), st.just(math.nan),
    st.sampled_from(PLAUSIBLE), st.text(max_size=12),
)
config_value = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5)),
    max_leaves=25,
)
config_doc = st.one_of(
    config_value,
    st.fixed_dictionaries({}, optional={k: config_value for k in ("storage", "crawl", "alerts", "deals", "daemon")}),
    st.fixed_dictionaries({"sources": st.lists(st.dictionaries(st.sampled_from(KEYS), config_value, max_size=6),
                                               max_size=3)}),
)


@FUZZ
@given(config_doc, st.dictionaries(st.sampled_from(["HOME", "NOPE", "X"]), st.text(max_size=8), max_size=3))
@example({"crawl": {"delay": "soon"}}, {})
@example({"sources": [{"name": "a", "feed": "http://a", "follow": "(?<=a+)b"}]}, {})
@example({1: 2}, {})
@example({"crawl": []}, {})
@example({"alerts": {"channels": [{"email": {"smtp": None}}]}}, {})
def test_config_loading_raises_only_config_error(doc: object, env: dict[str, str]) -> None:
    try:
        result = settings_from_dict(doc, env=env)
    except ConfigError as exc:
        assert str(exc) and "\n" not in str(exc).strip()  # one line for the CLI
    else:
        assert isinstance(result, Settings)


@pytest.mark.parametrize("doc", [
    {"crawl": {"delay": float("inf")}},
    {"crawl": {"timeout": "9" * 400 + "s"}},
    {"crawl": {"max_article_age": "99999999999d"}},
    {"crawl": {"max_response_size": "9" * 400 + "GB"}},
    {"sources": [{"name": "a", "feed": "http://a", "every": 1e300}]},
])
def test_config_huge_durations_and_sizes_are_config_errors(doc: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        settings_from_dict(doc, env={})


# ---- feeds and sitemaps ------------------------------------------------------------------------------------

RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><link>http://a.example/'
       b"</link><ttl>30</ttl><item><title>One &amp; two</title><link>http://a.example/1</link>"
       b"<pubDate>Tue, 10 Nov 2026 10:00:00 GMT</pubDate><guid>g1</guid><description>d</description></item>"
       b"<item><title>rel</title><link>/relative/2</link></item><item><title>none</title></item>"
       b"<item><link>javascript:alert(1)</link></item></channel></rss>")
ATOM = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:x</id>'
        b'<entry><title>e</title><link href="http://a.example/e"/><id>http://a.example/id</id>'
        b"<updated>2026-11-10T10:00:00Z</updated></entry></feed>")
JSONFEED = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": '
            b'"http://a.example/j1", "title": "t", "date_published": "2026-11-10T10:00:00Z"}, {"id": "http://a.example/j2"}, '
            b'{"id": 3}, {"url": "/rel"}, 5]}')
SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://a.example/1</loc>'
           b"<news:news><news:publication_date>2026-11-10T10:00:00Z</news:publication_date>"
           b"<news:title>t</news:title></news:news></url><url><loc> </loc></url><url><lastmod>x</lastmod></url>"
           b"</urlset>")
INDEX = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         b"<sitemap><loc>http://a.example/s1.xml</loc></sitemap><sitemap><loc></loc></sitemap></sitemapindex>")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A real document with random byte edits: cut, duplicate, overwrite, insert junk or markup."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        op = draw(st.sampled_from(["cut", "dup", "flip", "insert", "truncate"]))
        i = draw(st.integers(0, len(data) - 1))
        j = draw(st.integers(i, min(len(data), i + 40)))
        if op == "cut":
            del data[i:j]
        elif op == "dup":
            data[i:i] = data[i:j] * draw(st.integers(1, 5))
        elif op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.one_of(st.binary(max_size=20), st.sampled_from(
                [b"<item>", b"</item>", b"<link>", b"&", b"&#0;", b"&#x110000;", b"<![CDATA[", b"]]>", b"<!--",
                 b"\x00", b"\xff\xfe", b'<?xml version="1.0" encoding="bogus"?>', b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                 b"&a;", b"http://", b"<link>http://[::1</link>", b"<link>http://a:99999/</link>"])))
        else:
            del data[i:]
    return bytes(data)


feed_bytes = st.one_of(st.binary(max_size=400), mutated(RSS), mutated(ATOM), mutated(JSONFEED))


@FUZZ
@given(feed_bytes, st.sampled_from([None, "application/rss+xml", "text/xml; charset=utf-16", "text/html",
                                    "application/atom+xml; charset=bogus", ""]))
@example(RSS, "application/rss+xml")
@example(b"", None)
@example(JSONFEED, "application/feed+json")
@example(b'{"version": "https://jsonfeed.org/version/1", "items": {"a": 1}}', None)
@example(b"\xff\xfe<\x00r\x00s\x00s\x00", "text/xml")
def test_feed_parsing_never_raises_and_accounts_for_every_entry(body: bytes, content_type: str | None) -> None:
    import feedparser

    feed = parse_feed(body, url="http://a.example/feed.xml", content_type=content_type)
    for entry in feed.entries:
        assert is_fetchable_url(entry.url), entry.url
        assert entry.published is None or entry.published.tzinfo is not None
    # Every entry feedparser saw is either an article to fetch or a skip with its reason ...
    assert len(feed.entries) + len(feed.skipped) == feed.seen
    assert all(reason.strip() for reason in feed.skipped)
    # ... and it saw as many as feedparser on its own does (where feedparser on its own does not crash).
    try:
        raw = feedparser.parse(body, response_headers={"content-location": "http://a.example/feed.xml",
                                                       "content-type": content_type or "application/xml"})
    except (UnicodeError, ValueError, LookupError):
        assert feed.problem and "parsed again" in feed.problem
    else:
        if not (feed.version or "").startswith("json"):  # feedparser does not read JSON Feed
            assert feed.seen == len(raw.entries)


@FUZZ
@given(st.one_of(st.binary(max_size=400), mutated(SITEMAP), mutated(INDEX)))
@example(SITEMAP)
@example(INDEX)
@example(b"<?xml version='1.0'?><!DOCTYPE u [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><urlset><url><loc>&a;</loc>"
         b"</url></urlset>")
def test_sitemap_parsing_never_raises(body: bytes) -> None:
    kind, entries, children = parse_sitemap(body)
    assert isinstance(kind, str)
    for entry in entries:
        assert entry.url and entry.url == entry.url.strip()
        assert "root:" not in entry.url  # no external entity was resolved
    assert all(isinstance(c, str) and c for c in children)


# ---- HTML extraction ---------------------------------------------------------------------------------------

TAGS = ["html", "head", "body", "div", "p", "article", "main", "section", "nav", "footer", "aside", "script", "style",
        "h1", "time", "meta", "table", "tr", "td", "ul", "li", "a", "span", "br", "form", "iframe", "noscript",
        "svg", "math", "template", "title", "pre", "code", "blockquote"]
ATTRS = ['class="ticker"', 'class="related"', 'id="comments"', 'property="og:title" content="T"',
         'property="article:published_time" content="2026-11-10T10:00:00Z"', 'name="date" content="garbage"',
         'datetime="9999-99-99"', 'type="application/ld+json"', 'lang="en-GB"', 'lang=""', "class", 'href="javascript:x"',
         'content="\x00"', 'charset="bogus"']


@st.composite
def html_soup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 4))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = " ".join(draw(st.lists(st.sampled_from(ATTRS), max_size=2)))
            parts.append(f"<{tag} {attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(money_text))
        elif kind == 3:
            parts.append(draw(st.sampled_from(['{"datePublished": "2026-01-01"}', "[1, {", "<!--", "-->", "<![CDATA[",
                                               "&nbsp;", "&#0;", "&#xD800;", "<?php ?>", "<!DOCTYPE html>", "\x00",
                                               "\ufffd", "\U0001f600", "<p>" * 30])))
        else:
            parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


@FUZZ_SLOW
@given(html=st.one_of(html_soup(), st.text(max_size=300)),
       title=st.one_of(st.none(), st.text(max_size=20)),
       url=st.sampled_from(["http://a.example/x", "https://A.example:443/x?utm_source=y#f", "about:blank",
                            "http://[::1]/x", "not a url", "http://a:99999/"]))
@example(html="<html><body><article><h1>T</h1><p>Acme raised $5 million.</p></article></body></html>",
         title=None, url="http://a.example/x")
@example(html="<div>" * 5000 + "x", title=None, url="http://a.example/x")
@example(html="\x00" * 10, title="t", url="http://a.example/x")
@example(html='<script type="application/ld+json">[[[[[[</script><meta name="date" content="0000-00-00">',
         title=None, url="http://a.example/x")
def test_extraction_never_raises(html: str, title: str | None, url: str) -> None:
    now = datetime(2026, 11, 10, tzinfo=UTC)
    item = ArticleItem(url=url, source="fuzz", html=html, entry_title=title, fetched_at=now)
    art = extract_article(item, now=now)
    assert art.published.tzinfo is not None and art.published_from in {"page", "feed", "http", "fetched"}
    assert len(art.content_hash) == 64 and 0 <= art.simhash < 2**64


@FUZZ
@given(st.one_of(st.text(max_size=40), st.sampled_from([
    "2026-11-10T10:00:00Z", "Tue, 10 Nov 2026 10:00:00 GMT", "0000-00-00", "9999-12-31T23:59:59+14:00",
    "2026-02-30", "Mon, 99 Foo 2026", "-1", "1e10", "2026-11-10T10:00:00+99:00"])))
def test_date_parsing_never_raises(value: str) -> None:
    got = parse_date(value)
    assert got is None or (got.tzinfo is not None and 1995 <= got.year <= 2100)


# ---- URLs --------------------------------------------------------------------------------------------------

url_text = st.one_of(
    st.text(max_size=60),
    st.builds(lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
              st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
              st.one_of(st.sampled_from(["a.example", "[::1]", "[::1", "127.0.0.1", "10.0.0.1", "0", "localhost",
                                         "xn--", "ä.example", "a..b", "\u2100.com", "x\x00y", "[fe80::1%eth0]",
                                         "user:pw@a.example", "169.254.169.254", "[::ffff:10.0.0.1]"]),
                        st.text(max_size=15)),
              st.sampled_from(["", ":80", ":443", ":0", ":99999", ":abc", ":", ":-1"]),
              st.sampled_from(["", "/", "/a?utm_source=x&b=1#frag", "/%zz", "/ä", "?" + "a=1&" * 20])),
)


@FUZZ
@given(url_text)
@example("http://[::1]:80/a?utm_source=x#y")
def test_url_policy_and_canonical_url_never_raise(url: str) -> None:
    canon = canonical_url(url)
    assert isinstance(canon, str) and "#" not in canon
    if is_fetchable_url(url):
        assert is_fetchable_url(canon), (url, canon)
        assert canonical_url(canon) == canon  # canonical is a fixed point
    # No DNS here: names resolve to a public documentation address, literals are judged as written.
    with patch("crawler.net.urlpolicy._resolve", lambda host: ("93.184.215.14",)):
        for allow in (True, False):
            with contextlib.suppress(PrivateAddressError):
                check_url(url, allow_private=allow)
