"""Alert channels: webhook, email and Apprise, all behind one ``Channel.send(Delivery)``.

``build_channel(entry)`` turns one ``alerts.channels`` config entry into a channel; the outbox
dispatcher calls ``send`` and uses ``DeliveryError.retryable`` / ``retry_after`` to schedule
retries. The concrete channel modules are imported lazily so that importing this package does
not pull in httpx, smtplib or apprise until a channel of that kind is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.alerts.channels.base import (
    CHANNEL_KINDS,
    Channel,
    Delivery,
    DeliveryError,
    build_channel,
)
from crawler.net.retry_after import parse_retry_after

if TYPE_CHECKING:
    from crawler.alerts.channels.apprise_channel import AppriseChannel
    from crawler.alerts.channels.email import EmailChannel
    from crawler.alerts.channels.webhook import WebhookChannel

__all__ = [
    "CHANNEL_KINDS",
    "AppriseChannel",
    "Channel",
    "Delivery",
    "DeliveryError",
    "EmailChannel",
    "WebhookChannel",
    "build_channel",
    "parse_retry_after",
]

_LAZY = {
    "WebhookChannel": "crawler.alerts.channels.webhook",
    "EmailChannel": "crawler.alerts.channels.email",
    "AppriseChannel": "crawler.alerts.channels.apprise_channel",
}


def __getattr__(name: str) -> Any:
    """Import a concrete channel class on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
