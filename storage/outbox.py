"""The alert outbox: deliveries leased, sent, retried, failed and re-queued. Two dispatchers (the daemon
and a manual crawl) can work it at once: a leased row is invisible to the other until its lease ends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.base import StoreBase, utcnow
from storage.models import AlertEventRow, DeliveryRow
from storage.records import DeliveryInfo, PendingDelivery


class OutboxStore(StoreBase):
    def claim_deliveries(self, *, now: datetime | None = None, limit: int = 50,
                         lease: timedelta = timedelta(minutes=2),
                         channels: Iterable[str] | None = None) -> list[PendingDelivery]:
        """Lease due deliveries so that two dispatchers (daemon and a manual crawl) never send one twice."""
        now = now or utcnow()

        def run(s: Session) -> list[PendingDelivery]:
            q = (
                select(DeliveryRow, AlertEventRow)
                .join(AlertEventRow, AlertEventRow.id == DeliveryRow.event_id)
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
            for d, ev in s.execute(q):
                d.claimed_until = now + lease
                out.append(PendingDelivery(d.id, d.delivery_id, d.channel, ev.event, d.attempts, ev.body, ev.created_at))
            return out

        return self._write(run)

    def mark_sent(self, delivery_pk: int, *, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._write(lambda s: s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_pk).values(
            status="sent", sent_at=now, attempts=DeliveryRow.attempts + 1, claimed_until=None, last_error=None)))

    def mark_retry(self, delivery_pk: int, *, error: str, next_attempt_at: datetime) -> None:
        self._write(lambda s: s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_pk).values(
            attempts=DeliveryRow.attempts + 1, last_error=error[:2000], next_attempt_at=next_attempt_at,
            claimed_until=None)))

    def mark_failed(self, delivery_pk: int, *, error: str) -> None:
        self._write(lambda s: s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_pk).values(
            status="failed", attempts=DeliveryRow.attempts + 1, last_error=error[:2000], claimed_until=None)))

    def release_claim(self, delivery_pk: int) -> None:
        self._write(lambda s: s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_pk).values(
            claimed_until=None)))

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
                q = q.where(DeliveryRow.id.in_(list(ids)))
            return s.execute(q.values(status="pending", next_attempt_at=now, claimed_until=None)).rowcount

        return self._write(run)

    def pending_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count(DeliveryRow.id)).where(DeliveryRow.status == "pending")) or 0
