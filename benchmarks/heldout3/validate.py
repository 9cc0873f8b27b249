#!/usr/bin/env python3
"""Check the heldout3 evaluation set for internal consistency.

Usage (from anywhere):
    python3 benchmarks/heldout3/validate.py [--score PATH/TO/score.py]

Checks that articles.jsonl and labels.jsonl parse, that their ids match line by
line (m001..m040), that each label follows the dev README schema, that every
company, investor and amount_text appears verbatim in its article's text, and
that the labels scored against themselves with shared/eval/score.py give
perfect scores. Exits 1 and lists the problems if any check fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
DEFAULT_SCORE = (HERE / ".." / ".." / ".." / "shared" / "eval" / "score.py").resolve()

ARTICLE_FIELDS = ["id", "url", "title", "published", "text"]
LABEL_FIELDS = ["id", "is_deal", "deals", "group", "conflict", "notes"]
DEAL_FIELDS = {
    "company",
    "amount_usd",
    "amount_text",
    "currency",
    "deal_type",
    "round",
    "investors",
    "lead_investors",
    "valuation_usd",
    "status",
}
DEAL_TYPES = {
    "equity",
    "debt",
    "joint_venture",
    "compute_commitment",
    "infrastructure",
    "acquisition",
    "financing_undisclosed_structure",
}
STATUSES = {"rumored", "announced", "closed"}
ROUNDS = {"Seed", "Secondary"} | {f"Series {c}" for c in "ABCDEF"}
CURRENCIES = {"USD", "EUR", "GBP", "CHF", "CAD", "INR", "JPY", "CNY", "KRW"}
PUBLISHED = re.compile(r"^20(24|25|26)-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EXPECTED_IDS = [f"m{n:03d}" for n in range(1, 41)]


def load_jsonl(path: Path, problems: list[str]) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                problems.append(f"{path.name}:{n}: blank line")
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{n}: not JSON: {exc}")
    return rows


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("dealradar_eval_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_article(art: dict, problems: list[str]) -> None:
    aid = art.get("id")
    if list(art) != ARTICLE_FIELDS:
        problems.append(f"{aid}: article fields {list(art)} != {ARTICLE_FIELDS}")
    if not PUBLISHED.match(str(art.get("published", ""))):
        problems.append(f"{aid}: bad published {art.get('published')!r}")
    if not str(art.get("url", "")).startswith("https://"):
        problems.append(f"{aid}: bad url {art.get('url')!r}")
    text = art.get("text") or ""
    words = len(text.split())
    if not 120 <= words <= 450:
        problems.append(f"{aid}: {words} words, expected 120-450")
    if "\n\n" not in text or "\n\n\n" in text:
        problems.append(f"{aid}: paragraphs must be separated by exactly one blank line")


def check_deal(aid: str, deal: dict, text: str, problems: list[str]) -> None:
    where = f"{aid}: {deal.get('company')!r}"
    if set(deal) != DEAL_FIELDS:
        problems.append(f"{where}: deal fields {sorted(deal)} != {sorted(DEAL_FIELDS)}")
        return
    if deal["deal_type"] not in DEAL_TYPES:
        problems.append(f"{where}: bad deal_type {deal['deal_type']!r}")
    if deal["status"] not in STATUSES:
        problems.append(f"{where}: bad status {deal['status']!r}")
    if deal["round"] is not None and deal["round"] not in ROUNDS:
        problems.append(f"{where}: bad round {deal['round']!r}")
    if not deal["company"] or deal["company"] not in text:
        problems.append(f"{where}: company not found verbatim in text")
    amount, amount_text, currency = deal["amount_usd"], deal["amount_text"], deal["currency"]
    if amount is None:
        if amount_text is not None or currency is not None:
            problems.append(f"{where}: null amount needs null amount_text and currency")
    else:
        if not isinstance(amount, (int, float)) or amount <= 0:
            problems.append(f"{where}: bad amount_usd {amount!r}")
        if not amount_text or amount_text not in text:
            problems.append(f"{where}: amount_text {amount_text!r} not found verbatim in text")
        if currency not in CURRENCIES:
            problems.append(f"{where}: bad currency {currency!r}")
    valuation = deal["valuation_usd"]
    if valuation is not None and (not isinstance(valuation, (int, float)) or valuation <= 0):
        problems.append(f"{where}: bad valuation_usd {valuation!r}")
    investors, leads = deal["investors"], deal["lead_investors"]
    if not isinstance(investors, list) or not isinstance(leads, list):
        problems.append(f"{where}: investors and lead_investors must be lists")
        return
    for name in investors + leads:
        if not name or name not in text:
            problems.append(f"{where}: investor {name!r} not found verbatim in text")
    for name in leads:
        if name not in investors:
            problems.append(f"{where}: lead {name!r} missing from investors")
    if deal["deal_type"] in {"compute_commitment", "infrastructure"} and leads:
        problems.append(f"{where}: {deal['deal_type']} must have empty lead_investors")


def check_label(label: dict, art: dict, problems: list[str]) -> None:
    aid = label.get("id")
    if list(label) != LABEL_FIELDS:
        problems.append(f"{aid}: label fields {list(label)} != {LABEL_FIELDS}")
    deals = label.get("deals")
    if not isinstance(deals, list):
        problems.append(f"{aid}: deals must be a list")
        return
    if label.get("is_deal") is not bool(deals):
        problems.append(f"{aid}: is_deal must be true iff deals is non-empty")
    if not isinstance(label.get("conflict"), bool):
        problems.append(f"{aid}: conflict must be a boolean")
    if label.get("conflict") and not label.get("group"):
        problems.append(f"{aid}: conflict without a group")
    if not label.get("notes"):
        problems.append(f"{aid}: empty notes")
    text = art.get("text") or ""
    for deal in deals:
        check_deal(aid, deal, text, problems)


def check_groups(labels: list[dict], problems: list[str]) -> None:
    groups: dict[str, list[dict]] = {}
    for label in labels:
        if label.get("group"):
            groups.setdefault(label["group"], []).append(label)
    expected = {"MG1": (3, 1), "MG2": (2, 0)}
    if set(groups) != set(expected):
        problems.append(f"groups {sorted(groups)} != {sorted(expected)}")
    for name, members in groups.items():
        size, conflicts = expected.get(name, (None, None))
        if len(members) != size:
            problems.append(f"group {name}: {len(members)} articles, expected {size}")
        if sum(m["conflict"] for m in members) != conflicts:
            problems.append(f"group {name}: wrong number of conflict flags")


def check_self_score(scorer: ModuleType, labels: list[dict], problems: list[str]) -> dict:
    keyed = {str(label["id"]): label for label in labels}
    result = scorer.score(keyed, keyed, show_errors=True)
    for error in result.get("errors", []):
        problems.append(f"self-score error: {error}")
    for metric in ("detection", "deal_loose", "deal_strict", "investors"):
        if result[metric]["f1"] != 1.0:
            problems.append(f"self-score {metric} f1 = {result[metric]['f1']}")
    for field, acc in result["field_accuracy"].items():
        if acc != 1.0:
            problems.append(f"self-score {field} accuracy = {acc}")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--score", type=Path, default=DEFAULT_SCORE, help="path to shared/eval/score.py")
    args = ap.parse_args()

    problems: list[str] = []
    articles = load_jsonl(HERE / "articles.jsonl", problems)
    labels = load_jsonl(HERE / "labels.jsonl", problems)
    article_ids = [a.get("id") for a in articles]
    label_ids = [lab.get("id") for lab in labels]
    if article_ids != EXPECTED_IDS:
        problems.append("articles.jsonl ids are not m001..m040 in order")
    if label_ids != article_ids:
        problems.append("labels.jsonl ids do not match articles.jsonl line by line")
    if len({a.get("url") for a in articles}) != len(articles):
        problems.append("duplicate urls")

    if len(articles) == len(labels):
        for art, label in zip(articles, labels, strict=True):
            check_article(art, problems)
            check_label(label, art, problems)
    check_groups(labels, problems)

    result = check_self_score(load_scorer(args.score), labels, problems)

    n_deal_articles = sum(1 for lab in labels if lab.get("is_deal"))
    n_deals = sum(len(lab.get("deals") or []) for lab in labels)
    print(
        f"articles={len(articles)} deal_articles={n_deal_articles} negatives={len(labels) - n_deal_articles} "
        f"deals={n_deals} self_score_deal_strict_f1={result['deal_strict']['f1']}"
    )
    if problems:
        for problem in problems:
            print(f"FAIL {problem}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
