"""What a channel is, what it is handed, how it fails, and how one is built from configuration.

Channels only deliver: ``send`` either returns (delivered) or raises ``DeliveryError`` saying
whether trying again later may help and how long the receiver asked us to wait. Retries,
backoff and persistence belong to the outbox dispatcher, which works the same for every channel.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from crawler.errors import DealRadarError

CHANNEL_KINDS: tuple[str, ...] = ("webhook", "email", "apprise")


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver one alert to one channel.

    ``delivery_id`` is the same on every retry of the same alert (receivers dedupe on it);
    ``attempt`` counts from 1.
    """

    delivery_id: str
    event: str
    payload: dict[str, Any]
    attempt: int = 1

    def __post_init__(self) -> None:
        if not self.delivery_id:
            raise ValueError("delivery_id must be non-empty")
        if self.attempt < 1:
            raise ValueError("attempt counts from 1")


class DeliveryError(DealRadarError):
    """A delivery failed.

    ``retryable`` says whether the same delivery may succeed later (network trouble, 5xx, 429,
    SMTP 4xx) or never will until someone changes something (4xx, SMTP 5xx, bad credentials).
    ``retry_after`` is the wait in seconds the receiver asked for (Retry-After), if any.
    ``status`` is the HTTP status or SMTP reply code when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return (
            f"DeliveryError({self.message!r}, retryable={self.retryable}, "
            f"retry_after={self.retry_after}, status={self.status})"
        )


@runtime_checkable
class Channel(Protocol):
    """Anything that can deliver an alert; ``name`` identifies it in the outbox and logs."""

    name: str

    def send(self, delivery: Delivery) -> None:
        """Deliver or raise ``DeliveryError``. Synchronous; safe to call again for a retry."""
        ...


def short_hash(*parts: str) -> str:
    """A short stable digest, so a default channel name is unique without showing tokens."""
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:8]


def build_channel(cfg: Mapping[str, Any], *, name: str | None = None, allow_private: bool = False) -> Channel:
    """Build one channel from one ``alerts.channels`` entry.

    ``{webhook: URL, secret: ...}``, ``{email: {smtp: URL, from: ..., to: [...]}}`` or
    ``{apprise: URL or [URLs]}``. An entry may also carry ``name`` and alert-rule overrides
    (``min_amount_usd``, ``companies``, ... flat or under ``rules``); those are for the caller and
    ignored here. ``allow_private`` lets a webhook target loopback/private addresses (the
    ``crawl.allow_private_addresses`` setting; an entry may also say ``allow_private: true``).
    Raises ValueError with a message naming the problem.
    """
    from crawler.alerts.rules import RULE_KEYS

    if not isinstance(cfg, Mapping):
        raise ValueError(f"an alert channel must be a mapping, got {type(cfg).__name__}")
    kinds = [k for k in CHANNEL_KINDS if k in cfg]
    if len(kinds) != 1:
        got = ", ".join(map(str, cfg)) or "nothing"
        raise ValueError(
            f"an alert channel needs exactly one of {', '.join(CHANNEL_KINDS)} (got keys: {got})"
        )
    kind = kinds[0]
    common = {"name", "rules", "enabled", *RULE_KEYS}
    per_kind = {
        "webhook": {"webhook", "secret", "timeout", "verify", "headers", "allow_private"},
        "email": {"email"},
        "apprise": {"apprise"},
    }[kind]
    unknown = sorted(str(k) for k in cfg if k not in common | per_kind)
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(unknown)} in {kind} channel; allowed: "
            f"{', '.join(sorted(per_kind | {'name', 'rules'}))} and the alert rule keys"
        )
    chosen_name = name or cfg.get("name")
    if chosen_name is not None and (not isinstance(chosen_name, str) or not chosen_name.strip()):
        raise ValueError("a channel name must be a non-empty string")

    if kind == "webhook":
        from crawler.alerts.channels.webhook import WebhookChannel

        secret = cfg.get("secret")
        if secret is not None and not isinstance(secret, str):
            raise ValueError("webhook secret must be a string")
        if secret == "":
            raise ValueError(
                "webhook secret is empty (is its environment variable set?); omit it to send unsigned"
            )
        extra_private = cfg.get("allow_private", False)
        if not isinstance(extra_private, bool):
            raise ValueError("webhook allow_private must be true or false")
        return WebhookChannel(
            _require_str(cfg["webhook"], "webhook"),
            secret=secret,
            name=chosen_name,
            timeout=parse_seconds(cfg.get("timeout", 10.0), "webhook timeout"),
            verify=cfg.get("verify", True),
            headers=cfg.get("headers"),
            allow_private=allow_private or extra_private,
        )
    if kind == "email":
        from crawler.alerts.channels.email import EmailChannel

        return EmailChannel.from_config(cfg["email"], name=chosen_name)
    from crawler.alerts.channels.apprise_channel import AppriseChannel

    urls = cfg["apprise"]
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list | tuple) or not urls or not all(isinstance(u, str) and u for u in urls):
        raise ValueError("apprise must be one Apprise URL or a non-empty list of them")
    return AppriseChannel(list(urls), name=chosen_name)


def _require_str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value.strip()


def parse_seconds(value: Any, what: str) -> float:
    """A positive number of seconds: ``10``, ``2.5``, ``"10s"``, ``"500ms"``, ``"1m"``."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", value)
        if match:
            value = float(match.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(2)]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f'{what} must be a positive number of seconds (e.g. 10 or "10s")')
    return float(value)
