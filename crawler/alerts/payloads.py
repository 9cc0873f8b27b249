"""The alert wire schema: what every channel sends, independent of how storage keeps deals.

The webhook body is a public contract (see DESIGN.md, "Webhook (fixed)"), so it is built here
from plain dicts, with a whitelist of fields, rather than by dumping storage rows: a new column
in the database must not silently change what receivers get. The same payload dict feeds the
email subject/text/HTML and the Apprise message (``crawler.alerts.messages``), so every channel
says the same thing.

Stdlib only; no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from crawler.record import DEAL_FIELDS

EVENTS: tuple[str, ...] = ("deal.new", "deal.updated", "deal.conflict")
"""The three alert events, as sent in ``X-DealRadar-Event`` and the body's ``event``."""

SOURCE_FIELDS: tuple[str, ...] = ("url", "title", "outlet", "published", "amount_text", "sentence")
"""Fields of one source (one article's coverage of the deal) in the payload."""

_LIST_FIELDS = frozenset({"investors", "lead_investors", "evidence"})
_MONEY_FIELDS = frozenset({"amount_usd", "valuation_usd"})


# --------------------------------------------------------------------------------------------
# Building and signing


def build_payload(
    event: str,
    delivery_id: str,
    occurred_at: datetime,
    deal: Mapping[str, Any],
    *,
    changes: list[dict[str, Any]] | None = None,
    conflict: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the JSON-safe alert payload for one event, in the fixed wire schema.

    ``deal`` is a dict with the Deal fields plus ``id`` and ``sources`` (each source a dict with
    ``url``, ``title``, ``outlet``, ``published``, ``amount_text``, ``sentence``); missing fields
    become null (lists: empty), unknown keys are dropped so storage changes never leak onto the
    wire. ``changes`` (a list of ``{"field", "old", "new"}``) is required for ``deal.updated`` and
    ``conflict`` (``{"field", "values": [{"value", "sources": [...]}]}``) for ``deal.conflict``;
    each is only present for its own event.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown alert event {event!r}; expected one of {', '.join(EVENTS)}")
    if not delivery_id or not isinstance(delivery_id, str):
        raise ValueError("delivery_id must be a non-empty string")
    if not isinstance(occurred_at, datetime):
        raise TypeError("occurred_at must be a datetime")
    payload: dict[str, Any] = {
        "event": event,
        "delivery_id": delivery_id,
        "occurred_at": _iso_utc(occurred_at),
        "deal": _deal_dict(deal),
    }
    if event == "deal.updated":
        payload["changes"] = [_change_dict(c) for c in (changes or [])]
    elif changes:
        raise ValueError(f"changes are only sent with deal.updated, not {event}")
    if event == "deal.conflict":
        if not conflict:
            raise ValueError("deal.conflict needs a conflict: {'field', 'values': [...]}")
        payload["conflict"] = _conflict_dict(conflict)
    elif conflict:
        raise ValueError(f"conflict is only sent with deal.conflict, not {event}")
    return payload


def encode_body(payload: Mapping[str, Any]) -> bytes:
    """Serialise a payload to the exact bytes sent and signed.

    Keys are sorted and separators fixed, so the same payload always gives the same bytes: a
    retried delivery carries the same body and therefore the same signature.
    """
    return json.dumps(
        _jsonable(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """Return the ``X-DealRadar-Signature-256`` value: ``sha256=<hex HMAC-SHA256 of body>``.

    Receivers recompute it over the raw body with their copy of the secret and compare with
    ``hmac.compare_digest`` to know the alert came from us and was not altered.
    """
    if not secret:
        raise ValueError("a signing secret must be non-empty")
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, signature: str | None) -> bool:
    """Check a received signature in constant time (what a receiver does; used by tests too)."""
    if not signature:
        return False
    return hmac.compare_digest(sign(body, secret), signature)


# --------------------------------------------------------------------------------------------
# Internals: normalising


def _iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    timespec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=timespec).replace("+00:00", "Z")


def _jsonable(value: Any) -> Any:
    """Turn datetimes, Decimals, tuples and sets into JSON types; integral floats into ints."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, Decimal):
        return _jsonable(float(value)) if value.is_finite() else None
    if isinstance(value, datetime):
        return _iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _deal_dict(deal: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(deal, Mapping):
        raise TypeError("deal must be a mapping of Deal fields")
    out: dict[str, Any] = {"id": _jsonable(deal.get("id"))}
    for field in DEAL_FIELDS:
        value = deal.get(field)
        if field in _LIST_FIELDS:
            value = list(value) if value else []
        out[field] = _jsonable(value)
    out["sources"] = [_source_dict(s) for s in deal.get("sources") or []]
    return out


def _source_dict(source: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(source, Mapping):
        raise TypeError("each source must be a mapping with url, title, outlet, ...")
    return {field: _jsonable(source.get(field)) for field in SOURCE_FIELDS}


def _change_dict(change: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(change, Mapping) or not change.get("field"):
        raise ValueError("each change must be a mapping with at least a 'field'")
    out = {str(k): _jsonable(v) for k, v in change.items()}
    out.setdefault("old", None)
    out.setdefault("new", None)
    return out


def _conflict_dict(conflict: Mapping[str, Any]) -> dict[str, Any]:
    if not conflict.get("field"):
        raise ValueError("a conflict needs the 'field' outlets disagree on")
    values = []
    for item in conflict.get("values") or []:
        values.append(
            {
                "value": _jsonable(item.get("value")),
                "sources": [_source_dict(s) for s in item.get("sources") or []],
            }
        )
    return {"field": str(conflict["field"]), "values": values}
