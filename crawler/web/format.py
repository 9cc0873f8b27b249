"""How figures read on a page and in the feed: $5B, $300M, dates as 2026-11-30."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.record import money

__all__ = ["day", "duration", "label", "moment", "money"]


def day(value: Any) -> str:
    """A date from a datetime or an ISO string; a dash when there is none."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value[:10]
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else "—"


def moment(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value[:16]
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else "—"


def label(value: Any) -> str:
    """``compute_commitment`` -> ``compute commitment``; ``amount_usd`` -> ``amount``."""
    text = str(value or "")
    return text.removesuffix("_usd").replace("_", " ") if text.endswith("_usd") else text.replace("_", " ")


def duration(seconds: Any) -> str:
    """``45 min``, ``3.5 h``, ``12 d``: how long a source has been quiet, at a glance."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "—"
    if seconds < 3600:
        return f"{max(0, seconds) / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f}".removesuffix(".0") + " h"
    return f"{seconds / 86400:.1f}".removesuffix(".0") + " d"
