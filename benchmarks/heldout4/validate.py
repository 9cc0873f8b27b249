#!/usr/bin/env python3
"""Sanity checks for the heldout4 evaluation set.

Usage (from anywhere):
    python3 benchmarks/heldout4/validate.py

Checks that articles.jsonl and labels.jsonl parse, that their ids match one to one
and in order, that every label follows the dev README schema, that every
amount_text, company and investor name appears verbatim in its article text, and
that scoring the labels against themselves with shared/eval/score.py is perfect.
Exits non-zero and lists the problems if any check fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles.jsonl"
LABELS = HERE / "labels.jsonl"
SCORE = HERE.parents[2] / "shared" / "eval" / "score.py"

ARTICLE_FIELDS = {"id", "url", "title", "published", "text"}
LABEL_FIELDS = {"id", "is_deal", "deals", "group", "conflict", "notes"}
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
ROUNDS = {None, "Seed", "Secondary"} | {f"Series {c}" for c in "ABCDEF"}
CURRENCIES = {None, "USD", "EUR", "GBP", "CHF", "CAD", "INR", "JPY", "CNY"}
PUBLISHED_RE = re.compile(r"^20(23|24|25|26)-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EXPECTED_GROUPS = {"NG1": (3, 1), "NG2": (2, 0)}  # group -> (members, articles with conflict)


def read_jsonl(path: Path, problems: list[str]) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{n}: not JSON: {exc}")
    return rows


def check_article(art: dict, problems: list[str]) -> None:
    aid = art.get("id")
    if set(art) != ARTICLE_FIELDS:
        problems.append(f"{aid}: article fields {sorted(art)}")
    if not PUBLISHED_RE.match(str(art.get("published", ""))):
        problems.append(f"{aid}: bad published {art.get('published')!r}")
    if not str(art.get("url", "")).startswith("https://"):
        problems.append(f"{aid}: bad url")
    text = art.get("text", "")
    words = len(text.split())
    if not 120 <= words <= 450:
        problems.append(f"{aid}: {words} words (want 120-450)")
    if "\n\n" not in text:
        problems.append(f"{aid}: text has no paragraph breaks")


def check_deal(aid: str, deal: dict, text: str, problems: list[str]) -> None:
    where = f"{aid}: {deal.get('company')!r}"
    if set(deal) != DEAL_FIELDS:
        problems.append(f"{where}: deal fields {sorted(deal)}")
        return
    if deal["deal_type"] not in DEAL_TYPES:
        problems.append(f"{where}: deal_type {deal['deal_type']!r}")
    if deal["status"] not in STATUSES:
        problems.append(f"{where}: status {deal['status']!r}")
    if deal["round"] not in ROUNDS:
        problems.append(f"{where}: round {deal['round']!r}")
    if deal["currency"] not in CURRENCIES:
        problems.append(f"{where}: currency {deal['currency']!r}")
    nulls = [deal["amount_usd"] is None, deal["amount_text"] is None, deal["currency"] is None]
    if len(set(nulls)) != 1:
        problems.append(f"{where}: amount_usd/amount_text/currency must be all null or all set")
    for field in ("amount_usd", "valuation_usd"):
        value = deal[field]
        if value is not None and (not isinstance(value, (int, float)) or value <= 0):
            problems.append(f"{where}: {field} {value!r}")
    if not isinstance(deal["investors"], list) or not isinstance(deal["lead_investors"], list):
        problems.append(f"{where}: investors/lead_investors must be lists")
        return
    for lead in deal["lead_investors"]:
        if lead not in deal["investors"]:
            problems.append(f"{where}: lead {lead!r} not in investors")
    verbatim = [deal["company"], *deal["investors"]]
    if deal["amount_text"] is not None:
        verbatim.append(deal["amount_text"])
    for phrase in verbatim:
        if not phrase or phrase not in text:
            problems.append(f"{where}: {phrase!r} not found verbatim in article text")


def check_labels(articles: list[dict], labels: list[dict], problems: list[str]) -> None:
    art_ids = [a.get("id") for a in articles]
    lab_ids = [g.get("id") for g in labels]
    expected = [f"n{i:03d}" for i in range(1, 41)]
    if art_ids != expected:
        problems.append(f"article ids are not n001..n040 in order: {art_ids}")
    if lab_ids != art_ids:
        problems.append("label ids do not match article ids in order")
    groups: dict[str, list[bool]] = {}
    for art, gold in zip(articles, labels, strict=True):
        aid = gold.get("id")
        if set(gold) != LABEL_FIELDS:
            problems.append(f"{aid}: label fields {sorted(gold)}")
            continue
        if gold["is_deal"] is not bool(gold["deals"]):
            problems.append(f"{aid}: is_deal does not match deals")
        if not isinstance(gold["conflict"], bool) or not isinstance(gold["notes"], str):
            problems.append(f"{aid}: conflict must be bool and notes a string")
        if gold["group"] is not None:
            groups.setdefault(gold["group"], []).append(gold["conflict"])
        elif gold["conflict"]:
            problems.append(f"{aid}: conflict without a group")
        for deal in gold["deals"]:
            check_deal(aid, deal, art.get("text", ""), problems)
    for name, (members, conflicts) in EXPECTED_GROUPS.items():
        flags = groups.get(name, [])
        if len(flags) != members or sum(flags) != conflicts:
            problems.append(f"group {name}: {len(flags)} members, {sum(flags)} conflicts")
    extra = set(groups) - set(EXPECTED_GROUPS)
    if extra:
        problems.append(f"unexpected groups {sorted(extra)}")


def check_self_score(problems: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCORE), str(LABELS), str(LABELS), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        problems.append(f"score.py failed: {proc.stderr.strip()}")
        return
    res = json.loads(proc.stdout)
    for key in ("detection", "deal_loose", "deal_strict", "investors"):
        if res[key]["f1"] != 1.0:
            problems.append(f"self-score {key} f1={res[key]['f1']}")
    for field, acc in res["field_accuracy"].items():
        if acc != 1.0:
            problems.append(f"self-score {field} accuracy={acc}")


def main() -> int:
    problems: list[str] = []
    articles = read_jsonl(ARTICLES, problems)
    labels = read_jsonl(LABELS, problems)
    if problems:
        print("\n".join(problems))
        return 1
    for art in articles:
        check_article(art, problems)
    if len(articles) != len(labels):
        problems.append(f"{len(articles)} articles but {len(labels)} labels")
    else:
        check_labels(articles, labels, problems)
    check_self_score(problems)
    if problems:
        print("\n".join(problems))
        return 1
    n_deals = sum(len(g["deals"]) for g in labels)
    n_pos = sum(g["is_deal"] for g in labels)
    print(
        f"OK: {len(articles)} articles, {n_pos} with deals, {len(articles) - n_pos} negatives, {n_deals} deals"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
