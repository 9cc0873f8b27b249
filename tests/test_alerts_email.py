"""Email channel against a real aiosmtpd server on 127.0.0.1 (plain, STARTTLS+AUTH, implicit TLS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from servers.smtp_server import SMTPTestServer, TLSMaterial, make_tls_material
from servers.webhook_receiver import free_port

from crawler.alerts.channels import Delivery, DeliveryError, build_channel
from crawler.alerts.channels.email import EmailChannel
from crawler.alerts.messages import subject_line
from crawler.alerts.payloads import build_payload

SOURCES = [
    {
        "url": "https://techwire.example/2025/03/amazon-anthropic",
        "title": 'Amazon <script>alert("pwned")</script> backs Anthropic',
        "outlet": "TechWire",
        "published": "2025-03-04T09:00:00Z",
        "amount_text": "$5 billion",
        "sentence": "Amazon will invest $5 billion in Anthropic & more.",
    },
    {
        "url": "https://dailyai.example/news/anthropic?id=1&ref=rss",
        "title": "Anthropic closes $5B round",
        "outlet": "Daily AI",
        "published": "2025-03-04T10:00:00Z",
        "amount_text": "$5B",
        "sentence": "The deal closed on Monday.",
    },
]


def make_delivery(delivery_id: str = "dlv-42", company: str = "Anthropic", attempt: int = 1) -> Delivery:
    deal = {
        "id": 42,
        "company": company,
        "deal_type": "equity",
        "amount_usd": 5e9,
        "amount_text": "$5 billion",
        "currency": "USD",
        "investors": ["Amazon"],
        "lead_investors": ["Amazon"],
        "status": "closed",
        "ai_related": True,
        "sources": SOURCES,
    }
    payload = build_payload("deal.new", delivery_id, datetime(2025, 3, 4, 12, tzinfo=UTC), deal)
    return Delivery(delivery_id, "deal.new", payload, attempt)


def email_channel(url: str, **kwargs: object) -> EmailChannel:
    to = kwargs.pop("to", ["analyst@example.com"])
    return EmailChannel(url, sender="DealRadar <alerts@dealradar.example>", to=to, timeout=5, **kwargs)  # type: ignore[arg-type]


def failure(ch: EmailChannel, delivery: Delivery | None = None) -> DeliveryError:
    with pytest.raises(DeliveryError) as info:
        ch.send(delivery or make_delivery())
    return info.value


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])
        self.scripts += tag == "script"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TLSMaterial:
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain_server() -> Iterator[SMTPTestServer]:
    with SMTPTestServer() as server:
        yield server


@pytest.fixture
def secure_server(tls: TLSMaterial) -> Iterator[SMTPTestServer]:
    with SMTPTestServer(auth={"alice": "p@ss word:1"}, starttls=tls, require_starttls=True) as server:
        yield server


class TestMessage:
    def test_arrives_with_subject_both_parts_and_escaped_html(self, plain_server: SMTPTestServer) -> None:
        delivery = make_delivery()
        email_channel(plain_server.url(), to=["analyst@example.com", "Team <team@example.com>"]).send(
            delivery
        )
        [got] = plain_server.wait_for(1)
        msg = got.message
        assert got.mail_from == "alerts@dealradar.example"
        assert sorted(got.rcpt_tos) == ["analyst@example.com", "team@example.com"]
        assert msg["Subject"] == subject_line(delivery.payload)
        assert msg["Subject"] == "[DealRadar] New: Anthropic — $5B equity from Amazon (closed)"
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg["X-DealRadar-Event"] == "deal.new" and msg["X-DealRadar-Delivery"] == "dlv-42"
        assert msg["Message-ID"] == "<dealradar.dlv-42@dealradar.example>"
        assert msg["Auto-Submitted"] == "auto-generated"

        text = got.part("text/plain")
        html = got.part("text/html")
        assert text is not None and html is not None
        assert '<script>alert("pwned")</script>' in text  # plain text shows it literally
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html
        assert "in Anthropic &amp; more." in html
        anchors = _Anchors()
        anchors.feed(html)
        assert anchors.scripts == 0
        assert anchors.hrefs == [s["url"] for s in SOURCES]
        for source in SOURCES:
            assert source["url"] in text

    def test_subject_cannot_inject_headers(self, plain_server: SMTPTestServer) -> None:
        email_channel(plain_server.url()).send(make_delivery(company="Evil\r\nBcc: victim@example.com"))
        [got] = plain_server.wait_for(1)
        assert got.message["Bcc"] is None
        assert got.rcpt_tos == ("analyst@example.com",)
        assert "\n" not in got.message["Subject"]

    def test_message_id_is_stable_across_retries(self) -> None:
        ch = email_channel("smtp://127.0.0.1:2525")
        a = ch.build_message(make_delivery(attempt=1))
        b = ch.build_message(make_delivery(attempt=3))
        assert a["Message-ID"] == b["Message-ID"]


class TestTransportSecurity:
    def test_starttls_and_auth(self, secure_server: SMTPTestServer, tls: TLSMaterial) -> None:
        ch = email_channel(secure_server.url("alice", "p@ss word:1"), verify=str(tls.ca_cert))
        ch.send(make_delivery())
        [got] = secure_server.wait_for(1)
        assert got.tls and got.authenticated_as == "alice"
        assert secure_server.auth_attempts == [("alice", True)]

    def test_starttls_required_in_url(self, secure_server: SMTPTestServer, tls: TLSMaterial) -> None:
        url = secure_server.url("alice", "p@ss word:1", query="starttls=required")
        email_channel(url, ssl_context=tls.client_context()).send(make_delivery())
        assert secure_server.wait_for(1)[0].tls

    def test_starttls_required_but_not_offered_is_permanent(self, plain_server: SMTPTestServer) -> None:
        err = failure(email_channel(plain_server.url(), starttls="required"))
        assert not err.retryable and "STARTTLS" in str(err)
        assert plain_server.messages == []

    def test_wrong_password_is_permanent(self, secure_server: SMTPTestServer, tls: TLSMaterial) -> None:
        err = failure(email_channel(secure_server.url("alice", "nope"), verify=str(tls.ca_cert)))
        assert not err.retryable and err.status == 535
        assert "nope" not in str(err)
        assert secure_server.messages == []

    def test_untrusted_certificate_is_permanent(self, secure_server: SMTPTestServer) -> None:
        err = failure(email_channel(secure_server.url("alice", "p@ss word:1")))  # system CAs only
        assert not err.retryable and "certificate" in str(err).lower()
        assert secure_server.messages == []

    def test_verify_false_accepts_self_signed(self, secure_server: SMTPTestServer) -> None:
        email_channel(secure_server.url("alice", "p@ss word:1"), verify=False).send(make_delivery())
        assert secure_server.wait_for(1)[0].authenticated_as == "alice"

    def test_implicit_tls_smtps(self, tls: TLSMaterial) -> None:
        with SMTPTestServer(implicit_tls=tls, auth={"bob": "pw"}) as server:
            url = server.url("bob", "pw")
            assert url.startswith("smtps://")
            email_channel(url, verify=str(tls.ca_cert)).send(make_delivery())
            [got] = server.wait_for(1)
            assert got.tls and got.authenticated_as == "bob"

    def test_credentials_never_sent_in_clear(self) -> None:
        with SMTPTestServer(auth={"alice": "pw"}, auth_require_tls=False) as server:
            err = failure(email_channel(server.url("alice", "pw")))
            assert not err.retryable and "unencrypted" in str(err)
            assert server.auth_attempts == []
            # ... unless the configuration says so explicitly (e.g. a local relay).
            email_channel(server.url("alice", "pw"), starttls="never").send(make_delivery())
            assert server.wait_for(1)[0].authenticated_as == "alice"


class TestFailureClassification:
    def test_server_down_is_retryable_then_recovers(self) -> None:
        server = SMTPTestServer().start()
        try:
            ch = email_channel(server.url())
            server.stop()
            err = failure(ch, make_delivery(attempt=1))
            assert err.retryable
            server.start()
            ch.send(make_delivery(attempt=2))
            assert server.wait_for(1)[0].message["X-DealRadar-Delivery"] == "dlv-42"
        finally:
            server.stop()

    def test_nothing_listening_is_retryable(self) -> None:
        assert failure(email_channel(f"smtp://127.0.0.1:{free_port()}")).retryable

    def test_temporary_data_refusal_is_retryable(self, plain_server: SMTPTestServer) -> None:
        plain_server.fail_next(1, "451 4.3.0 Mail server temporarily rejected message", stage="DATA")
        ch = email_channel(plain_server.url())
        err = failure(ch)
        assert err.retryable and err.status == 451
        ch.send(make_delivery(attempt=2))
        assert len(plain_server.wait_for(1)) == 1

    def test_permanent_recipient_refusal_is_not_retryable(self, plain_server: SMTPTestServer) -> None:
        plain_server.fail_next(1, "550 5.1.1 No such user", stage="RCPT")
        err = failure(email_channel(plain_server.url()))
        assert not err.retryable and err.status == 550 and "No such user" in str(err)

    def test_temporary_recipient_refusal_is_retryable(self, plain_server: SMTPTestServer) -> None:
        plain_server.fail_next(1, "450 4.2.1 Mailbox busy", stage="RCPT")
        assert failure(email_channel(plain_server.url())).retryable

    def test_sender_refused_permanently(self, plain_server: SMTPTestServer) -> None:
        plain_server.fail_next(1, "553 5.7.1 Sender not allowed", stage="MAIL")
        err = failure(email_channel(plain_server.url()))
        assert not err.retryable and err.status == 553

    def test_partial_refusal_counts_as_sent(self, plain_server: SMTPTestServer) -> None:
        plain_server.fail_next(1, "550 5.1.1 No such user", stage="RCPT")
        email_channel(plain_server.url(), to=["gone@example.com", "analyst@example.com"]).send(
            make_delivery()
        )
        assert plain_server.wait_for(1)[0].rcpt_tos == ("analyst@example.com",)


class TestConfig:
    def test_build_channel_email(self, secure_server: SMTPTestServer, tls: TLSMaterial) -> None:
        ch = build_channel(
            {
                "email": {
                    "smtp": secure_server.url("alice", "p@ss word:1"),
                    "from": "alerts@dealradar.example",
                    "to": "analyst@example.com",
                    "starttls": "auto",
                    "verify": str(tls.ca_cert),
                    "timeout": "5s",
                },
                "min_amount_usd": 100_000_000,
            }
        )
        assert isinstance(ch, EmailChannel)
        assert "p@ss" not in ch.name and "p@ss" not in repr(ch)
        ch.send(make_delivery())
        assert secure_server.wait_for(1)[0].rcpt_tos == ("analyst@example.com",)

    def test_url_parts(self) -> None:
        ch = email_channel("smtp://user%40corp:s%3Acret@mail.example:587")
        assert (ch.host, ch.port, ch.username, ch.password, ch.implicit_tls) == (
            "mail.example",
            587,
            "user@corp",
            "s:cret",
            False,
        )
        assert email_channel("smtps://mail.example").port == 465
        assert email_channel("smtp://mail.example").port == 25

    @pytest.mark.parametrize(
        ("cfg", "message"),
        [
            ({"smtp": "http://mail.example", "from": "a@b.example", "to": ["c@d.example"]}, "smtp://"),
            ({"smtp": "smtp://mail.example", "to": ["c@d.example"]}, "'from'"),
            ({"smtp": "smtp://mail.example", "from": "a@b.example", "to": []}, "'to'"),
            ({"smtp": "smtp://mail.example", "from": "nobody", "to": ["c@d.example"]}, "not an address"),
            (
                {"smtp": "smtp://mail.example", "from": "a@b.example", "to": ["c@d.example\r\nBcc: x@y"]},
                "single-line",
            ),
            (
                {
                    "smtp": "smtp://mail.example",
                    "from": "a@b.example",
                    "to": ["c@d.example"],
                    "starttls": "maybe",
                },
                "starttls",
            ),
            (
                {"smtp": "smtp://mail.example", "from": "a@b.example", "to": ["c@d.example"], "port": 25},
                "unknown key",
            ),
            (
                {"smtp": "smtp://user@mail.example", "from": "a@b.example", "to": ["c@d.example"]},
                "no password",
            ),
        ],
    )
    def test_bad_config(self, cfg: dict, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            build_channel({"email": cfg})

    def test_ca_bundle_path_must_exist(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="CA bundle"):
            email_channel("smtp://mail.example", verify=str(tmp_path / "missing.pem"))
