"""Query parameters -> ``DealQuery``. A bad value is a 422 that names its parameter, never a 500.

The API declares its parameters to FastAPI (so /openapi.json documents them); the HTML pages read theirs
from the URL by hand, because a filter form sends empty fields (``min_amount=``) that mean "no filter".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, get_args

from fastapi import Query
from fastapi.exceptions import RequestValidationError

from crawler.config import parse_since
from storage.records import DEAL_SORTS, DealQuery

DealType = Literal["equity", "debt", "joint_venture", "compute_commitment", "infrastructure", "acquisition",
                   "financing_undisclosed_structure"]
DealStatus = Literal["rumored", "announced", "closed"]
DEAL_TYPES: tuple[str, ...] = get_args(DealType)
STATUSES: tuple[str, ...] = get_args(DealStatus)
PAGE_SIZE = 50
MAX_OFFSET = 10**9
MAX_AMOUNT = 1e18  # a trillion trillion dollars: anything above is a typo, not a filter
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"  # no control characters (no database stores NUL)
SINCE_PATTERN = r"^\s*([0-9]+(\.[0-9]+)?\s*(ms|s|m|h|d|w)|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?)\s*$"


def bad_parameter(name: str, message: str, value: Any = None, where: str = "query") -> RequestValidationError:
    """The 422 FastAPI itself gives for a bad parameter, for checks FastAPI cannot make."""
    return RequestValidationError([{"type": "value_error", "loc": (where, name), "msg": message, "input": value}])


def clean_text(name: str, value: str | None) -> str | None:
    """Trimmed text, None when empty; a NUL or other control character is refused (no database stores NUL)."""
    if value is None:
        return None
    if any(ord(ch) < 32 for ch in value):
        raise bad_parameter(name, "must not contain control characters", value)
    return value.strip() or None


def read_since(name: str, value: str | None) -> datetime | None:
    try:
        return parse_since(clean_text(name, value))
    except (ValueError, OverflowError) as exc:
        raise bad_parameter(name, str(exc), value) from None


def api_filters(
    since: Annotated[str | None, Query(max_length=40, pattern=SINCE_PATTERN, description="Deals reported within "
                                       "this long (7d) or since this ISO date (2026-11-30).")] = None,
    company: Annotated[str | None, Query(max_length=300, pattern=TEXT_PATTERN,
                                         description="This company (aliases count).")] = None,
    investor: Annotated[str | None, Query(max_length=300, pattern=TEXT_PATTERN,
                                          description="Deals this investor took part in.")] = None,
    deal_type: Annotated[DealType | None, Query(alias="type", description="Deal type.")] = None,
    status: Annotated[DealStatus | None, Query(description="Deal status.")] = None,
    min_amount: Annotated[float | None, Query(ge=0, le=MAX_AMOUNT, allow_inf_nan=False,
                                              description="At least this many US dollars.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many deals.")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many first.")] = 0,
) -> DealQuery:
    """The filters of ``/api/deals`` and ``/feed.atom``: those of ``deals list`` plus investor, status, paging."""
    return DealQuery(since=read_since("since", since), company=clean_text("company", company),
                     investor=clean_text("investor", investor), deal_type=deal_type, status=status,
                     min_amount=min_amount, limit=limit, offset=offset)


@dataclass(frozen=True)
class PageView:
    """The deals table's state, all of it in the URL: filters, sort and page."""

    query: DealQuery
    params: dict[str, str]  # the filters as given (non-empty only), to rebuild links
    page: int

    def url(self, **changes: str | int | None) -> str:
        """This view's URL with some parameters changed (None removes one); a new filter or sort starts at page 1."""
        from urllib.parse import urlencode

        merged: dict[str, Any] = {**self.params, "page": self.page}
        if any(k != "page" for k in changes):
            merged["page"] = 1
        merged.update(changes)
        items = {k: v for k, v in merged.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return "/?" + urlencode(items) if items else "/"


_PAGE_KEYS = ("company", "investor", "type", "round", "status", "min_amount", "max_amount", "since", "until", "ai",
              "sort", "order", "hidden")


def _amount(params: Mapping[str, str], name: str) -> float | None:
    raw = clean_text(name, params.get(name))
    if raw is None:
        return None
    try:
        value = float(raw.replace(",", "").replace("_", ""))
    except ValueError:
        raise bad_parameter(name, "expected an amount in US dollars like 5000000", raw) from None
    if not math.isfinite(value) or value < 0 or value > MAX_AMOUNT:
        raise bad_parameter(name, "expected an amount in US dollars between 0 and 1e18", raw)
    return value


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = clean_text(name, params.get(name))
    if raw is not None and raw not in allowed:
        raise bad_parameter(name, f"expected one of {', '.join(allowed)}", raw)
    return raw


def _flag(params: Mapping[str, str], name: str) -> bool:
    return _choice(params, name, ("1", "0", "on", "true", "false")) in ("1", "on", "true")


def page_view(params: Mapping[str, str]) -> PageView:
    """The deals table's filters, sort and page from its URL."""
    until = read_since("until", params.get("until"))
    raw_until = clean_text("until", params.get("until"))
    if until is not None and raw_until is not None and len(raw_until) == 10:
        until += timedelta(days=1)  # "until 2026-11-30" takes in that whole day
    sort = _choice(params, "sort", DEAL_SORTS) or "date"
    order = _choice(params, "order", ("asc", "desc")) or ("asc" if sort == "company" else "desc")
    raw_page = clean_text("page", params.get("page")) or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_OFFSET // PAGE_SIZE:
        raise bad_parameter("page", "expected a page number from 1", raw_page)
    page = int(raw_page)
    query = DealQuery(
        since=read_since("since", params.get("since")), until=until,
        company=clean_text("company", params.get("company")), investor=clean_text("investor", params.get("investor")),
        deal_type=_choice(params, "type", DEAL_TYPES), round=clean_text("round", params.get("round")),
        status=_choice(params, "status", STATUSES), min_amount=_amount(params, "min_amount"),
        max_amount=_amount(params, "max_amount"), ai_only=_flag(params, "ai"), hidden=_flag(params, "hidden"),
        sort=sort, descending=order == "desc", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    kept = {k: params[k].strip() for k in _PAGE_KEYS if (params.get(k) or "").strip()}
    return PageView(query, kept, page)


def feed_query(query: DealQuery) -> DealQuery:
    """The feed lists at most 200 entries."""
    return replace(query, limit=min(query.limit or 50, 200))
