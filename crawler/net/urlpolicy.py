"""URL canonicalisation and the private-address guard shared by spiders, fetches and webhooks."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
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


class InvalidUrlError(ValueError):
    """The text is not a URL that can be fetched (a bad port, a broken IPv6 literal, an unencodable host)."""


def split_url(url: str) -> tuple[str, str, int | None, str, str, str]:
    """(scheme, host, port, path, query, username) of an http(s) URL; InvalidUrlError for anything else.

    ``urlsplit`` raises plain ValueError for a non-numeric or out-of-range port, a broken ``[v6]`` literal or
    a host that is invalid under NFKC; hosts that are not valid IDNA fail here too, not later in the fetcher.
    """
    if not isinstance(url, str):
        raise InvalidUrlError(f"not a URL: {url!r}"[:300])
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").lower().rstrip(".")
        if host and not host.isascii() and not host.startswith("["):
            host.encode("idna")
    except (ValueError, UnicodeError) as exc:
        raise InvalidUrlError(f"invalid URL {url[:200]!r}: {exc}") from None
    if any(ord(c) < 33 or c == "\x7f" for c in host):
        raise InvalidUrlError(f"invalid URL {url[:200]!r}: control or space character in the host")
    return parts.scheme.lower(), host, port, parts.path, parts.query, parts.username or ""


def is_fetchable_url(url: str) -> bool:
    """An absolute http(s) URL with a host that the fetcher can at least try."""
    try:
        scheme, host, *_ = split_url(url)
    except InvalidUrlError:
        return False
    return scheme in ("http", "https") and bool(host)


def canonical_url(url: str) -> str:
    """One spelling per article: no fragment, no tracking parameters, lower-case host, no default port.

    Never raises: text that is not a valid URL comes back stripped and without its fragment."""
    try:
        split_url(url)
    except InvalidUrlError:
        return str(url).strip().split("#", 1)[0]
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 literal: hostname drops the brackets the URL needs
        host = f"[{host}]"
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
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


class PrivateAddressError(ValueError):
    """The URL points at a loopback, private, link-local or otherwise internal address."""


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's ``is_global`` still calls global (3.11) that no public news site or webhook lives in.
_NOT_PUBLIC = tuple(ipaddress.ip_network(net) for net in (
    "::/96",            # IPv4-compatible IPv6 (deprecated), with :: and ::1
    "fec0::/10",        # site-local (deprecated, still routed inside some networks)
    "64:ff9b:1::/48",   # NAT64 for local use (RFC 8215)
    "5f00::/16",        # SRv6 segment identifiers (RFC 9602)
    "3fff::/20",        # documentation (RFC 9637)
    "192.88.99.0/24",   # 6to4 relay anycast (deprecated, RFC 7526)
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and is delivered to: IPv4-mapped (``::ffff:a.b.c.d``),
    IPv4-translated (``::ffff:0:a.b.c.d``), 6to4 (``2002:AABB:CCDD::``) and NAT64 (``64:ff9b::a.b.c.d``)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _IPV4_TRANSLATED:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Globally routable unicast only: no private, loopback, link-local, carrier-grade NAT (100.64.0.0/10),
    benchmarking, documentation, reserved or multicast address, and none of them wrapped in an IPv6 form
    that delivers to it (6to4, NAT64, IPv4-mapped or -translated)."""
    if ip.is_multicast or not ip.is_global or any(ip in net for net in _NOT_PUBLIC if net.version == ip.version):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return is_public_address(inner)
    return True


_INET_ATON_PART = re.compile(r"0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*")


def ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP means, in every spelling the system resolver accepts without DNS:
    ``[::1]``, ``fe80::1%eth0``, and the old IPv4 forms (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
    ``127.1``). None for a name that needs DNS."""
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(literal.split("%", 1)[0])
    except ValueError:
        pass
    parts = host.lower().split(".")
    if not 1 <= len(parts) <= 4 or not all(_INET_ATON_PART.fullmatch(p) for p in parts):
        return None
    values = [int(p, 16) if p.startswith("0x") else int(p, 8) if p.startswith("0") else int(p)
              for p in (p if p != "0x" else "0x0" for p in parts)]
    last_bits = 8 * (5 - len(values))  # the last part fills the bytes the others leave
    if any(v > 255 for v in values[:-1]) or values[-1] >= 1 << last_bits:
        return None
    number = 0
    for v in values[:-1]:
        number = number << 8 | v
    return ipaddress.IPv4Address(number << last_bits | values[-1])


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):  # gaierror, and hosts the IDNA codec cannot encode
        return ()
    return tuple(sorted({info[4][0] for info in infos}))


def host_allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    """``host`` is listed, or falls under a listed ``.domain`` suffix (``.corp.example`` allows ``a.corp.example``)."""
    host = host.lower().rstrip(".")
    for entry in allow_hosts:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        if host == entry.lstrip(".") or (entry.startswith(".") and host.endswith(entry)):
            return True
    return False


def check_url(url: str, *, allow_private: bool, allow_hosts: Iterable[str] = (),
              resolve: Callable[[str], tuple[str, ...]] | None = None) -> None:
    """Refuse internal targets unless allowed; resolves the host, so a public name for a private IP fails too.
    Only globally routable addresses pass (``is_public_address``); ``resolve`` replaces the system resolver.

    ``allow_hosts`` names hosts (as written in the URL, not what they resolve to) that may be internal
    anyway: an intranet feed, without opening every private address to every redirect."""
    try:
        scheme, host, *_ = split_url(url)
    except InvalidUrlError as exc:
        raise PrivateAddressError(str(exc)) from None
    if scheme not in ("http", "https"):
        raise PrivateAddressError(f"refusing non-http URL {url[:200]!r}")
    if allow_private:
        return
    if not host:
        raise PrivateAddressError(f"no host in URL {url[:200]!r}")
    if host_allowed(host, allow_hosts):
        return
    if host == "localhost" or host.endswith(".localhost"):
        raise PrivateAddressError(f"refusing loopback host {host} (set crawl.allow_private_addresses)")
    literal = ip_literal(host)
    addresses = (str(literal),) if literal is not None else (resolve or _resolve)(host)
    for addr in addresses:
        ip = ip_literal(addr)
        if ip is None or not is_public_address(ip):
            raise PrivateAddressError(
                f"refusing {host}: it resolves to internal address {addr} (set crawl.allow_private_addresses)"
            )
