"""The Deal record's shape (DESIGN.md "Deal record", fixed field names) in one place.

The parser (``crawler.deals.model.DealMention.to_record``), a mention (``Mention.record``) and a deal's
consensus (``consensus_record``) all emit this dict, and the alert payload lists the same fields.
Building it here, with every field a required keyword, means a field added to the design is added
once, and a builder that forgets one fails loudly instead of emitting a record short of a key.
Stdlib only and importing nothing from DealRadar, so the parser, the event logic and the alerts
share it without importing each other (and ``deals list`` does not load the parser).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DEAL_FIELDS: tuple[str, ...] = (
    "company",
    "deal_type",
    "amount_usd",
    "amount_text",
    "currency",
    "round",
    "investors",
    "lead_investors",
    "valuation_usd",
    "status",
    "evidence",
    "ai_related",
    "confidence",
)
"""The record's fields in their output order (JSON, CSV and webhook bodies keep it)."""


def deal_record(*, company: str, deal_type: str, amount_usd: float | None, amount_text: str | None,
                currency: str | None, round: str | None, investors: Iterable[str], lead_investors: Iterable[str],
                valuation_usd: float | None, status: str, ai_related: bool, confidence: float,
                evidence: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A Deal record dict in ``DEAL_FIELDS`` order; name lists become lists.

    ``evidence`` (offsets plus sentence) is the parser's: an event-side record has none, its sentences
    live on the sources, so ``None`` leaves the key out rather than claiming an empty list. Rounding
    and optional extras (``amount_note`` ...) stay with the caller.
    """
    rec: dict[str, Any] = {
        "company": company,
        "deal_type": deal_type,
        "amount_usd": amount_usd,
        "amount_text": amount_text,
        "currency": currency,
        "round": round,
        "investors": list(investors),
        "lead_investors": list(lead_investors),
        "valuation_usd": valuation_usd,
        "status": status,
    }
    if evidence is not None:
        rec["evidence"] = [dict(e) for e in evidence]
    rec["ai_related"] = ai_related
    rec["confidence"] = confidence
    return rec


def money(value: Any) -> str:
    """$5B, $300M, $1.25B: how people write deal sizes (the CLI's tables, the dashboard, the feed); a dash when
    there is no figure."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        return "—"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= size:
            return f"${value / size:.2f}".rstrip("0").rstrip(".") + unit
    return f"${value:,.0f}"
