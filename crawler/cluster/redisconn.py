"""The Redis connection of a cluster member, and the names of every key it uses (all under one prefix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.config import ClusterSettings
from crawler.errors import DealRadarError


class ClusterError(DealRadarError):
    """Redis cannot be reached or refuses the cluster's commands."""


def redact(url: str) -> str:
    """A Redis URL without its password, for messages and logs."""
    import re

    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


def connect(cluster: ClusterSettings, *, check: bool = True) -> Any:
    """A Redis client for the configured URL; ``check`` pings it first so a wrong address fails at start, in one
    line, instead of at the first queue operation."""
    import redis

    client = redis.Redis.from_url(cluster.redis, socket_connect_timeout=3, socket_timeout=10,
                                  health_check_interval=15, decode_responses=True)
    if check:
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ClusterError(f"cannot reach Redis at {redact(cluster.redis)}: {exc}") from None
    return client


@dataclass(frozen=True, slots=True)
class Keys:
    """Every Redis key of one cluster: tests give each run its own prefix, so they never meet."""

    prefix: str

    @property
    def sources(self) -> str:
        """The list of source tasks the leader queues and workers take."""
        return f"{self.prefix}:sources"

    def claim(self, source: str) -> str:
        """Who may crawl ``source`` now: the token of its queued task, held by the worker that took it."""
        return f"{self.prefix}:claim:{source}"

    @property
    def members(self) -> str:
        """Hash of leader, standbys and workers with their last heartbeat."""
        return f"{self.prefix}:members"

    @property
    def fingerprints(self) -> str:
        """Prefix of the expiring request fingerprints (``<this>:<sha1>``)."""
        return f"{self.prefix}:fp"

    def pass_queue(self, worker: str, number: int) -> str:
        """The scrapy-redis request queue of one crawl pass of one worker."""
        return f"{self.prefix}:pass:{worker}:{number}:requests"

    @property
    def pass_queues(self) -> str:
        """SCAN pattern for every pass queue (orphans of dead workers are deleted by the leader)."""
        return f"{self.prefix}:pass:*"

    def host(self, netloc: str) -> str:
        """Prefix of one host's politeness keys (``<this>:slots``, ``<this>:next``)."""
        return f"{self.prefix}:host:{netloc}"
