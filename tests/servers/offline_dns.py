"""A Scrapy DNS resolver for tests that never asks a DNS server.

IP literals and ``localhost`` resolve as usual (from the address itself and /etc/hosts, no packet); every
other name fails at once with Twisted's DNSLookupError, as an NXDOMAIN answer would. Each name asked for
is appended to the file named by the ``OFFLINE_DNS_LOG`` setting, so a test can see the lookup went here.

    CrawlChild.start(settings, names, scrapy_overrides={
        "TWISTED_DNS_RESOLVER": "servers.offline_dns.OfflineResolver", "OFFLINE_DNS_LOG": str(path)})
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer


def _local(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@implementer(IResolverSimple)
class OfflineResolver(CachingThreadedResolver):
    """Resolves only what needs no DNS server; everything else is "host not found"."""

    log_path: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> OfflineResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.log_path = crawler.settings.get("OFFLINE_DNS_LOG")
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as out:
                out.write(name + "\n")
        if _local(name):
            return super().getHostByName(name, timeout)
        return defer.fail(DNSLookupError(f"no such host (offline test resolver): {name}"))
