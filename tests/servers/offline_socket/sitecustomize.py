"""Put this directory on PYTHONPATH of a subprocess and it never asks a DNS server.

IP literals and ``localhost`` resolve as usual (no packet leaves the machine); every other name fails at
once with ``socket.gaierror(EAI_NONAME)``, as an NXDOMAIN answer would. Each name asked for is appended to
the file named by ``$OFFLINE_DNS_LOG``, so a test can see that the lookup came here. (The Scrapy resolver
of the same idea is ``servers.offline_dns``; this one is for plain ``socket`` users such as httpx.)
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

_real_getaddrinfo = socket.getaddrinfo


def _local(host: Any) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower().rstrip(".") == "localhost":
        return True
    try:
        ipaddress.ip_address(name.strip("[]").split("%")[0])
    except ValueError:
        return False
    return True


def _offline_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    log = os.environ.get("OFFLINE_DNS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{host}\n")
    if _local(host):
        return _real_getaddrinfo(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (offline test resolver)")


socket.getaddrinfo = _offline_getaddrinfo
