"""Which URLs may become links. Every URL on a page came from a crawled page or feed, so only plain http(s)
addresses are linked; ``javascript:``, ``data:`` and anything else is shown as text."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_href(url: object) -> str | None:
    """The URL when it is a well-formed http(s) address, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if any(ch in text for ch in "\x00\r\n\t") or any(ord(ch) < 32 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only (``/deals/3``), never ``//evil.example`` or an absolute URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    return target
