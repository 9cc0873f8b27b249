"""Money figures: formats, currencies, ranges, qualifiers, conversion; property tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.deals.money import find_money, format_amount, to_usd
from crawler.deals.resources import Resources, load_resources

RATES = Resources.from_data(
    {"entities": []},
    {"rates": [{"date": "2024-01-01", "EUR": 1.10, "GBP": 1.25, "INR": 0.012, "JPY": 0.007, "AUD": 0.65},
               {"date": "2025-01-01", "EUR": 1.04}]},
)


@pytest.mark.parametrize(
    ("text", "currency", "value"),
    [
        ("$6.6 billion", "USD", 6.6e9),
        ("$6.6B", "USD", 6.6e9),
        ("US$6.6bn", "USD", 6.6e9),
        ("€600 million", "EUR", 6e8),
        ("600 million euros", "EUR", 6e8),
        ("£1.2bn", "GBP", 1.2e9),
        ("$500M", "USD", 5e8),
        ("$500mn", "USD", 5e8),
        ("half a billion dollars", "USD", 5e8),
        ("$1.5 trillion", "USD", 1.5e12),
        ("₹2,000 crore", "INR", 2e10),
        ("¥10 billion", "JPY", 1e10),
        ("A$24 billion", "AUD", 2.4e10),
        ("$294,000", "USD", 294_000),
    ],
)
def test_formats(text: str, currency: str, value: float) -> None:
    [m] = find_money(f"The company said it got {text} on Monday.")
    assert m.currency == currency
    assert m.value == pytest.approx(value)
    assert text in m.text


def test_span_indexes_the_text() -> None:
    text = "Acme raised $40 million, and Bolt raised €5m."
    for m in find_money(text):
        assert text[m.start:m.end] == m.text


def test_range_keeps_text_and_has_no_usd_amount() -> None:
    [m] = find_money("a deal worth $1-2 billion")
    assert m.is_range and m.value == 1e9 and m.high == 2e9
    assert to_usd(m, RATES, None) is None
    [b] = find_money("between €30 billion and €50 billion for a campus")
    assert b.text == "between €30 billion and €50 billion" and b.is_range


def test_up_to_is_recorded_as_the_figure() -> None:
    [m] = find_money("Amazon committed up to $8 billion")
    assert m.qualifier == "up_to" and m.text == "up to $8 billion"
    assert to_usd(m, RATES, None) == 8e9


def test_bracketed_usd_equivalent_wins() -> None:
    [m] = find_money("raised €385 million (about $415 million) in a Series A")
    assert m.currency == "EUR" and m.usd == 415e6
    assert to_usd(m, RATES, dt.date(2024, 6, 1)) == 415e6


def test_dated_rates() -> None:
    [m] = find_money("€100 million")
    assert to_usd(m, RATES, dt.date(2024, 6, 1)) == pytest.approx(110e6)
    assert to_usd(m, RATES, dt.date(2025, 6, 1)) == pytest.approx(104e6)
    assert to_usd(m, RATES, None) == pytest.approx(104e6)
    [g] = find_money("£10 million")
    assert to_usd(g, RATES, dt.date(2025, 6, 1)) == pytest.approx(12.5e6)  # falls back to an older table


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_never_raises(text: str) -> None:
    for m in find_money(text):
        assert 0 <= m.start <= m.end <= len(text)


@given(st.floats(min_value=1e6, max_value=5e12, allow_nan=False), st.sampled_from(["USD", "EUR", "GBP", "JPY", "INR"]))
@settings(max_examples=300, deadline=None)
def test_format_round_trip(value: float, currency: str) -> None:
    text = format_amount(value, currency)
    found = find_money(f"It raised {text} today.")
    assert len(found) == 1
    assert found[0].currency == currency
    assert found[0].value == pytest.approx(value, rel=1e-5)


@pytest.mark.parametrize(
    ("text", "figure", "currency"),
    [
        ("in an agreement valued at tens of billions of dollars.", "tens of billions of dollars", "USD"),
        ("a deal worth hundreds of millions of euros", "hundreds of millions of euros", "EUR"),
        ("in a deal worth tens of billions", "tens of billions", "USD"),
    ],
)
def test_vague_figures_are_found_but_have_no_amount(text: str, figure: str, currency: str) -> None:
    [m] = find_money(text)
    assert (m.text, m.currency, m.vague) == (figure, currency, True)
    assert to_usd(m, RATES, dt.date(2025, 6, 1)) is None


@pytest.mark.parametrize(
    ("text", "figure", "currency", "value"),
    [
        ("raised three hundred and fifty million dollars", "three hundred and fifty million dollars", "USD", 350e6),
        ("raised twenty-five million euros", "twenty-five million euros", "EUR", 25e6),
        ("raised six point six billion dollars", "six point six billion dollars", "USD", 6.6e9),
        ("took one and a half billion dollars", "one and a half billion dollars", "USD", 1.5e9),
        ("borrowed two point two five billion euros", "two point two five billion euros", "EUR", 2.25e9),
        ("a half a trillion dollar plan", "half a trillion dollar", "USD", 5e11),
        ("a round of €2,5 million", "€2,5 million", "EUR", 2.5e6),
        ("raised $1,500 million", "$1,500 million", "USD", 1.5e9),
        ("Funding: A $10-billion Series J", "$10-billion", "USD", 1e10),
        ("Reka announces $58Mfunding", "$58M", "USD", 58e6),
    ],
)
def test_words_decimal_commas_and_glued_scales(text: str, figure: str, currency: str, value: float) -> None:
    [m] = find_money(text)
    assert (m.text, m.currency) == (figure, currency)
    assert m.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "figure", "usd"),
    [
        ("raised $600,000(approx. ₹4 Cr) from", "$600,000(approx. ₹4 Cr)", 600_000.0),
        ("a venture debt of ₹15 Cr($2.25 Million) from", "₹15 Cr($2.25 Million)", 2_250_000.0),
        ("75.4 billion yen (over $473 million)", "75.4 billion yen (over $473 million)", 473e6),
    ],
)
def test_a_bracketed_equivalent_is_one_figure_in_either_order(text: str, figure: str, usd: float) -> None:
    [m] = find_money(text)
    assert m.text == figure
    assert to_usd(m, RATES, dt.date(2025, 6, 1)) == pytest.approx(usd)


def test_several_hundred_million_is_vague_not_a_hundred_million() -> None:
    [m] = find_money("worth several hundred million dollars")
    assert m.vague and to_usd(m, RATES, dt.date(2025, 6, 1)) is None


BUNDLED = load_resources()


@pytest.mark.parametrize(
    ("text", "currency", "value"),
    [
        ("secured a ₦2.1bn credit line", "NGN", 2.1e9),
        ("raised N450 million from local banks", "NGN", 4.5e8),
        ("a KSh 300 million round", "KES", 3e8),
        ("closed R50 million in growth funding", "ZAR", 5e7),
        ("Rp 150 billion Series B", "IDR", 1.5e11),
        ("RM20 million seed", "MYR", 2e7),
        ("MXN 200 million facility", "MXN", 2e8),
        ("₱500 million investment", "PHP", 5e8),
        ("40 mln zł round", "PLN", 4e7),
        ("₺100 million round", "TRY", 1e8),
        ("VND 500 billion loan", "VND", 5e11),
        ("100 million baht", "THB", 1e8),
        ("3 billion Kenyan shillings", "KES", 3e9),
    ],
)
def test_regional_currencies(text: str, currency: str, value: float) -> None:
    (m,) = find_money(text)
    assert (m.currency, m.value) == (currency, value)
    assert to_usd(m, BUNDLED, dt.date(2026, 3, 1)) is not None  # the bundled rates know every one


@pytest.mark.parametrize("text", ["DeepSeek's R1 model", "a box of N95 masks", "upgraded to PHP 8 last year"])
def test_letter_signs_need_a_scale_word(text: str) -> None:
    assert find_money(text) == []
