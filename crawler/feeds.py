"""feedparser adapter: fetched bytes -> feed entries. Never ``feedparser.parse(url)``: it fetches on its own,
with no timeout and no address policy."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from crawler.items import FeedEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...]
    skipped: tuple[str, ...] = ()
    problem: str | None = None  # feedparser's "bozo" reason: the feed was malformed but maybe usable
    ttl_minutes: int | None = None
    title: str | None = None
    version: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                dt = datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
            if 1995 <= dt.year <= 2100:
                return dt
    return None


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries with a usable http(s) link; everything else is listed in ``skipped`` with a reason."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is robust but wraps C parsers; never let one feed kill a crawl
        return ParsedFeed((), problem=f"feed could not be parsed: {type(exc).__name__}: {exc}")
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for i, entry in enumerate(parsed.entries):
        link = entry.get("link") or ""
        if not link:
            for candidate in entry.get("links") or []:
                if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                    link = candidate["href"]
                    break
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if not link:
            skipped.append(f"entry {i}: no link")
            continue
        link = urljoin(url, link.strip())
        if not link.startswith(("http://", "https://")):
            skipped.append(f"entry {i}: not an http(s) link: {link[:200]}")
            continue
        summary = entry.get("summary") or ""
        entries.append(FeedEntry(
            url=link,
            title=(entry.get("title") or "").strip() or None,
            published=_entry_date(entry),
            summary=summary or None,
            guid=entry.get("id") or None,
        ))
    ttl = None
    raw_ttl = parsed.feed.get("ttl") if parsed.get("feed") else None
    if raw_ttl:
        try:
            ttl = max(0, int(str(raw_ttl).strip()))
        except ValueError:
            ttl = None
    if not entries and not parsed.entries and problem:
        log.warning("feed unusable url=%s problem=%s", url, problem)
    return ParsedFeed(
        tuple(entries), tuple(skipped), problem, ttl,
        (parsed.feed.get("title") if parsed.get("feed") else None), parsed.get("version") or None,
    )
