"""What the API and the pages show of a deal, built once for both from the repository's plain values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.config import Settings
from crawler.events import DealState, ResolutionPolicy
from storage.records import ConflictInfo, DealSummary, _jsonable
from storage.repository import Repository


def policy(settings: Settings) -> ResolutionPolicy:
    return ResolutionPolicy(window=settings.deals.window, tolerance=settings.deals.conflict_tolerance)


def deal_state(deal: DealSummary) -> DealState:
    state = DealState.from_dict(deal.state)
    state.id = deal.id
    return state


def deal_detail(repo: Repository, settings: Settings, deal_id: int) -> tuple[DealSummary, dict[str, Any]] | None:
    """One deal as ``GET /api/deals/{id}`` returns it: the list object plus events, conflicts and corrections."""
    deal = repo.get_deal(deal_id)
    if deal is None:
        return None
    events = [{"id": e.id, "event": e.event,
               **{k: e.body[k] for k in ("occurred_at", "changes", "conflict") if k in e.body}}
              for e in repo.deal_events(deal_id)]
    body = {**deal.to_json(), "events": _jsonable(events),
            "conflicts": _jsonable(deal_state(deal).conflicts(policy(settings))),
            "dismissed_at": deal.dismissed_at.isoformat() if deal.dismissed_at else None,
            "merged_into": deal.merged_into, "merged_from": repo.deal_merges(deal_id)}
    return deal, body


def conflict_json(c: ConflictInfo) -> dict[str, Any]:
    return {"event_id": c.event_id, "deal_id": c.deal_id, "company": c.company,
            "occurred_at": c.occurred_at.isoformat(), "field": c.field, "values": _jsonable(c.values)}


def source_health(settings: Settings, repo: Repository) -> list[dict[str, Any]]:
    """Each source's health exactly as ``dealradar status --json`` lists it."""
    from crawler.daemon.status import source_rows

    return source_rows(settings, repo, datetime.now(UTC))
