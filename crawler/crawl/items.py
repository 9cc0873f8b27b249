"""The one item type every spider yields, shared by the feed reader, the pipeline and storage.

Stdlib only, so any layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """A fetched article page, with whatever the feed or sitemap told us about it.

    ``entry_*`` fields come from the feed entry or sitemap record that pointed at the page;
    they are the fallback when the page itself lacks a title or date.
    """

    url: str
    source: str
    html: str
    outlet: str | None = None
    status: int = 200
    final_url: str | None = None
    fetched_at: datetime | None = None
    http_last_modified: datetime | None = None
    entry_title: str | None = None
    entry_published: datetime | None = None
    entry_summary: str | None = None
    entry_guid: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed or news sitemap that points at an article page."""

    url: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    guid: str | None = None
