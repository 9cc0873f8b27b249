"""Loads the parser's data files (alias gazetteer, dated currency rates) into an immutable value.

This is the only module of ``crawler.deals`` that touches files: everything else takes a
``Resources`` value, so parsing stays pure and tests can build one from plain dicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from crawler.bundled import bundled
from crawler.deals.learned import TreeModel, bundled_model

#: Aliases shorter than this match case-sensitively only ("GV" must not match "gv").
CASE_FOLD_MIN = 4


class ResourceError(ValueError):
    """A data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A known organisation or person: canonical name, kind (lab, vc, cloud, ...), AI flag."""

    name: str
    kind: str = "org"
    ai: bool = False


@dataclass(frozen=True, slots=True)
class RateTable:
    """USD per unit of each currency, valid from ``date`` until the next table."""

    date: dt.date
    usd_per_unit: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything the parser needs besides the article: alias lookup and rate tables."""

    exact: Mapping[str, Entity]
    folded: Mapping[str, Entity]
    rate_tables: tuple[RateTable, ...]
    acceptance: TreeModel | None = None  # the learned scorer (learned.py); None: the hand rules alone decide

    def lookup(self, name: str) -> Entity | None:
        """The entity a surface name refers to, or None when no list knows it."""
        hit = self.exact.get(name)
        if hit is not None:
            return hit
        if len(name) >= CASE_FOLD_MIN:
            return self.folded.get(name.casefold())
        return None

    def canonical(self, name: str) -> str:
        """Canonical (parent) name for a surface name; unknown names come back unchanged."""
        hit = self.lookup(name)
        return hit.name if hit else name

    def usd_rate(self, currency: str, on: dt.date | None) -> float | None:
        """USD per unit of ``currency`` on a date (newest table on or before it), or None."""
        if currency == "USD":
            return 1.0
        tables = self.rate_tables
        if not tables:
            return None
        if on is None:
            candidates: Iterable[RateTable] = reversed(tables)
        else:
            before = [t for t in tables if t.date <= on]
            # Older than every table: use the oldest that has the currency.
            candidates = reversed(before) if before else tables
        for table in candidates:
            rate = table.usd_per_unit.get(currency)
            if rate is not None:
                return rate
        for table in reversed(tables):  # currency only in later tables
            rate = table.usd_per_unit.get(currency)
            if rate is not None:
                return rate
        return None

    @classmethod
    def from_data(cls, aliases: Mapping[str, Any] | None, rates: Mapping[str, Any] | None,
                  *extra: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]) -> Resources:
        """Build from parsed YAML documents; later pairs in ``extra`` extend and override."""
        entries: dict[str, tuple[Entity, list[str]]] = {}
        tables: dict[dt.date, dict[str, float]] = {}
        for alias_doc, rate_doc in ((aliases, rates), *extra):
            for ent, names in _entities(alias_doc):
                entries[ent.name] = (ent, names)
            for date, values in _rate_tables(rate_doc):
                tables.setdefault(date, {}).update(values)
        exact: dict[str, Entity] = {}
        folded: dict[str, Entity] = {}
        for ent, names in entries.values():
            for surface in (ent.name, *names):
                exact[surface] = ent
                if len(surface) >= CASE_FOLD_MIN:
                    folded[surface.casefold()] = ent
        # Canonical names win over another entry's alias of the same spelling.
        for ent, _names in entries.values():
            exact[ent.name] = ent
            if len(ent.name) >= CASE_FOLD_MIN:
                folded[ent.name.casefold()] = ent
        ordered = tuple(
            RateTable(date, MappingProxyType(dict(values))) for date, values in sorted(tables.items())
        )
        return cls(MappingProxyType(exact), MappingProxyType(folded), ordered)


def _entities(doc: Mapping[str, Any] | None) -> list[tuple[Entity, list[str]]]:
    if not doc:
        return []
    items = doc.get("entities") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        raise ResourceError("aliases: expected a top-level 'entities' list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ResourceError(f"aliases: entities[{i}] needs a non-empty 'name'")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ResourceError(f"aliases: entities[{i}].aliases must be a list of strings")
        ent = Entity(item["name"].strip(), str(item.get("kind") or "org"), bool(item.get("ai", False)))
        out.append((ent, [a.strip() for a in aliases if a.strip()]))
    return out


def _rate_tables(doc: Mapping[str, Any] | None) -> list[tuple[dt.date, dict[str, float]]]:
    if not doc:
        return []
    items = doc.get("rates") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        raise ResourceError("currency_rates: expected a top-level 'rates' list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or "date" not in item:
            raise ResourceError(f"currency_rates: rates[{i}] needs a 'date'")
        date = item["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise ResourceError(f"currency_rates: rates[{i}].date: {exc}") from None
        if isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            raise ResourceError(f"currency_rates: rates[{i}].date must be a date")
        values: dict[str, float] = {}
        for code, value in item.items():
            if code == "date":
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ResourceError(f"currency_rates: rates[{i}].{code} must be a positive number")
            values[str(code).upper()] = float(value)
        out.append((date, values))
    return out


def _read_yaml(path: Path | str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path}: not valid YAML: {exc}") from None


def _bundled(name: str) -> Any:
    return yaml.safe_load(bundled(name).read_text(encoding="utf-8"))


def load_resources(aliases_path: Path | str | None = None, rates_path: Path | str | None = None) -> Resources:
    """The bundled gazetteer and rates, extended/overridden by optional user files."""
    extra = []
    if aliases_path is not None or rates_path is not None:
        extra.append((
            _read_yaml(aliases_path) if aliases_path is not None else None,
            _read_yaml(rates_path) if rates_path is not None else None,
        ))
    base = Resources.from_data(_bundled("aliases.yaml"), _bundled("currency_rates.yaml"), *extra)
    return replace(base, acceptance=bundled_model())
