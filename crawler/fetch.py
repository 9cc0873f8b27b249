"""Single fetches outside Scrapy (``dealradar extract URL``): timeouts, a size cap, and the address
policy checked on every redirect hop."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from crawler.config import CrawlSettings
from crawler.errors import FetchError
from crawler.urlpolicy import PrivateAddressError, check_url

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
                raise FetchError(url, f"{type(exc).__name__}: {exc}", retryable=True) from None
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")
