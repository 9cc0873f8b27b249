"""Plain values the repository hands back: no ORM rows ever leave storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    kind: str
    url: str
    etag: str | None
    last_modified: str | None
    last_run_at: datetime | None
    next_run_at: datetime | None
    last_success_at: datetime | None
    last_new_article_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    failure_alerted: bool
    poll_hint_s: int | None
    articles_total: int


@dataclass(frozen=True, slots=True)
class ChannelRoute:
    """A channel as storage sees it: a name and a predicate deciding which events it gets."""

    name: str
    accepts: Callable[[str, dict[str, Any]], bool]
    hold_until: Callable[[datetime], datetime] | None = None  # digests: first send time for a new alert


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    event: str
    deal_id: int | None
    body: dict[str, Any]
    channels: tuple[str, ...]
    created_at: datetime | None = None


@dataclass(slots=True)
class ArticleOutcome:
    """What one article did to the database."""

    status: str  # new | duplicate | seen
    article_id: int | None = None
    duplicate_of: int | None = None
    mentions: int = 0
    deals_new: int = 0
    deals_updated: int = 0
    conflicts: int = 0
    events: list[StoredEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    id: int
    delivery_id: str
    channel: str
    event: str
    attempts: int
    body: dict[str, Any]
    created_at: datetime
    token: str = ""  # the lease this copy was claimed under; marking the row needs it


@dataclass(frozen=True, slots=True)
class DeliveryInfo:
    id: int
    delivery_id: str
    channel: str
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    deal_id: int | None
    company: str | None


@dataclass(frozen=True, slots=True)
class DealSummary:
    id: int
    record: dict[str, Any]
    sources: list[dict[str, Any]]
    state: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    dismissed_at: datetime | None = None
    merged_into: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The object ``deals list --json`` prints and ``GET /api/deals`` returns: one builder for both."""
        return {**self.record, "id": self.id, "sources": self.sources, "first_seen": self.first_seen.isoformat(),
                "last_seen": self.last_seen.isoformat()}


DEAL_SORTS = ("date", "amount", "company")


@dataclass(frozen=True, slots=True)
class DealQuery:
    """Which deals to list and in what order; the CLI, the API and the dashboard fill it from their options.

    ``company`` and ``investor`` match by canonical key (aliases count); ``hidden`` also lists dismissed and
    merged deals, which every view leaves out by default."""

    since: datetime | None = None
    until: datetime | None = None
    company: str | None = None
    investor: str | None = None
    deal_type: str | None = None
    round: str | None = None
    status: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    ai_only: bool = False
    hidden: bool = False
    sort: str = "date"  # one of DEAL_SORTS
    descending: bool = True
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """A conflict event: the figure outlets disagreed on, each value with its sources, and the deal."""

    event_id: int
    deal_id: int | None
    company: str | None
    occurred_at: datetime
    field: str | None
    values: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class WeekFigure:
    """Deals first seen in one week (starting Monday, UTC) of one type: how many and their total in USD."""

    week: datetime
    deal_type: str
    count: int
    amount_usd: float


def investors_key(names: Any) -> str:
    """``|key|key|`` of the canonical keys of these names: the column the investor filter searches."""
    from crawler.events import company_key

    keys = sorted({company_key(str(n)) for n in names or () if n and company_key(str(n))})
    return "|" + "|".join(keys) + "|" if keys else ""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
