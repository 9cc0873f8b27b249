"""Who may write. Reading needs nothing; dismissing and merging need ``web.token``, sent as
``Authorization: Bearer TOKEN`` or as the session cookie the login form sets.

The cookie holds an HMAC of the token, not the token; it is HttpOnly and SameSite=Strict, and a cookie-borne
write must come from a page of this site (Origin or Referer), so another site cannot post a form here.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

COOKIE = "dealradar_session"
COOKIE_MAX_AGE = 30 * 86400


def session_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"dealradar web session v1", hashlib.sha256).hexdigest()


def _token(request: Request) -> str | None:
    return request.app.state.settings.web.token


def bearer_ok(request: Request) -> bool:
    token = _token(request)
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def cookie_ok(request: Request) -> bool:
    token = _token(request)
    given = request.cookies.get(COOKIE, "")
    return bool(token) and hmac.compare_digest(given.encode(), session_value(token).encode())


def signed_in(request: Request) -> bool:
    """Whether this request may write (for pages: whether to show the correction forms)."""
    return bearer_ok(request) or cookie_ok(request)


def same_origin(request: Request) -> bool:
    """A browser's write comes from one of our pages: Origin (or else Referer) names this host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return False
    return urlsplit(source).netloc.lower() == (request.headers.get("host") or "").lower()


def require_writer(request: Request) -> None:
    """Refuse a write without the token: 403 when no token is configured, 401 without a valid one."""
    if not _token(request):
        raise HTTPException(403, "writes are disabled: set web.token in the configuration")
    if bearer_ok(request):
        return
    if cookie_ok(request):
        if not same_origin(request):
            raise HTTPException(403, "a write with the session cookie must come from this site's own pages")
        return
    raise HTTPException(401, "this needs the web token (Authorization: Bearer TOKEN, or log in)",
                        headers={"WWW-Authenticate": "Bearer"})


def token_matches(request: Request, given: str) -> bool:
    token = _token(request)
    return bool(token) and hmac.compare_digest(given.strip().encode(), token.encode())
