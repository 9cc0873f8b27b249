"""Politeness for the whole cluster: ``crawl.delay`` and ``crawl.concurrency_per_host`` per host, counted over
every worker together, not per worker.

A downloader middleware asks Redis, before each download, for a slot on the request's host (``host:port``): a
sorted set of slot tokens scored by when they expire, at most ``concurrency_per_host`` of them, and a
"next start" time ``delay`` after the last start. One Lua script decides atomically with the Redis server's
clock, so machines with skewed clocks still agree. The slot is given back when the response or the error comes;
a worker killed mid-download leaves a slot that expires after the download timeout. While the host is busy the
request waits (an asyncio sleep: the worker goes on with other hosts) and asks again.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any
from urllib.parse import urlsplit

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, delay, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return nxt - now end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""
BUSY_POLL_S = 0.05  # how soon to ask again when every slot of the host is taken
META = "dealradar_cluster_slot"


class ClusterPolitenessMiddleware:
    """Downloader middleware: a cluster-wide slot per download (see the module)."""

    def __init__(self, client: Any, prefix: str, *, per_host: int, delay_s: float, slot_ttl_s: float) -> None:
        self.redis = client
        self.prefix = prefix
        self.per_host = per_host
        self.delay_ms = int(delay_s * 1000)
        self.slot_ttl_ms = int(slot_ttl_s * 1000)
        self._acquire = client.register_script(_ACQUIRE)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClusterPolitenessMiddleware:
        import redis

        s = crawler.settings
        client = redis.Redis.from_url(s.get("REDIS_URL"), socket_connect_timeout=3, socket_timeout=10)
        return cls(client, s.get("DEALRADAR_CLUSTER_PREFIX"), per_host=s.getint("DEALRADAR_CLUSTER_PER_HOST"),
                   delay_s=s.getfloat("DEALRADAR_CLUSTER_DELAY"),
                   slot_ttl_s=s.getfloat("DOWNLOAD_TIMEOUT") + 30)

    def _keys(self, url: str) -> list[str]:
        host = urlsplit(url).netloc.lower()
        return [f"{self.prefix}:host:{host}:slots", f"{self.prefix}:host:{host}:next"]

    async def process_request(self, request: Any, spider: Any = None) -> None:
        keys = self._keys(request.url)
        token = secrets.token_hex(8)
        while True:
            wait_ms = int(self._acquire(keys=keys, args=[self.per_host, self.delay_ms, self.slot_ttl_ms, token]))
            if wait_ms == 0:
                break
            await asyncio.sleep(BUSY_POLL_S if wait_ms < 0 else wait_ms / 1000)
        request.meta[META] = (keys[0], token)
        return None

    def _release(self, request: Any) -> None:
        slot = request.meta.pop(META, None)
        if slot is not None:
            self.redis.zrem(*slot)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        self._release(request)
        return response

    def process_exception(self, request: Any, exception: BaseException, spider: Any = None) -> None:
        self._release(request)
        return None


def scrapy_overrides(redis_url: str, prefix: str, *, pass_queue: str, fingerprints: str,
                     fingerprint_ttl_s: float, delay_s: float, per_host: int) -> dict[str, Any]:
    """The Scrapy settings a worker lays over DealRadar's: scrapy-redis's scheduler on this pass's own queue,
    the shared expiring dupefilter, and this middleware in place of Scrapy's per-process delay."""
    return {
        "SCHEDULER": "crawler.cluster.scheduler.RedisScheduler",
        "SCHEDULER_QUEUE_KEY": pass_queue,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": False,  # the pass's queue goes when the pass ends; fingerprints stay (see dupefilter)
        "SCHEDULER_DUPEFILTER_KEY": fingerprints,
        "DUPEFILTER_CLASS": "crawler.cluster.dupefilter.ExpiringDupeFilter",
        "DEALRADAR_FINGERPRINT_TTL": fingerprint_ttl_s,
        "REDIS_URL": redis_url,
        "DEALRADAR_CLUSTER_PREFIX": prefix,
        "DEALRADAR_CLUSTER_PER_HOST": per_host,
        "DEALRADAR_CLUSTER_DELAY": delay_s,
        # The delay is the cluster's now; Scrapy's own per-process one would add to it.
        "DOWNLOAD_DELAY": 0,
        "DOWNLOADER_MIDDLEWARES": {"crawler.cluster.politeness.ClusterPolitenessMiddleware": 60},
    }
