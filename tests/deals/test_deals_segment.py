"""Segmenting article text: page furniture is marked noise, sentences and labels are kept."""

from __future__ import annotations

from crawler.deals.segment import segment


def test_camel_case_brands_are_not_a_ticker() -> None:
    text = ("CoreWeave said it had secured new debt.\n\n"
            "Coatue, Carlyle, DigitalBridge and BlackRock also took part in the financing, led by PitchBook data.")
    kinds = [s.kind for s in segment(text)]
    assert kinds == ["body", "body"]


def test_headlines_run_together_are_a_ticker() -> None:
    text = ("Markets slip on chip exportsPolaris AI hits record usersNorthwind raises $40MKestrel cuts jobs\n\n"
            "Acme raised $5 million.")
    sents = segment(text)
    assert sents[0].kind == "noise"
    assert sents[-1].kind == "body"


def test_capitalised_newsletter_item_is_labelled() -> None:
    [first, *_] = segment("PYLONWORKS - $60 million, Series C. The Austin company plans grids.")
    assert first.label == "PYLONWORKS"
