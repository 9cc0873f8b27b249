"""The learned acceptance scorer: the tree walk, the model file's checks, and its fit to the features."""

from __future__ import annotations

import json
import math
from importlib import resources as importlib_resources

import pytest

from crawler.deals import load_resources
from crawler.deals.features import candidate_features
from crawler.deals.learned import MODEL_FILE, ModelError, TreeModel, bundled_model
from crawler.deals.parse import _Reader

RESOURCES = load_resources()


def _stump(**over: object) -> dict:
    """One tree: feature "a" <= 0.5 goes left (leaf -2.0), else right (leaf 3.0)."""
    data = {"features": ["a", "b"], "init": 0.1, "rate": 0.5,
            "trees": [{"feature": [0, 0, 0], "threshold": [0.5, -2.0, -2.0], "left": [1, -1, -1],
                       "right": [2, -1, -1], "value": [0.0, -2.0, 3.0]}]}
    data.update(over)
    return data


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_tree_walk_adds_leaf_values_to_the_prior() -> None:
    model = TreeModel.from_dict(_stump())
    assert model.probability({"a": 0.0, "b": 9.0}) == pytest.approx(_sigmoid(0.1 + 0.5 * -2.0))
    assert model.probability({"a": 1.0, "b": 9.0}) == pytest.approx(_sigmoid(0.1 + 0.5 * 3.0))


def test_a_feature_the_caller_did_not_compute_is_an_error() -> None:
    with pytest.raises(ModelError, match="'b' was not computed"):
        TreeModel.from_dict(_stump()).probability({"a": 1.0})


@pytest.mark.parametrize("broken", [
    {"trees": [{"feature": [0], "threshold": [0.5]}]},  # parts missing
    {"features": ["a"], "trees": [{"feature": [3, 0, 0], "threshold": [0.5, -2.0, -2.0], "left": [1, -1, -1],
                                   "right": [2, -1, -1], "value": [0.0, 1.0, 2.0]}]},  # no feature 3
    {"trees": [{"feature": [0, 0], "threshold": [0.5, -2.0, -2.0], "left": [1, -1, -1], "right": [2, -1, -1],
                "value": [0.0, 1.0, 2.0]}]},  # lists of different lengths
    {"init": "high"},
    {"trees": [{"feature": [0, 0, 0], "threshold": [0.5, -2.0, -2.0], "left": [0, -1, -1], "right": [2, -1, -1],
                "value": [0.0, 1.0, 2.0]}]},  # a node that is its own child: the walk would never end
])
def test_malformed_model_files_are_refused(broken: dict) -> None:
    with pytest.raises(ModelError):
        TreeModel.from_dict(_stump(**broken))


def _candidates(title: str, text: str) -> tuple[_Reader, list]:
    reader = _Reader(title, text, None, RESOURCES, None)
    return reader, [c for c in reader.run() if c.company]


def test_the_shipped_model_reads_exactly_the_features_the_parser_computes() -> None:
    reader, cands = _candidates("Quarrel Labs raises $12 million", "Quarrel Labs raised $12 million led by Foxglove.")
    assert cands
    computed = candidate_features(reader, cands[0], True)
    assert set(bundled_model().features) == set(computed)
    assert all(isinstance(v, float) and math.isfinite(v) for v in computed.values())


def test_the_shipped_model_was_not_trained_on_the_blind_sets() -> None:
    data = json.loads(importlib_resources.files("crawler.deals").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    assert data["trained_on"]
    assert not any(name.endswith(("heldout27", "heldout29", "heldout31", "heldout33", "heldout34"))
                   for name in data["trained_on"])


def test_features_say_where_a_figure_sits() -> None:
    body = ("Quarrel Labs raised $12 million led by Foxglove, the company said on Tuesday.\n\n"
            "The startup makes scheduling software.\n\nIts customers include bakeries.\n\n"
            "Quarrel Labs has raised $30 million since its founding, including earlier rounds.")
    reader, cands = _candidates("Quarrel Labs raises $12 million", body)
    by_figure = {c.money.text: candidate_features(reader, c, True) for c in cands if c.field == "text"}
    title = next(candidate_features(reader, c, True) for c in cands if c.field == "title")
    assert title["title"] == 1.0 and title["lead"] == 1.0
    assert by_figure["$12 million"]["title_amount"] == 1.0 and by_figure["$12 million"]["depth"] == 0.0
    assert by_figure["$30 million"]["title_amount"] == 0.0 and by_figure["$30 million"]["depth"] >= 3.0


def test_the_model_keeps_a_lead_round_and_drops_a_total_to_date() -> None:
    body = ("Quarrel Labs raised $12 million led by Foxglove, the company said on Tuesday.\n\n"
            "The startup makes scheduling software.\n\nIts customers include bakeries.\n\n"
            "Quarrel Labs has raised $30 million since its founding, including earlier rounds.")
    reader, cands = _candidates("Quarrel Labs raises $12 million", body)
    model = bundled_model()
    p = {c.money.text: model.probability(candidate_features(reader, c, False)) for c in cands if c.field == "text"}
    assert p["$12 million"] > 0.5 > p["$30 million"]


def test_a_figure_no_frame_reads_is_loose_and_only_the_model_may_take_it() -> None:
    from crawler.deals.parse import rule_decision

    body = ("It was a busy week. Dockline ($22 million Series A, led by Ironspring Ventures) and Pallas Route, "
            "which raised a $41 million Series B led by Norwest, both announced rounds.\n\nDockline schedules trucks.")
    reader = _Reader("Two freight startups raise money", body, None, RESOURCES, None)
    framed = reader.run()
    assert "$41 million" in {c.money.text for c in framed}
    loose = [c for c in reader.loose if c.money.text == "$22 million"]
    assert loose and loose[0].company == "Dockline" and loose[0].investors == ["Ironspring Ventures"]
    assert not rule_decision(reader, loose[0])
    assert candidate_features(reader, loose[0], False)["loose"] == 1.0


def test_resources_carry_the_model_and_without_it_the_rules_decide() -> None:
    from dataclasses import replace

    from crawler.deals import parse_article

    assert RESOURCES.acceptance is bundled_model()
    title, body = "Quarrel Labs raises $12 million", "Quarrel Labs raised $12 million led by Foxglove on Tuesday."
    with_model = parse_article(title, body, None, resources=RESOURCES)
    rules_only = parse_article(title, body, None, resources=replace(RESOURCES, acceptance=None))
    assert [d.company for d in with_model.deals] == [d.company for d in rules_only.deals] == ["Quarrel Labs"]
