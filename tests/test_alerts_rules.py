"""Alert rules: which events alert for which channel (pure functions)."""

from __future__ import annotations

import pytest

from crawler.alerts.rules import RULE_KEYS, AlertRules, merge_rules, parse_amount, should_alert


def deal(**overrides: object) -> dict:
    base = {
        "company": "Anthropic",
        "deal_type": "equity",
        "amount_usd": 5e9,
        "investors": ["Amazon", "Google"],
        "lead_investors": ["Amazon"],
        "status": "closed",
        "ai_related": True,
        "confidence": 0.9,
    }
    base.update(overrides)
    return base


def test_defaults_alert_every_event_for_ai_deals() -> None:
    rules = AlertRules()
    for event in ("deal.new", "deal.updated", "deal.conflict"):
        assert should_alert(event, deal(), rules)
    assert should_alert("deal.new", deal(amount_usd=None), rules)
    assert should_alert("deal.new", deal(ai_related=None), rules)  # unknown is not "not AI"
    assert not should_alert("deal.new", deal(ai_related=False), rules)
    assert not should_alert("deal.deleted", deal(), rules)


def test_ai_only_off_lets_non_ai_deals_through() -> None:
    assert should_alert("deal.new", deal(ai_related=False), AlertRules(ai_only=False))


def test_min_amount() -> None:
    rules = AlertRules(min_amount_usd=1e9)
    assert should_alert("deal.new", deal(amount_usd=1e9), rules)
    assert not should_alert("deal.new", deal(amount_usd=999e6), rules)
    assert not should_alert("deal.new", deal(amount_usd=None), rules)
    assert should_alert(
        "deal.new", deal(amount_usd=None), AlertRules(min_amount_usd=1e9, include_undisclosed=True)
    )


def test_company_and_investor_watchlists_are_case_insensitive_and_either_matches() -> None:
    assert should_alert("deal.new", deal(), AlertRules(companies=frozenset({"anthropic"})))
    assert not should_alert(
        "deal.new", deal(company="Mistral AI"), AlertRules(companies=frozenset({"Anthropic"}))
    )
    assert should_alert(
        "deal.new", deal(company="Mistral AI"), AlertRules(companies=frozenset({" mistral  ai "}))
    )
    assert should_alert(
        "deal.new", deal(investors=[], lead_investors=["AMAZON"]), AlertRules(investors=frozenset({"Amazon"}))
    )
    assert not should_alert("deal.new", deal(), AlertRules(investors=frozenset({"Sequoia"})))
    both = AlertRules(companies=frozenset({"OpenAI"}), investors=frozenset({"google"}))
    assert should_alert("deal.new", deal(), both)  # investor hit
    assert should_alert(
        "deal.new", deal(company="OpenAI", investors=[], lead_investors=[]), both
    )  # company hit
    assert not should_alert("deal.new", deal(company="xAI", investors=["Fidelity"], lead_investors=[]), both)


def test_deal_types_statuses_events_and_confidence() -> None:
    assert not should_alert("deal.new", deal(), AlertRules(deal_types=frozenset({"debt"})))
    assert should_alert(
        "deal.new", deal(deal_type="debt"), AlertRules(deal_types=frozenset({"DEBT", "equity"}))
    )
    assert not should_alert("deal.new", deal(status="rumored"), AlertRules(statuses=frozenset({"closed"})))
    only_new = AlertRules(events=frozenset({"deal.new"}))
    assert should_alert("deal.new", deal(), only_new)
    assert not should_alert("deal.updated", deal(), only_new)
    assert not should_alert("deal.new", deal(confidence=0.4), AlertRules(min_confidence=0.5))
    assert should_alert("deal.new", deal(confidence=None), AlertRules(min_confidence=0.5))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_amount_usd": -1},
        {"min_amount_usd": True},
        {"ai_only": "yes"},
        {"deal_types": frozenset({"grant"})},
        {"events": frozenset({"deal.created"})},
        {"statuses": frozenset({"done"})},
        {"min_confidence": 1.5},
        {"companies": frozenset({""})},
    ],
)
def test_invalid_rules_raise(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        AlertRules(**kwargs)


def test_rules_are_frozen() -> None:
    with pytest.raises(AttributeError):
        AlertRules().min_amount_usd = 5  # type: ignore[misc]


def test_merge_from_config_mappings() -> None:
    global_rules = merge_rules(AlertRules(), {"min_amount_usd": "100M", "channels": [{"webhook": "x"}]})
    assert global_rules.min_amount_usd == 100e6 and global_rules.ai_only is True
    channel_entry = {
        "webhook": "https://x.example/",
        "companies": ["OpenAI", "Anthropic"],
        "events": ["deal.new"],
    }
    merged = merge_rules(global_rules, channel_entry)
    assert merged.min_amount_usd == 100e6
    assert merged.companies == frozenset({"OpenAI", "Anthropic"})
    assert merged.events == frozenset({"deal.new"})
    nested = merge_rules(
        global_rules, {"min_amount_usd": 1, "rules": {"min_amount_usd": "$1.5B", "ai_only": False}}
    )
    assert nested.min_amount_usd == 1.5e9 and nested.ai_only is False
    assert merge_rules(global_rules, None) is global_rules
    assert global_rules.companies == frozenset()  # the base is untouched


def test_merge_with_alert_rules_override() -> None:
    base = AlertRules(min_amount_usd=5e8, companies=frozenset({"OpenAI"}))
    merged = merge_rules(base, AlertRules(events=frozenset({"deal.conflict"})))
    assert merged.min_amount_usd == 5e8 and merged.companies == frozenset({"OpenAI"})
    assert merged.events == frozenset({"deal.conflict"})


def test_merge_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown alert rule"):
        merge_rules(AlertRules(), {"rules": {"min_amont_usd": 5}})
    with pytest.raises(ValueError, match="min_amount_usd"):
        merge_rules(AlertRules(), {"min_amount_usd": "lots"})
    with pytest.raises(ValueError, match="deal_types"):
        merge_rules(AlertRules(), {"deal_types": ["grant"]})
    with pytest.raises(ValueError, match="companies"):
        merge_rules(AlertRules(), {"companies": [1, 2]})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (100, 100),
        ("100M", 1e8),
        ("$1.5B", 1.5e9),
        ("250k", 2.5e5),
        ("2bn", 2e9),
        ("1,000,000", 1e6),
        ("1_000", 1e3),
    ],
)
def test_parse_amount(text: object, value: float) -> None:
    assert parse_amount(text) == value


def test_rule_keys() -> None:
    assert {"min_amount_usd", "ai_only", "companies", "investors", "deal_types", "events"} <= RULE_KEYS
    assert not any(k.startswith("_") for k in RULE_KEYS)
