"""The stored state of one deal: every report with its source, from which all else is derived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.events.consensus import (
    FIGURE_FIELDS,
    clusters,
    consensus_record,
    equal,
    figure_agree,
    getter,
    source_entries,
)
from crawler.events.keys import company_key
from crawler.events.model import Mention, Report, ResolutionPolicy, iso, utc

STATE_VERSION = 1
_DEFAULT = ResolutionPolicy()

#: Fields whose every reported value ``DealState.reported`` can list.
REPORTED_FIELDS = (
    "company",
    "deal_type",
    "amount_usd",
    "round",
    "valuation_usd",
    "status",
    "investors",
    "lead_investors",
)


@dataclass
class DealState:
    """One deal. Only ``reports`` (and the conflicts already announced) are stored facts; the
    consensus record, the source list and the conflicts are recomputed from them.

    ``first_seen``/``last_seen`` are the earliest/latest REPORT times (article published date,
    else when applied): they decide the matching window, so a backfill of old articles matches
    by news time, not crawl time. ``updated_at`` is the ``now`` of the last change.

    Treated as copy-on-write by ``apply_mention``: it never mutates a state it was given.
    Only ``id`` is meant to be set by the storage layer after insert.
    """

    id: int | None
    first_seen: datetime
    last_seen: datetime
    updated_at: datetime
    reports: tuple[Report, ...] = ()
    #: ``(field, sorted distinct values)`` of every conflict already raised, so each is raised once.
    announced_conflicts: tuple[tuple[str, tuple[float, ...]], ...] = ()
    #: The record as last alerted (``deal.new`` / ``deal.updated``): the next update's ``changes``
    #: are counted from it, so a change too small to alert on alone is listed with the next one.
    #: None in states saved before it was kept: the previous record stands in.
    alerted_record: dict[str, Any] | None = None

    @property
    def company_key(self) -> str:
        """The key storage indexes this deal by (``company_key`` of its consensus name)."""
        return company_key(self.record()["company"])

    def has_report(self, mention: Mention) -> bool:
        """Whether this exact mention (same article, same values) is already part of the deal."""
        fingerprint = mention.fingerprint
        return any(r.mention.fingerprint == fingerprint for r in self.reports)

    def record(self, policy: ResolutionPolicy | None = None) -> dict[str, Any]:
        """The consensus Deal record (rule: ``crawler.events.consensus`` module docstring).

        Memoised per report tuple and tolerance: states are copy-on-write, so the reports of one
        instance never change once it is built, and storage asks for the record several times."""
        tolerance = (policy or _DEFAULT).tolerance
        memo = self.__dict__.get("_record_memo")
        if memo is None or memo[0] is not self.reports or memo[1] != tolerance:
            memo = (self.reports, tolerance, consensus_record(self.reports, tolerance))
            self.__dict__["_record_memo"] = memo
        return dict(memo[2])

    def sources(self) -> list[dict[str, Any]]:
        """Every distinct source, syndicated copies folded into one entry flagged ``syndicated``."""
        return source_entries(self.reports)

    def payload(self, policy: ResolutionPolicy | None = None) -> dict[str, Any]:
        """The webhook ``deal`` object: the record plus ``id`` and ``sources``."""
        return {**self.record(policy), "id": self.id, "sources": self.sources()}

    def reported(self, field: str) -> list[dict[str, Any]]:
        """Every value ever reported for ``field`` with the sources that reported it, in first-seen
        order (list fields are listed name by name). For ``deals show`` and audits."""
        if field not in REPORTED_FIELDS:
            raise ValueError(f"unknown field {field!r}")
        by_value: dict[Any, list[Report]] = {}
        for report in sorted(self.reports, key=lambda r: r.seq):
            value = getattr(report.mention, field)
            for item in value if isinstance(value, tuple) else (value,):
                if item is not None:
                    by_value.setdefault(item, []).append(report)
        return [{"value": value, "sources": source_entries(reps)} for value, reps in by_value.items()]

    def conflicts(self, policy: ResolutionPolicy | None = None) -> list[dict[str, Any]]:
        """Figures on which independent sources currently disagree, as webhook ``conflict`` dicts."""
        tolerance = (policy or _DEFAULT).tolerance
        found = []
        for field in FIGURE_FIELDS:
            conflict = conflict_of(self.reports, field, tolerance)
            if conflict is not None:
                found.append(conflict)
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state (datetimes as ISO strings); ``from_dict`` reads it back."""
        return {
            "version": STATE_VERSION,
            "id": self.id,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "updated_at": iso(self.updated_at),
            "reports": [r.to_json() for r in self.reports],
            "announced_conflicts": [{"field": f, "values": list(v)} for f, v in self.announced_conflicts],
            "alerted_record": None if self.alerted_record is None else dict(self.alerted_record),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DealState:
        version = data.get("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise ValueError(f"unsupported deal state version {version!r}")
        first_seen, last_seen = utc(data["first_seen"]), utc(data["last_seen"])
        updated_at = utc(data.get("updated_at")) or last_seen
        assert first_seen is not None and last_seen is not None and updated_at is not None
        return cls(
            id=data.get("id"),
            first_seen=first_seen,
            last_seen=last_seen,
            updated_at=updated_at,
            reports=tuple(Report.from_json(r) for r in data.get("reports", ())),
            announced_conflicts=tuple(
                (c["field"], tuple(float(v) for v in c["values"]))
                for c in data.get("announced_conflicts", ())
            ),
            alerted_record=data.get("alerted_record"),
        )


def conflict_of(reports: tuple[Report, ...], field: str, tolerance: float) -> dict[str, Any] | None:
    """``{"field", "values": [{"value", "sources"}]}`` when independent sources disagree on a
    figure beyond ``tolerance``, else None. Values are listed consensus first."""
    agree = figure_agree(tolerance) if field in FIGURE_FIELDS else equal
    found = clusters(reports, getter(field), agree)
    if len(found) < 2:
        return None
    return {
        "field": field,
        "values": [{"value": c.value, "sources": source_entries(c.members)} for c in found],
    }
