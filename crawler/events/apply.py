"""Applying a mention to a deal and diffing the result into new / updated / conflict events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from crawler.events.consensus import FIGURE_FIELDS
from crawler.events.keys import rel_diff
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


#: Fields whose change alone is not worth an alert; they are still listed when one is sent.
COSMETIC_FIELDS = frozenset({"amount_text", "currency", "confidence"})


def record_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """``{"field", "old", "new"}`` for every record field whose value differs, in record order.

    Every field, with no tolerance and no exception for figures under conflict: a receiver that
    applies the changes to the deal it was last sent ends with exactly the deal in the payload.
    """
    fields = [*old, *(f for f in new if f not in old)]
    return [{"field": f, "old": old.get(f), "new": new.get(f)} for f in fields if old.get(f) != new.get(f)]


def apply_mention(
    state: DealState | None, mention: Mention, *, now: datetime, policy: ResolutionPolicy = _DEFAULT
) -> tuple[DealState, list[DealEvent]]:
    """Add a mention to a deal (``None``: start a new deal) and say what that changed.

    Returns the new state and its events: ``deal.new`` for a new deal; ``deal.updated`` when the
    deal's record moved (status forward, a figure named, revised or outvoted, round or valuation
    named, investors added, type made specific ...), its ``changes`` listing every field that
    differs from the record last alerted (``record_changes``); one ``deal.conflict`` per figure
    whose set of disagreeing values is new. A change of only ``COSMETIC_FIELDS`` (which source's
    wording is shown, confidence) raises nothing; it is listed with the next update.

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
        fresh.alerted_record = fresh.record(policy)
        return fresh, [DealEvent(EVENT_NEW)]

    new = replace(
        state,
        first_seen=min(state.first_seen, report.time),
        last_seen=max(state.last_seen, report.time),
        updated_at=now_utc,
        reports=(*state.reports, report),
    )
    conflict_events: list[DealEvent] = []
    announced = list(state.announced_conflicts)
    for field in FIGURE_FIELDS:
        conflict = conflict_of(new.reports, field, policy.tolerance)
        if conflict is None:
            continue
        if getattr(mention, field) is None:
            continue
        values = tuple(sorted(v["value"] for v in conflict["values"]))
        if any(f == field and _same_figures(seen, values, policy.tolerance) for f, seen in announced):
            continue
        announced.append((field, values))
        conflict_events.append(DealEvent(EVENT_CONFLICT, conflict=conflict))
    new.announced_conflicts = tuple(announced)

    record = new.record(policy)
    changes = record_changes(state.alerted_record or state.record(policy), record)
    events: list[DealEvent] = []
    if any(c["field"] not in COSMETIC_FIELDS for c in changes):
        events.append(DealEvent(EVENT_UPDATED, changes=tuple(changes)))
        new.alerted_record = record
    return new, events + conflict_events
