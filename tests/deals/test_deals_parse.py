"""parse_article on short articles written for these tests: frames, traps, API shape."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from crawler.deals import ArticleDeals, DealMention, Evidence, load_resources, parse_article

RES = load_resources()
WHEN = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _deals(title: str, text: str) -> tuple[DealMention, ...]:
    result = parse_article(title, text, WHEN, resources=RES)
    assert isinstance(result, ArticleDeals)
    return result.deals


def test_record_shape_and_frozen() -> None:
    [d] = _deals("Pallas raises $30 million", "Pallas, an AI startup, has raised $30 million led by Fernway Capital.")
    rec = d.to_record()
    for key in ("company", "deal_type", "amount_usd", "amount_text", "currency", "round", "investors",
                "lead_investors", "valuation_usd", "status", "evidence", "ai_related", "confidence"):
        assert key in rec
    assert rec["investors"] == ["Fernway Capital"] and rec["lead_investors"] == ["Fernway Capital"]
    assert isinstance(d.evidence[0], Evidence)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.company = "x"  # type: ignore[misc]


def test_company_from_appositive_frame_and_participants() -> None:
    text = ("Zephyrine, a Lisbon startup building AI tutors for schools, has raised $18 million in a Series A "
            "led by Coldharbour Ventures. Brindle Capital and Ostrava Partners also participated.")
    [d] = _deals("Zephyrine gets $18M for AI tutors", text)
    assert d.company == "Zephyrine" and d.round == "Series A" and d.status == "closed"
    assert d.investors == ("Coldharbour Ventures", "Brindle Capital", "Ostrava Partners")
    assert d.lead_investors == ("Coldharbour Ventures",)


def test_possessive_round_and_investor_subject() -> None:
    [d] = _deals("Helmsley leads Quorra's $70 million Series B", "Helmsley leads Quorra's $70 million Series B.")
    assert d.company == "Quorra" and d.round == "Series B" and d.lead_investors == ("Helmsley",)


def test_background_only_article_is_not_a_deal() -> None:
    text = ("Tarnwell unveiled a new speech model on Tuesday. The company has raised $90 million to date and "
            "was valued at $700 million last year.")
    assert _deals("Tarnwell launches speech model", text) == ()


def test_denied_earlier_and_other_company_figures_are_ignored() -> None:
    text = ("Mirelle has raised $25 million in a Series A led by Ashby Partners. Mirelle raised a $4 million "
            "seed round in 2022. Rival Coldspring raised $60 million last year.")
    [d] = _deals("Mirelle raises $25 million", text)
    assert d.company == "Mirelle" and d.amount_usd == 25e6


def test_evidence_offsets() -> None:
    text = "Intro line.\n\nOrrin has raised $9 million from Kelso Ventures."
    [d] = _deals("Orrin funding", text)
    ev = d.evidence[0]
    assert text[ev.start:ev.end] == ev.text and "Orrin has raised" in ev.text


def test_empty_input() -> None:
    assert _deals("", "") == ()


@pytest.mark.parametrize(
    ("title", "text", "status"),
    [
        ("Corvane raises $40 million", "Corvane raised $40 million in a Series B led by Harbor Ventures, according to "
         "people familiar with the matter.", "rumored"),
        ("Corvane raised $40 million, Bloomberg reported", "Corvane raised $40 million in a Series B led by Harbor "
         "Ventures, Bloomberg reported on Tuesday.", "rumored"),
        ("Corvane is said to have raised $40 million", "Corvane is said to have raised $40 million in a Series B "
         "led by Harbor Ventures.", "rumored"),
        ("Corvane raised $40 million, sources say", "Corvane has raised $40 million in new funding, two sources "
         "told Reuters.", "rumored"),
        ("Harbor Ventures will invest $40 million in Corvane", "Harbor Ventures will invest $40 million in Corvane, "
         "the companies said.", "announced"),
        ("Tessaro agreed to buy Corvane for $400 million", "Tessaro has agreed to buy Corvane for $400 million, the "
         "companies said on Tuesday.", "announced"),
        ("Corvane closes $40 million Series B", "Corvane has closed a $40 million Series B led by Harbor Ventures.",
         "closed"),
    ],
)
def test_status_follows_attribution_not_tense(title: str, text: str, status: str) -> None:
    [deal] = _deals(title, text)
    assert (deal.company, deal.status) == ("Corvane", status)
