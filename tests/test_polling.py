"""The polling policy, without clocks: intervals, hints, backoff, adaptive rate, jitter, resume, staleness."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crawler.daemon import polling
from crawler.daemon.polling import PollPolicy
from crawler.daemon.scheduler import cron_next, plan_after_pass, plan_resume

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HOUR = 3600.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_healthy_source_runs_at_its_every_counted_from_the_start_of_the_pass() -> None:
    p = PollPolicy(every=600)
    assert polling.next_run(p, started=T0, finished=at(20)) == at(600)


def test_a_pass_longer_than_its_interval_is_followed_at_once_by_one_more() -> None:
    p = PollPolicy(every=60)
    assert polling.next_run(p, started=T0, finished=at(200)) == at(200)


def test_server_hints_only_slow_polling_down_and_are_capped() -> None:
    p = PollPolicy(every=600, max_interval=6 * HOUR)
    assert polling.interval_for(p, hint_s=60) == 600  # <ttl>1</ttl> does not make us poll faster
    assert polling.interval_for(p, hint_s=3600) == 3600  # Retry-After / max-age / ttl of an hour is respected
    assert polling.interval_for(p, hint_s=365 * 86400) == 6 * HOUR  # a year-long max-age does not park the source
    slow = PollPolicy(every=12 * HOUR, max_interval=6 * HOUR)
    assert polling.interval_for(slow, hint_s=24 * HOUR) == 12 * HOUR  # the cap never undercuts `every`


def test_failures_double_the_interval_up_to_max_backoff_and_one_success_resets_it() -> None:
    p = PollPolicy(every=60, max_backoff=600)
    assert [polling.interval_for(p, failures=n) for n in range(7)] == [60, 120, 240, 480, 600, 600, 600]
    assert polling.interval_for(p, failures=10_000) == 600  # no overflow however long the outage
    assert polling.interval_for(p, failures=0) == 60
    big = PollPolicy(every=2 * HOUR, max_backoff=HOUR)
    assert polling.interval_for(big, failures=3) == 2 * HOUR  # the cap never pulls below the healthy interval


def test_retry_after_on_a_failure_wins_when_longer_than_the_backoff() -> None:
    p = PollPolicy(every=60, max_backoff=600)
    assert polling.interval_for(p, failures=1, hint_s=1800) == 1800
    assert polling.interval_for(p, failures=4, hint_s=30) == 600


def test_adaptive_interval_follows_the_publish_rate_within_bounds() -> None:
    p = PollPolicy(every=600, adaptive=True, min_interval=120, max_interval=6 * HOUR)
    assert polling.interval_for(p, mean_gap_s=3600) == 1800  # twice per publishing gap
    assert polling.interval_for(p, mean_gap_s=10) == 120  # a firehose still gets min_interval
    assert polling.interval_for(p, mean_gap_s=7 * 86400) == 6 * HOUR  # a weekly blog still gets max_interval
    assert polling.interval_for(p, mean_gap_s=None) == 600  # no history yet: `every`
    assert polling.interval_for(PollPolicy(every=600), mean_gap_s=3600) == 600  # adaptive off


def test_mean_gap_needs_some_history() -> None:
    assert polling.mean_gap(2, T0, at(100)) is None
    assert polling.mean_gap(5, T0, at(400)) == 100
    assert polling.mean_gap(5, T0, T0) is None  # all at once: no rate to speak of


def test_jitter_is_bounded_by_the_setting_and_a_quarter_of_the_interval() -> None:
    rng = random.Random(7)
    p = PollPolicy(every=600, jitter=10)
    runs = [polling.next_run(p, started=T0, finished=at(5), rng=rng) for _ in range(200)]
    assert all(at(600) <= r <= at(610) for r in runs)
    assert len(set(runs)) > 100
    short = PollPolicy(every=2, jitter=10)
    assert all(polling.next_run(short, started=T0, finished=at(1), rng=rng) <= at(2.5) for _ in range(100))
    assert polling.next_run(PollPolicy(every=60), started=T0, finished=at(1)) == at(60)


def test_resume_keeps_the_stored_plan_coalesces_missed_runs_and_pulls_in_shortened_ones() -> None:
    p = PollPolicy(every=600, jitter=0)
    now = at(10_000)
    assert polling.resume_at(at(10_300), now, longest_wait=600, policy=p) == at(10_300)  # keeps its place
    assert polling.resume_at(at(100), now, longest_wait=600, policy=p) == at(100)  # overdue: due now, once
    assert polling.resume_at(at(90_000), now, longest_wait=600, policy=p) == at(10_600)  # `every` was shortened
    assert polling.resume_at(None, now, longest_wait=600, policy=p) == now  # never planned: now


def test_a_cold_start_spreads_sources_over_the_jitter() -> None:
    rng = random.Random(1)
    p = PollPolicy(every=600, jitter=30)
    starts = {polling.resume_at(None, T0, longest_wait=600, policy=p, rng=rng) for _ in range(50)}
    assert len(starts) > 40 and all(T0 <= s <= at(30) for s in starts)


def test_cron_sources_fire_on_their_expression_and_back_off_to_a_later_fire() -> None:
    every_15 = cron_next("*/15 * * * *", tz="UTC")
    p = PollPolicy(every=1800)
    assert polling.next_run(p, started=T0, finished=at(20), cron=every_15) == at(900)
    assert polling.cron_period(every_15, T0) == 900
    # Three failures: 900 s * 8 = two hours of backoff, landing on a fire time of the expression.
    p2 = PollPolicy(every=1800, max_backoff=6 * HOUR)
    assert polling.next_run(p2, started=T0, finished=at(20), failures=3, cron=every_15) == at(7200)
    assert polling.next_run(p2, started=T0, finished=at(20), hint_s=1000, cron=every_15) == at(1800)


def test_staleness_scales_with_the_publish_rate_and_polling_interval() -> None:
    day = 86400.0
    assert polling.expected_silence(interval_s=600, floor_s=2 * day) == 2 * day
    assert polling.expected_silence(interval_s=600, floor_s=2 * day, mean_gap_s=day) == 4 * day
    assert polling.expected_silence(interval_s=day, floor_s=day) == 3 * day
    assert polling.is_stale(T0, at(3 * day), 2 * day)
    assert not polling.is_stale(T0, at(day), 2 * day)
    assert not polling.is_stale(None, at(100 * day), day)  # never produced anything: empty, not stale


def test_plan_after_pass_and_plan_resume_read_the_config() -> None:
    from conftest import make_settings

    s = make_settings("sqlite:///unused.db", [{"name": "a", "feed": "https://a.example/f", "every": "10m"},
                                    {"name": "c", "feed": "https://c.example/f", "cron": "0 * * * *"}],
                      daemon={"jitter": "0s", "max_backoff": "1h"})
    a, c = s.sources
    assert plan_after_pass(a, s.daemon, started=T0, finished=at(3), failures=0, hint_s=None,
                           mean_gap_s=None) == at(600)
    assert plan_after_pass(a, s.daemon, started=T0, finished=at(3), failures=9, hint_s=None,
                           mean_gap_s=None) == at(3600)
    assert plan_resume(a, s.daemon, stored=at(99_999), now=T0, failures=0, hint_s=None, mean_gap_s=None) == at(600)
    nxt = plan_resume(c, s.daemon, stored=None, now=T0 + timedelta(minutes=1), failures=0, hint_s=None,
                      mean_gap_s=None)
    assert nxt.minute == 0 and nxt.second == 0 and nxt > T0


@given(every=st.floats(1, 7 * 86400), failures=st.integers(0, 100), hint=st.none() | st.floats(0, 10**8),
       cap=st.floats(1, 7 * 86400), max_interval=st.floats(60, 7 * 86400))
def test_the_interval_never_undercuts_every_and_stays_bounded(every: float, failures: int, hint: float | None,
                                                               cap: float, max_interval: float) -> None:
    p = PollPolicy(every=every, max_backoff=cap, max_interval=max_interval)
    got = polling.interval_for(p, failures=failures, hint_s=hint)
    assert got >= every
    assert got <= max(every, cap, max_interval) + 1e-6
    if failures:
        assert got >= min(max(cap, every), every * 2)
