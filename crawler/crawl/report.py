"""Counters for one crawl pass, per source; what `dealradar crawl` prints at the end."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SourceReport:
    source: str
    fetched: int = 0
    new_articles: int = 0
    duplicates: int = 0
    already_seen: int = 0
    not_modified: bool = False
    skipped: int = 0
    deal_articles: int = 0
    deals_new: int = 0
    deals_updated: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    poll_hint_s: int | None = None
    pending_articles: int = 0
    fatal: str | None = None
    # Set when the spider closed because its work was done; a pass cut short (the crawl process stopped, its
    # parent gone) never sets it, and only a finished pass may save the feed's validators.
    finished: bool = False
    state_saved: bool = True  # False: the pass could not be recorded on the source (the database refused)
    storage_error: str | None = None  # the first database failure of the pass: the crawl command exits 1 on it

    @property
    def ok(self) -> bool:
        """The source itself answered: article-level errors do not make the pass a failure."""
        return self.fatal is None

    def storage_failed(self, message: str) -> None:
        self.storage_error = self.storage_error or message[:300]

    def error(self, message: str) -> None:
        if len(self.errors) < 100:
            self.errors.append(message[:500])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CrawlSummary:
    sources: list[SourceReport] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_failed: int = 0
    alerts_pending: int = 0

    def total(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {"sources": [s.to_dict() for s in self.sources], "alerts_sent": self.alerts_sent,
                "alerts_failed": self.alerts_failed, "alerts_pending": self.alerts_pending}
