"""Alert rules: which events reach which channel. Pure functions, no I/O.

The global ``alerts:`` section sets the defaults; a channel entry may override any of them
(flat keys, or under ``rules:``). Filters combine with AND, except the two watchlists: a deal
passes when its company is on the company watchlist OR one of its investors is on the investor
watchlist (an empty watchlist watches everything). Names compare case-insensitively against the
canonical names the parser produces (Amazon, not AWS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from crawler.alerts.payloads import EVENTS

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


@dataclass(frozen=True)
class AlertRules:
    """What a channel wants to hear about.

    - ``min_amount_usd``: skip deals below this amount; when it is above 0, deals without a known
      amount are skipped too unless ``include_undisclosed`` is true.
    - ``ai_only``: skip deals the parser marked ``ai_related: false`` (unknown passes).
    - ``companies`` / ``investors``: watchlists of canonical names (empty = all; see module doc).
    - ``deal_types``, ``statuses``: allowed values (empty = all).
    - ``events``: which of deal.new / deal.updated / deal.conflict alert.
    - ``min_confidence``: skip deals the parser is less sure about.
    """

    min_amount_usd: float = 0
    ai_only: bool = True
    companies: frozenset[str] = frozenset()
    investors: frozenset[str] = frozenset()
    deal_types: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset(EVENTS)
    statuses: frozenset[str] = frozenset()
    min_confidence: float = 0.0
    include_undisclosed: bool = False
    _companies_key: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _investors_key: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("ai_only", "include_undisclosed"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        for name in ("min_amount_usd", "min_confidence"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if self.min_confidence > 1:
            raise ValueError(f"min_confidence must be between 0 and 1, got {self.min_confidence!r}")
        for name, allowed in (
            ("deal_types", DEAL_TYPES),
            ("events", EVENTS),
            ("statuses", STATUSES),
            ("companies", None),
            ("investors", None),
        ):
            values = _string_set(getattr(self, name), name)
            if allowed is not None:
                values = frozenset(v.lower() for v in values)
                bad = sorted(values - set(allowed))
                if bad:
                    raise ValueError(
                        f"{name}: unknown value(s) {', '.join(bad)}; expected {', '.join(allowed)}"
                    )
            object.__setattr__(self, name, values)
        object.__setattr__(self, "_companies_key", frozenset(_key(c) for c in self.companies))
        object.__setattr__(self, "_investors_key", frozenset(_key(i) for i in self.investors))


RULE_KEYS: frozenset[str] = frozenset(f.name for f in fields(AlertRules) if f.init)
"""Config keys that are alert rules (allowed in ``alerts:`` and in each channel entry)."""


def should_alert(event: str, deal: Mapping[str, Any], rules: AlertRules) -> bool:
    """Decide whether ``event`` about ``deal`` (a payload/Deal dict) alerts under ``rules``."""
    if event not in rules.events:
        return False
    if rules.ai_only and deal.get("ai_related") is False:
        return False
    if rules.min_confidence > 0:
        confidence = deal.get("confidence")
        if (
            isinstance(confidence, int | float)
            and not isinstance(confidence, bool)
            and confidence < rules.min_confidence
        ):
            return False
    if rules.min_amount_usd > 0:
        amount = _number(deal.get("amount_usd"))
        if amount is None:
            if not rules.include_undisclosed:
                return False
        elif amount < rules.min_amount_usd:
            return False
    if rules.deal_types and str(deal.get("deal_type") or "").lower() not in rules.deal_types:
        return False
    if rules.statuses and str(deal.get("status") or "").lower() not in rules.statuses:
        return False
    if rules.companies or rules.investors:
        company_hit = bool(rules.companies) and _key(deal.get("company")) in rules._companies_key
        parties = {_key(n) for n in _names(deal.get("investors")) + _names(deal.get("lead_investors"))}
        investor_hit = bool(rules.investors) and bool(parties & rules._investors_key)
        if not (company_hit or investor_hit):
            return False
    return True


def merge_rules(base: AlertRules, override: Mapping[str, Any] | AlertRules | None) -> AlertRules:
    """Apply a channel's overrides on top of the global rules.

    ``override`` may be a whole channel entry: only rule keys are read (flat, or nested under
    ``rules:``, which wins), so ``merge_rules(AlertRules(), config["alerts"])`` also builds the
    global rules. An ``AlertRules`` override replaces the fields where it differs from the
    defaults. Amounts may be numbers or strings like ``"100M"`` / ``"$1.5B"``.
    """
    if override is None:
        return base
    if isinstance(override, AlertRules):
        default = AlertRules()
        changed = {
            f.name: getattr(override, f.name)
            for f in fields(AlertRules)
            if f.init and getattr(override, f.name) != getattr(default, f.name)
        }
        return replace(base, **changed)
    if not isinstance(override, Mapping):
        raise ValueError(f"alert rules must be a mapping, got {type(override).__name__}")
    values = {k: v for k, v in override.items() if k in RULE_KEYS}
    nested = override.get("rules")
    if nested is not None:
        if not isinstance(nested, Mapping):
            raise ValueError("rules must be a mapping of alert rule keys")
        unknown = sorted(str(k) for k in nested if k not in RULE_KEYS)
        if unknown:
            raise ValueError(
                f"unknown alert rule key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(RULE_KEYS))}"
            )
        values.update(nested)
    if "min_amount_usd" in values:
        values["min_amount_usd"] = parse_amount(values["min_amount_usd"], "min_amount_usd")
    for name in ("companies", "investors", "deal_types", "events", "statuses"):
        if name in values:
            values[name] = _string_set(values[name], name)
    return replace(base, **values)


def parse_amount(value: Any, what: str = "amount") -> float:
    """``100000000``, ``"100M"``, ``"$1.5B"``, ``"250k"`` -> dollars; ValueError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        match = re.fullmatch(
            r"\s*\$?\s*(\d+(?:[.,]\d+)*)\s*([kmbt]|bn)?\s*", value.replace("_", ""), re.IGNORECASE
        )
        if match:
            number = float(match.group(1).replace(",", ""))
            scale = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}.get(
                (match.group(2) or "").lower(), 1
            )
            return number * scale
    raise ValueError(f'{what} must be a dollar amount such as 100000000 or "100M", got {value!r}')


def _string_set(value: Any, name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{name} must be a list of names")
    return frozenset(v.strip() for v in value)


def _key(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def _names(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
