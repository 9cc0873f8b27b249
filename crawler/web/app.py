"""The web application: the API, the feed and the pages on one FastAPI app over one repository.

Every response carries a strict Content-Security-Policy (nothing but this site's own stylesheet and forms; no
script at all). Errors are JSON under /api and /feed.atom, HTML elsewhere; a bad parameter is a 422 that names
it (``parameter``), never a 500.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC
from email.utils import format_datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from crawler.config import Settings
from crawler.web import api, pages
from crawler.web.feed import build_feed, etag_of, not_modified
from crawler.web.params import api_filters, feed_query
from storage.records import DealQuery
from storage.repository import Repository

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
           "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin"}
_TITLES = {401: "Log in needed", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 409: "Cannot do that",
           422: "Bad parameter"}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/feed.atom" or path == "/openapi.json"


def create_app(settings: Settings, repo: Repository | None = None) -> FastAPI:
    """The app over ``repo`` (opened from ``settings.storage.url`` when not given, and closed with the app)."""
    owned = repo is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            app.state.repo.close()

    app = FastAPI(title="DealRadar", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="AI funding deals found in the news: deals, conflicts between outlets, source health, "
                              "and the corrections a person makes (dismiss, merge; these need the web token).")
    app.state.settings = settings
    app.state.repo = repo if repo is not None else Repository.open(settings.storage.url)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")})
        names = [str(e["loc"][-1]) for e in errors if e.get("loc")]
        name = names[0] if names else None
        first = errors[0].get("msg", "invalid") if errors else "invalid"
        if _wants_json(request):
            return JSONResponse({"detail": errors, "parameter": name}, status_code=422)
        return pages.render(request, "error.html", status=422, status_code=422, title=_TITLES[422],
                            message=f"{name}: {first}" if name else first)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if _wants_json(request) or request.method != "GET" and "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        return pages.render(request, "error.html", status=exc.status_code, status_code=exc.status_code,
                            title=_TITLES.get(exc.status_code, "Error"), message=str(exc.detail))

    @app.get("/feed.atom", response_class=Response, tags=["feed"], summary="Atom feed of deal events",
             responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0"},
                        304: {"description": "Not modified (If-None-Match, If-Modified-Since)"},
                        422: {"description": "A bad parameter"}})
    def feed(request: Request, query: Annotated[DealQuery, Depends(api_filters)]) -> Response:
        """New, updated and conflict events of the deals the filters select, newest first (at most 200)."""
        q = feed_query(query)
        events = request.app.state.repo.deal_events_page(q, limit=q.limit or 50)
        times = {e.id: e.created_at for e in events if e.created_at is not None}
        base = str(request.base_url).rstrip("/")
        body = build_feed(events, base_url=base, self_url=str(request.url), times=times)
        etag = etag_of(body)
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        newest = max(times.values(), default=None)
        if newest is not None:
            headers["Last-Modified"] = format_datetime(newest.astimezone(UTC), usegmt=True)
        if not_modified(request.headers.get("if-none-match"), request.headers.get("if-modified-since"), etag, newest):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=headers)

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app

