"""Queries the daemon needs beyond the repository API: the schedule table, publish rates, operator alerts.

They take a ``Repository`` and work inside its sessions, so they share its engine, its SQLite
settings (WAL, busy timeout, ``BEGIN IMMEDIATE``) and its error handling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.models import ArticleRow, SourceRow
from storage.records import ChannelRoute, StoredEvent
from storage.repository import Repository


@dataclass(frozen=True, slots=True)
class PublishStats:
    """How many articles a source gave since some instant, and the first and last of their dates."""

    count: int
    first: datetime | None
    last: datetime | None


def next_runs(repo: Repository) -> dict[str, datetime | None]:
    """Every source's planned next pass, by name: the tick reads this once a second, so one cheap query."""
    with repo._session() as s:
        return {name: at for name, at in s.execute(select(SourceRow.name, SourceRow.next_run_at))}


def due_runs(repo: Repository, now: datetime, names: Sequence[str] | None = None) -> dict[str, datetime]:
    """The sources whose planned pass has come (of ``names``, when given): a cluster leader over 100,000 sources
    asks this every second, and only the due rows come back."""
    query = select(SourceRow.name, SourceRow.next_run_at).where(SourceRow.next_run_at <= now)
    if names is not None:
        query = query.where(SourceRow.name.in_(list(names)))
    with repo._session() as s:
        return {name: _aware(at) for name, at in s.execute(query)}  # type: ignore[misc]


def set_next_runs(repo: Repository, plan: Mapping[str, datetime]) -> None:
    """Store many planned passes in one transaction (start-up and reloads plan every source at once)."""
    if not plan:
        return

    def run(s: Session) -> None:
        for name, at in plan.items():
            s.execute(update(SourceRow).where(SourceRow.name == name).values(next_run_at=at))

    repo._write(run)


def publish_stats(repo: Repository, since: datetime, sources: Sequence[str] | None = None) -> dict[str, PublishStats]:
    """Article counts and date range per source since ``since``: the publish rate, in one grouped query.

    The date is the article's published date when it has one, else when we fetched it.
    """
    when = func.coalesce(ArticleRow.published, ArticleRow.fetched_at)
    q = (select(ArticleRow.source, func.count(ArticleRow.id), func.min(when), func.max(when))
         .where(when >= since, ArticleRow.source.is_not(None))
         .group_by(ArticleRow.source))
    if sources is not None:
        q = q.where(ArticleRow.source.in_(list(sources)))
    out: dict[str, PublishStats] = {}
    with repo._session() as s:
        for name, count, first, last in s.execute(q):
            out[name] = PublishStats(int(count), _aware(first), _aware(last))
    return out


def flag_source_alert(repo: Repository, name: str, *, alerted: bool, event: str, body: dict[str, Any],
                      channels: Sequence[ChannelRoute], now: datetime | None = None) -> StoredEvent | None:
    """Flip ``failure_alerted`` and queue the operator event in one transaction, or do nothing.

    The update only matches while the flag still has the old value, so the "failing" alert goes
    out once per outage and the "recovered" alert once per recovery, even if two processes
    (or a crash and a restart) race to send it.
    """
    now = now or utcnow()

    def run(s: Session) -> StoredEvent | None:
        was = func.coalesce(SourceRow.failure_alerted, False)
        changed = s.execute(update(SourceRow).where(SourceRow.name == name, was == (not alerted))
                            .values(failure_alerted=alerted)).rowcount
        if not changed:
            return None
        return repo._queue_event(s.connection(), event, None, body, channels, now)

    return repo._write(run)


def _aware(value: Any) -> datetime | None:
    """SQLite hands back naive strings or datetimes from aggregates; storage keeps UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
