"""Webhook channel: POST the signed JSON payload to a URL (the contract in DESIGN.md is fixed).

Each send is one HTTP request with timeouts; the outcome is classified so the dispatcher knows
whether to retry: connection errors, timeouts, 408/425/429 and 5xx are retryable (honouring
Retry-After), other 4xx are not, and redirects are never followed (a moved endpoint is a
configuration change, and following it could carry the signed alert somewhere unintended).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from crawler.alerts.channels.base import Delivery, DeliveryError, short_hash
from crawler.alerts.payloads import encode_body, sign
from crawler.net.retry_after import parse_retry_after
from crawler.net.urlpolicy import ip_literal
from crawler.net.urlpolicy import is_public_address as is_global_unicast

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429})
_SNIPPET = 200


def user_agent() -> str:
    """``DealRadar/<version>``, so receivers can tell our requests apart."""
    try:
        from importlib.metadata import version

        return f"DealRadar/{version('dealradar')} (+alerts; webhook)"
    except Exception:  # not installed as a distribution (running from a checkout)
        return "DealRadar/0.1 (+alerts; webhook)"


def is_public_address(address: str) -> bool:
    """True for globally routable unicast IPs (the crawl's rule); loopback, private, link-local, carrier-grade
    NAT and the IPv6 forms wrapping them are not, nor is text that is no address."""
    ip = ip_literal(address)
    return ip is not None and is_global_unicast(ip)


class WebhookChannel:
    """POSTs alerts as JSON with the ``X-DealRadar-*`` headers, signed when a secret is set."""

    kind = "webhook"

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        name: str | None = None,
        timeout: float = 10.0,
        allow_private: bool = False,
        verify: bool | str = True,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook URL must be an absolute http(s) URL, got {url!r}")
        if secret is not None and not secret:
            raise ValueError("webhook secret must be non-empty when given")
        if headers is not None and (
            not isinstance(headers, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        ):
            raise ValueError("webhook headers must map header names to string values")
        if not isinstance(verify, bool | str):
            raise ValueError("webhook verify must be true, false or a CA bundle path")
        self.url = url
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.secret = secret
        self.allow_private = allow_private
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self.verify: bool | ssl.SSLContext = verify
        if isinstance(verify, str):
            try:
                self.verify = ssl.create_default_context(cafile=verify)
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(f"webhook verify: cannot load CA bundle {verify!r}: {exc}") from exc
        self.extra_headers = dict(headers or {})
        self.name = name or f"webhook:{self.host}#{short_hash(url)}"
        if not allow_private and _obviously_local(self.host):
            raise ValueError(
                f"webhook {self.host} is a loopback/private address; "
                "set allow_private: true on the channel (or crawl.allow_private_addresses) to allow it"
            )

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r}, host={self.host!r}, signed={self.secret is not None})"

    def headers_for(self, delivery: Delivery, body: bytes) -> dict[str, str]:
        """The request headers for one delivery (the signature covers exactly ``body``)."""
        headers = {
            **self.extra_headers,
            "Content-Type": "application/json",
            "User-Agent": user_agent(),
            "X-DealRadar-Event": delivery.event,
            "X-DealRadar-Delivery": delivery.delivery_id,
        }
        if delivery.payload.get("test") is True:  # `dealradar alerts test`: receivers can tell it from a real deal
            headers["X-DealRadar-Test"] = "1"
        if self.secret is not None:
            headers["X-DealRadar-Signature-256"] = sign(body, self.secret)
        return headers

    def _http(self) -> httpx.Client:
        """One client per channel: building one loads the CA bundle, ~30 ms, more than a local POST."""
        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(timeout=self.timeout, verify=self.verify, follow_redirects=False)
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def send(self, delivery: Delivery) -> None:
        """POST the payload once; return on 2xx, raise a classified ``DeliveryError`` otherwise."""
        body = encode_body(delivery.payload)
        headers = self.headers_for(delivery, body)
        if not self.allow_private:
            self._check_public()
        try:
            response = self._http().post(self.url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise DeliveryError(f"{self.name}: timed out ({type(exc).__name__})", retryable=True) from exc
        except httpx.TransportError as exc:
            raise DeliveryError(
                f"{self.name}: connection failed: {exc or type(exc).__name__}", retryable=True
            ) from exc
        except httpx.HTTPError as exc:  # invalid URL and the like: no retry will fix it
            raise DeliveryError(f"{self.name}: request failed: {exc}", retryable=False) from exc
        self._check_response(response)
        log.debug(
            "webhook %s accepted delivery %s (%s)", self.name, delivery.delivery_id, response.status_code
        )

    def _check_response(self, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        snippet = response.text[:_SNIPPET].strip().replace("\n", " ") if response.content else ""
        detail = f"{self.name}: HTTP {status}" + (f": {snippet}" if snippet else "")
        if status in RETRYABLE_STATUSES or 500 <= status < 600:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise DeliveryError(detail, retryable=True, retry_after=retry_after, status=status)
        if 300 <= status < 400:
            location = response.headers.get("Location", "?")
            raise DeliveryError(
                f"{detail} (redirect to {location} not followed; update the webhook URL)",
                retryable=False,
                status=status,
            )
        raise DeliveryError(detail, retryable=False, status=status)

    def _check_public(self) -> None:
        """Refuse to post to a name that resolves to a loopback/private address."""
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise DeliveryError(f"{self.name}: cannot resolve {self.host}: {exc}", retryable=True) from exc
        blocked = sorted({str(info[4][0]) for info in infos if not is_public_address(str(info[4][0]))})
        if blocked:
            raise DeliveryError(
                f"{self.name}: {self.host} resolves to non-public address {', '.join(blocked)}; "
                "set allow_private: true on the channel (or crawl.allow_private_addresses) to allow it",
                retryable=False,
            )


def _is_ip(host: str) -> bool:
    return ip_literal(host) is not None


def _obviously_local(host: str) -> bool:
    """Loopback/private without a DNS lookup: ``localhost`` names and non-public IP literals."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return _is_ip(host) and not is_public_address(host)
