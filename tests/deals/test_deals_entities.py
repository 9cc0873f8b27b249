"""Name finding and canonicalisation: gazetteer aliases and names no list knows."""

from __future__ import annotations

import pytest

from crawler.deals import load_resources
from crawler.deals.entities import NameFinder, dedupe_names, same_entity
from crawler.deals.firstperson import site_label

RES = load_resources()


def _names(text: str) -> list[str]:
    return [c.text for c in NameFinder(RES, [text]).chunks(text)]


def test_aliases_map_to_parents() -> None:
    finder = NameFinder(RES, [""])
    assert finder.canonical("AWS") == "Amazon"
    assert finder.canonical("Amazon Web Services") == "Amazon"
    assert finder.canonical("Google Cloud") == "Google"
    assert finder.canonical("a16z") == "Andreessen Horowitz"
    assert finder.canonical("Zorblat Robotics Inc.") == "Zorblat Robotics"


def test_unknown_multiword_names_and_descriptors() -> None:
    text = "Dutch chip maker Voltaic and the Harbor Lane Fund backed Tel Aviv-based Qubo, said Run:ai."
    names = _names(text)
    assert "Voltaic" in names and "Harbor Lane Fund" in names and "Qubo" in names
    assert "Run:ai" in names
    assert not any(n.startswith("Dutch") or n == "Tel" for n in names)


def test_sentence_opener_is_not_a_name_unless_the_article_says_so() -> None:
    assert _names("Humanoid robot startup Pellucid has raised money.") == ["Pellucid"]
    assert _names("Pellucid builds arms.") == []  # one sentence-initial use proves nothing
    # ... except in a deal sentence's subject slot: before a deal verb or an appositive
    assert _names("Pellucid raised money.") == ["Pellucid"]
    assert _names("Orvelle, a maker of drones, has raised money.") == ["Orvelle"]
    assert _names("Funding raises questions.") == []  # a word the stop list knows stays a word
    assert _names("TallyWeave builds arms.") == ["TallyWeave"]  # inner capitals: a brand
    text = "Pellucid raised money. Pellucid builds arms."
    assert [c.text for c in NameFinder(RES, [text]).chunks("Pellucid raised money.")] == ["Pellucid"]


def test_same_entity_and_dedupe() -> None:
    assert same_entity("Mistral", "Mistral AI")
    assert not same_entity("Mistral AI", "Meta")
    assert dedupe_names(["Bezos", "Bezos Expeditions", "GV"]) == ["Bezos Expeditions", "GV"]


@pytest.mark.parametrize(("url", "label"), [
    ("https://blog.quillmark.ai/posts/series-a", "quillmark"),
    ("https://www.tillerman.co.uk/blog/our-series-a", "tillerman"),
    ("https://tallyroute.example/blog/credit-facility", "tallyroute"),  # RFC 2606's reserved names
    ("https://tillerman.example.co.uk/blog/our-series-a", "tillerman"),
    ("https://www.businesswire.com/news/home/1/en/", None),  # a wire speaks for nobody
])
def test_a_sites_label_names_the_company_that_speaks(url: str, label: str | None) -> None:
    assert site_label(url) == label
