"""Alerts that are not one deal event: digests (many deal alerts in one message) and operator notices
(``source.failing``, ``source.recovered``, ``source.stale``). The renderers in ``crawler.alerts.messages``
dispatch here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape
from typing import Any

DIGEST = "digest"
_LABELS = {"deal.new": "new", "deal.updated": "updated", "deal.conflict": "conflict"}


def is_notice(payload: Mapping[str, Any]) -> bool:
    return not str(payload.get("event") or "").startswith("deal.")


def digest_payload(delivery_id: str, occurred_at: str, alerts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"event": DIGEST, "delivery_id": delivery_id, "occurred_at": occurred_at, "alerts": alerts}


def _digest_counts(payload: Mapping[str, Any]) -> str:
    counts = Counter(_LABELS.get(str(a.get("event")), str(a.get("event"))) for a in payload.get("alerts") or [])
    return ", ".join(f"{n} {label}" for label, n in counts.most_common())


def notice_subject(payload: Mapping[str, Any]) -> str:
    from crawler.alerts.messages import subject_line

    event = str(payload.get("event") or "alert")
    if event == DIGEST:
        alerts = payload.get("alerts") or []
        head = f"[DealRadar] Digest: {len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
        if len(alerts) == 1:
            return subject_line(alerts[0]).replace("[DealRadar] ", head + " — ", 1)
        return f"{head} ({_digest_counts(payload)})" if alerts else head
    source = payload.get("source") or "?"
    if event == "source.failing":
        n = payload.get("consecutive_failures", payload.get("failures", "?"))
        return f"[DealRadar] Source failing: {source} ({n} failures in a row)"
    if event == "source.recovered":
        return f"[DealRadar] Source recovered: {source}"
    if event == "source.stale":
        return f"[DealRadar] Source silent: {source}"
    return f"[DealRadar] {event}: {source}"


def _notice_rows(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    skip = {"event", "delivery_id", "occurred_at", "alerts"}
    return [(k, "" if v is None else str(v)) for k, v in payload.items() if k not in skip]


def notice_text(payload: Mapping[str, Any]) -> str:
    from crawler.alerts.messages import render_text

    lines = [notice_subject(payload).removeprefix("[DealRadar] "), ""]
    if payload.get("event") == DIGEST:
        for i, alert in enumerate(payload.get("alerts") or [], 1):
            lines += [f"=== {i} " + "=" * 60, render_text(alert)]
    else:
        lines += [f"{k + ':':<16}{v}" for k, v in _notice_rows(payload)]
    lines += ["", f"DealRadar {payload.get('event')} · delivery {payload.get('delivery_id')} · "
                  f"{payload.get('occurred_at') or ''}"]
    return "\n".join(lines) + "\n"


def notice_html(payload: Mapping[str, Any]) -> str:
    from crawler.alerts.messages import render_html

    head = escape(notice_subject(payload).removeprefix("[DealRadar] "))
    parts = ["<!DOCTYPE html>", f'<html><head><meta charset="utf-8"><title>{head}</title></head>',
             '<body style="font-family: sans-serif; line-height: 1.4">', f"<h2>{head}</h2>"]
    if payload.get("event") == DIGEST:
        for alert in payload.get("alerts") or []:
            inner = render_html(alert)
            body = inner.split("<body", 1)[-1].split(">", 1)[-1].rsplit("</body>", 1)[0]
            parts.append(f"<hr>{body}")
    else:
        parts.append('<table cellpadding="4">')
        parts += [f'<tr><th align="left">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in _notice_rows(payload)]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
