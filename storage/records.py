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


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
