"""Applying a mention to a deal and diffing the result into new / updated / conflict events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from crawler.events.consensus import FIGURE_FIELDS
from crawler.events.keys import company_key, normalise_round, rel_diff, status_rank
from crawler.events.model import (
    EVENT_CONFLICT,
    EVENT_NEW,
    EVENT_UPDATED,
    DealEvent,
    Mention,
    Report,
    ResolutionPolicy,
    utc,
)
from crawler.events.state import DealState, conflict_of

_DEFAULT = ResolutionPolicy()


def _same_figures(old: tuple[float, ...], new: tuple[float, ...], tolerance: float) -> bool:
    return len(old) == len(new) and all(rel_diff(a, b) <= tolerance for a, b in zip(old, new, strict=True))


def _changes(
    old: dict[str, Any], new: dict[str, Any], conflicted: set[str], tolerance: float
) -> list[dict[str, Any]]:
    """What an alert should say changed. Figures within tolerance, or under conflict (the
    conflict event says it), are not changes; names only count when one was added."""
    changes: list[dict[str, Any]] = []

    def add(field: str) -> None:
        changes.append({"field": field, "old": old[field], "new": new[field]})

    if old["deal_type"] != new["deal_type"]:
        add("deal_type")
    if status_rank(new["status"]) > status_rank(old["status"]):
        add("status")
    if normalise_round(old["round"]) != normalise_round(new["round"]):
        add("round")
    for field in FIGURE_FIELDS:
        before, after = old[field], new[field]
        if field in conflicted or before == after or after is None:
            continue
        if before is None or rel_diff(before, after) > tolerance:
            add(field)
    for field in ("investors", "lead_investors"):
        if {company_key(n) for n in new[field]} - {company_key(n) for n in old[field]}:
            add(field)
    if old["ai_related"] != new["ai_related"]:
        add("ai_related")
    return changes


def apply_mention(
    state: DealState | None, mention: Mention, *, now: datetime, policy: ResolutionPolicy = _DEFAULT
) -> tuple[DealState, list[DealEvent]]:
    """Add a mention to a deal (``None``: start a new deal) and say what that changed.

    Returns the new state and its events: ``deal.new`` for a new deal; ``deal.updated`` with
    ``changes`` when the consensus moved (status forward, a figure named or revised by a source
    without disagreeing with others, round or valuation named, investors added, type made
    specific); one ``deal.conflict`` per figure whose set of disagreeing values is new.

    Copy-on-write: the given state is never mutated. A mention the deal already holds (same
    article URL, same values: a re-crawl) returns the given state object itself and no events,
    so ``result is state`` means there is nothing to save.
    """
    now_utc = utc(now)
    assert now_utc is not None
    if state is not None and state.has_report(mention):
        return state, []
    seq = max((r.seq for r in state.reports), default=-1) + 1 if state is not None else 0
    report = Report(mention=mention, seen_at=now_utc, seq=seq)
    if state is None:
        fresh = DealState(
            id=None, first_seen=report.time, last_seen=report.time, updated_at=now_utc, reports=(report,)
        )
        return fresh, [DealEvent(EVENT_NEW)]

    new = replace(
        state,
        first_seen=min(state.first_seen, report.time),
        last_seen=max(state.last_seen, report.time),
        updated_at=now_utc,
        reports=(*state.reports, report),
    )
    conflict_events: list[DealEvent] = []
    conflicted: set[str] = set()
    announced = list(state.announced_conflicts)
    for field in FIGURE_FIELDS:
        conflict = conflict_of(new.reports, field, policy.tolerance)
        if conflict is None:
            continue
        conflicted.add(field)
        if getattr(mention, field) is None:
            continue
        values = tuple(sorted(v["value"] for v in conflict["values"]))
        if any(f == field and _same_figures(seen, values, policy.tolerance) for f, seen in announced):
            continue
        announced.append((field, values))
        conflict_events.append(DealEvent(EVENT_CONFLICT, conflict=conflict))
    new.announced_conflicts = tuple(announced)

    changes = _changes(state.record(policy), new.record(policy), conflicted, policy.tolerance)
    events = [DealEvent(EVENT_UPDATED, changes=tuple(changes))] if changes else []
    return new, events + conflict_events
