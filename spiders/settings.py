"""Scrapy settings built from DealRadar's crawl settings: polite by default, no scrapy.cfg needed."""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from crawler.config import CrawlSettings

_HAS_JITTER = hasattr(default_settings, "DOWNLOAD_DELAY_JITTER")

# Scrapy components DealRadar never uses, left out of Scrapy's base lists. Off by setting, a component is
# still imported and built by every crawl process; even set to None in EXTENSIONS it is imported (Scrapy
# loads every listed class to match names), and the remote-control extension alone imports aiohttp, a
# tenth of a second of start-up. Everything else in the base lists, including what later Scrapy versions
# add, stays.
_UNUSED_EXTENSIONS = (
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.spiderstate.SpiderState",
)
_UNUSED_MIDDLEWARES = (
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
)
_EXTENSIONS_BASE = {k: v for k, v in default_settings.EXTENSIONS_BASE.items() if k not in _UNUSED_EXTENSIONS}
_MIDDLEWARES_BASE = {k: v for k, v in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
                     if k not in _UNUSED_MIDDLEWARES}


def scrapy_settings(crawl: CrawlSettings, *, log_level: str = "WARNING") -> dict[str, Any]:
    delay = crawl.delay.total_seconds()
    return {
        "BOT_NAME": "dealradar",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_host,
        # Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output (100 by default), and an
        # article page yields one item: those task start-ups were a quarter of the crawl process's CPU. Other
        # responses are processed meanwhile whatever this is; only an index page's requests go one by one.
        "CONCURRENT_ITEMS": 1,
        "DOWNLOAD_DELAY": delay,
        # Scrapy 2.19 deprecates RANDOMIZE_DOWNLOAD_DELAY for DOWNLOAD_DELAY_JITTER (the same ±50%).
        **({"DOWNLOAD_DELAY_JITTER": 0.5 if delay > 0 else 0.0} if _HAS_JITTER else {"RANDOMIZE_DOWNLOAD_DELAY": delay > 0}),
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.concurrency_per_host),
        "DOWNLOAD_TIMEOUT": crawl.timeout.total_seconds(),
        "DOWNLOAD_MAXSIZE": crawl.max_response_size,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 10,
        "RETRY_ENABLED": False,  # spiders.middlewares.BackoffRetryMiddleware replaces it
        "DEALRADAR_RETRIES": crawl.retries,
        "DEALRADAR_MAX_RETRY_AFTER": crawl.max_retry_after.total_seconds(),
        "DEALRADAR_ALLOW_PRIVATE": crawl.allow_private_addresses,
        # Hosts allowed even when they resolve to internal addresses (crawl.allow_hosts, where configured).
        "DEALRADAR_ALLOW_HOSTS": list(crawl.allow_hosts),
        "DOWNLOADER_MIDDLEWARES": {
            "spiders.middlewares.UrlPolicyMiddleware": 50,
            "spiders.middlewares.BackoffRetryMiddleware": 560,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "spiders.middlewares.LoopAwareMetaRefreshMiddleware": 580,
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "spiders.middlewares.LoopAwareRedirectMiddleware": 600,
        },
        "DOWNLOADER_MIDDLEWARES_BASE": _MIDDLEWARES_BASE,
        "EXTENSIONS_BASE": _EXTENSIONS_BASE,
        "ITEM_PIPELINES": {"spiders.pipelines.HandOffPipeline": 300},
        # Item log lines name the URL and the reason, never the page (an item holds its whole HTML).
        "LOG_FORMATTER": "spiders.logformatter.ShortLogFormatter",
        # Only http(s) is ever fetched (crawler.net.urlpolicy): the other handlers' imports cost every crawl process
        # start-up time for nothing.
        "DOWNLOAD_HANDLERS": {"s3": None, "ftp": None, "file": None, "data": None},
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_ENABLED": True,
        "HTTPCACHE_ENABLED": False,
        "DNS_TIMEOUT": 15,
        "REACTOR_THREADPOOL_MAXSIZE": 4,
        "DEPTH_LIMIT": 3,
    }
