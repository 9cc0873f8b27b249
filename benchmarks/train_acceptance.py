"""Train the deal parser's learned acceptance scorer and write ``crawler/deals/acceptance_model.json``.

    pip install -e '.[train]'
    python benchmarks/train_acceptance.py            # train, check the export, write the model
    python benchmarks/train_acceptance.py --cv       # also: leave-one-set-out accuracy, rules vs model

Every candidate figure the parser reads in the labelled sets below becomes one row: its features
(``crawler/deals/features.py``) and whether it is one of the article's labelled deals (same company and
amount, as ``../shared/eval/score.py`` matches them). The golden-file tests' articles count too, with their
reviewed outputs as labels. The blind sets the project scores itself on
(``BLIND_SETS``) are never read here. Training is deterministic: the same sets give the same file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import crawler.deals.parse as parse_module  # noqa: E402
from crawler.deals.batch import predict  # noqa: E402
from crawler.deals.features import candidate_features  # noqa: E402
from crawler.deals.learned import MODEL_FILE, TreeModel  # noqa: E402
from crawler.deals.money import to_usd  # noqa: E402
from crawler.deals.resources import load_resources  # noqa: E402

SHARED = ROOT.parent / "shared"
BENCH = ROOT / "benchmarks"
TRAINING_SETS = [SHARED / "eval" / "real-dev", SHARED / "eval" / "dev", SHARED / "seeds", BENCH / "tuning",
                 BENCH / "heldout"] + [BENCH / f"heldout{i}" for i in (*range(2, 27), 28, 30, 32)]
GOLDEN_DIRS = [ROOT / "tests" / "data" / "articles", ROOT / "tests" / "deals" / "golden"]
BLIND_SETS = [BENCH / f"heldout{i}" for i in (27, 29, 31, 33, 34)]
PARAMS = {"n_estimators": 150, "max_depth": 3, "learning_rate": 0.1, "random_state": 0}
OUT = ROOT / "crawler" / "deals" / MODEL_FILE


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{SHARED / 'eval' / 'score.py'} is missing: ../shared must sit beside the repository")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labelled_set(d: Path) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(set name, article, gold deals) from a set's articles.jsonl and labels.jsonl."""
    labels = {}
    with open(d / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            labels[obj["id"]] = obj
    with open(d / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            yield d.name, article, labels[article["id"]]["deals"]


def golden_cases() -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """The golden-file tests' short articles with their reviewed outputs: each tricky case the rules
    were taught, so the model learns to keep them."""
    for d in GOLDEN_DIRS:
        for txt in sorted(d.glob("*.txt")):
            head, body = txt.read_text(encoding="utf-8").split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            expected = json.loads(txt.with_suffix(".expected.json").read_text(encoding="utf-8"))
            article = {"id": txt.stem, "title": fields.get("Title", ""), "published": fields.get("Published"),
                       "url": fields.get("Url"), "text": body}
            yield "golden", article, expected["deals"]


def collect(examples: Iterable[tuple[str, dict[str, Any], list[dict[str, Any]]]]
            ) -> list[tuple[str, dict[str, float], int, int]]:
    """(set name, features, label, rules' decision) for every candidate with a company."""
    score = _scorer()
    resources = load_resources()
    rows: list[tuple[str, dict[str, float], int, int]] = []
    gold: list[dict[str, Any]] = []
    current = [""]
    rule_accept = parse_module.rule_decision
    scored_accept = parse_module._accepted

    def record(r: Any, c: Any) -> bool:
        rule = rule_accept(r, c)
        if c.company is not None:
            usd = to_usd(c.money, r.resources, r.date)
            figure = [g for g in gold if score.same_amount(g, {"amount_usd": usd})]
            # a figure of a labelled deal whose company a later step names (a venture's own name, a list
            # item's header) counts when the rules took it; otherwise the company must match too
            hit = any(rule or score.same_name(g["company"], c.company) for g in figure)
            rows.append((current[0], candidate_features(r, c, rule), int(hit), int(rule)))
        return rule

    parse_module._accepted = record  # the rules alone decide while rows are collected
    try:
        for name, article, deals in examples:
            current[0] = name
            gold[:] = deals
            predict(article, resources)
    finally:
        parse_module._accepted = scored_accept
    return rows


def export(model: Any, features: list[str], rows_total: int, sets: list[Path]) -> dict[str, Any]:
    """sklearn's GradientBoostingClassifier as plain lists ``learned.TreeModel`` walks."""
    import numpy as np

    init = float(model._raw_predict_init(np.zeros((1, len(features))))[0, 0])
    trees = []
    for est in model.estimators_[:, 0]:
        t = est.tree_
        trees.append({"feature": [int(max(f, 0)) for f in t.feature], "threshold": [float(x) for x in t.threshold],
                      "left": [int(x) for x in t.children_left], "right": [int(x) for x in t.children_right],
                      "value": [float(v[0][0]) for v in t.value]})
    return {"about": "Deal parser acceptance scorer; written by benchmarks/train_acceptance.py, do not edit.",
            "trained_on": [str(d.relative_to(ROOT)) if d.is_relative_to(ROOT) else d.name for d in sets], "rows": rows_total, "params": PARAMS,
            "features": features, "init": init, "rate": PARAMS["learning_rate"], "trees": trees}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true", help="print leave-one-set-out accuracy (rules vs model)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"where to write the model (default {OUT})")
    args = ap.parse_args()
    try:
        import numpy as np
        from sklearn.ensemble import GradientBoostingClassifier
    except ImportError:
        raise SystemExit("training needs scikit-learn: pip install -e '.[train]'") from None
    if set(TRAINING_SETS) & set(BLIND_SETS):
        raise SystemExit("a blind set is listed for training: the blind sets are scored, never learned from")
    missing = [str(d) for d in TRAINING_SETS if not (d / "labels.jsonl").is_file()]
    if missing:
        raise SystemExit("missing labelled sets: " + ", ".join(missing))
    rows = collect(chain(golden_cases(), *(labelled_set(d) for d in TRAINING_SETS)))
    features = list(rows[0][1])
    x = np.array([[r[1][f] for f in features] for r in rows])
    y = np.array([r[2] for r in rows])
    print(f"{len(rows)} candidates, {int(y.sum())} of them labelled deals, from {len(TRAINING_SETS)} sets")
    if args.cv:
        names = np.array([r[0] for r in rows])
        rule = np.array([r[3] for r in rows])
        right_rule = right_model = 0
        for name in sorted(set(names)):
            held = names == name
            m = GradientBoostingClassifier(**PARAMS).fit(x[~held], y[~held])
            got = m.predict(x[held])
            right_rule += int((rule[held] == y[held]).sum())
            right_model += int((got == y[held]).sum())
            print(f"  {name:12s} {int(held.sum()):4d} candidates  rules {np.mean(rule[held] == y[held]):.3f}"
                  f"  model {np.mean(got == y[held]):.3f}")
        print(f"leave-one-set-out accuracy: rules {right_rule / len(y):.3f}, model {right_model / len(y):.3f}")
    model = GradientBoostingClassifier(**PARAMS).fit(x, y)
    data = export(model, features, len(rows), [*TRAINING_SETS, *GOLDEN_DIRS])
    ours = TreeModel.from_dict(data)
    theirs = model.predict_proba(x)[:, 1]
    worst = max(abs(ours.probability(dict(zip(features, row, strict=True))) - p) for row, p in zip(x, theirs, strict=True))
    if worst > 1e-9:
        raise SystemExit(f"export check failed: the JSON model differs from sklearn's by {worst:g}")
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB); export matches sklearn within {worst:.1e}")


if __name__ == "__main__":
    main()
