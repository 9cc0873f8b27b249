"""feedparser adapter: fetched bytes -> feed entries. Never ``feedparser.parse(url)``: it fetches on its own,
with no timeout and no address policy."""

from __future__ import annotations

import calendar
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from crawler.crawl.items import FeedEntry
from crawler.net.urlpolicy import is_fetchable_url

if TYPE_CHECKING:
    import feedparser

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
    seen: int = 0  # entries feedparser found: every one is in ``entries`` or ``skipped``


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
    # Imported here: a crawl process whose workers parse the feeds never needs feedparser's 60 ms of imports.
    import feedparser

    if body.lstrip()[:1] == b"{" or (content_type or "").lower().split(";")[0].strip() in _JSON_TYPES:
        json_feed = _parse_json_feed(body, url)
        if json_feed is not None:
            return json_feed
    # No Content-Type at all: read it as generic XML (its declaration decides the encoding) rather than let
    # feedparser call a well-formed feed malformed ("NonXMLContentType: no Content-type specified").
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    retried = None
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is robust but wraps C parsers; never let one feed kill a crawl
        # Its encoding sniffing chokes on some declarations (encoding="\x80..."): try once more with the
        # declared encodings taken away, as UTF-8 with bad bytes replaced.
        retried = f"{type(exc).__name__}: {exc}"
        try:
            plain = {"content-location": url,
                     "content-type": (content_type or "application/xml").split(";", 1)[0].strip()}
            parsed = feedparser.parse(_as_utf8(body), response_headers=plain, sanitize_html=False,
                                      resolve_relative_uris=False)
        except Exception as exc2:
            return ParsedFeed((), problem=f"feed could not be parsed: {type(exc2).__name__}: {exc2}")
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    if retried:
        problem = f"{retried}; parsed again as UTF-8" + (f"; {problem}" if problem else "")
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
        try:
            link = urljoin(url, str(link).strip())
        except ValueError:  # urljoin parses both: a broken [v6] literal or port fails here
            skipped.append(f"entry {i}: invalid link: {str(link)[:200]!r}")
            continue
        if not link.startswith(("http://", "https://")):
            skipped.append(f"entry {i}: not an http(s) link: {link[:200]!r}")
            continue
        if not is_fetchable_url(link):
            skipped.append(f"entry {i}: invalid link: {link[:200]!r}")
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
        seen=len(parsed.entries),
    )


_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?)\sencoding\s*=\s*(['\"])[^'\"]*\2", re.I)
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,16}));")


def _char_ref(m: re.Match[str]) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    ok = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return m.group(0) if ok else "&#65533;"


def _as_utf8(body: bytes) -> bytes:
    """The body as clean UTF-8 with no encoding declaration to trip over and no character reference
    outside Unicode (feedparser's loose parser calls ``chr()`` on them)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if body.startswith(bom):
            text = body.decode(codec, errors="replace")
            break
    else:
        text = body.decode("utf-8", errors="replace")
    text = _CHAR_REF.sub(_char_ref, text.lstrip("\ufeff").replace("\x00", ""))
    return _XML_DECL.sub(rb"\1", text.encode("utf-8"), count=1)


_JSON_TYPES = ("application/feed+json", "application/json")


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed | None:
    """JSON Feed 1.x (jsonfeed.org), which feedparser does not read; None when the body is not one."""
    try:
        doc = json.loads(body.decode("utf-8-sig", errors="replace"))
    except ValueError:
        return None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        return None
    items = doc.get("items")
    if not isinstance(items, list):
        return ParsedFeed((), problem="JSON Feed without an items list", version="json1")
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            skipped.append(f"entry {i}: not an object")
            continue
        link = item.get("url") or item.get("external_url")
        if not link and str(item.get("id", "")).startswith(("http://", "https://")):
            link = item["id"]
        if not isinstance(link, str) or not link.strip():
            skipped.append(f"entry {i}: no link")
            continue
        try:
            link = urljoin(url, link.strip())
        except ValueError:
            skipped.append(f"entry {i}: invalid link: {link[:200]!r}")
            continue
        if not link.startswith(("http://", "https://")) or not is_fetchable_url(link):
            skipped.append(f"entry {i}: not an http(s) link: {link[:200]!r}")
            continue
        summary = item.get("summary") or item.get("content_text")
        title = item.get("title")
        entries.append(FeedEntry(
            url=link,
            title=title.strip() or None if isinstance(title, str) else None,
            published=_json_date(item.get("date_published")) or _json_date(item.get("date_modified")),
            summary=summary if isinstance(summary, str) and summary else None,
            guid=str(item["id"]) if item.get("id") is not None else None,
        ))
    title = doc.get("title")
    return ParsedFeed(tuple(entries), tuple(skipped), None, None, title if isinstance(title, str) else None,
                      "json" + str(doc.get("version", "")).rstrip("/").rsplit("/", 1)[-1], seen=len(items))


def _json_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt if 1995 <= dt.year <= 2100 else None
