"""Due sources from the leader to the workers, through one Redis list, each guarded by a claim.

A claim (``<prefix>:claim:<source>``) holds the token of the source's one live task. The leader queues a due
source only when it can create the claim (``SET NX``): a source already queued or being crawled is never queued
twice, and a leader that takes over finds the claims where the last one left them. A worker that takes a task
checks that the claim still holds its token (else the task is stale and dropped), shortens the claim to
``claim_ttl`` and renews it while it crawls; when it has recorded the pass (and the source's next run) in
PostgreSQL it deletes the claim. A worker killed mid-pass stops renewing: the claim expires, the source is still
due in the database (its next run was never moved), and the leader queues it again, so nothing is skipped and no
source is crawled by two workers at once. Redis losing everything only makes due sources be queued again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.cluster.redisconn import Keys

# Take up to N tasks; keep only those whose claim still holds their token, and shorten that claim to the
# worker's TTL. Returns the live tasks. One script, so a task is never half taken.
_TAKE = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local raw = redis.call('LPOP', KEYS[1])
  if not raw then break end
  local task = cjson.decode(raw)
  local claim = ARGV[3] .. task['source']
  if redis.call('GET', claim) == task['token'] then
    redis.call('PEXPIRE', claim, tonumber(ARGV[2]))
    table.insert(out, raw)
  end
end
return out
"""
# Queue a source unless it has a claim: the claim and the task appear together or not at all (a leader killed
# between the two would otherwise leave a claim without a task, holding the source back for the claim's TTL).
_OFFER = """
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  return 1
end
return 0
"""
# Renew (or, with a TTL of 0, delete) the claims that still hold the given tokens; returns how many did.
_RENEW = """
local held = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    held = held + 1
    if tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[1]))
    else redis.call('DEL', KEYS[i]) end
  end
end
return held
"""


@dataclass(frozen=True, slots=True)
class Task:
    """One source to crawl once, and the token that proves it is the live task for it."""

    source: str
    token: str


class SourceQueue:
    """The leader's ``offer`` and the workers' ``take``/``renew``/``release`` over one Redis list."""

    def __init__(self, client: Any, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        self._take = client.register_script(_TAKE)
        self._offer = client.register_script(_OFFER)
        self._renew = client.register_script(_RENEW)

    def unclaimed(self, names: Sequence[str]) -> list[str]:
        """The sources among ``names`` that nobody has queued or is crawling."""
        if not names:
            return []
        held = self.redis.mget([self.keys.claim(n) for n in names])
        return [n for n, h in zip(names, held, strict=True) if h is None]

    def offer(self, names: Iterable[str], *, queued_ttl_s: float) -> list[str]:
        """Queue each source that has no claim yet; the ones queued. A queued claim lives ``queued_ttl_s``, long
        enough for a deep queue to reach it; if it expires first the task is stale and re-offered."""
        names = list(names)
        tokens = [secrets.token_hex(8) for _ in names]
        pipe = self.redis.pipeline(transaction=False)
        for name, token in zip(names, tokens, strict=True):
            self._offer(keys=[self.keys.sources, self.keys.claim(name)],
                        args=[json.dumps({"source": name, "token": token}), token, int(queued_ttl_s * 1000)],
                        client=pipe)
        return [name for name, ok in zip(names, pipe.execute(), strict=True) if ok]

    def take(self, limit: int, *, claim_ttl_s: float) -> list[Task]:
        """Up to ``limit`` live tasks, their claims now expiring in ``claim_ttl_s`` unless renewed."""
        raw = self._take(keys=[self.keys.sources], args=[limit, int(claim_ttl_s * 1000), self.keys.claim("")])
        return [Task(**json.loads(r)) for r in raw]

    def renew(self, tasks: Sequence[Task], *, claim_ttl_s: float) -> int:
        """Keep these claims alive; how many are still ours (fewer means one expired and may be crawled again)."""
        if not tasks:
            return 0
        return int(self._renew(keys=[self.keys.claim(t.source) for t in tasks],
                               args=[int(claim_ttl_s * 1000), *(t.token for t in tasks)]))

    def release(self, tasks: Sequence[Task]) -> int:
        """Drop these claims once their passes are recorded (or given up): the sources may be queued again."""
        if not tasks:
            return 0
        return int(self._renew(keys=[self.keys.claim(t.source) for t in tasks], args=[0, *(t.token for t in tasks)]))

    def depth(self) -> int:
        """Tasks waiting in the queue."""
        return int(self.redis.llen(self.keys.sources))
