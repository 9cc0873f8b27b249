"""Webhook channel against a real HTTP receiver on 127.0.0.1; build_channel and Retry-After parsing."""

from __future__ import annotations

import hashlib
import hmac
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from servers.webhook_receiver import Reply, WebhookReceiver, free_port

from crawler.alerts.channels import Delivery, DeliveryError, build_channel, parse_retry_after
from crawler.alerts.channels.webhook import WebhookChannel, is_public_address
from crawler.alerts.payloads import build_payload, encode_body

SECRET = "whsec_test_0123456789"


def make_delivery(attempt: int = 1, event: str = "deal.new", delivery_id: str = "dlv-0001") -> Delivery:
    deal = {
        "id": 9,
        "company": "Anthropic",
        "deal_type": "equity",
        "amount_usd": 5e9,
        "investors": ["Amazon"],
        "status": "closed",
        "ai_related": True,
        "sources": [
            {"url": "https://techwire.example/a", "title": "Amazon invests $5B", "outlet": "TechWire"}
        ],
    }
    kwargs = (
        {"changes": [{"field": "status", "old": "announced", "new": "closed"}]}
        if event == "deal.updated"
        else {}
    )
    payload = build_payload(event, delivery_id, datetime(2025, 3, 4, tzinfo=UTC), deal, **kwargs)
    return Delivery(delivery_id=delivery_id, event=event, payload=payload, attempt=attempt)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


def channel(rx: WebhookReceiver, secret: str | None = SECRET, **kwargs: object) -> WebhookChannel:
    return WebhookChannel(rx.url("/hooks/dealradar"), secret=secret, allow_private=True, **kwargs)


def failure(ch: WebhookChannel, delivery: Delivery) -> DeliveryError:
    with pytest.raises(DeliveryError) as info:
        ch.send(delivery)
    return info.value


class TestSuccess:
    def test_headers_body_and_signature(self, receiver: WebhookReceiver) -> None:
        delivery = make_delivery(event="deal.updated")
        channel(receiver).send(delivery)
        [req] = receiver.wait_for(1)
        assert req.method == "POST" and req.path == "/hooks/dealradar"
        assert req.header("Content-Type") == "application/json"
        assert req.header("X-DealRadar-Event") == "deal.updated"
        assert req.header("X-DealRadar-Delivery") == "dlv-0001"
        assert "DealRadar" in (req.header("User-Agent") or "")
        assert req.body == encode_body(delivery.payload)
        assert req.json()["changes"] == [{"field": "status", "old": "announced", "new": "closed"}]
        # What a receiver does: recompute over the raw body and compare in constant time.
        expected = "sha256=" + hmac.new(SECRET.encode(), req.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, req.header("X-DealRadar-Signature-256") or "")
        assert not hmac.compare_digest(
            "sha256=" + hmac.new(b"wrong", req.body, hashlib.sha256).hexdigest(),
            req.header("X-DealRadar-Signature-256") or "",
        )

    def test_unsigned_without_secret(self, receiver: WebhookReceiver) -> None:
        channel(receiver, secret=None).send(make_delivery())
        [req] = receiver.wait_for(1)
        assert req.header("X-DealRadar-Signature-256") is None
        assert req.header("X-DealRadar-Delivery") == "dlv-0001"

    def test_any_2xx_is_success(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(202, body=b""), Reply(204, body=b""))
        ch = channel(receiver)
        ch.send(make_delivery())
        ch.send(make_delivery())
        assert [r.status for r in receiver.wait_for(2)] == [202, 204]

    def test_retries_carry_same_delivery_id_body_and_signature(self, receiver: WebhookReceiver) -> None:
        receiver.fail(2, status=503)
        ch = channel(receiver)
        for attempt in (1, 2, 3):
            try:
                ch.send(make_delivery(attempt=attempt))
                break
            except DeliveryError as exc:
                assert exc.retryable
        reqs = receiver.wait_for(3)
        assert [r.status for r in reqs] == [503, 503, 200]
        assert len({r.header("X-DealRadar-Delivery") for r in reqs}) == 1
        assert len({r.body for r in reqs}) == 1
        assert len({r.header("X-DealRadar-Signature-256") for r in reqs}) == 1
        assert all(WebhookReceiver.verify(r, SECRET) for r in reqs)


