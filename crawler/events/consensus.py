"""Consensus over a deal's reports: which value each field shows, and which values disagree.

The rule (README "Which figure a deal shows"; used by ``DealState.record`` and conflict
detection), for each voted field (company, deal_type, round, amount_usd, valuation_usd):

1. Each independent source (one wire story however many sites carried it, one outlet's article,
   else one host) has ONE current value: its latest report (published date, then application
   order) that states the field. A source that revises its own figure replaces it.
2. Current values that agree (figures within the tolerance, names that ``same_company``,
   rounds however spelled) form a group around an anchor value.
3. The deal shows the group with, in this order: the most advanced status among its current
   reports (a confirmed figure beats rumored ones), the most independent sources, the earliest
   report (so a 1-to-1 disagreement does not flip the deal back and forth: the conflict alert
   says it). Its anchor is the value shown: the value with, in the same order, the most advanced
   status, the most sources stating exactly it, the earliest report. The company's spelling
   leaves status out (most sources, then earliest): a spelling is not something a source confirms.

Exceptions, because they are cumulative rather than voted: ``status`` is the most authoritative
status anyone reported (it only moves forward); ``investors``/``lead_investors`` are the union
of every report in the order they were reported (published date, then application order); ``ai_related`` is true if any report says so; ``confidence``
is the maximum. An undisclosed structure states no type: equity or debt from any source wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.events.keys import UNDISCLOSED, company_key, normalise_round, rel_diff, same_company, status_rank
from crawler.events.model import Report
from crawler.record import deal_record

Getter = Callable[[Report], Any]
Agree = Callable[[Any, Any], bool]

#: The figures whose disagreement between independent sources is a conflict.
FIGURE_FIELDS = ("amount_usd", "valuation_usd")


@dataclass(frozen=True)
class Cluster:
    """Agreeing values of one field: ``current`` holds one report per independent source,
    ``members`` every report backing the value (an outlet's earlier articles, wire copies)."""

    value: Any
    representative: Report
    current: tuple[Report, ...]
    members: tuple[Report, ...]
    rank: tuple[Any, ...]


def getter(field: str) -> Getter:
    """Comparable value of a field in a report (rounds normalised, undisclosed type as None)."""
    if field == "round":
        return lambda r: normalise_round(r.mention.round)
    if field == "deal_type":
        return lambda r: r.mention.deal_type if r.mention.deal_type not in ("", UNDISCLOSED) else None
    if field == "company":
        return lambda r: r.mention.company or None
    return lambda r: getattr(r.mention, field)


def figure_agree(tolerance: float) -> Agree:
    """Two figures agree when within ``tolerance`` relative difference."""
    return lambda a, b: rel_diff(a, b) <= tolerance


def equal(a: Any, b: Any) -> bool:
    return a == b


def current_by_source(reports: Iterable[Report], get: Getter) -> dict[str, Report]:
    """The current report per independent source that states the field: its latest one, except
    that a syndicated copy never replaces the primary (the first article of the wire story):
    copies only speak for a field the primary does not state."""
    reports = sorted(reports, key=lambda r: r.seq)
    primary: dict[str, str] = {}
    for report in reports:
        primary.setdefault(report.mention.source.independence_key, report.mention.source.url)
    current: dict[str, Report] = {}
    rank: dict[str, tuple[bool, tuple[Any, ...]]] = {}
    for report in reports:
        if get(report) is None:
            continue
        source = report.mention.source
        key = source.independence_key
        mine = (not source.syndication_key or source.url == primary[key], report.order)
        if key not in current or mine > rank[key]:
            current[key], rank[key] = report, mine
    return current


def clusters(
    reports: Sequence[Report], get: Getter, agree: Agree = equal, *, by_status: bool = True
) -> list[Cluster]:
    """Agreeing groups of the sources' current values, the one the deal shows first (module doc);
    ``by_status=False`` leaves status out of the ranking (a name's spelling is not confirmed)."""
    current = current_by_source(reports, get)
    by_value: dict[Any, list[Report]] = {}
    for report in sorted(current.values(), key=lambda r: r.order):
        by_value.setdefault(get(report), []).append(report)

    def strength(backing: list[Report]) -> tuple[int, int, tuple[Any, ...]]:
        earliest = min(r.order for r in backing)
        status = max(status_rank(r.mention.status) for r in backing) if by_status else 0
        return (status, len(backing), _earliest_first(earliest))

    # Anchors in strength order; every other value joins the first anchor it agrees with.
    # Anchoring (not chaining) keeps 5.0/5.4/5.8/6.2 from all merging.
    ordered = sorted(by_value, key=lambda v: strength(by_value[v]), reverse=True)
    groups: list[tuple[Any, list[Report]]] = []
    for value in ordered:
        for anchor, backing in groups:
            if agree(anchor, value):
                backing.extend(by_value[value])
                break
        else:
            groups.append((value, list(by_value[value])))
    result = []
    for anchor, backing in groups:
        own = {r.mention.source.independence_key: get(r) for r in backing}
        members = tuple(
            r
            for r in reports
            if get(r) is not None
            and r.mention.source.independence_key in own
            and agree(own[r.mention.source.independence_key], get(r))
        )
        representative = min(
            (r for r in backing if get(r) == anchor),
            key=lambda r: (-status_rank(r.mention.status) if by_status else 0, r.order),
        )
        result.append(
            Cluster(anchor, representative, tuple(sorted(backing, key=lambda r: r.seq)), members,
                    strength(backing))
        )
    result.sort(key=lambda c: c.rank, reverse=True)
    return result


def _earliest_first(order: tuple[Any, int]) -> tuple[float, int]:
    """A sort key under which an earlier report ranks higher in a descending sort."""
    moment, seq = order
    return (-moment.timestamp(), -seq)


def union_names(names: Iterable[str]) -> list[str]:
    """Names in first-seen order, one per company key (the first spelling wins)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(company_key(name) or name.casefold(), name)
    return list(seen.values())


def consensus_record(reports: Sequence[Report], tolerance: float) -> dict[str, Any]:
    """The deal's Deal record by the rule in the module docstring."""
    if not reports:
        raise ValueError("a deal has at least one report")
    latest = max(reports, key=lambda r: r.order)
    by_time = sorted(reports, key=lambda r: r.order)  # names in the order outlets reported them

    def pick(field: str, agree: Agree = equal, by_status: bool = True) -> Report | None:
        found = clusters(reports, getter(field), agree, by_status=by_status)
        return found[0].representative if found else None

    company = pick("company", same_company, by_status=False) or latest
    deal_type = pick("deal_type")
    round_ = pick("round")
    amount = pick("amount_usd", figure_agree(tolerance))
    valuation = pick("valuation_usd", figure_agree(tolerance))
    status = max(reports, key=lambda r: (status_rank(r.mention.status), r.order))
    return deal_record(
        company=company.mention.company,
        deal_type=deal_type.mention.deal_type if deal_type else latest.mention.deal_type,
        amount_usd=amount.mention.amount_usd if amount else None,
        amount_text=amount.mention.amount_text if amount else None,
        currency=amount.mention.currency if amount else None,
        round=round_.mention.round if round_ else None,
        investors=union_names(n for r in by_time for n in r.mention.investors),
        lead_investors=union_names(n for r in by_time for n in r.mention.lead_investors),
        valuation_usd=valuation.mention.valuation_usd if valuation else None,
        status=status.mention.status,
        ai_related=any(r.mention.ai_related for r in reports),
        confidence=max(r.mention.confidence for r in reports),
    )


def source_entries(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """One webhook ``sources`` entry per article, syndicated copies folded into one entry.

    Each entry is ``SourceRef.to_dict()`` plus ``"syndicated"``; a syndicated entry (the first
    copy seen) also lists the other copies under ``"also_at"`` so every link stays reachable.
    An article reported more than once (edited, re-parsed) shows its latest report.
    """
    bundles: dict[str, dict[str, Report]] = {}
    for report in sorted(reports, key=lambda r: r.seq):
        urls = bundles.setdefault(report.mention.source.bundle_key, {})
        known = urls.get(report.mention.source.url)
        if known is None or report.order > known.order:
            urls[report.mention.source.url] = report
    entries = []
    for urls in bundles.values():
        first, *copies = urls.values()
        entry = {**first.mention.source.to_dict(), "syndicated": bool(copies)}
        if copies:
            entry["also_at"] = [
                {k: c.mention.source.to_dict()[k] for k in ("url", "title", "outlet", "published")}
                for c in copies
            ]
        entries.append(entry)
    return entries
