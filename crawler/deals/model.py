"""Value types the deal parser returns: stdlib only, frozen, JSON-ready via ``to_record``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.record import deal_record

DEAL_TYPES: tuple[str, ...] = (
    "equity",
    "debt",
    "joint_venture",
    "compute_commitment",
    "infrastructure",
    "acquisition",
    "financing_undisclosed_structure",
)
STATUSES: tuple[str, ...] = ("rumored", "announced", "closed")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence a deal's figures came from; ``start``/``end`` index the text the parser was given.

    ``field`` is ``"text"`` for the article body and ``"title"`` when the offsets index the title.
    """

    text: str
    start: int
    end: int
    field: str = "text"

    def to_record(self) -> dict[str, Any]:
        """The wire form: offsets plus the sentence; ``field`` only when it is not the body."""
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.field != "text":
            out["field"] = self.field
        return out


@dataclass(frozen=True, slots=True)
class DealMention:
    """One deal an article reports, with the fields of the DESIGN.md Deal record."""

    company: str
    deal_type: str
    amount_usd: float | None = None
    amount_text: str | None = None
    currency: str | None = None
    round: str | None = None
    investors: tuple[str, ...] = ()
    lead_investors: tuple[str, ...] = ()
    valuation_usd: float | None = None
    status: str = "announced"
    evidence: tuple[Evidence, ...] = ()
    ai_related: bool = False
    confidence: float = 0.5
    amount_is_lower_bound: bool = False
    amount_note: str | None = None

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready Deal record (fixed DESIGN.md field names, plus the optional notes)."""
        rec = deal_record(
            company=self.company, deal_type=self.deal_type, amount_usd=self.amount_usd,
            amount_text=self.amount_text, currency=self.currency, round=self.round, investors=self.investors,
            lead_investors=self.lead_investors, valuation_usd=self.valuation_usd, status=self.status,
            evidence=[e.to_record() for e in self.evidence], ai_related=self.ai_related,
            confidence=round(self.confidence, 3),
        )
        if self.amount_is_lower_bound:
            rec["amount_is_lower_bound"] = True
        if self.amount_note:
            rec["amount_note"] = self.amount_note
        return rec


@dataclass(frozen=True, slots=True)
class ArticleDeals:
    """What the parser found in one article: the deals it reports (empty when it reports none)."""

    deals: tuple[DealMention, ...] = field(default_factory=tuple)

    @property
    def is_deal(self) -> bool:
        """True iff the article reports at least one specific new deal."""
        return bool(self.deals)
