"""The learned acceptance scorer: a small tree ensemble over ``features.candidate_features``. Pure.

Hand rules decide most candidates well on the writers they were tuned on and drift on new ones; the
ensemble, trained on every labelled set the project may use (``benchmarks/train_acceptance.py``), weighs
the same structural facts jointly, the rules' own decision among them. Its probability decides; a
candidate without a company is never a deal.

The model is a JSON file shipped with the package, read once by ``load_resources`` and handed to the
parser inside its ``Resources`` (the parser itself does no I/O): no scikit-learn at run time, the same
answer on every machine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

MODEL_FILE = "acceptance_model.json"
THRESHOLD = 0.5


class ModelError(ValueError):
    """The model file is missing a part or does not fit the feature set."""


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted regression trees in sklearn's layout, flattened into parallel lists."""

    features: tuple[str, ...]
    init: float
    rate: float
    trees: tuple[tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[int, ...], tuple[float, ...]], ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeModel:
        try:
            features = tuple(str(f) for f in data["features"])
            trees = tuple((tuple(int(x) for x in t["feature"]), tuple(float(x) for x in t["threshold"]),
                           tuple(int(x) for x in t["left"]), tuple(int(x) for x in t["right"]),
                           tuple(float(x) for x in t["value"])) for t in data["trees"])
            model = cls(features, float(data["init"]), float(data["rate"]), trees)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"acceptance model: malformed ({exc!r})") from None
        for feat, _thr, left, right, value in model.trees:
            size = len(feat)  # every child after its parent: a walk always ends at a leaf
            if not (size == len(left) == len(right) == len(value)) or any(f >= len(features) for f in feat) or any(
                    left[k] != -1 and not (k < left[k] < size and k < right[k] < size) for k in range(size)):
                raise ModelError("acceptance model: a tree does not fit its feature list")
        return model

    def probability(self, values: dict[str, float]) -> float:
        """P(the candidate is one of the article's deals) for a feature dict."""
        try:
            row = [values[name] for name in self.features]
        except KeyError as exc:
            raise ModelError(f"acceptance model: feature {exc.args[0]!r} was not computed") from None
        raw = self.init
        for feat, thr, left, right, value in self.trees:
            node = 0
            while left[node] != -1:
                node = left[node] if row[feat[node]] <= thr[node] else right[node]
            raw += self.rate * value[node]
        return 1.0 / (1.0 + math.exp(-raw))


@lru_cache(maxsize=1)
def bundled_model() -> TreeModel:
    """The model shipped in this package, read once per process."""
    text = importlib_resources.files("crawler.deals").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return TreeModel.from_dict(json.loads(text))

