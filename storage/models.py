"""SQLAlchemy 2 tables. No logic here: the repository owns every query.

Changing a table means adding an Alembic revision under ``storage/migrations/versions``;
``tests/test_storage_migrations.py`` fails when models and migrations disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_article_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failure_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_hint_s: Mapped[int | None] = mapped_column(Integer)
    articles_total: Mapped[int] = mapped_column(Integer, default=0)


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    source: Mapped[str | None] = mapped_column(String(200))
    outlet: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_from: Mapped[str] = mapped_column(String(20))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    simhash: Mapped[str] = mapped_column(String(16))
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)
    band4: Mapped[int] = mapped_column(Integer, index=True)
    band5: Mapped[int] = mapped_column(Integer, index=True)
    band6: Mapped[int] = mapped_column(Integer, index=True)
    band7: Mapped[int] = mapped_column(Integer, index=True)
    is_deal: Mapped[bool | None] = mapped_column(Boolean)


class ArticleAliasRow(Base):
    """Another URL (or a later edit) of a stored article: marks the URL seen without a second copy."""

    __tablename__ = "article_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(20))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


_FILTERED = ("deal_type", "status", "ai_related", "round", "company_key", "investors_key", "first_seen")


class DealRow(Base):
    __tablename__ = "deals"
    # The dashboard pages through 100,000 deals by date, amount or company among the visible ones (neither dismissed
    # nor merged), filtered by any of its filters, and charts them by week. A row carries the deal's whole
    # ``state``, so each of these indexes holds every column a filter reads: a page, its count and the chart are
    # answered from an index alone, never by reading the rows (``storage.browse``; benchmarks/web_paging.py).
    __table_args__ = (
        Index("ix_deals_by_date", "merged_into", "dismissed_at", "last_seen", "amount_usd", *_FILTERED),
        Index("ix_deals_by_amount", "merged_into", "dismissed_at", "amount_usd", "last_seen", *_FILTERED),
        Index("ix_deals_by_company", "merged_into", "dismissed_at", "company", "last_seen", "amount_usd", *_FILTERED),
        Index("ix_deals_by_week", "merged_into", "dismissed_at", "first_seen", "last_seen", "amount_usd", *_FILTERED[:-1]),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str] = mapped_column(String(300))
    company_key: Mapped[str] = mapped_column(String(300), index=True)
    deal_type: Mapped[str] = mapped_column(String(40))
    round: Mapped[str | None] = mapped_column(String(40))
    amount_usd: Mapped[float | None] = mapped_column(Float)
    valuation_usd: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    ai_related: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Corrections: a dismissed deal ("not a deal") is kept but hidden and never alerted on; a merged one has
    # handed its reports to ``merged_into``. ``investors_key``: ``|key|key|`` of its investors, for the filter.
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    investors_key: Mapped[str | None] = mapped_column(Text)


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("article_id", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), index=True)
    company: Mapped[str] = mapped_column(String(300))
    deal_type: Mapped[str] = mapped_column(String(40))
    amount_usd: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertEventRow(Base):
    """A deal event, written in the same transaction as the deal change that caused it."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_event_created", "event", "created_at"),)  # the conflicts page

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DeliveryRow(Base):
    """One event for one channel: the outbox row the dispatcher works through."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "channel"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("alert_events.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(200))
    delivery_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))  # whose lease: only its holder may mark the row
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
