"""List entries (crawler/deals/entries.py): which one-line headers make a roundup's deals, and which do not."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.deals import load_resources, parse_article
from crawler.deals import taxonomy as tx

RES = load_resources()
WHEN = dt.datetime(2026, 4, 20, tzinfo=dt.UTC)


def _found(text: str, title: str = "This week's rounds") -> list[tuple[str, float | None, str]]:
    deals = parse_article(title, text, WHEN, resources=RES).deals
    return sorted((d.company, d.amount_usd, d.deal_type) for d in deals)


@pytest.mark.parametrize("header", [
    "1. Corvane (Leeds) - £10 million, Series A",
    "Corvane | Leeds | £10M Series A",
    "£10M · Corvane · Series A · lead: Tamsin Capital",
    "- Corvane (what it does: invoices) raised £10M in a Series A.",
])
def test_each_header_shape_names_company_and_figure(header: str) -> None:
    other = header.replace("Corvane", "Quillmark").replace("£10", "£4").replace("Series A", "Seed")
    found = _found(f"{header}\n\n{other}\n")
    assert ("Corvane", pytest.approx(12.7e6, rel=0.2), "equity") in found
    assert ("Quillmark", pytest.approx(5.08e6, rel=0.2), "equity") in found


def test_one_header_alone_is_no_list() -> None:
    """A single "Name - $X" line is a sentence's business, not a roundup's entry."""
    assert _found("Our pick - $5 million, Seed\n\nNothing else happened this week.\n") == []


def test_headers_dated_to_other_months_make_a_recap() -> None:
    text = ("1. Corvane - $90 million (Series C, January). Led by Tamsin Capital.\n\n"
            "2. Quillmark - $40 million (Series B, February). Harrow Row led.\n")
    assert _found(text, "The biggest rounds of the quarter") == []


def test_list_furniture_is_no_company() -> None:
    text = ("1. Corvane - $90 million, Series C\n\n2. Quillmark - $40 million, Series B\n\n"
            "Total: $130 million across the two companies.\n")
    assert [c for c, _, _ in _found(text)] == ["Corvane", "Quillmark"]


def test_an_entry_takes_the_backers_under_its_own_header_only() -> None:
    text = ("1. Corvane - $90 million, Series C\n\nTamsin Capital led the round.\n\n"
            "2. Quillmark - $40 million, Series B\n\nHarrow Row led, with Pellow Fund participating.\n")
    deals = {d.company: d for d in parse_article("Two rounds", text, WHEN, resources=RES).deals}
    assert deals["Corvane"].investors == ("Tamsin Capital",)
    assert set(deals["Quillmark"].investors) == {"Harrow Row", "Pellow Fund"}


@pytest.mark.parametrize("title", [
    "The 10 biggest AI funding rounds of 2025, ranked",
    "Look back: the eight biggest robotics rounds of 2025",
    "The 5 best-funded AI legal startups, ranked by total raised",
    "Every fusion startup that has raised over $100M",
    "Top 20 AI startups by money raised",
])
def test_a_headline_that_ranks_or_recaps_a_long_period_lists_no_news(title: str) -> None:
    assert tx.is_recap_title(title)


@pytest.mark.parametrize("title", [
    "The week's 5 biggest AI funding rounds: robots, radiology and a $1B tender",
    "The 5 biggest AI funding rounds this week: contract agents, robot hands and hot GPUs",
    "Funding Daily: the top 3 rounds today",
    "Kvist AI raises SEK 95 million in one of Sweden's biggest seed rounds",
    "The 4 Biggest AI Infrastructure Funding Rounds Of March 2026",
])
def test_a_headline_over_this_weeks_deals_is_news(title: str) -> None:
    assert not tx.is_recap_title(title)
