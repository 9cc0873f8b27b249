"""Apprise channel: one config entry reaches Slack, Discord, Telegram, ntfy, ... by URL.

Apprise reports only success or failure, so every failure is retryable. With several URLs in one
entry, the URLs that already took a delivery are remembered (in memory) and skipped when the
same delivery is retried, so a retry caused by one failing service does not repeat the alert on
the others.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

import apprise

from crawler.alerts.channels.base import Delivery, DeliveryError, short_hash
from crawler.alerts.messages import render_text, subject_line

log = logging.getLogger(__name__)

_REMEMBERED_DELIVERIES = 1000
_NOTIFY_TYPES = {
    "deal.new": apprise.NotifyType.INFO,
    "deal.updated": apprise.NotifyType.INFO,
    "deal.conflict": apprise.NotifyType.WARNING,
    "source.failing": apprise.NotifyType.FAILURE,
    "source.recovered": apprise.NotifyType.SUCCESS,
    "source.stale": apprise.NotifyType.WARNING,
}


class AppriseChannel:
    """Sends the alert's subject line and plain-text body to one or more Apprise URLs."""

    kind = "apprise"

    def __init__(self, urls: str | Sequence[str], *, name: str | None = None) -> None:
        url_list = [urls] if isinstance(urls, str) else list(urls)
        if not url_list:
            raise ValueError("apprise needs at least one URL")
        self._targets: list[tuple[str, apprise.Apprise]] = []
        for url in url_list:
            target = apprise.Apprise()
            if not isinstance(url, str) or not target.add(url):
                raise ValueError(
                    f"not a valid Apprise URL: {_scheme(url)}://... (see the Apprise documentation)"
                )
            self._targets.append((_private_url(target, url), target))
        schemes = sorted({_scheme(u) for u in url_list})
        self.name = name or f"apprise:{'+'.join(schemes)}#{short_hash(*url_list)}"
        self._done: OrderedDict[str, set[int]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AppriseChannel(name={self.name!r}, targets={[u for u, _ in self._targets]!r})"

    def send(self, delivery: Delivery) -> None:
        """Notify every URL not yet reached for this delivery; raise retryable if any failed."""
        title = subject_line(delivery.payload)
        body = render_text(delivery.payload)
        notify_type = _NOTIFY_TYPES.get(delivery.event, apprise.NotifyType.INFO)
        with self._lock:
            done = set(self._done.get(delivery.delivery_id, set()))
        failures: list[str] = []
        for index, (shown, target) in enumerate(self._targets):
            if index in done:
                continue
            with apprise.LogCapture(level=logging.WARNING) as captured:
                ok = target.notify(
                    body=body, title=title, notify_type=notify_type, body_format=apprise.NotifyFormat.TEXT
                )
            if ok:
                done.add(index)
            else:
                reason = _last_line(captured.getvalue())
                failures.append(f"{shown}: {reason}" if reason else shown)
        if failures:
            with self._lock:
                self._done[delivery.delivery_id] = done
                self._done.move_to_end(delivery.delivery_id)
                while len(self._done) > _REMEMBERED_DELIVERIES:
                    self._done.popitem(last=False)
            raise DeliveryError(f"{self.name}: notification failed for {'; '.join(failures)}", retryable=True)
        with self._lock:
            self._done.pop(delivery.delivery_id, None)


def _scheme(url: object) -> str:
    return str(url).partition("://")[0].lower() if isinstance(url, str) and "://" in url else "?"


def _private_url(target: apprise.Apprise, url: str) -> str:
    """The URL with tokens and passwords masked, for names and error messages."""
    try:
        return target.urls(privacy=True)[0]
    except Exception:
        return f"{_scheme(url)}://..."


def _last_line(text: str) -> str:
    lines = [line.split(" - ", 2)[-1].strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
