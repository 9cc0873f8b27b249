"""Outbox -> channels. Deliveries are leased, sent, then marked; failures are retried with exponential
backoff and jitter (honouring Retry-After), and a delivery that runs out of attempts is kept as
``failed``, visible in ``dealradar alerts list --failed`` and re-sendable with ``alerts retry``.

The lease is kept alive while a batch is worked and renewed right before each send, and only its
holder can mark a row, so two dispatchers (the daemon and a manual crawl) never send one twice.

The delivery id is fixed when the event is queued, so a receiver sees the same id on every retry.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.alerts.channels import Channel, Delivery, DeliveryError, build_channel
from crawler.alerts.lease import LeaseKeeper
from crawler.alerts.notices import DIGEST, digest_payload
from crawler.alerts.payloads import build_payload
from crawler.config import Settings
from crawler.dates import parse_date
from storage.repository import PendingDelivery, Repository

log = logging.getLogger(__name__)


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def next_delay(self, attempts_done: int, retry_after: float | None) -> timedelta:
        """Exponential with full jitter on the upper half; a server's Retry-After wins when longer."""
        raw = min(self.cap.total_seconds(), self.base.total_seconds() * 2 ** max(0, attempts_done - 1))
        delay = raw * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.cap.total_seconds()))
        return timedelta(seconds=delay)


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every configured channel by its label; a channel that cannot be built is a config error."""
    from crawler.errors import ConfigError

    channels: dict[str, Channel] = {}
    for i, ch in enumerate(settings.alerts.channels):
        name = ch.label(i)
        try:
            channels[name] = build_channel(ch.channel_config(), name=name, allow_private=settings.crawl.allow_private_addresses)
        except ValueError as exc:
            raise ConfigError(f"alerts.channels[{i}]", str(exc)) from None
    return channels


def retry_policy(settings: Settings) -> RetryPolicy:
    a = settings.alerts
    return RetryPolicy(max_attempts=a.max_attempts, base=a.retry_base, cap=a.retry_max)


def payload_for(pending: PendingDelivery) -> dict[str, Any]:
    body = pending.body
    occurred = parse_date(body.get("occurred_at")) or pending.created_at
    if not pending.event.startswith("deal."):
        return {"event": pending.event, "delivery_id": pending.delivery_id, "occurred_at": occurred.isoformat(),
                **{k: v for k, v in body.items() if k != "occurred_at"}}
    return build_payload(pending.event, pending.delivery_id, occurred, body.get("deal") or {},
                         changes=body.get("changes"), conflict=body.get("conflict"))


def deliver(pending: PendingDelivery, channel: Channel, repo: Repository, policy: RetryPolicy,
            now: datetime, keeper: LeaseKeeper) -> str:
    """Send one leased delivery and record the outcome; returns sent | retry | failed | skipped.

    The lease is renewed right before the send: a delivery another dispatcher took over meanwhile is
    skipped (it is theirs to send), and every outcome is recorded only under our own lease."""
    if not keeper.hold(pending):
        log.warning("alert delivery skipped: another dispatcher holds it now channel=%s delivery=%s",
                    pending.channel, pending.delivery_id)
        return "skipped"
    attempt = pending.attempts + 1
    try:
        payload = payload_for(pending)
        channel.send(Delivery(pending.delivery_id, pending.event, payload, attempt))
    except DeliveryError as exc:
        if exc.retryable and attempt < policy.max_attempts:
            next_at = now + policy.next_delay(attempt, exc.retry_after)
            _record(repo.mark_retry(pending.id, token=pending.token, error=str(exc), next_attempt_at=next_at),
                    pending)
            log.warning("alert delivery failed, will retry channel=%s delivery=%s attempt=%d next=%s error=%s",
                        pending.channel, pending.delivery_id, attempt, next_at.isoformat(), exc)
            return "retry"
        _record(repo.mark_failed(pending.id, token=pending.token, error=str(exc)), pending)
        log.error("alert delivery failed for good channel=%s delivery=%s attempts=%d error=%s",
                  pending.channel, pending.delivery_id, attempt, exc)
        return "failed"
    except Exception as exc:  # a bug in one channel must not stop the others; keep the delivery
        _record(repo.mark_retry(pending.id, token=pending.token, error=f"{type(exc).__name__}: {exc}",
                                next_attempt_at=now + policy.next_delay(attempt, None)), pending)
        log.exception("alert channel crashed channel=%s delivery=%s", pending.channel, pending.delivery_id)
        return "retry"
    finally:
        keeper.done(pending)
    _record(repo.mark_sent(pending.id, token=pending.token), pending)
    log.info("alert sent channel=%s event=%s delivery=%s", pending.channel, pending.event, pending.delivery_id)
    return "sent"


def _record(marked: bool, pending: PendingDelivery) -> None:
    """A mark refused means our lease was gone while we sent: say so, it is the one way to a duplicate."""
    if not marked:
        log.error("alert outcome not recorded: the delivery's lease passed to another dispatcher during the send "
                  "channel=%s delivery=%s", pending.channel, pending.delivery_id)


def deliver_digest(batch: list[PendingDelivery], channel: Channel, repo: Repository, policy: RetryPolicy,
                   now: datetime, keeper: LeaseKeeper) -> tuple[str, int]:
    """Everything due for a digest channel in one message; all of it is sent, retried or failed together.
    Only the deliveries still leased to us right before the send go into the message. Returns the outcome
    and how many deliveries it covers."""
    batch = [p for p in batch if keeper.hold(p)]
    if not batch:
        return "skipped", 0
    ids = sorted(p.delivery_id for p in batch)
    digest_id = "digest-" + hashlib.sha256("\n".join(ids).encode()).hexdigest()[:32]
    attempt = max(p.attempts for p in batch) + 1
    payload = digest_payload(digest_id, now.isoformat(), [payload_for(p) for p in batch])
    try:
        channel.send(Delivery(digest_id, DIGEST, payload, attempt))
    except DeliveryError as exc:
        if exc.retryable and attempt < policy.max_attempts:
            next_at = now + policy.next_delay(attempt, exc.retry_after)
            for p in batch:
                _record(repo.mark_retry(p.id, token=p.token, error=str(exc), next_attempt_at=next_at), p)
            return "retry", len(batch)
        for p in batch:
            _record(repo.mark_failed(p.id, token=p.token, error=str(exc)), p)
        return "failed", len(batch)
    finally:
        for p in batch:
            keeper.done(p)
    for p in batch:
        _record(repo.mark_sent(p.id, token=p.token), p)
    log.info("digest sent channel=%s alerts=%d", batch[0].channel, len(batch))
    return "sent", len(batch)


def dispatch_once(settings: Settings, repo: Repository, *, channels: Mapping[str, Channel] | None = None,
                  now: datetime | None = None, limit: int = 200,
                  lease: timedelta = timedelta(minutes=2)) -> DispatchResult:
    """Deliver everything due now, once each; safe to run in several processes at the same time."""
    channels = dict(channels) if channels is not None else build_channels(settings)
    policy = retry_policy(settings)
    result = DispatchResult()
    if not channels:
        return result
    digests = {ch.label(i) for i, ch in enumerate(settings.alerts.channels) if ch.digest} & channels.keys()
    for name in sorted(digests):
        now_ = now or datetime.now(UTC)
        batch = repo.claim_deliveries(now=now_, limit=1000, channels=[name], lease=lease)
        if batch:
            with LeaseKeeper(repo, batch, lease, now) as keeper:
                outcome, n = deliver_digest(batch, channels[name], repo, policy, now_, keeper)
            _count(result, outcome, n)
    immediate = [name for name in channels if name not in digests]
    while immediate:
        now_ = now or datetime.now(UTC)
        batch = repo.claim_deliveries(now=now_, limit=limit, channels=immediate, lease=lease)
        if not batch:
            return result
        with LeaseKeeper(repo, batch, lease, now) as keeper:
            for pending in batch:
                _count(result, deliver(pending, channels[pending.channel], repo, policy, now_, keeper), 1)
        if len(batch) < limit or now is not None:
            break
    return result


_TALLY = {"sent": "sent", "retry": "retried", "failed": "failed", "skipped": "skipped"}


def _count(result: DispatchResult, outcome: str, n: int) -> None:
    field = _TALLY[outcome]
    setattr(result, field, getattr(result, field) + n)
