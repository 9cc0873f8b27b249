"""An alert payload in words: the subject line, the plain-text body and the HTML body.

Email and Apprise render the payload built by ``crawler.alerts.payloads``; digests and operator
notices are rendered by ``crawler.alerts.notices``. Everything taken from a web page is escaped
or flattened to one line here. Stdlib only; no I/O.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from crawler.alerts import notices

_MONEY_FIELDS = frozenset({"amount_usd", "valuation_usd"})

_EVENT_LABELS = {"deal.new": "New", "deal.updated": "Updated", "deal.conflict": "Conflict"}

_DEAL_TYPE_LABELS = {
    "equity": "equity",
    "debt": "debt",
    "joint_venture": "joint venture",
    "compute_commitment": "compute commitment",
    "infrastructure": "infrastructure",
    "acquisition": "acquisition",
    "financing_undisclosed_structure": "financing",
}

# Who the named counterparties are, by deal type: investors fund, a buyer acquires, a provider
# is the other side of a compute commitment or joint venture.
_COUNTERPARTY_PREPOSITION = {
    "acquisition": "by",
    "compute_commitment": "with",
    "joint_venture": "with",
    "infrastructure": "with",
}

_FIELD_LABELS = {
    "company": "Company",
    "deal_type": "Type",
    "amount_usd": "Amount",
    "amount_text": "Amount as written",
    "currency": "Currency",
    "round": "Round",
    "investors": "Investors",
    "lead_investors": "Lead investors",
    "valuation_usd": "Valuation",
    "status": "Status",
    "ai_related": "AI-related",
    "confidence": "Confidence",
}

_SUBJECT_MAX = 200
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_SPACE_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------------------------
# Human renderings


def format_usd(amount: float | int | Decimal | None) -> str | None:
    """Format a dollar figure the way people write it: ``$5B``, ``$300M``, ``$1.25B``, ``$750K``."""
    if amount is None:
        return None
    try:
        value = float(amount)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    sign_ = "-" if value < 0 else ""
    value = abs(value)
    units = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
    for i, (size, suffix) in enumerate(units):
        if value >= size:
            scaled = round(value / size, 2)
            if scaled >= 1000 and i > 0:  # 999.999M rounds to 1000M: say $1B instead
                size, suffix = units[i - 1]
                scaled = round(value / size, 2)
            return f"{sign_}${_trim(scaled)}{suffix}"
    return f"{sign_}${_trim(round(value, 2))}"


def subject_line(payload: Mapping[str, Any]) -> str:
    """One line saying what happened, for an email subject or a chat title.

    ``[DealRadar] New: Anthropic — $5B equity from Amazon (closed)``; updates name the changed
    fields, conflicts the disagreeing figures. Control characters are removed so the line is safe
    as a mail header.
    """
    if notices.is_notice(payload):
        return _one_line(notices.notice_subject(payload))[:_SUBJECT_MAX]
    event = str(payload.get("event") or "")
    deal = payload.get("deal") or {}
    label = _EVENT_LABELS.get(event, event or "Alert")
    line = f"[DealRadar{' TEST' if payload.get('test') is True else ''}] {label}: {_headline(deal)}"
    if event == "deal.updated":
        fields = _unique(
            _FIELD_LABELS.get(str(c.get("field")), str(c.get("field"))).lower()
            for c in payload.get("changes") or []
            if c.get("field")
        )
        if fields:
            line += " — changed: " + ", ".join(fields)
    elif event == "deal.conflict":
        conflict = payload.get("conflict") or {}
        field = str(conflict.get("field") or "")
        values = [_format_value(field, v.get("value")) for v in conflict.get("values") or []]
        if values:
            name = _FIELD_LABELS.get(field, field).lower() or "figure"
            line += f" — {name}: " + " vs ".join(values)
    line = _one_line(line)
    if len(line) > _SUBJECT_MAX:
        line = line[: _SUBJECT_MAX - 1].rstrip() + "…"
    return line


def render_text(payload: Mapping[str, Any]) -> str:
    """Plain-text body: every deal field, what changed or conflicts, and every source's link."""
    if notices.is_notice(payload):
        return notices.notice_text(payload)
    deal = payload.get("deal") or {}
    event = str(payload.get("event") or "")
    out: list[str] = [subject_line(payload).removeprefix("[DealRadar] "), ""]
    for label, value in _deal_rows(deal):
        out.append(f"{label + ':':<16}{value}")
    if event == "deal.updated":
        out += ["", "What changed:"]
        changes = payload.get("changes") or []
        for change in changes:
            field = str(change.get("field") or "")
            out.append(
                f"  - {_FIELD_LABELS.get(field, field)}: {_format_value(field, change.get('old'))}"
                f" -> {_format_value(field, change.get('new'))}"
            )
        if not changes:
            out.append("  (no field-level details)")
    if event == "deal.conflict":
        conflict = payload.get("conflict") or {}
        field = str(conflict.get("field") or "")
        out += ["", f"Outlets disagree on {_FIELD_LABELS.get(field, field).lower() or 'a figure'}:"]
        for value in conflict.get("values") or []:
            out.append(f"  * {_format_value(field, value.get('value'))}")
            for src in value.get("sources") or []:
                out += ["      " + line for line in _source_text(src)]
    sources = deal.get("sources") or []
    out += ["", f"Sources ({len(sources)}):"]
    for i, src in enumerate(sources, 1):
        lines = _source_text(src)
        out.append(f"  {i}. {lines[0]}")
        out += ["     " + line for line in lines[1:]]
    if not sources:
        out.append("  (none recorded)")
    out += ["", _footer(payload)]
    return "\n".join(out) + "\n"


