"""The weekly chart, drawn here as SVG: deal count and total amount per week, stacked by deal type.

Server-side and static: no script, no library, nothing fetched, and the page's Content-Security-Policy holds.
Colours are SVG presentation attributes (not ``style``, which the policy forbids inline). Each chart is small
(its own viewBox), so two sit side by side on a laptop and stack, still legible, on a phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from crawler.web.format import label, money
from storage.browse import week_start
from storage.records import WeekFigure

TYPE_COLOURS = {
    "equity": "#2f6fdb",
    "debt": "#d4870f",
    "joint_venture": "#8a4fd8",
    "compute_commitment": "#1a9a6c",
    "infrastructure": "#1b8fb0",
    "acquisition": "#d0453a",
    "financing_undisclosed_structure": "#7b8494",
}
OTHER_COLOUR = "#a3a9b3"
WEEKS = 12
WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 26, 30


def chart_weeks(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """The last ``weeks`` week starts (Mondays), oldest first, ending with this week."""
    this = week_start(now)
    return [this - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def colour(deal_type: str) -> str:
    return TYPE_COLOURS.get(deal_type, OTHER_COLOUR)


def _nice_step(value: float, whole: bool) -> float:
    """A round gridline step (1, 2 or 5 times a power of ten) so three steps reach ``value``; whole numbers for counts."""
    raw = value / 3
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1.0, math.ceil(step)) if whole else step


def _panel(title: str, weeks: list[datetime], figures: Sequence[WeekFigure],
           value: Callable[[WeekFigure], float], shown: Callable[[float], str], *, whole: bool = False) -> Markup:
    by_week: dict[datetime, list[WeekFigure]] = {w: [] for w in weeks}
    for f in figures:
        if f.week in by_week:
            by_week[f.week].append(f)
    step = _nice_step(max((sum(value(f) for f in fs) for fs in by_week.values()), default=0), whole)
    top = step * 3
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(weeks)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<text x="{LEFT}" y="16" font-size="13" font-weight="600" fill="#1f2733">{escape(title)}</text>']
    for i in range(3):
        level = step * (i + 1)
        y = TOP + plot_h - plot_h * (i + 1) / 3
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6eb"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="#5b6472">{escape(shown(level))}</text>')
    base = TOP + plot_h
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" stroke="#9aa3af"/>')
    for i, week in enumerate(weeks):
        x = LEFT + i * slot + slot * 0.15
        y = float(base)
        for f in sorted(by_week[week], key=lambda f: f.deal_type):
            h = plot_h * value(f) / top
            if h <= 0:
                continue
            y -= h
            tip = f"week of {week:%Y-%m-%d}, {label(f.deal_type)}: {f.count} deal{'s' if f.count != 1 else ''}, " \
                  f"{money(f.amount_usd)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                         f'fill="{colour(f.deal_type)}"><title>{escape(tip)}</title></rect>')
        if i % 2 == (len(weeks) - 1) % 2:
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{base + 16}" font-size="11" text-anchor="middle" '
                         f'fill="#5b6472">{week:%m-%d}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def weekly_charts(figures: Sequence[WeekFigure], now: datetime) -> tuple[Markup, Markup, list[str]]:
    """The count chart, the amount chart, and the deal types they show (for the legend)."""
    weeks = chart_weeks(now)
    count = _panel("Deals per week", weeks, figures, lambda f: float(f.count), lambda v: f"{v:g}",
                   whole=True)
    amount = _panel("Total amount per week (USD)", weeks, figures, lambda f: f.amount_usd, money)
    shown = sorted({f.deal_type for f in figures if f.week in set(weeks)})
    return count, amount, shown


def swatch(deal_type: str) -> Markup:
    """A small square in the type's colour, for the legend."""
    return Markup(f'<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" '
                  f'fill="{colour(deal_type)}"/></svg>')
