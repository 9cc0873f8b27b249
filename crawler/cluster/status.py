"""What ``dealradar status`` adds in cluster mode: the members with their last heartbeat, and the queue."""

from __future__ import annotations

from typing import Any

from crawler.cluster.heartbeat import members
from crawler.cluster.queue import SourceQueue
from crawler.cluster.redisconn import Keys, connect, redact
from crawler.config import ClusterSettings


def cluster_status(cluster: ClusterSettings) -> dict[str, Any]:
    """Leader, standbys and workers (``age_s`` since each one's last heartbeat) and the queue depth; with
    ``error`` instead when Redis does not answer, so the rest of the status still prints."""
    keys = Keys(cluster.prefix)
    try:
        client = connect(cluster)
        try:
            return {"redis": redact(cluster.redis), "prefix": cluster.prefix, "members": members(client, keys),
                    "queued": SourceQueue(client, keys).depth(), "error": None}
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - status must print what it can
        return {"redis": redact(cluster.redis), "prefix": cluster.prefix, "members": [], "queued": None,
                "error": str(exc).splitlines()[0]}
