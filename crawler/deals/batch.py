"""The batch contract's pure core: one input object in, one prediction out.

``dealradar extract --jsonl`` reads the lines, extracts ``html`` input properly and calls
``predict``; the crude ``html_to_text`` here is the fallback for callers without extraction.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from crawler.deals.parse import parse_article
from crawler.deals.resources import Resources

_BLOCK_TAGS = re.compile(r"(?is)<\s*/?\s*(?:p|div|br|h[1-6]|li|ul|ol|section|article|header|footer|tr|"
                         r"blockquote|figcaption)\b[^>]*>")
_DROP = re.compile(r"(?is)<(script|style|noscript|nav|template)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]+>")


def html_to_text(markup: str) -> str:
    """Crude tag stripping for batch input that carries ``html`` (the CLI extracts properly first)."""
    text = _DROP.sub(" ", markup)
    text = _BLOCK_TAGS.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def parse_published(value: Any) -> dt.datetime | None:
    """ISO-8601 timestamps ("2025-02-12T14:00:00Z"); anything else is treated as unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def predict(obj: dict[str, Any], resources: Resources) -> dict[str, Any]:
    """``{"id","title","published","text"|"html"}`` -> ``{"id","is_deal","deals":[Deal, ...]}``."""
    text = obj.get("text")
    if not isinstance(text, str):
        raw = obj.get("html")
        text = html_to_text(raw) if isinstance(raw, str) else ""
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    result = parse_article(title, text, parse_published(obj.get("published")), resources=resources, url=url)
    return {"id": obj.get("id"), "is_deal": result.is_deal, "deals": [d.to_record() for d in result.deals]}
