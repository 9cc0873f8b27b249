"""When to poll a source next, as pure functions: no clock reads, no I/O, randomness passed in.

After every pass the daemon asks one question: given the configured cadence, what the server asked
for (a feed's ``<ttl>``, ``Cache-Control: max-age``, ``Retry-After``), how often the source publishes
and how many passes in a row have failed, when should the next pass start? Keeping the answer here,
apart from the scheduler, lets the policy be tested exhaustively without sleeping.

The rules:

- the base interval is the source's ``every``; with ``daemon.adaptive`` and enough history it is
  half the mean gap between the source's articles, clamped to ``[min_interval, max_interval]``;
- a server hint only ever slows polling down (we never poll faster because a feed says ``ttl 1``),
  and is capped at ``max_interval`` so a year-long ``max-age`` cannot park a source;
- each consecutive failure doubles the interval, up to ``max_backoff`` (never below the base);
  one success brings the base back;
- jitter spreads sources that share a cadence, but never by more than a quarter of the interval.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

CronNext = Callable[[datetime], datetime]
"""Next fire time of a cron expression at or after the given instant."""

MIN_HISTORY = 3  # articles needed before a publish rate means anything
ADAPTIVE_FACTOR = 0.5  # poll twice per mean publishing gap
STALE_GAPS = 4  # silent for four mean gaps ...
STALE_INTERVALS = 3  # ... or three polling intervals, whichever is longer, is stale
MAX_JITTER_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """The knobs of one source's cadence, in seconds (built from config by the scheduler)."""

    every: float
    jitter: float = 0.0
    min_interval: float = 120.0
    max_interval: float = 6 * 3600.0
    adaptive: bool = False
    max_backoff: float = 6 * 3600.0


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def adaptive_interval(mean_gap_s: float, policy: PollPolicy) -> float:
    """Poll about twice per publishing gap, within the configured bounds."""
    high = max(policy.min_interval, policy.max_interval)
    return clamp(mean_gap_s * ADAPTIVE_FACTOR, policy.min_interval, high)


def base_interval(policy: PollPolicy, mean_gap_s: float | None = None) -> float:
    """The interval a healthy source gets: ``every``, or the adaptive one when enabled and known."""
    if policy.adaptive and mean_gap_s is not None and mean_gap_s > 0:
        return adaptive_interval(mean_gap_s, policy)
    return policy.every


def respect_hint(interval: float, hint_s: float | None, policy: PollPolicy) -> float:
    """A server's ``ttl``/``max-age``/``Retry-After`` may slow us down (capped), never speed us up."""
    if not hint_s or hint_s <= interval:
        return interval
    return max(interval, min(hint_s, max(policy.max_interval, interval)))


def failure_backoff(base: float, failures: int, cap: float) -> float:
    """Double per consecutive failure, capped; the cap never pulls below the healthy interval."""
    if failures <= 0:
        return base
    return min(max(cap, base), base * 2.0 ** min(failures, 40))


def interval_for(policy: PollPolicy, *, failures: int = 0, hint_s: float | None = None,
                 mean_gap_s: float | None = None) -> float:
    """Seconds from the start of this pass to the start of the next (before jitter)."""
    base = base_interval(policy, mean_gap_s)
    return respect_hint(failure_backoff(base, failures, policy.max_backoff), hint_s, policy)


def jitter_for(interval: float, policy: PollPolicy, rng: random.Random) -> float:
    """A random delay in ``[0, jitter]``, at most a quarter of the interval."""
    spread = min(policy.jitter, interval * MAX_JITTER_SHARE)
    return rng.uniform(0.0, spread) if spread > 0 else 0.0


def next_run(policy: PollPolicy, *, started: datetime, finished: datetime, failures: int = 0,
             hint_s: float | None = None, mean_gap_s: float | None = None, cron: CronNext | None = None,
             rng: random.Random | None = None) -> datetime:
    """When the pass after this one starts.

    Interval sources count from the start of this pass, so ``every: 10m`` means six passes an hour
    however long each takes; a pass longer than its interval is followed at once by one more (missed
    runs coalesce into one). Cron sources take the first fire time after this pass, or after the
    longer wait that hints or failures ask for.
    """
    rng = rng or random.Random()
    if cron is not None:
        period = cron_period(cron, finished)
        healthy = PollPolicy(period, policy.jitter, policy.min_interval, policy.max_interval, False,
                             policy.max_backoff)
        interval = interval_for(healthy, failures=failures, hint_s=hint_s)
        earliest = max(finished, started + timedelta(seconds=interval)) if interval > period else finished
        return cron(earliest) + timedelta(seconds=jitter_for(period, policy, rng))
    interval = interval_for(policy, failures=failures, hint_s=hint_s, mean_gap_s=mean_gap_s)
    at = max(started + timedelta(seconds=interval), finished)
    return at + timedelta(seconds=jitter_for(interval, policy, rng))


def cron_period(cron: CronNext, around: datetime) -> float:
    """The gap between two consecutive fire times: what ``every`` is for a cron source."""
    first = cron(around)
    second = cron(first + timedelta(seconds=1))
    return max(1.0, (second - first).total_seconds())


def resume_at(stored: datetime | None, now: datetime, *, longest_wait: float, policy: PollPolicy,
              rng: random.Random | None = None) -> datetime:
    """Where a (re)started daemon or a reloaded source picks up its schedule.

    A stored time in the past means the source is due now (the runs missed while the daemon was
    down coalesce into one). A stored time further off than the source's current interval (its
    ``every`` was shortened) is pulled in. A source never scheduled starts within the jitter, so
    a cold start of 500 sources does not fetch them all in the same second.
    """
    rng = rng or random.Random()
    if stored is None:
        spread = min(policy.jitter, longest_wait)
        return now + timedelta(seconds=rng.uniform(0.0, spread) if spread > 0 else 0.0)
    latest = now + timedelta(seconds=longest_wait)
    return min(stored, latest)


def mean_gap(count: int, first: datetime | None, last: datetime | None) -> float | None:
    """Mean seconds between a source's articles, or None with too little history."""
    if count < MIN_HISTORY or first is None or last is None:
        return None
    span = (last - first).total_seconds()
    return span / (count - 1) if span > 0 else None


def expected_silence(*, interval_s: float, floor_s: float, mean_gap_s: float | None = None) -> float:
    """How long a source may go without a new article before it counts as stale."""
    by_rate = STALE_GAPS * mean_gap_s if mean_gap_s else 0.0
    return max(floor_s, by_rate, STALE_INTERVALS * interval_s)


def silent_for(last_new_article_at: datetime | None, now: datetime) -> float | None:
    """Seconds since the source last gave a new article (None if it never has)."""
    if last_new_article_at is None:
        return None
    return max(0.0, (now - last_new_article_at).total_seconds())


def is_stale(last_new_article_at: datetime | None, now: datetime, expected_s: float) -> bool:
    """Silent longer than expected. A source that never produced an article is not stale, just empty."""
    silent = silent_for(last_new_article_at, now)
    return silent is not None and silent > expected_s
