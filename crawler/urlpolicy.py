"""URL canonicalisation and the private-address guard shared by spiders, fetches and webhooks."""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ocid", "cmpid", "ref",
        "ref_src", "src", "source", "share", "smid", "sr_share", "guccounter", "guce_referrer",
        "guce_referrer_sig", "_ga", "__twitter_impression", "mkt_tok", "spm", "vero_id",
        "oly_enc_id", "oly_anon_id", "rss", "taid", "tpcc",
    }
)


def canonical_url(url: str) -> str:
    """One spelling per article: no fragment, no tracking parameters, lower-case host, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_KEYS and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def outlet_of(url: str) -> str:
    """The publishing site, as a person would name it in a list: the host without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class PrivateAddressError(ValueError):
    """The URL points at a loopback, private, link-local or otherwise internal address."""


def _is_internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return ()
    return tuple(sorted({info[4][0] for info in infos}))


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse internal targets unless allowed; resolves the host, so a public name for a private IP fails too."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise PrivateAddressError(f"refusing non-http URL {url!r}")
    if allow_private:
        return
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise PrivateAddressError(f"no host in URL {url!r}")
    if host == "localhost" or host.endswith(".localhost"):
        raise PrivateAddressError(f"refusing loopback host {host} (set crawl.allow_private_addresses)")
    try:
        addresses: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
    except ValueError:
        addresses = _resolve(host)
    for addr in addresses:
        if _is_internal(ipaddress.ip_address(addr.split("%")[0])):
            raise PrivateAddressError(
                f"refusing {host}: it resolves to internal address {addr} (set crawl.allow_private_addresses)"
            )