class TestFailureClassification:
    def test_500_is_retryable(self, receiver: WebhookReceiver) -> None:
        receiver.fail(1, status=500)
        err = failure(channel(receiver), make_delivery())
        assert err.retryable and err.status == 500 and err.retry_after is None

    def test_429_with_retry_after_seconds(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(429, {"Retry-After": "7"}, b"slow down"))
        err = failure(channel(receiver), make_delivery())
        assert err.retryable and err.status == 429 and err.retry_after == 7.0
        assert "slow down" in str(err)

    def test_429_with_retry_after_http_date(self, receiver: WebhookReceiver) -> None:
        when = datetime.now(UTC) + timedelta(seconds=120)
        receiver.enqueue(Reply(429, {"Retry-After": format_datetime(when, usegmt=True)}))
        err = failure(channel(receiver), make_delivery())
        assert err.retryable
        assert err.retry_after is not None and 100 <= err.retry_after <= 121

    def test_503_honours_retry_after(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(503, {"Retry-After": "30"}))
        err = failure(channel(receiver), make_delivery())
        assert err.retryable and err.retry_after == 30.0

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
    def test_other_4xx_is_permanent(self, receiver: WebhookReceiver, status: int) -> None:
        receiver.fail(1, status=status)
        err = failure(channel(receiver), make_delivery())
        assert not err.retryable and err.status == status

    def test_redirect_is_not_followed(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(302, {"Location": receiver.url("/elsewhere")}, b""))
        err = failure(channel(receiver), make_delivery())
        assert not err.retryable and "redirect" in str(err)
        time.sleep(0.1)
        assert [r.path for r in receiver.requests] == ["/hooks/dealradar"]

    def test_connection_refused_is_retryable(self) -> None:
        ch = WebhookChannel(f"http://127.0.0.1:{free_port()}/hook", secret=SECRET, allow_private=True)
        err = failure(ch, make_delivery())
        assert err.retryable and err.status is None

    def test_timeout_is_retryable(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(200, delay=1.5))
        err = failure(channel(receiver, timeout=0.3), make_delivery())
        assert err.retryable and "timed out" in str(err)

    def test_dropped_connection_is_retryable(self, receiver: WebhookReceiver) -> None:
        receiver.enqueue(Reply(drop=True))
        err = failure(channel(receiver), make_delivery())
        assert err.retryable

    def test_server_back_after_downtime(self) -> None:
        port = free_port()
        ch = WebhookChannel(f"http://127.0.0.1:{port}/hook", secret=SECRET, allow_private=True)
        assert failure(ch, make_delivery(attempt=1)).retryable
        with WebhookReceiver(port=port) as rx:
            ch.send(make_delivery(attempt=2))
            assert rx.wait_for(1)[0].header("X-DealRadar-Delivery") == "dlv-0001"


