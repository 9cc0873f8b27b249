"""Cluster mode (``cluster:`` in the config): many machines, one Redis crawl queue, one PostgreSQL store.

``redisconn`` opens and checks the Redis connection and names every key under the configured prefix; ``queue``
hands due sources from the leader to workers with claims that expire when a worker dies; ``leader`` is
``dealradar run`` in cluster mode (a standby until it holds the PostgreSQL advisory lock, then the daemon's
scheduler and outbox with Redis as the crawl queue); ``worker`` is ``dealradar worker``; ``dupefilter`` and
``politeness`` and ``scheduler`` are the Scrapy components a worker's crawl uses (scrapy-redis with expiring fingerprints, a
per-host slot and delay shared by every worker); ``heartbeat`` records who is alive for ``dealradar status``.

May import the basics, ``crawl``, ``daemon``, ``alerts`` and ``storage``; never ``cli``. Nothing outside the
CLI imports this package, so a config without ``cluster:`` never loads Redis.
"""
