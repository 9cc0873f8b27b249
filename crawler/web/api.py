"""The JSON API: deals (the objects of ``deals list --json``), one deal, conflicts, sources, and the two
corrections. Everything is described in /openapi.json; errors are JSON with ``detail`` (and ``parameter``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse

from crawler.errors import CorrectionError
from crawler.web import schemas
from crawler.web.auth import require_writer
from crawler.web.params import MAX_OFFSET, api_filters
from crawler.web.views import conflict_json, deal_detail, source_health
from storage.base import MAX_ROW_ID
from storage.records import DealQuery

router = APIRouter(prefix="/api", tags=["api"])

_ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": schemas.Problem, "description": "A bad parameter"}}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    401: {"model": schemas.Problem, "description": "No valid token"},
    403: {"model": schemas.Problem, "description": "Writes are disabled, or a cookie from another site"},
    404: {"model": schemas.Problem, "description": "No such deal"},
    409: {"model": schemas.Problem, "description": "The correction cannot be made"},
}
DealId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The deal's id.")]


def _repo(request: Request) -> Any:
    return request.app.state.repo


@router.get("/deals", response_model=None, responses={200: {"model": list[schemas.Deal]}, **_ERRORS},
            summary="Deals, newest first")
def list_deals(request: Request, query: Annotated[DealQuery, Depends(api_filters)]) -> JSONResponse:
    """The same objects as ``dealradar deals list --json``; dismissed and merged deals are left out."""
    return JSONResponse([d.to_json() for d in _repo(request).find_deals(query)])


@router.get("/deals/{deal_id}", response_model=None,
            responses={200: {"model": schemas.DealDetail},
                       404: {"model": schemas.Problem, "description": "No such deal"}, **_ERRORS},
            summary="One deal with its sources, events and conflicts")
def get_deal(request: Request, deal_id: DealId) -> JSONResponse:
    found = deal_detail(_repo(request), request.app.state.settings, deal_id)
    if found is None:
        raise HTTPException(404, f"no such deal: {deal_id}")
    return JSONResponse(found[1])


@router.get("/conflicts", response_model=None, responses={200: {"model": list[schemas.ConflictEvent]}, **_ERRORS},
            summary="Conflicts raised, newest first")
def list_conflicts(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                   offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> JSONResponse:
    """Each time outlets disagreed on a figure of a deal: each value with the sources that gave it."""
    return JSONResponse([conflict_json(c) for c in _repo(request).list_conflicts(limit=limit, offset=offset)])


@router.get("/sources", response_model=None, responses={200: {"model": list[schemas.SourceHealth]}},
            summary="Every configured source's health")
def list_sources(request: Request) -> JSONResponse:
    """As ``dealradar status --json`` lists them: last success, last error, next run, articles, staleness."""
    return JSONResponse(source_health(request.app.state.settings, _repo(request)))


@router.post("/deals/{deal_id}/dismiss", response_model=None, dependencies=[Depends(require_writer)],
             responses={200: {"model": schemas.Correction}, **_WRITE_ERRORS}, summary="Dismiss a deal (not a deal)")
def dismiss(request: Request, deal_id: DealId) -> JSONResponse:
    """Hidden from lists and never alerted on again; kept for the record. Needs the token."""
    return _correct(lambda repo: repo.dismiss_deal(deal_id), request, deal_id)


@router.post("/deals/{deal_id}/restore", response_model=None, dependencies=[Depends(require_writer)],
             responses={200: {"model": schemas.Correction}, **_WRITE_ERRORS}, summary="Undo a dismissal")
def restore(request: Request, deal_id: DealId) -> JSONResponse:
    return _correct(lambda repo: repo.dismiss_deal(deal_id, dismissed=False), request, deal_id)


@router.post("/deals/{deal_id}/merge", response_model=None, dependencies=[Depends(require_writer)],
             responses={200: {"model": schemas.Correction}, **_WRITE_ERRORS}, summary="Merge a deal into another")
def merge(request: Request, deal_id: DealId,
          into: Annotated[int, Query(ge=1, le=MAX_ROW_ID, description="The deal that takes it in.")]) -> JSONResponse:
    """The deal's reports and mentions move to deal ``into``; it is kept, hidden. Needs the token."""
    return _correct(lambda repo: repo.merge_deal(deal_id, into), request, deal_id)


def _correct(action: Any, request: Request, deal_id: int) -> JSONResponse:
    repo = _repo(request)
    try:
        action(repo)
    except CorrectionError as exc:
        raise HTTPException(404 if exc.missing else 409, str(exc)) from None
    deal = repo.get_deal(deal_id)
    assert deal is not None
    return JSONResponse({"id": deal_id, "dismissed": deal.dismissed_at is not None, "merged_into": deal.merged_into})
