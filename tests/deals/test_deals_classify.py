"""What a figure is, and what is background."""

from __future__ import annotations

import pytest

from crawler.deals.classify import background_level, is_forecast, money_role
from crawler.deals.money import find_money


def _role(sentence: str, index: int = 0) -> str:
    m = find_money(sentence)[index]
    return money_role(sentence, m, m.start, m.end)


@pytest.mark.parametrize(
    ("sentence", "index", "role"),
    [
        ("Acme raised $50 million at a $400 million valuation.", 0, "deal"),
        ("Acme raised $50 million at a $400 million valuation.", 1, "valuation"),
        ("The round values the company at $2 billion.", 0, "valuation"),
        ("Its annual revenue reached $210 million.", 0, "nondeal"),
        ("Pricing starts at $3 per million tokens.", 0, "nondeal"),
        ("Regulators can impose fines of up to €35 million.", 0, "nondeal"),
    ],
)
def test_money_roles(sentence: str, index: int, role: str) -> None:
    assert _role(sentence, index) == role


def test_background_levels() -> None:
    assert background_level("Acme has raised", "to date", 2025) == 2
    assert background_level("Acme had raised", "", 2025) == 2
    assert background_level("Acme said it had raised", "in a Series A", 2025) == 0
    assert background_level("Acme raised", "in 2021", 2025) == 2
    assert background_level("Five weeks earlier, Acme raised", "", 2025) == 1
    assert background_level("Acme has raised", "in a Series B", 2025) == 0


def test_forecast() -> None:
    assert is_forecast("The market will reach $400 billion, the forecast says.")
    assert not is_forecast("Acme raised $5 million.")


def test_a_month_after_the_publication_month_is_last_year() -> None:
    # published in January: "in May" can only be last May
    assert background_level("The company raised", "in May", 2026, 1) == 2
    # published in June: "in May" is this year's, only weakly dated
    assert background_level("The company raised", "in May", 2026, 6) == 1
    assert background_level("The company raised", "in May 2025", 2026, 1) == 2
    # a relative clause that closes before the figure dates nothing
    assert background_level("Acme, which tests models before they ship, has agreed to be bought for", "", 2026) == 0


def test_seed_in_an_investors_name_is_no_seed_round() -> None:
    from crawler.deals.taxonomy import find_round

    assert find_round("existing investor Morava Seed Fund also took part") is None
    assert find_round("raised $6.5 million in seed funding") == "Seed"
    assert find_round("has extended its Series A round with $14 million") == "Series A"


def test_a_month_long_before_the_publication_month_is_background() -> None:
    assert background_level("In January, Acme announced a venture that plans to invest", "", 2026, 11) == 2
    assert background_level("In October, Acme raised", "", 2026, 11) == 1
