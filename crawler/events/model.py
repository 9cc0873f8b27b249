"""Value types of deal events: where a figure came from, one parsed mention, one stored report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from crawler.events.keys import clean_company, clean_figure, company_key, normalise_round, normalise_status
from crawler.record import deal_record

EVENT_NEW = "deal.new"
EVENT_UPDATED = "deal.updated"
EVENT_CONFLICT = "deal.conflict"


def utc(value: datetime | str | None) -> datetime | None:
    """Aware UTC datetime from a datetime or ISO string; naive values are taken to be UTC.

    Mixing naive and aware datetimes raises in comparisons, so everything is made aware here.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 text of an aware datetime (None stays None), as the webhook and JSON state use."""
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class SourceRef:
    """One article a figure came from. ``syndication_key`` (e.g. the wire text's content hash)
    marks copies of one story on several sites: they count as one source."""

    url: str
    title: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    sentence: str | None = None
    amount_text: str | None = None
    syndication_key: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "published", utc(self.published))

    def to_dict(self) -> dict[str, Any]:
        """The webhook ``sources`` entry (DESIGN.md, fixed keys)."""
        return {
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "published": iso(self.published),
            "amount_text": self.amount_text,
            "sentence": self.sentence,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything, including the syndication key, for the stored deal state."""
        return {**self.to_dict(), "syndication_key": self.syndication_key}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceRef:
        return cls(
            url=data["url"],
            title=data.get("title"),
            outlet=data.get("outlet"),
            published=utc(data.get("published")),
            sentence=data.get("sentence"),
            amount_text=data.get("amount_text"),
            syndication_key=data.get("syndication_key"),
        )

    @property
    def independence_key(self) -> str:
        """Which independent source this is: one wire story, one outlet, else one host.

        Agreement is counted per independent source, so a story syndicated to ten sites, or
        an outlet writing about a deal three times, is one voice, not several.
        """
        if self.syndication_key:
            return f"syn:{self.syndication_key}"
        if self.outlet and self.outlet.strip():
            return f"outlet:{company_key(self.outlet) or self.outlet.strip().casefold()}"
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        return f"host:{host}" if host else f"url:{self.url}"

    @property
    def bundle_key(self) -> str:
        """Which listing entry this is: syndicated copies share one, every other URL has its own."""
        return f"syn:{self.syndication_key}" if self.syndication_key else f"url:{self.url}"


def _names(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(str(v).strip() for v in value if v and str(v).strip())


def _evidence_sentence(evidence: Any) -> str | None:
    """Best-effort sentence text from the record's ``evidence`` (a string, dict or list of them)."""
    if isinstance(evidence, str):
        return evidence.strip() or None
    if isinstance(evidence, dict):
        text = evidence.get("sentence") or evidence.get("text") or evidence.get("quote")
        return text.strip() if isinstance(text, str) and text.strip() else None
    if isinstance(evidence, list | tuple):
        parts: list[str] = []
        for item in evidence:
            text = _evidence_sentence(item)
            if text and text not in parts:
                parts.append(text)
        return " ".join(parts) or None
    return None


@dataclass(frozen=True)
class Mention:
    """One deal as reported by one article: the parser's Deal record plus where it came from."""

    company: str
    deal_type: str
    amount_usd: float | None
    amount_text: str | None
    currency: str | None
    round: str | None
    investors: tuple[str, ...]
    lead_investors: tuple[str, ...]
    valuation_usd: float | None
    status: str
    ai_related: bool
    confidence: float
    source: SourceRef

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "company", clean_company(self.company))
        set_(self, "investors", _names(self.investors))
        set_(self, "lead_investors", _names(self.lead_investors))
        set_(self, "amount_usd", clean_figure(self.amount_usd))
        set_(self, "valuation_usd", clean_figure(self.valuation_usd))
        set_(self, "status", normalise_status(self.status))
        set_(
            self, "round", self.round.strip() if isinstance(self.round, str) and self.round.strip() else None
        )

    @classmethod
    def from_record(cls, record: dict[str, Any], source: SourceRef) -> Mention:
        """Mention from a parser Deal record (DESIGN.md names); the record's amount_text and
        evidence fill the source's amount_text and sentence when the caller left them empty."""
        sentence = source.sentence or _evidence_sentence(record.get("evidence"))
        amount_text = source.amount_text or record.get("amount_text")
        if sentence != source.sentence or amount_text != source.amount_text:
            source = replace(source, sentence=sentence, amount_text=amount_text)
        confidence = clean_figure(record.get("confidence"))
        return cls(
            company=str(record.get("company") or "").strip(),
            deal_type=str(record.get("deal_type") or "").strip(),
            amount_usd=record.get("amount_usd"),
            amount_text=record.get("amount_text"),
            currency=record.get("currency"),
            round=record.get("round"),
            investors=record.get("investors") or (),
            lead_investors=record.get("lead_investors") or (),
            valuation_usd=record.get("valuation_usd"),
            status=str(record.get("status") or ""),
            ai_related=bool(record.get("ai_related", True)),
            confidence=1.0 if confidence is None else confidence,
            source=source,
        )

    def record(self) -> dict[str, Any]:
        """This mention as a Deal record dict (no ``evidence``: the sentence is on ``source``)."""
        return deal_record(
            company=self.company, deal_type=self.deal_type, amount_usd=self.amount_usd,
            amount_text=self.amount_text, currency=self.currency, round=self.round, investors=self.investors,
            lead_investors=self.lead_investors, valuation_usd=self.valuation_usd, status=self.status,
            ai_related=self.ai_related, confidence=self.confidence,
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.record(), "source": self.source.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mention:
        return cls(
            company=data["company"],
            deal_type=data["deal_type"],
            amount_usd=data.get("amount_usd"),
            amount_text=data.get("amount_text"),
            currency=data.get("currency"),
            round=data.get("round"),
            investors=tuple(data.get("investors") or ()),
            lead_investors=tuple(data.get("lead_investors") or ()),
            valuation_usd=data.get("valuation_usd"),
            status=data.get("status", ""),
            ai_related=bool(data.get("ai_related", True)),
            confidence=float(data.get("confidence", 1.0)),
            source=SourceRef.from_json(data["source"]),
        )

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """What makes two mentions the same report: the article URL and the values it reported.

        Title, dates, sentence and confidence are left out, so a re-crawl of the same article
        (or a re-parse with a different confidence) is recognised as nothing new.
        """
        return (
            self.source.url,
            company_key(self.company),
            self.deal_type,
            self.amount_usd,
            normalise_round(self.round),
            tuple(sorted({company_key(n) for n in self.investors})),
            tuple(sorted({company_key(n) for n in self.lead_investors})),
            self.valuation_usd,
            self.status,
            self.ai_related,
        )


@dataclass(frozen=True)
class Report:
    """A mention as stored in a deal: when it was applied (``seen_at``) and in which order."""

    mention: Mention
    seen_at: datetime
    seq: int

    @property
    def time(self) -> datetime:
        """When the article reported it: its published date, else when we saw it."""
        return self.mention.source.published or self.seen_at

    @property
    def order(self) -> tuple[datetime, int]:
        """Sort key for "latest": report time, then application order."""
        return (self.time, self.seq)

    def to_json(self) -> dict[str, Any]:
        return {"mention": self.mention.to_json(), "seen_at": iso(self.seen_at), "seq": self.seq}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        seen_at = utc(data["seen_at"])
        assert seen_at is not None
        return cls(mention=Mention.from_json(data["mention"]), seen_at=seen_at, seq=int(data["seq"]))


@dataclass(frozen=True)
class DealEvent:
    """What an applied mention changed: ``deal.new``, ``deal.updated`` (with ``changes``
    ``[{"field","old","new"}]``) or ``deal.conflict`` (with ``conflict`` ``{"field","values"}``)."""

    kind: str
    changes: tuple[dict[str, Any], ...] = ()
    conflict: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event-specific part of the webhook body: ``event`` plus changes or conflict."""
        body: dict[str, Any] = {"event": self.kind}
        if self.kind == EVENT_UPDATED:
            body["changes"] = [dict(c) for c in self.changes]
        if self.conflict is not None:
            body["conflict"] = self.conflict
        return body


@dataclass(frozen=True)
class ResolutionPolicy:
    """Knobs of matching and conflict detection.

    ``window``: how far from a deal's reports a mention may be and still join it.
    ``tolerance``: relative difference under which two figures agree (rounding, FX).
    ``figure_factor``: figures further apart than this are different deals, unless the named
    round agrees, or investors overlap and they are within ``agreement_factor``.
    ``confirm_window``: how far a confirmation may come after the deal's reports when it is more
    authoritative than all of them (a rumor closed, an announced acquisition completed months
    later); it must then agree on the round or on the amount (within ``figure_factor``).
    """

    window: timedelta = field(default=timedelta(days=30))
    confirm_window: timedelta = field(default=timedelta(days=120))
    tolerance: float = 0.10
    figure_factor: float = 3.0
    agreement_factor: float = 10.0
