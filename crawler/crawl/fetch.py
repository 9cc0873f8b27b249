"""Single fetches outside Scrapy (``dealradar extract URL``): timeouts, a size cap, and the address
policy checked on every redirect hop."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from crawler.config import CrawlSettings
from crawler.errors import FetchError
from crawler.net.urlpolicy import PrivateAddressError, check_url

MAX_REDIRECTS = 10


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    text: str


def fetch_page(url: str, crawl: CrawlSettings, *, transport: httpx.BaseTransport | None = None) -> Fetched:
    timeout = httpx.Timeout(crawl.timeout.total_seconds())
    with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                      headers={"User-Agent": crawl.user_agent}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                check_url(url, allow_private=crawl.allow_private_addresses, allow_hosts=crawl.allow_hosts)
            except PrivateAddressError as exc:
                raise FetchError(url, str(exc)) from None
            try:
                with client.stream("GET", url) as resp:
                    if resp.is_redirect and resp.headers.get("location"):
                        url = str(resp.url.join(resp.headers["location"]))
                        continue
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body.extend(chunk)
                        if len(body) > crawl.max_response_size:
                            raise FetchError(url, f"response larger than {crawl.max_response_size} bytes, cut off")
                    if resp.status_code >= 400:
                        raise FetchError(url, f"HTTP {resp.status_code}", retryable=resp.status_code >= 500)
                    encoding = resp.charset_encoding or "utf-8"
                    return Fetched(str(resp.url), resp.status_code, dict(resp.headers),
                                   bytes(body).decode(encoding, errors="replace"))
            except httpx.HTTPError as exc:
                if _is_dns_failure(exc):  # worded as the crawl words it
                    host = urlsplit(url).hostname or url
                    raise FetchError(url, f"DNS lookup failed for host {host}", retryable=True) from None
                raise FetchError(url, f"{type(exc).__name__}: {exc}", retryable=True) from None
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


def _is_dns_failure(exc: BaseException) -> bool:
    """Whether the host name did not resolve: httpx keeps the resolver's ``gaierror`` down its cause chain."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, socket.gaierror):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