def render_html(payload: Mapping[str, Any]) -> str:
    """HTML body with the same content as ``render_text``.

    Every value is HTML-escaped (titles and sentences come from arbitrary web pages), and only
    http(s) URLs become links, so a hostile page cannot inject markup or ``javascript:`` links.
    """
    if notices.is_notice(payload):
        return notices.notice_html(payload)
    e = _esc
    deal = payload.get("deal") or {}
    event = str(payload.get("event") or "")
    headline = subject_line(payload).removeprefix("[DealRadar] ")
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>' + e(headline) + "</title></head>",
        '<body style="font-family: sans-serif; line-height: 1.4">',
        "<h2>" + e(headline) + "</h2>",
        '<table cellpadding="4" style="border-collapse: collapse">',
    ]
    for label, value in _deal_rows(deal):
        parts.append(f'<tr><th align="left" valign="top">{e(label)}</th><td>{e(value)}</td></tr>')
    parts.append("</table>")
    if event == "deal.updated":
        parts.append("<h3>What changed</h3><ul>")
        for change in payload.get("changes") or []:
            field = str(change.get("field") or "")
            parts.append(
                f"<li><b>{e(_FIELD_LABELS.get(field, field))}</b>: "
                f"<del>{e(_format_value(field, change.get('old')))}</del> &rarr; "
                f"<ins>{e(_format_value(field, change.get('new')))}</ins></li>"
            )
        parts.append("</ul>")
    if event == "deal.conflict":
        conflict = payload.get("conflict") or {}
        field = str(conflict.get("field") or "")
        parts.append(
            f"<h3>Outlets disagree on {e(_FIELD_LABELS.get(field, field).lower() or 'a figure')}</h3><ul>"
        )
        for value in conflict.get("values") or []:
            parts.append(f"<li><b>{e(_format_value(field, value.get('value')))}</b><ul>")
            parts += [f"<li>{_source_html(src)}</li>" for src in value.get("sources") or []]
            parts.append("</ul></li>")
        parts.append("</ul>")
    sources = deal.get("sources") or []
    parts.append(f"<h3>Sources ({len(sources)})</h3><ol>")
    parts += [f"<li>{_source_html(src)}</li>" for src in sources]
    parts.append("</ol>")
    parts.append(f'<p style="color: #777; font-size: smaller">{e(_footer(payload))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# Internals: rendering


def _trim(number: float) -> str:
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _one_line(text: str) -> str:
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", text)).strip()


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item.casefold() not in {s.casefold() for s in seen}:
            seen[item] = None
    return list(seen)


def _names(values: Any) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values if v]


def _amount_phrase(deal: Mapping[str, Any]) -> str | None:
    usd = format_usd(deal.get("amount_usd"))
    text = _one_line(str(deal.get("amount_text") or "")) or None
    currency = str(deal.get("currency") or "").upper()
    if usd and text and currency and currency != "USD":
        return f"{usd} ({text})"
    return usd or text


