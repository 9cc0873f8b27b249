"""scrapy-redis's scheduler, counting its stats the way current Scrapy asks (no ``spider`` argument: Scrapy 2.13+
warns on every request otherwise, one log line per request in a worker's log)."""

from __future__ import annotations

from typing import Any

from scrapy_redis.scheduler import Scheduler


class RedisScheduler(Scheduler):
    """The requests of one crawl pass in a Redis queue, filtered by the cluster's shared dupefilter."""

    def enqueue_request(self, request: Any) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Any:
        request = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