class TestPrivateTargets:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/hook",
            "http://localhost/hook",
            "http://10.1.2.3/h",
            "http://[::1]:8080/h",
            "http://192.168.1.10/h",
            "http://169.254.169.254/",
        ],
    )
    def test_refused_unless_allowed(self, url: str) -> None:
        with pytest.raises(ValueError, match="allow_private"):
            WebhookChannel(url, secret=SECRET)
        WebhookChannel(url, secret=SECRET, allow_private=True)

    def test_name_resolving_to_private_address_is_refused_before_sending(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
            assert host == "hooks.internal.example"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

        monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
        ch = WebhookChannel("https://hooks.internal.example/x", secret=SECRET)
        err = failure(ch, make_delivery())
        assert not err.retryable and "10.0.0.5" in str(err)

    @pytest.mark.parametrize(
        ("address", "public"),
        [
            ("8.8.8.8", True),
            ("2606:4700::1111", True),
            ("127.0.0.1", False),
            ("10.0.0.1", False),
            ("172.16.5.4", False),
            ("100.64.0.1", False),
            ("::ffff:127.0.0.1", False),
            ("fe80::1", False),
            ("0.0.0.0", False),
            ("224.0.0.1", False),
            ("not-an-ip", False),
        ],
    )
    def test_is_public_address(self, address: str, public: bool) -> None:
        assert is_public_address(address) is public


class TestRetryAfter:
    def test_seconds_and_dates(self) -> None:
        now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
        assert parse_retry_after("120") == 120.0
        assert parse_retry_after(" 0 ") == 0.0
        assert parse_retry_after("-5") == 0.0
        assert parse_retry_after("Wed, 01 Jan 2025 12:01:30 GMT", now=now) == 90.0
        assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
        assert parse_retry_after(None) is None
        assert parse_retry_after("") is None
        assert parse_retry_after("soon") is None


class TestBuildChannel:
    def test_webhook_from_config(self, receiver: WebhookReceiver) -> None:
        ch = build_channel(
            {"webhook": receiver.url("/cfg"), "secret": SECRET, "min_amount_usd": 1e8}, allow_private=True
        )
        assert isinstance(ch, WebhookChannel) and ch.name.startswith("webhook:127.0.0.1")
        ch.send(make_delivery())
        assert WebhookReceiver.verify(receiver.wait_for(1)[0], SECRET)
        assert build_channel({"webhook": receiver.url(), "name": "ops"}, allow_private=True).name == "ops"
        assert build_channel({"webhook": receiver.url()}, name="x", allow_private=True).name == "x"

    def test_private_refused_by_default_and_allowed_per_entry(self) -> None:
        with pytest.raises(ValueError, match="private"):
            build_channel({"webhook": "http://127.0.0.1:8080/h"})
        assert build_channel({"webhook": "http://127.0.0.1:8080/h", "allow_private": True})

    def test_default_name_is_stable_and_hides_secret_paths(self) -> None:
        url = "https://hooks.slack.example/services/T000/B000/SECRETTOKEN"
        a, b = build_channel({"webhook": url}), build_channel({"webhook": url})
        assert a.name == b.name and "SECRETTOKEN" not in a.name

    @pytest.mark.parametrize(
        ("cfg", "message"),
        [
            ({"sms": "+15550100"}, "exactly one of webhook, email, apprise"),
            ({}, "exactly one of"),
            ({"webhook": "https://a.example/", "apprise": "json://b.example/"}, "exactly one of"),
            ({"webhook": "ftp://a.example/"}, "http"),
            ({"webhook": "https://a.example/", "secret": ""}, "secret is empty"),
            ({"webhook": "https://a.example/", "scret": "x"}, "unknown key"),
            ({"webhook": "https://a.example/", "timeout": "soon"}, "timeout"),
            ("https://a.example/", "mapping"),
        ],
    )
    def test_bad_entries_raise_clear_value_errors(self, cfg: object, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            build_channel(cfg)  # type: ignore[arg-type]

    def test_timeout_accepts_durations(self) -> None:
        ch = build_channel({"webhook": "https://a.example/", "timeout": "2s"})
        assert isinstance(ch, WebhookChannel) and ch.timeout.read == 2.0


def test_config_headers_and_verify_reach_the_receiver(receiver: WebhookReceiver, tmp_path: Path) -> None:
    """``headers`` and ``verify`` on a webhook channel in the config file: the extra header arrives with
    the signed alert; on an email channel they are refused as webhook settings."""
    from crawler.config import load_settings

    cfg = tmp_path / "dealradar.yaml"
    cfg.write_text(
        f'storage: {{url: "sqlite:///{tmp_path}/d.db"}}\n'
        "alerts:\n  channels:\n"
        f'    - {{webhook: "{receiver.url("/hook")}", allow_private: true, verify: false,\n'
        '       headers: {"Authorization": "Bearer relay-token", "X-Team": "deals"}}\n', encoding="utf-8")
    settings = load_settings(cfg)
    ch = build_channel(settings.alerts.channels[0].channel_config())
    ch.send(make_delivery())
    [req] = receiver.wait_for(1)
    assert req.header("Authorization") == "Bearer relay-token" and req.header("X-Team") == "deals"
    assert req.header("X-DealRadar-Event") == "deal.new"

    bad = tmp_path / "bad.yaml"
    bad.write_text('alerts:\n  channels:\n    - {email: {smtp: "smtp://127.0.0.1:2525", from: "a@b.c", to: ["d@e.f"]},\n'
                   '       headers: {"X-Team": "deals"}}\n', encoding="utf-8")
    with pytest.raises(Exception, match="webhook settings"):
        load_settings(bad)
