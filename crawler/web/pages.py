"""The HTML pages: the deals table (with the weekly chart), one deal, conflicts, sources, and the login form.

Rendered with Jinja2 autoescaping, so every name, title and sentence a crawled page wrote is text, never markup;
URLs become links only through ``links.safe_href``. The corrections are plain form POSTs that need the token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from crawler.errors import CorrectionError
from crawler.events import STATUS_RANK
from crawler.web import format as fmt
from crawler.web.auth import COOKIE, COOKIE_MAX_AGE, require_writer, session_value, signed_in, token_matches
from crawler.web.chart import WEEKS, swatch, weekly_charts
from crawler.web.links import local_path, safe_href
from crawler.web.params import DEAL_TYPES, MAX_OFFSET, PAGE_SIZE, STATUSES, bad_parameter, page_view
from crawler.web.views import deal_detail, deal_state, policy, source_health
from storage.base import MAX_ROW_ID

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
FIGURE_FIELDS = (("amount_usd", "Amount"), ("valuation_usd", "Valuation"), ("round", "Round"),
                 ("deal_type", "Type"), ("status", "Status"), ("investors", "Investors"),
                 ("lead_investors", "Lead investors"))
DealId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=fmt.money, day=fmt.day, moment=fmt.moment, label=fmt.label, href=safe_href,
                       duration=fmt.duration)
    env.globals.update(swatch=swatch)
    return env


_ENV = environment()


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _ENV.get_template(name).render(request=request, signed_in=signed_in(request),
                                          writes=bool(request.app.state.settings.web.token), path=request.url.path,
                                          **context)
    return HTMLResponse(html, status_code=status)


def _repo(request: Request) -> Any:
    return request.app.state.repo


@router.get("/", response_class=HTMLResponse)
def deals_page(request: Request) -> Response:
    view = page_view(request.query_params)
    if any(not v.strip() for v in request.query_params.values()):
        return RedirectResponse(view.url(), status_code=303)  # the filter form's empty fields: a clean, shareable URL
    repo = _repo(request)
    deals = repo.find_deals(view.query)
    total = repo.count_deals(view.query)
    pages = max(1, -(-total // PAGE_SIZE))
    now = datetime.now(UTC)
    charts = weekly_charts(repo.week_figures(now - timedelta(weeks=WEEKS), view.query), now) if view.page == 1 else None
    return render(request, "deals.html", view=view, deals=deals, total=total, pages=pages, charts=charts,
                  deal_types=DEAL_TYPES, statuses=STATUSES, first=view.query.offset + 1,
                  last=view.query.offset + len(deals))


@router.get("/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(request: Request, deal_id: DealId) -> HTMLResponse:
    settings = request.app.state.settings
    found = deal_detail(_repo(request), settings, deal_id)
    if found is None:
        raise HTTPException(404, f"no such deal: {deal_id}")
    deal, body = found
    state = deal_state(deal)
    figures = [(name, title, state.reported(name)) for name, title in FIGURE_FIELDS]
    statuses = sorted(state.reported("status"), key=lambda v: STATUS_RANK.get(v["value"], 9))
    history = [{"status": v["value"], "first": min((s.get("published") or "" for s in v["sources"]), default=""),
                "sources": v["sources"]} for v in statuses]
    return render(request, "deal.html", deal=deal, body=body, record=deal.record, figures=figures, history=history,
                  conflicts=state.conflicts(policy(settings)), events=body["events"])


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(request: Request) -> HTMLResponse:
    raw = (request.query_params.get("page") or "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_OFFSET // PAGE_SIZE:
        raise bad_parameter("page", "expected a page number from 1", raw)
    page = int(raw)
    found = _repo(request).list_conflicts(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render(request, "conflicts.html", conflicts=found[:PAGE_SIZE], page=page, more=len(found) > PAGE_SIZE)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    return render(request, "sources.html", sources=source_health(request.app.state.settings, _repo(request)),
                  now=datetime.now(UTC))


# ---- corrections ---------------------------------------------------------------------------------


def _correct(action: Any, go_to: str) -> Response:
    try:
        action()
    except CorrectionError as exc:
        raise HTTPException(404 if exc.missing else 409, str(exc)) from None
    return RedirectResponse(go_to, status_code=303)


@router.post("/deals/{deal_id}/dismiss", dependencies=[Depends(require_writer)])
def dismiss_form(request: Request, deal_id: DealId) -> Response:
    return _correct(lambda: _repo(request).dismiss_deal(deal_id), f"/deals/{deal_id}")


@router.post("/deals/{deal_id}/restore", dependencies=[Depends(require_writer)])
def restore_form(request: Request, deal_id: DealId) -> Response:
    return _correct(lambda: _repo(request).dismiss_deal(deal_id, dismissed=False), f"/deals/{deal_id}")


@router.post("/deals/{deal_id}/merge", dependencies=[Depends(require_writer)])
async def merge_form(request: Request, deal_id: DealId) -> Response:
    raw = str((await request.form()).get("into") or "").strip().lstrip("#")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROW_ID:
        raise bad_parameter("into", "expected the id of the deal to merge into", raw, where="body")
    into = int(raw)
    merged: list[int] = []
    response = _correct(lambda: merged.append(_repo(request).merge_deal(deal_id, into)), f"/deals/{into}")
    return RedirectResponse(f"/deals/{merged[0]}", status_code=303) if merged else response


# ---- login ---------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", next=local_path(request.query_params.get("next")), failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    go_to = local_path(str(form.get("next") or "/"))
    if not token_matches(request, str(form.get("token") or "")):
        return render(request, "login.html", status=401, next=go_to, failed=True)
    response = RedirectResponse(go_to, status_code=303)
    response.set_cookie(COOKIE, session_value(request.app.state.settings.web.token), max_age=COOKIE_MAX_AGE,
                        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response