def _headline(deal: Mapping[str, Any]) -> str:
    """``Anthropic — $5B Series B equity from Amazon, Google (closed)``."""
    company = _one_line(str(deal.get("company") or "")) or "Unknown company"
    deal_type = str(deal.get("deal_type") or "")
    what = [
        p
        for p in (
            _amount_phrase(deal) or ("undisclosed amount" if deal_type else None),
            _one_line(str(deal.get("round") or "")) or None,
            _DEAL_TYPE_LABELS.get(deal_type, deal_type.replace("_", " ")) or "deal",
        )
        if p
    ]
    phrase = " ".join(what)
    parties = _unique(_names(deal.get("lead_investors")) + _names(deal.get("investors")))
    if parties:
        shown = ", ".join(parties[:3]) + (f" +{len(parties) - 3} more" if len(parties) > 3 else "")
        phrase += f" {_COUNTERPARTY_PREPOSITION.get(deal_type, 'from')} {shown}"
    status = _one_line(str(deal.get("status") or ""))
    if status:
        phrase += f" ({status})"
    return f"{company} — {phrase}"


def _format_value(field: str, value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if field in _MONEY_FIELDS:
        return format_usd(value) or str(value)
    if field == "deal_type":
        return _DEAL_TYPE_LABELS.get(str(value), str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_format_value("", v) for v in value) or "—"
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return _one_line(str(value))


def _deal_rows(deal: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("Company", _format_value("company", deal.get("company"))),
        ("Type", _format_value("deal_type", deal.get("deal_type"))),
    ]
    amount = _format_value("amount_usd", deal.get("amount_usd"))
    written = [str(deal.get(k)) for k in ("amount_text", "currency") if deal.get(k)]
    if written:
        amount += f" (as written: {', '.join(written)})"
    rows.append(("Amount", amount))
    for field in ("round", "investors", "lead_investors", "valuation_usd", "status", "ai_related"):
        rows.append((_FIELD_LABELS[field], _format_value(field, deal.get(field))))
    confidence = deal.get("confidence")
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        rows.append(("Confidence", f"{float(confidence):.2f}"))
    if deal.get("id") is not None:
        rows.append(("Deal id", str(deal.get("id"))))
    return rows


def _safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) link, else None (never link javascript: etc.)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not _CONTROL_RE.search(url):
        return url
    return None


def _source_label(src: Mapping[str, Any]) -> str:
    title = _one_line(str(src.get("title") or "")) or _one_line(str(src.get("url") or "")) or "(untitled)"
    meta = [_one_line(str(v)) for v in (src.get("outlet"), src.get("published")) if v]
    if src.get("amount_text"):
        meta.append("figure: " + _one_line(str(src["amount_text"])))
    return title + (f" — {', '.join(meta)}" if meta else "")


def _source_text(src: Mapping[str, Any]) -> list[str]:
    lines = [_source_label(src)]
    if src.get("url"):
        lines.append(_one_line(str(src["url"])))
    if src.get("sentence"):
        lines.append(f"\u201c{_one_line(str(src['sentence']))}\u201d")
    return lines


def _source_html(src: Mapping[str, Any]) -> str:
    e = _esc
    title = _one_line(str(src.get("title") or "")) or _one_line(str(src.get("url") or "")) or "(untitled)"
    url = _safe_url(src.get("url"))
    if url:
        head = f'<a href="{e(url)}" rel="noopener noreferrer">{e(title)}</a>'
    else:
        head = e(title) + (f" ({e(src.get('url'))})" if src.get("url") else "")
    meta = [_one_line(str(v)) for v in (src.get("outlet"), src.get("published")) if v]
    if src.get("amount_text"):
        meta.append("figure: " + _one_line(str(src["amount_text"])))
    if meta:
        head += " &mdash; " + e(", ".join(meta))
    if src.get("sentence"):
        head += f"<br><q>{e(_one_line(str(src['sentence'])))}</q>"
    return head


def _footer(payload: Mapping[str, Any]) -> str:
    return (
        f"DealRadar {payload.get('event') or 'alert'} · delivery {payload.get('delivery_id') or '?'}"
        f" · {payload.get('occurred_at') or ''}"
    ).strip(" ·")


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)
