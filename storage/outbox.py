"""The alert outbox: deliveries leased, sent, retried, failed and re-queued. Two dispatchers (the daemon
and a manual crawl) can work it at once: a leased row is invisible to the other until its lease ends, its
holder keeps renewing the lease while it works, and only the holder (by the lease's token) can mark it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from storage.base import StoreBase, possible_row_id, utcnow
from storage.models import AlertEventRow, DealRow, DeliveryRow
from storage.records import DeliveryInfo, PendingDelivery


class OutboxStore(StoreBase):
    def claim_deliveries(self, *, now: datetime | None = None, limit: int = 50,
                         lease: timedelta = timedelta(minutes=2),
                         channels: Iterable[str] | None = None) -> list[PendingDelivery]:
        """Lease due deliveries under a fresh token, so that two dispatchers (daemon and a manual crawl) never
        send one twice: the rows are invisible to others until the lease ends, and only the token's holder
        can renew or mark them."""
        now = now or utcnow()
        token = uuid.uuid4().hex

        def run(s: Session) -> list[PendingDelivery]:
            q = (
                select(DeliveryRow, AlertEventRow, DealRow.dismissed_at, DealRow.merged_into)
                .join(AlertEventRow, AlertEventRow.id == DeliveryRow.event_id)
                .outerjoin(DealRow, DealRow.id == AlertEventRow.deal_id)
                .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now,
                       or_(DeliveryRow.claimed_until.is_(None), DeliveryRow.claimed_until < now))
                .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
                .limit(limit)
            )
            if channels is not None:
                q = q.where(DeliveryRow.channel.in_(list(channels)))
            if s.bind is not None and s.bind.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True, of=DeliveryRow)
            out = []
            for d, ev, dismissed_at, merged_into in s.execute(q):
                if dismissed_at is not None or merged_into is not None:
                    # Queued as the deal was being dismissed or merged: cancelled, never sent.
                    d.status, d.last_error = "cancelled", "deal dismissed" if dismissed_at else "deal merged"
                    continue
                d.claimed_until = now + lease
                d.claim_token = token
                out.append(PendingDelivery(d.id, d.delivery_id, d.channel, ev.event, d.attempts, ev.body,
                                           ev.created_at, token))
            return out

        return self._write(run)

    def renew_claims(self, token: str, delivery_pks: Iterable[int], *, until: datetime) -> set[int]:
        """Extend the lease on those of ``delivery_pks`` still held under ``token``; the ones returned are ours
        until ``until``. One UPDATE, so a row another dispatcher took over after our lease ran out is never
        taken back."""
        pks = list(delivery_pks)
        if not pks:
            return set()

        def run(s: Session) -> set[int]:
            # Locked on PostgreSQL (SQLite's BEGIN IMMEDIATE already excludes other writers), so no claim can
            # come between reading who holds the rows and extending their lease.
            held = list(s.scalars(select(DeliveryRow.id).where(*self._held(token, pks)).with_for_update()))
            if held:
                s.execute(update(DeliveryRow).where(*self._held(token, held)).values(claimed_until=until))
            return set(held)

        return self._write(run)

    def mark_sent(self, delivery_pk: int, *, token: str, now: datetime | None = None) -> bool:
        """Record a send; False (nothing written) when the row is no longer leased under ``token``."""
        now = now or utcnow()
        return self._mark(delivery_pk, token, status="sent", sent_at=now, last_error=None)

    def mark_retry(self, delivery_pk: int, *, token: str, error: str, next_attempt_at: datetime) -> bool:
        return self._mark(delivery_pk, token, last_error=error[:2000], next_attempt_at=next_attempt_at)

    def mark_failed(self, delivery_pk: int, *, token: str, error: str) -> bool:
        return self._mark(delivery_pk, token, status="failed", last_error=error[:2000])

    def release_claim(self, delivery_pk: int, *, token: str) -> bool:
        return self._write(lambda s: s.execute(update(DeliveryRow).where(*self._held(token, [delivery_pk]))
                                               .values(claimed_until=None, claim_token=None)).rowcount == 1)

    def _mark(self, delivery_pk: int, token: str, **values: object) -> bool:
        """Count one attempt and end the lease, only for the lease's holder."""
        return self._write(lambda s: s.execute(
            update(DeliveryRow).where(*self._held(token, [delivery_pk])).values(
                attempts=DeliveryRow.attempts + 1, claimed_until=None, claim_token=None, **values)).rowcount == 1)

    @staticmethod
    def _held(token: str, delivery_pks: list[int]) -> tuple[ColumnElement[bool], ...]:
        return (DeliveryRow.id.in_(delivery_pks), DeliveryRow.status == "pending", DeliveryRow.claim_token == token)

    def list_deliveries(self, status: str | None = None, *, limit: int = 200) -> list[DeliveryInfo]:
        with self._session() as s:
            q = (select(DeliveryRow, AlertEventRow).join(AlertEventRow, AlertEventRow.id == DeliveryRow.event_id)
                 .order_by(DeliveryRow.id.desc()).limit(limit))
            if status:
                q = q.where(DeliveryRow.status == status)
            return [
                DeliveryInfo(d.id, d.delivery_id, d.channel, e.event, d.status, d.attempts, d.next_attempt_at,
                             d.last_error, d.sent_at, e.deal_id, (e.body.get("deal") or {}).get("company"))
                for d, e in s.execute(q)
            ]

    def requeue_failed(self, ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
        """Put failed deliveries back in the queue, keeping their delivery ids and their attempt count.

        ``attempts`` counts every attempt ever made, so ``alerts list`` shows the real history; a delivery
        that had used up ``alerts.max_attempts`` gets one more try each time it is queued again."""
        now = now or utcnow()

        def run(s: Session) -> int:
            q = update(DeliveryRow).where(DeliveryRow.status == "failed")
            if ids is not None:
                q = q.where(DeliveryRow.id.in_([i for i in ids if possible_row_id(i)]))
            return s.execute(q.values(status="pending", next_attempt_at=now, claimed_until=None,
                                     claim_token=None)).rowcount

        return self._write(run)

    def pending_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count(DeliveryRow.id)).where(DeliveryRow.status == "pending")) or 0
