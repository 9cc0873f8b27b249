"""Apprise channel: json:// URLs post to a real local HTTP receiver (no internet)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from servers.webhook_receiver import Reply, WebhookReceiver, free_port

from crawler.alerts.channels import Delivery, DeliveryError, build_channel
from crawler.alerts.channels.apprise_channel import AppriseChannel
from crawler.alerts.messages import subject_line
from crawler.alerts.payloads import build_payload

SOURCE_URL = "https://techwire.example/2025/03/openai-round"


def make_delivery(delivery_id: str = "dlv-7", event: str = "deal.new") -> Delivery:
    deal = {
        "id": 7,
        "company": "OpenAI",
        "deal_type": "equity",
        "amount_usd": 6.6e9,
        "valuation_usd": 157e9,
        "investors": ["Thrive Capital", "Microsoft"],
        "lead_investors": ["Thrive Capital"],
        "status": "closed",
        "sources": [{"url": SOURCE_URL, "title": "OpenAI raises $6.6B", "outlet": "TechWire"}],
    }
    kwargs = {}
    if event == "deal.conflict":
        kwargs = {
            "conflict": {
                "field": "valuation_usd",
                "values": [{"value": 157e9, "sources": []}, {"value": 150e9, "sources": []}],
            }
        }
    payload = build_payload(event, delivery_id, datetime(2025, 3, 4, tzinfo=UTC), deal, **kwargs)
    return Delivery(delivery_id, event, payload)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def json_url(rx: WebhookReceiver, path: str = "/notify") -> str:
    return f"json://{rx.host}:{rx.port}{path}"


def test_json_url_reaches_local_receiver(receiver: WebhookReceiver) -> None:
    delivery = make_delivery()
    ch = build_channel({"apprise": json_url(receiver)})
    assert isinstance(ch, AppriseChannel) and ch.name.startswith("apprise:json")
    ch.send(delivery)
    [req] = receiver.wait_for(1)
    assert req.method == "POST" and req.path == "/notify"
    body = req.json()
    assert body["title"] == subject_line(delivery.payload)
    assert body["title"] == "[DealRadar] New: OpenAI — $6.6B equity from Thrive Capital, Microsoft (closed)"
    assert "OpenAI" in body["message"] and SOURCE_URL in body["message"] and "$157B" in body["message"]
    assert body["type"] == "info"


def test_conflict_is_a_warning(receiver: WebhookReceiver) -> None:
    AppriseChannel(json_url(receiver)).send(make_delivery(event="deal.conflict"))
    body = receiver.wait_for(1)[0].json()
    assert body["type"] == "warning" and "$157B vs $150B" in body["title"]


def test_http_failure_is_retryable(receiver: WebhookReceiver) -> None:
    receiver.fail(1, status=500)
    ch = AppriseChannel(json_url(receiver))
    with pytest.raises(DeliveryError) as info:
        ch.send(make_delivery())
    assert info.value.retryable
    assert "500" in str(info.value)
    ch.send(make_delivery())  # the retry goes through
    assert [r.status for r in receiver.wait_for(2)] == [500, 200]


def test_unreachable_is_retryable() -> None:
    ch = AppriseChannel(f"json://127.0.0.1:{free_port()}/x")
    with pytest.raises(DeliveryError) as info:
        ch.send(make_delivery())
    assert info.value.retryable


def test_retry_skips_urls_that_already_succeeded(receiver: WebhookReceiver) -> None:
    receiver.enqueue(Reply(200), Reply(503))  # /a succeeds, /b fails
    ch = build_channel({"apprise": [json_url(receiver, "/a"), json_url(receiver, "/b")]})
    with pytest.raises(DeliveryError) as info:
        ch.send(make_delivery())
    assert info.value.retryable and "/b" in str(info.value)
    ch.send(make_delivery())
    assert [(r.path, r.status) for r in receiver.wait_for(3)] == [("/a", 200), ("/b", 503), ("/b", 200)]
    # A different delivery goes to both again.
    ch.send(make_delivery(delivery_id="dlv-8"))
    assert [r.path for r in receiver.wait_for(5)[3:]] == ["/a", "/b"]


@pytest.mark.parametrize(
    "cfg", [{"apprise": "notaservice://whatever"}, {"apprise": []}, {"apprise": [""]}, {"apprise": 42}]
)
def test_invalid_urls_raise_value_error(cfg: dict) -> None:
    with pytest.raises(ValueError, match="[Aa]pprise"):
        build_channel(cfg)


def test_name_hides_tokens() -> None:
    ch = build_channel({"apprise": "json://user:hunter2@127.0.0.1:9/x"})
    assert "hunter2" not in ch.name and "hunter2" not in repr(ch)
