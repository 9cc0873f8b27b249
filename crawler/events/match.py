"""Resolution: does a mention join one of the company's recent deals, and which one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from crawler.events.keys import company_key, normalise_round, ratio, rel_diff, types_compatible
from crawler.events.model import Mention, ResolutionPolicy, utc
from crawler.events.state import DealState


def report_time(mention: Mention, now: datetime) -> datetime:
    """When a mention was reported: the article's published date, else ``now``."""
    moment = mention.source.published or utc(now)
    assert moment is not None
    return moment


def candidate_window(mention: Mention, now: datetime, policy: ResolutionPolicy) -> tuple[datetime, datetime]:
    """``(start, end)`` for the storage query of candidates:
    ``company_key = company_key(mention.company) AND last_seen >= start AND first_seen <= end``.

    Symmetric, so an older article crawled late (a backfill) still finds the deal it belongs to.
    """
    moment = report_time(mention, now)
    return moment - policy.window, moment + policy.window


def _closest_ratio(value: float | None, reported: list[float]) -> float | None:
    if value is None or not reported:
        return None
    return min(ratio(value, other) for other in reported)


def match_score(
    state: DealState, mention: Mention, policy: ResolutionPolicy, now: datetime | None = None
) -> float | None:
    """How well a mention fits a deal, or None when it cannot be the same deal.

    Hard rules: same company key; compatible type (equal, or undisclosed structure vs
    equity/debt); compatible round (equal or one missing); report time within ``policy.window``
    of the deal's reports (skipped when neither a published date nor ``now`` is known: the
    storage query has already bounded it); figures compatible — within ``figure_factor`` of a
    reported figure, or further apart only when the named round agrees, or when investors
    overlap and they are within ``agreement_factor``. Outlets disagreeing on $5B vs $7B must land
    in one deal (and raise a conflict), but $5B equity and a $100B pledge are two deals.
    """
    if not state.reports:
        return None
    record = state.record(policy)
    if company_key(mention.company) != company_key(record["company"]):
        return None
    moment = mention.source.published or utc(now)
    if moment is not None and not (
        state.first_seen - policy.window <= moment <= state.last_seen + policy.window
    ):
        return None
    if not types_compatible(mention.deal_type, record["deal_type"]):
        return None
    rounds = {normalise_round(r.mention.round) for r in state.reports} - {None}
    wanted = normalise_round(mention.round)
    if wanted is not None and rounds and wanted not in rounds:
        return None
    round_agrees = wanted is not None and wanted in rounds
    theirs = {
        company_key(n) for r in state.reports for n in (*r.mention.investors, *r.mention.lead_investors)
    }
    ours = {company_key(n) for n in (*mention.investors, *mention.lead_investors)}
    overlap = len(theirs & ours) / len(theirs | ours) if theirs and ours else 0.0

    score = 2.0 if mention.deal_type == record["deal_type"] else 1.0
    score += 3.0 if round_agrees else 0.0
    score += 2.0 * overlap
    for field in ("amount_usd", "valuation_usd"):
        value = getattr(mention, field)
        reported = [v for r in state.reports if (v := getattr(r.mention, field)) is not None]
        closest = _closest_ratio(value, reported)
        if closest is None:
            continue
        if closest > policy.figure_factor and not (
            round_agrees or (overlap > 0 and closest <= policy.agreement_factor)
        ):
            return None
        if value is not None and any(rel_diff(value, v) <= policy.tolerance for v in reported):
            score += 3.0
        elif math.isfinite(closest):
            score += max(0.0, 2.0 * (1.0 - math.log(closest) / math.log(max(policy.figure_factor, 1.0001))))
    if moment is not None:
        gap = max(state.first_seen - moment, moment - state.last_seen).total_seconds()
        span = max(policy.window.total_seconds(), 1.0)
        score += 1.0 - max(gap, 0.0) / span
    return score


def match_deal(
    mention: Mention,
    candidates: Sequence[DealState],
    policy: ResolutionPolicy,
    *,
    now: datetime | None = None,
) -> DealState | None:
    """The deal this mention belongs to, or None for a new deal.

    A candidate that already holds this exact mention (a re-crawl of the same article) wins
    outright, so re-applying is always a no-op. Otherwise the best-scoring compatible candidate
    (see ``match_score``), ties going to the most recently reported deal, then list order.
    ``now`` is the fallback report time for mentions without a published date.
    """
    for state in candidates:
        if state.has_report(mention):
            return state
    best: tuple[float, datetime, int] | None = None
    chosen: DealState | None = None
    for index, state in enumerate(candidates):
        score = match_score(state, mention, policy, now)
        if score is None:
            continue
        key = (score, state.last_seen, -index)
        if best is None or key > best:
            best, chosen = key, state
    return chosen
