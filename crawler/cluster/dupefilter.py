"""scrapy-redis's dupefilter, shared by every worker, with fingerprints that expire.

scrapy-redis keeps fingerprints in one set for ever, so a URL requested once would never be requested again:
wrong for DealRadar, where an article that failed to download or store must be fetched on a later pass. Here each
fingerprint is a key of its own with a TTL (``cluster.fingerprint_ttl``), set with ``SET NX``: two workers that
find the same article URL at the same time fetch it once, and after the TTL it may be requested again. An
article already stored is never refetched anyway: the spiders ask PostgreSQL first. Index pages (feeds, sitemaps,
listings) are requested with ``dont_filter`` and never pass through here.
"""

from __future__ import annotations

from typing import Any

from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter


class ExpiringDupeFilter(RFPDupeFilter):
    """``request_seen`` is true for a fingerprint set by any worker within the TTL."""

    def __init__(self, server: Any, key: str, debug: bool = False, ttl_ms: int = 600_000) -> None:
        super().__init__(server, key, debug)
        self.ttl_ms = ttl_ms

    @classmethod
    def from_spider(cls, spider: Any) -> ExpiringDupeFilter:
        settings = spider.settings
        return cls(get_redis_from_settings(settings), key=settings.get("SCHEDULER_DUPEFILTER_KEY"),
                   debug=settings.getbool("DUPEFILTER_DEBUG"),
                   ttl_ms=int(settings.getfloat("DEALRADAR_FINGERPRINT_TTL", 600) * 1000))

    @classmethod
    def from_settings(cls, settings: Any) -> ExpiringDupeFilter:
        return cls(get_redis_from_settings(settings), key=settings.get("SCHEDULER_DUPEFILTER_KEY"),
                   ttl_ms=int(settings.getfloat("DEALRADAR_FINGERPRINT_TTL", 600) * 1000))

    def request_seen(self, request: Any) -> bool:
        fp = self.request_fingerprint(request)
        return not self.server.set(f"{self.key}:{fp}", 1, nx=True, px=self.ttl_ms)

    def clear(self) -> None:
        """Nothing: the fingerprints are the whole cluster's, and they expire on their own. (scrapy-redis clears
        the set when a crawl closes, which would let a second worker fetch what the first is fetching.)"""

    def close(self, reason: str = "") -> None:
        self.clear()
