"""The shapes the JSON API documents in /openapi.json. Responses are built as plain dicts (the same ones the CLI
prints); these models only describe them, so extra keys a newer record carries stay allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Source(_Open):
    url: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    amount_text: str | None = None
    sentence: str | None = None
    syndicated: bool | None = None


class Deal(_Open):
    """A deal record (DESIGN.md field names) with its id, sources and when it was first and last reported."""

    id: int
    company: str
    deal_type: str
    amount_usd: float | None = None
    amount_text: str | None = None
    currency: str | None = None
    round: str | None = None
    investors: list[str] = []
    lead_investors: list[str] = []
    valuation_usd: float | None = None
    status: str
    ai_related: bool | None = None
    confidence: float | None = None
    sources: list[Source] = []
    first_seen: str
    last_seen: str


class ConflictValue(_Open):
    value: Any = None
    sources: list[Source] = []


class Conflict(_Open):
    field: str | None = None
    values: list[ConflictValue] = []


class DealEvent(_Open):
    id: int
    event: str
    occurred_at: str | None = None


class DealDetail(Deal):
    """One deal with its events (new, updated, conflict), its current conflicts and its corrections."""

    events: list[DealEvent] = []
    conflicts: list[Conflict] = []
    dismissed_at: str | None = None
    merged_into: int | None = None
    merged_from: list[int] = []


class ConflictEvent(_Open):
    event_id: int
    deal_id: int | None = None
    company: str | None = None
    occurred_at: str
    field: str | None = None
    values: list[ConflictValue] = []


class SourceHealth(_Open):
    """One configured source as ``dealradar status --json`` shows it."""

    name: str
    kind: str
    url: str
    enabled: bool
    state: str


class Correction(_Open):
    id: int
    dismissed: bool
    merged_into: int | None = None


class Problem(_Open):
    """An error: what went wrong, and for a bad parameter which one."""

    detail: Any = None
    parameter: str | None = None
