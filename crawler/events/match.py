"""Resolution: does a mention join one of the company's recent deals, and which one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from crawler.events.keys import (
    FINANCING_TYPES,
    UNDISCLOSED,
    company_key,
    normalise_round,
    ratio,
    rel_diff,
    same_company,
    status_rank,
    types_compatible,
)
from crawler.events.model import Mention, ResolutionPolicy, utc
from crawler.events.state import DealState


def report_time(mention: Mention, now: datetime) -> datetime:
    """When a mention was reported: the article's published date, else ``now``."""
    moment = mention.source.published or utc(now)
    assert moment is not None
    return moment


def candidate_window(mention: Mention, now: datetime, policy: ResolutionPolicy) -> tuple[datetime, datetime]:
    """``(start, end)`` for the storage query of candidates:
    ``company_key IN candidate_keys(mention.company) AND last_seen >= start AND first_seen <= end``.

    Symmetric, so an older article crawled late (a backfill) still finds the deal it belongs to,
    and as wide as ``confirm_window`` when that is wider: ``match_score`` applies the exact rule.
    """
    moment = report_time(mention, now)
    reach = max(policy.window, policy.confirm_window)
    return moment - reach, moment + reach


def _closest_ratio(value: float | None, reported: list[float]) -> float | None:
    if value is None or not reported:
        return None
    return min(ratio(value, other) for other in reported)


def _names_agree(state: DealState, mention: Mention) -> bool:
    """The mention's company is every name the deal was reported under (``same_company``)."""
    names = {r.mention.company for r in state.reports}
    return all(same_company(mention.company, name) for name in names)


def _types_agree(state: DealState, mention: Mention, deal_type: str, policy: ResolutionPolicy) -> bool:
    """Compatible with the deal's type; or equity and debt read differently by two articles of
    one financing: the same amount (within tolerance), and no article of the deal reported the
    other type beside this one (an article that names both kept them apart on purpose)."""
    if types_compatible(mention.deal_type, deal_type):
        return True
    types = {r.mention.deal_type for r in state.reports}
    financing = FINANCING_TYPES | {UNDISCLOSED}
    if mention.deal_type not in financing or not types <= financing or mention.amount_usd is None:
        return False
    if any(r.mention.source.url == mention.source.url for r in state.reports):
        return False
    return any(
        r.mention.amount_usd is not None and rel_diff(mention.amount_usd, r.mention.amount_usd) <= policy.tolerance
        for r in state.reports
    )


def _in_window(
    state: DealState, mention: Mention, moment: datetime, policy: ResolutionPolicy, round_agrees: bool
) -> bool:
    """Within ``window`` of the deal's reports; or within ``confirm_window`` as a confirmation
    (more authoritative than every report, and later) or as an earlier rumor of it (less
    authoritative than every report, and earlier) that agrees on the round or the amount."""
    if state.first_seen - policy.window <= moment <= state.last_seen + policy.window:
        return True
    if not state.first_seen - policy.confirm_window <= moment <= state.last_seen + policy.confirm_window:
        return False
    ranks = [status_rank(r.mention.status) for r in state.reports]
    mine = status_rank(mention.status)
    confirms = moment > state.last_seen and mine > max(ranks)
    foretold = moment < state.first_seen and mine < min(ranks)
    if not (confirms or foretold):
        return False
    amounts = [r.mention.amount_usd for r in state.reports if r.mention.amount_usd is not None]
    closest = _closest_ratio(mention.amount_usd, amounts)
    return round_agrees or (closest is not None and closest <= policy.figure_factor)


def match_score(
    state: DealState, mention: Mention, policy: ResolutionPolicy, now: datetime | None = None
) -> float | None:
    """How well a mention fits a deal, or None when it cannot be the same deal.

    Hard rules: the same company under every name the deal was reported as (``same_company``:
    "Ampere" and "Ampere Computing" meet, "Mistral AI" and "Mistral Motors" do not); compatible
    type (equal, undisclosed structure vs equity/debt, or equity vs debt at the same amount from
    different articles); compatible round (equal or one missing); report time within
    ``policy.window`` of the deal's reports, or within ``confirm_window`` for a confirmation
    (see ``_in_window``; skipped when neither a published date nor ``now`` is known: the storage
    query has already bounded it); figures compatible — within ``figure_factor`` of a reported
    figure, or further apart only when the named round agrees, or when investors overlap and
    they are within ``agreement_factor``. Outlets disagreeing on $5B vs $7B must land in one deal
    (and raise a conflict), but $5B equity and a $100B pledge are two deals.
    """
    if not state.reports or not _names_agree(state, mention):
        return None
    record = state.record(policy)
    if not _types_agree(state, mention, record["deal_type"], policy):
        return None
    rounds = {normalise_round(r.mention.round) for r in state.reports} - {None}
    wanted = normalise_round(mention.round)
    if wanted is not None and rounds and wanted not in rounds:
        return None
    round_agrees = wanted is not None and wanted in rounds
    moment = mention.source.published or utc(now)
    if moment is not None and not _in_window(state, mention, moment, policy, round_agrees):
        return None
    theirs = {
        company_key(n) for r in state.reports for n in (*r.mention.investors, *r.mention.lead_investors)
    }
    ours = {company_key(n) for n in (*mention.investors, *mention.lead_investors)}
    overlap = len(theirs & ours) / len(theirs | ours) if theirs and ours else 0.0

    score = 2.0 if mention.deal_type == record["deal_type"] else 1.0
    score += 1.0 if company_key(mention.company) == company_key(record["company"]) else 0.0
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
        score += max(0.0, 1.0 - max(gap, 0.0) / span)
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
