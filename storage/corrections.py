"""A person's corrections to what the parser found: dismiss a deal ("not a deal") or merge one into another.

Both keep every row for the record. Either one cancels the deal's deliveries still waiting in the outbox, and
the dispatcher skips any that slip in later (``OutboxStore.claim_deliveries``), so no alert goes out for a
deal someone has silenced. A dismissed deal still collects the mentions that match it, so further coverage of
the false deal joins it quietly instead of starting a new deal and a new alert.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.errors import CorrectionError
from crawler.events import DealState
from storage.base import StoreBase, possible_row_id, utcnow
from storage.models import AlertEventRow, DealRow, DeliveryRow, MentionRow
from storage.records import _jsonable, investors_key

CANCELLED = "cancelled"  # a delivery's status once its deal was dismissed or merged


def cancel_deliveries(s: Session, deal_ids: list[int], reason: str) -> int:
    """Pending deliveries of these deals' events will not be sent."""
    events = select(AlertEventRow.id).where(AlertEventRow.deal_id.in_(deal_ids)).scalar_subquery()
    return s.execute(update(DeliveryRow).where(DeliveryRow.status == "pending", DeliveryRow.event_id.in_(events))
                     .values(status=CANCELLED, last_error=reason, claimed_until=None, claim_token=None)).rowcount


def _deal(s: Session, deal_id: int) -> DealRow:
    row = s.get(DealRow, deal_id) if possible_row_id(deal_id) else None
    if row is None:
        raise CorrectionError(f"no such deal: {deal_id}", missing=True)
    return row


class CorrectionStore(StoreBase):
    def dismiss_deal(self, deal_id: int, *, dismissed: bool = True, now: datetime | None = None) -> bool:
        """Mark a deal "not a deal" (or take that back); True when that changed anything. Unknown id: CorrectionError."""
        now = now or utcnow()

        def run(s: Session) -> bool:
            row = _deal(s, deal_id)
            if dismissed == (row.dismissed_at is not None):
                return False
            row.dismissed_at = now if dismissed else None
            if dismissed:
                cancel_deliveries(s, [deal_id], "deal dismissed")
            return True

        return self._write(run)

    def merge_deal(self, deal_id: int, into: int, *, now: datetime | None = None) -> int:
        """Fold deal ``deal_id`` into deal ``into``: its reports, mentions and earlier merges move there, it is kept
        as merged (hidden), and its pending alerts are cancelled. Returns the deal it ended up in (``into``, or the
        deal ``into`` was itself merged into). No alert is raised: this is a correction, not news."""
        now = now or utcnow()

        def run(s: Session) -> int:
            source = _deal(s, deal_id)
            target = _deal(s, into)
            seen = {source.id}
            while target.merged_into is not None and target.id not in seen:  # follow earlier merges to the end
                seen.add(target.id)
                target = _deal(s, target.merged_into)
            if target.id == source.id:
                raise CorrectionError(f"deal {deal_id} cannot be merged into itself")
            if source.merged_into is not None:
                raise CorrectionError(f"deal {deal_id} was already merged into deal {source.merged_into}")
            merged = _merged_state(DealState.from_dict(target.state), DealState.from_dict(source.state), target.id, now)
            record = merged.record()
            target.state = _jsonable(merged.to_dict())
            target.company, target.company_key = record["company"], merged.company_key
            target.deal_type, target.round, target.status = record["deal_type"], record.get("round"), record["status"]
            target.amount_usd, target.valuation_usd = record.get("amount_usd"), record.get("valuation_usd")
            target.ai_related = bool(record.get("ai_related", True))
            target.first_seen, target.last_seen, target.updated_at = merged.first_seen, merged.last_seen, now
            target.investors_key = investors_key(record.get("investors"))
            source.merged_into, source.updated_at = target.id, now
            s.execute(update(MentionRow).where(MentionRow.deal_id == source.id).values(deal_id=target.id))
            s.execute(update(DealRow).where(DealRow.merged_into == source.id).values(merged_into=target.id))
            cancel_deliveries(s, [source.id], f"deal merged into {target.id}")
            return target.id

        return self._write(run)


def _merged_state(target: DealState, source: DealState, target_id: int, now: datetime) -> DealState:
    """The target's state with the source's reports after its own (numbered on), conflicts announced by either."""
    base = max((r.seq for r in target.reports), default=-1) + 1
    moved = tuple(replace(r, seq=base + i) for i, r in enumerate(sorted(source.reports, key=lambda r: r.seq)))
    known = {r.mention.fingerprint for r in target.reports}
    announced = tuple(dict.fromkeys(target.announced_conflicts + source.announced_conflicts))
    return DealState(id=target_id, first_seen=min(target.first_seen, source.first_seen),
                     last_seen=max(target.last_seen, source.last_seen), updated_at=now,
                     reports=target.reports + tuple(r for r in moved if r.mention.fingerprint not in known),
                     announced_conflicts=announced, alerted_record=target.alerted_record)
