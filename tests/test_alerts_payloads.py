"""The alert wire schema and its human renderings (subject, text, HTML)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from crawler.alerts.messages import format_usd, render_html, render_text, subject_line
from crawler.alerts.payloads import (
    DEAL_FIELDS,
    SOURCE_FIELDS,
    build_payload,
    encode_body,
    sign,
    verify_signature,
)

WHEN = datetime(2025, 3, 4, 12, 30, tzinfo=UTC)


def deal(**overrides: object) -> dict:
    base = {
        "id": 42,
        "company": "Anthropic",
        "deal_type": "equity",
        "amount_usd": 5_000_000_000.0,
        "amount_text": "$5 billion",
        "currency": "USD",
        "round": None,
        "investors": ["Amazon"],
        "lead_investors": ["Amazon"],
        "valuation_usd": None,
        "status": "closed",
        "evidence": [{"sentence": "Amazon will invest $5 billion in Anthropic.", "start": 10, "end": 54}],
        "ai_related": True,
        "confidence": 0.93,
        "sources": [
            {
                "url": "https://techwire.example/2025/03/amazon-anthropic",
                "title": "Amazon invests $5B in Anthropic",
                "outlet": "TechWire",
                "published": datetime(2025, 3, 4, 9, 0, tzinfo=UTC),
                "amount_text": "$5 billion",
                "sentence": "Amazon will invest $5 billion in Anthropic.",
            },
            {
                "url": "https://dailyai.example/news/anthropic-amazon?ref=rss",
                "title": "Anthropic lands Amazon money",
                "outlet": "Daily AI",
                "published": "2025-03-04T10:00:00Z",
                "amount_text": "$5B",
                "sentence": "The $5B deal closed on Monday.",
            },
        ],
    }
    base.update(overrides)
    return base


class TestBuildPayload:
    def test_new_deal_has_fixed_shape(self) -> None:
        payload = build_payload("deal.new", "dlv-1", WHEN, deal(storage_only_column="x"))
        assert set(payload) == {"event", "delivery_id", "occurred_at", "deal"}
        assert payload["event"] == "deal.new"
        assert payload["delivery_id"] == "dlv-1"
        assert payload["occurred_at"] == "2025-03-04T12:30:00Z"
        assert set(payload["deal"]) == {*DEAL_FIELDS, "id", "sources"}
        assert "storage_only_column" not in payload["deal"]
        assert payload["deal"]["amount_usd"] == 5_000_000_000
        for source in payload["deal"]["sources"]:
            assert set(source) == set(SOURCE_FIELDS)
        assert payload["deal"]["sources"][0]["published"] == "2025-03-04T09:00:00Z"
        json.dumps(payload)  # JSON-safe all the way down

    def test_missing_fields_become_null_or_empty(self) -> None:
        payload = build_payload(
            "deal.new", "d", WHEN, {"company": "Mistral AI", "sources": [{"url": "https://x.example/"}]}
        )
        d = payload["deal"]
        assert d["amount_usd"] is None and d["status"] is None and d["id"] is None
        assert d["investors"] == [] and d["lead_investors"] == [] and d["evidence"] == []
        assert d["sources"][0] == {
            "url": "https://x.example/",
            "title": None,
            "outlet": None,
            "published": None,
            "amount_text": None,
            "sentence": None,
        }

    def test_occurred_at_is_utc(self) -> None:
        tz = timezone(timedelta(hours=-5))
        assert (
            build_payload("deal.new", "d", datetime(2025, 1, 1, 7, 0, tzinfo=tz), deal())["occurred_at"]
            == "2025-01-01T12:00:00Z"
        )
        naive = datetime(2025, 1, 1, 7, 0, 0, 250_000)
        assert build_payload("deal.new", "d", naive, deal())["occurred_at"] == "2025-01-01T07:00:00.250Z"

    def test_updated_carries_changes_only(self) -> None:
        changes = [{"field": "status", "old": "rumored", "new": "closed"}]
        payload = build_payload("deal.updated", "d", WHEN, deal(), changes=changes)
        assert payload["changes"] == changes
        assert "conflict" not in payload
        assert "changes" not in build_payload("deal.new", "d", WHEN, deal())

    def test_conflict_carries_values_with_sources(self) -> None:
        conflict = {
            "field": "amount_usd",
            "values": [
                {"value": 5e9, "sources": [deal()["sources"][0]]},
                {"value": Decimal("7000000000"), "sources": [deal()["sources"][1]]},
            ],
        }
        payload = build_payload("deal.conflict", "d", WHEN, deal(), conflict=conflict)
        assert "changes" not in payload
        assert payload["conflict"]["field"] == "amount_usd"
        assert [v["value"] for v in payload["conflict"]["values"]] == [5_000_000_000, 7_000_000_000]
        assert payload["conflict"]["values"][1]["sources"][0]["outlet"] == "Daily AI"

    @pytest.mark.parametrize(
        ("event", "kwargs"),
        [
            ("deal.created", {}),
            ("deal.conflict", {}),
            ("deal.new", {"changes": [{"field": "status"}]}),
            ("deal.new", {"conflict": {"field": "amount_usd", "values": []}}),
            ("deal.updated", {"changes": [{"old": 1}]}),
        ],
    )
    def test_rejects_inconsistent_input(self, event: str, kwargs: dict) -> None:
        with pytest.raises(ValueError):
            build_payload(event, "d", WHEN, deal(), **kwargs)


class TestEncodingAndSignature:
    def test_body_is_stable_bytes(self) -> None:
        a = build_payload("deal.new", "d", WHEN, deal())
        b = json.loads(json.dumps(a))
        reordered = dict(reversed(list(b.items())))
        assert encode_body(a) == encode_body(b) == encode_body(reordered)
        assert isinstance(encode_body(a), bytes)
        assert json.loads(encode_body(a)) == a

    def test_non_ascii_is_utf8(self) -> None:
        body = encode_body(build_payload("deal.new", "d", WHEN, deal(company="Société Générale AI")))
        assert "Société".encode() in body

    def test_signature_is_hmac_sha256_of_body(self) -> None:
        body = encode_body(build_payload("deal.new", "d", WHEN, deal()))
        expected = "sha256=" + hmac.new(b"topsecret", body, hashlib.sha256).hexdigest()
        assert sign(body, "topsecret") == expected
        assert verify_signature(body, "topsecret", expected)
        assert not verify_signature(body + b" ", "topsecret", expected)
        assert not verify_signature(body, "other", expected)
        assert not verify_signature(body, "topsecret", None)
        with pytest.raises(ValueError):
            sign(body, "")


class TestSubjectLine:
    @pytest.mark.parametrize(
        ("amount", "text"),
        [
            (5e9, "$5B"),
            (300e6, "$300M"),
            (1.25e9, "$1.25B"),
            (157e9, "$157B"),
            (1.5e12, "$1.5T"),
            (750_000, "$750K"),
            (999.999e6, "$1B"),
            (1_234_567_890, "$1.23B"),
            (950, "$950"),
            (None, None),
        ],
    )
    def test_amount_formatting(self, amount: float | None, text: str | None) -> None:
        assert format_usd(amount) == text

    def test_new(self) -> None:
        payload = build_payload("deal.new", "d", WHEN, deal())
        assert subject_line(payload) == "[DealRadar] New: Anthropic — $5B equity from Amazon (closed)"

    def test_round_many_investors_and_acquisition(self) -> None:
        many = deal(
            amount_usd=300e6,
            round="Series B",
            investors=["Sequoia", "a16z", "Nvidia", "Google", "SV Angel"],
            lead_investors=["a16z"],
            status="announced",
        )
        assert subject_line(build_payload("deal.new", "d", WHEN, many)) == (
            "[DealRadar] New: Anthropic — $300M Series B equity from a16z, Sequoia, Nvidia +2 more (announced)"
        )
        buy = deal(
            company="Windsurf",
            deal_type="acquisition",
            amount_usd=None,
            amount_text=None,
            investors=["OpenAI"],
            lead_investors=[],
            status="rumored",
        )
        assert subject_line(build_payload("deal.new", "d", WHEN, buy)) == (
            "[DealRadar] New: Windsurf — undisclosed amount acquisition by OpenAI (rumored)"
        )

    def test_foreign_currency_shows_original(self) -> None:
        eur = deal(
            company="Mistral AI",
            amount_usd=1.08e9,
            amount_text="€1 billion",
            currency="EUR",
            investors=[],
            lead_investors=[],
            status=None,
        )
        assert subject_line(build_payload("deal.new", "d", WHEN, eur)) == (
            "[DealRadar] New: Mistral AI — $1.08B (€1 billion) equity"
        )

    def test_updated_names_changed_fields(self) -> None:
        payload = build_payload(
            "deal.updated",
            "d",
            WHEN,
            deal(),
            changes=[
                {"field": "status", "old": "rumored", "new": "closed"},
                {"field": "amount_usd", "old": 4e9, "new": 5e9},
            ],
        )
        assert subject_line(payload) == (
            "[DealRadar] Updated: Anthropic — $5B equity from Amazon (closed) — changed: status, amount"
        )

    def test_conflict_shows_both_figures(self) -> None:
        conflict = {
            "field": "amount_usd",
            "values": [{"value": 5e9, "sources": []}, {"value": 7e9, "sources": []}],
        }
        payload = build_payload("deal.conflict", "d", WHEN, deal(), conflict=conflict)
        assert subject_line(payload) == (
            "[DealRadar] Conflict: Anthropic — $5B equity from Amazon (closed) — amount: $5B vs $7B"
        )

    def test_is_one_safe_line(self) -> None:
        payload = build_payload(
            "deal.new", "d", WHEN, deal(company="Evil\r\nBcc: victim@example.com", round="A" * 500)
        )
        line = subject_line(payload)
        assert "\n" not in line and "\r" not in line
        assert len(line) <= 200 and line.endswith("…")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])
        if tag == "script":
            self.scripts += 1


class TestRendering:
    def hostile(self) -> dict:
        d = deal(company="<b>Acme</b> & Co")
        d["sources"][0]["title"] = 'Amazon <script>alert("x")</script> invests'
        d["sources"][1]["sentence"] = '"><img src=x onerror=alert(1)>'
        d["sources"].append({"url": "javascript:alert(1)", "title": "Bad link", "outlet": "Spam"})
        return build_payload("deal.new", "d", WHEN, d)

    def test_html_escapes_every_value(self) -> None:
        out = render_html(self.hostile())
        assert "<script>" not in out and "<img" not in out and "<b>Acme" not in out
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
        assert "&lt;b&gt;Acme&lt;/b&gt; &amp; Co" in out
        parser = _Links()
        parser.feed(out)
        assert parser.scripts == 0

    def test_html_links_every_http_source_and_never_javascript(self) -> None:
        payload = self.hostile()
        parser = _Links()
        parser.feed(render_html(payload))
        assert parser.hrefs == [s["url"] for s in payload["deal"]["sources"][:2]]
        assert not any(h.startswith("javascript:") for h in parser.hrefs)

    def test_text_has_fields_and_every_source(self) -> None:
        payload = build_payload("deal.new", "d", WHEN, deal(valuation_usd=183e9))
        text = render_text(payload)
        for needle in (
            "Anthropic",
            "$5B",
            "Amazon",
            "closed",
            "$183B",
            "TechWire",
            "Daily AI",
            "Amazon will invest $5 billion in Anthropic.",
        ):
            assert needle in text
        for source in payload["deal"]["sources"]:
            assert source["url"] in text

    def test_updated_and_conflict_sections(self) -> None:
        upd = build_payload(
            "deal.updated",
            "d",
            WHEN,
            deal(),
            changes=[{"field": "investors", "old": ["Amazon"], "new": ["Amazon", "Google"]}],
        )
        assert "Investors: Amazon -> Amazon, Google" in render_text(upd)
        assert "<del>Amazon</del>" in render_html(upd)
        src = deal()["sources"]
        conflict = {
            "field": "valuation_usd",
            "values": [{"value": 157e9, "sources": [src[0]]}, {"value": 150e9, "sources": [src[1]]}],
        }
        con = build_payload("deal.conflict", "d", WHEN, deal(), conflict=conflict)
        text, page = render_text(con), render_html(con)
        assert "Outlets disagree on valuation" in text
        assert "$157B" in text and "$150B" in text and "The $5B deal closed on Monday." in text
        parser = _Links()
        parser.feed(page)
        assert src[0]["url"] in parser.hrefs and src[1]["url"] in parser.hrefs
