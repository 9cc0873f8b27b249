"""``dealradar alerts test``: one sample alert to every channel, so a new setup can be checked end to end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from crawler.alerts.channels import Delivery, DeliveryError
from crawler.alerts.dispatcher import build_channels
from crawler.alerts.payloads import build_payload
from crawler.config import Settings

SAMPLE_DEAL = {
    "id": 0, "company": "Example Robotics (test alert)", "deal_type": "equity", "amount_usd": 25_000_000.0,
    "amount_text": "$25 million", "currency": "USD", "round": "Series A", "investors": ["Example Ventures"],
    "lead_investors": ["Example Ventures"], "valuation_usd": None, "status": "closed", "ai_related": True,
    "confidence": 1.0,
    "sources": [{"url": "https://example.org/test-alert", "title": "This is a DealRadar test alert",
                 "outlet": "example.org", "published": None, "amount_text": "$25 million",
                 "sentence": "Example Robotics has raised $25 million in a Series A (a test alert from DealRadar)."}],
}


def sample_payload(delivery_id: str) -> dict[str, Any]:
    """A sample ``deal.new`` marked ``"test": true``: the webhook adds ``X-DealRadar-Test: 1``, the subject says TEST."""
    return {**build_payload("deal.new", delivery_id, datetime.now(UTC), SAMPLE_DEAL), "test": True}


def send_test_alerts(settings: Settings) -> dict[str, str | None]:
    """Channel name -> None when delivered, else the error."""
    results: dict[str, str | None] = {}
    for name, channel in build_channels(settings).items():
        delivery_id = f"test-{uuid.uuid4().hex}"
        payload = sample_payload(delivery_id)
        try:
            channel.send(Delivery(delivery_id, "deal.new", payload, 1))
            results[name] = None
        except DeliveryError as exc:
            results[name] = str(exc)
    return results
