"""URL canonicalisation and the private-address guard shared by spiders, fetches and webhooks."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
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


def check_url(url: str, *, allow_private: bool, allow_hosts: Iterable[str] = ()) -> None:
    """Refuse internal targets unless allowed; resolves the host, so a public name for a private IP fails too.

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
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        addresses: tuple[str, ...] = (str(ipaddress.ip_address(literal.split("%")[0])),)
    except ValueError:
        addresses = _resolve(host)
    for addr in addresses:
        if _is_internal(ipaddress.ip_address(addr.split("%")[0])):
            raise PrivateAddressError(
                f"refusing {host}: it resolves to internal address {addr} (set crawl.allow_private_addresses)"
            )
