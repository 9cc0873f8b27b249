"""Reading a date someone else wrote: page metadata, feed entries, HTTP headers, stored payloads.

One lenient reader for the crawl, the spiders and the alert dispatcher, so they agree on what a date is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 822 to an aware UTC datetime; None for anything unparseable or absurd."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if not (1995 <= dt.year <= 2100):
        return None
    return dt
