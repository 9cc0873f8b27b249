"""Downloader middlewares: the private-address guard and retries that wait as the server asks.

A host that does not resolve is one WARNING line from the spider's errback, no traceback: once its
retries are spent, the DNS error becomes ``HostNotFound``, an ``IgnoreRequest`` that Scrapy's robots.txt
middleware drops quietly (it logs other robots.txt download errors at ERROR with a traceback) and
whose text says what happened."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from scrapy import Request
from scrapy import exceptions as scrapy_exceptions
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from twisted.internet.error import DNSLookupError
from w3lib.url import canonicalize_url

from crawler.net.retry_after import parse_retry_after
from crawler.net.urlpolicy import PrivateAddressError, check_url

log = logging.getLogger(__name__)

RETRY_STATUSES = {408, 429, 500, 502, 503, 504, 522, 524}


class RefusedRequest(IgnoreRequest):
    """The URL points at an address the configuration does not allow."""


class HostNotFound(IgnoreRequest):
    """The request's host name did not resolve (NXDOMAIN, or DNS failing) after every retry."""

    def __init__(self, host: str) -> None:
        super().__init__(f"DNS lookup failed for host {host}")
        self.host = host


# Scrapy >= 2.19 wraps Twisted's DNSLookupError in its own CannotResolveHostError; older ones pass it on.
_DNS_ERRORS: tuple[type[BaseException], ...] = tuple(
    t for t in (DNSLookupError, getattr(scrapy_exceptions, "CannotResolveHostError", None)) if t is not None)


def is_dns_failure(exc: BaseException) -> bool:
    """Whether a download failed because the host name could not be resolved."""
    return isinstance(exc, _DNS_ERRORS)


class UrlPolicyMiddleware:
    """Checked on every request, so every redirect hop is checked too (redirects come back through here)."""

    def __init__(self, allow_private: bool, allow_hosts: tuple[str, ...] = ()) -> None:
        self.allow_private = allow_private
        self.allow_hosts = allow_hosts

    @classmethod
    def from_crawler(cls, crawler: Any) -> UrlPolicyMiddleware:
        return cls(crawler.settings.getbool("DEALRADAR_ALLOW_PRIVATE"),
                   tuple(crawler.settings.getlist("DEALRADAR_ALLOW_HOSTS")))

    def process_request(self, request: Request) -> None:
        try:
            check_url(request.url, allow_private=self.allow_private, allow_hosts=self.allow_hosts)
        except PrivateAddressError as exc:
            hops = request.meta.get("redirect_urls")
            where = f" (redirected from {hops[0]})" if hops else ""
            log.warning("refused request url=%s reason=%s%s", request.url, exc, where)
            raise RefusedRequest(f"{exc}{where}") from None


class RedirectLoop(IgnoreRequest):
    """A redirect leads back to a URL of its own chain: reported with the loop, not dropped without a word
    (Scrapy's duplicate filter would drop the repeated request quietly)."""

    def __init__(self, url: str, chain: list[str]) -> None:
        super().__init__(f"redirect loop ({' -> '.join([*chain, url])}), gave up")


class _LoopCheck:
    """Mixed into Scrapy's redirect middlewares: a redirect whose target is already in its chain is a loop."""

    def process_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Any:
        result = super().process_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if isinstance(result, Request) and result is not request:
            chain = [*request.meta.get("redirect_urls", []), request.url]
            target = canonicalize_url(result.url)
            if any(canonicalize_url(u) == target for u in chain):
                raise RedirectLoop(result.url, chain)
        return result


class LoopAwareRedirectMiddleware(_LoopCheck, RedirectMiddleware):
    """Scrapy's 3xx redirects, with loops reported."""


class LoopAwareMetaRefreshMiddleware(_LoopCheck, MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv=refresh>`` redirects, with loops reported."""


class BackoffRetryMiddleware:
    """Retries 5xx, 408, 429 and network errors with exponential backoff and jitter, and waits out
    ``Retry-After`` on 429/503 (Scrapy's own RetryMiddleware retries at once). A Retry-After longer than
    ``DEALRADAR_MAX_RETRY_AFTER`` gives up for this pass and reports it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.max_retries = s.getint("DEALRADAR_RETRIES", 3)
        self.max_retry_after = s.getfloat("DEALRADAR_MAX_RETRY_AFTER", 300.0)
        self.base = s.getfloat("DEALRADAR_BACKOFF_BASE", 0.5)
        self.cap = s.getfloat("DEALRADAR_BACKOFF_MAX", 30.0)
        self.exceptions = tuple(load_object(x) if isinstance(x, str) else x for x in s.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        return cls(crawler)

    def _backoff(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)

    async def _retry(self, request: Request, reason: str, delay: float | None, *,
                     give_up_log_level: int = logging.WARNING) -> Request | None:
        attempt = request.meta.get("retry_times", 0) + 1
        new = get_retry_request(request, spider=self.crawler.spider, reason=reason,
                                max_retry_times=request.meta.get("max_retry_times", self.max_retries),
                                give_up_log_level=give_up_log_level)
        if new is None:
            return None
        wait = self._backoff(attempt) if delay is None else delay
        if wait > 0:
            await asyncio.sleep(wait)
        return new

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in RETRY_STATUSES:
            return response
        delay = None
        if response.status in (429, 503):
            raw = response.headers.get(b"Retry-After")
            delay = parse_retry_after(raw.decode("latin-1") if raw else None)
            if delay is not None and delay > self.max_retry_after:
                log.warning("server asks to wait %.0fs (over the %.0fs limit) url=%s", delay,
                            self.max_retry_after, request.url)
                request.meta["retry_after_s"] = delay  # the spider reports it and the scheduler honours it
                return response
        new = await self._retry(request, f"HTTP {response.status}", delay)
        return new or response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        dns = is_dns_failure(exception)
        if not request.meta.get("dont_retry") and isinstance(exception, self.exceptions):
            # A DNS give-up is reported once, by the errback, from the HostNotFound raised below.
            new = await self._retry(request, type(exception).__name__, None,
                                    give_up_log_level=logging.DEBUG if dns else logging.WARNING)
            if new is not None:
                return new
        if dns:
            raise HostNotFound(urlparse_cached(request).hostname or request.url) from exception
        return None
