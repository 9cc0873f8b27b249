"""``/feed.atom``: deal events (new, updated, conflict) as Atom 1.0, newest first, one entry per event.

An entry's id is the event's (``tag:`` URI), so a feed reader never shows an event twice. The summary is plain
text (figures, changes, each source with its link): nothing a crawled page wrote can become markup in a reader.
The ETag is a hash of the document, so a reader's conditional GET gets a 304 until something happens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree import ElementTree as ET

from crawler.web.format import label, money
from crawler.web.links import safe_href
from storage.records import StoredEvent

ATOM = "http://www.w3.org/2005/Atom"
_TITLES = {"deal.new": "New deal", "deal.updated": "Deal updated", "deal.conflict": "Conflicting figures"}


def _xml_text(value: Any) -> str:
    """Text XML 1.0 can carry: the control characters a page may contain are dropped."""
    return "".join(ch for ch in str(value) if ch in "\t\n\r" or ord(ch) >= 32 and ch not in "\ufffe\uffff")


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _xml_text(text)
    return el


def _figures(deal: dict[str, Any]) -> str:
    parts = [f"{deal.get('company') or '?'}: {deal.get('amount_text') or money(deal.get('amount_usd'))}",
             str(deal.get("deal_type") or "").replace("_", " ")]
    if deal.get("round"):
        parts.append(str(deal["round"]))
    parts.append(str(deal.get("status") or ""))
    line = ", ".join(p for p in parts if p)
    if deal.get("valuation_usd"):
        line += f"; valuation {money(deal['valuation_usd'])}"
    if deal.get("investors"):
        leads = set(deal.get("lead_investors") or [])
        line += "; investors: " + ", ".join(f"{i} (lead)" if i in leads else str(i) for i in deal["investors"])
    return line


def _summary(event: StoredEvent) -> str:
    deal = event.body.get("deal") or {}
    lines = [_figures(deal)]
    if event.event == "deal.updated":
        for c in event.body.get("changes") or []:
            lines.append(f"changed {label(c.get('field'))}: {c.get('old')} -> {c.get('new')}")
    if event.event == "deal.conflict":
        conflict = event.body.get("conflict") or {}
        for v in conflict.get("values") or []:
            value = v.get("value")
            shown = money(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
            outlets = ", ".join(s.get("outlet") or s.get("url") or "?" for s in v.get("sources") or [])
            lines.append(f"{label(conflict.get('field'))} {shown} according to {outlets}")
    for s in deal.get("sources") or []:
        line = f"source: {s.get('outlet') or '?'} {s.get('url') or ''}".rstrip()
        if s.get("sentence"):
            line += f' - "{s["sentence"]}"'
        lines.append(line)
    return "\n".join(lines)


def _title(event: StoredEvent) -> str:
    deal = event.body.get("deal") or {}
    amount = deal.get("amount_text") or money(deal.get("amount_usd"))
    title = f"{_TITLES.get(event.event, event.event)}: {deal.get('company') or '?'}, {amount}"
    if event.event == "deal.conflict":
        title += f" ({label((event.body.get('conflict') or {}).get('field'))})"
    return title


def build_feed(events: Sequence[StoredEvent], *, base_url: str, self_url: str, times: dict[int, datetime]) -> bytes:
    """The Atom document for these events (newest first); ``times`` gives each event's stored time."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, "id", f"{base_url}/feed.atom")
    _sub(root, "title", "DealRadar: AI funding deals")
    newest = max(times.values()).isoformat() if times else "2000-01-01T00:00:00+00:00"
    _sub(root, "updated", newest)
    _sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(root, "link", rel="alternate", href=f"{base_url}/", type="text/html")
    author = _sub(root, "author")
    _sub(author, "name", "DealRadar")
    _sub(root, "generator", "DealRadar")
    for ev in events:
        entry = _sub(root, "entry")
        _sub(entry, "id", f"tag:dealradar,2026:event/{ev.id}")
        _sub(entry, "title", _title(ev))
        when = times[ev.id].isoformat()
        _sub(entry, "updated", when)
        _sub(entry, "published", when)
        _sub(entry, "link", rel="alternate", href=f"{base_url}/deals/{ev.deal_id}", type="text/html")
        for s in (ev.body.get("deal") or {}).get("sources") or []:
            href = safe_href(s.get("url"))
            if href:
                _sub(entry, "link", rel="related", href=href, title=s.get("outlet") or s.get("title") or href)
        _sub(entry, "category", term=ev.event)
        _sub(entry, "summary", _summary(ev), type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match: ``*``, or any of the listed tags (weak or strong) equals ours."""
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str,
                 newest: datetime | None) -> bool:
    """A reader's conditional GET: its ETag when it sends one (that wins), else its last-modified date."""
    if if_none_match:
        return etag_matches(if_none_match, etag)
    if not if_modified_since or newest is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    return newest.replace(microsecond=0) <= since
