"""Checks one labelled article set (articles.jsonl + labels.jsonl) before anyone scores the parser on it.

    .venv/bin/python benchmarks/check_labelled_set.py benchmarks/heldout5

Both files parse; ids match one to one and in order; every label follows the schema of
../shared/eval/dev/README.md (fields, deal types, statuses, no amount without its text, leads among
the investors); every amount_text, company and investor appears verbatim in the article; a duplicate-
coverage group has two or more articles; and the labels scored against themselves with
../shared/eval/score.py (when it is there) are perfect. Exit status 1 lists the problems.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
ARTICLE_FIELDS = {"id", "url", "title", "published", "text"}
LABEL_FIELDS = {"id", "is_deal", "deals", "group", "conflict", "notes"}
DEAL_FIELDS = {"company", "amount_usd", "amount_text", "currency", "deal_type", "round", "investors",
               "lead_investors", "valuation_usd", "status"}
DEAL_TYPES = {"equity", "debt", "joint_venture", "compute_commitment", "infrastructure", "acquisition",
              "financing_undisclosed_structure"}
STATUSES = {"rumored", "announced", "closed"}


def read_jsonl(path: Path, problems: list[str]) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"{path.name}:{n}: not JSON: {exc}")
    return rows


def check_deal(aid: str, deal: dict, text: str, problems: list[str]) -> None:
    where = f"{aid}: {deal.get('company')!r}"
    if set(deal) != DEAL_FIELDS:
        problems.append(f"{where}: deal fields {sorted(deal)}")
        return
    if deal["deal_type"] not in DEAL_TYPES:
        problems.append(f"{where}: deal_type {deal['deal_type']!r}")
    if deal["status"] not in STATUSES:
        problems.append(f"{where}: status {deal['status']!r}")
    if deal["amount_text"] is None and (deal["amount_usd"] is not None or deal["currency"] is not None):
        problems.append(f"{where}: an amount with no amount_text")  # a range keeps its text, amount_usd null
    if deal["amount_text"] is not None and deal["currency"] is None:
        problems.append(f"{where}: amount_text without a currency")
    if not isinstance(deal["investors"], list) or not isinstance(deal["lead_investors"], list):
        problems.append(f"{where}: investors and lead_investors must be lists")
        return
    problems.extend(f"{where}: lead {lead!r} is not among the investors"
                    for lead in deal["lead_investors"] if lead not in deal["investors"])
    phrases = [deal["company"], *deal["investors"]] + ([deal["amount_text"]] if deal["amount_text"] else [])
    problems.extend(f"{where}: {p!r} is not in the article" for p in phrases if not p or p not in text)


def check(folder: Path) -> list[str]:
    problems: list[str] = []
    articles = read_jsonl(folder / "articles.jsonl", problems)
    labels = read_jsonl(folder / "labels.jsonl", problems)
    if problems:
        return problems
    ids = [a.get("id") for a in articles]
    if len(set(ids)) != len(ids):
        problems.append("article ids repeat")
    if [g.get("id") for g in labels] != ids:
        return [*problems, "label ids do not match the article ids one to one, in order"]
    groups: dict[str, int] = {}
    for art, gold in zip(articles, labels, strict=True):
        aid = gold["id"]
        if set(art) != ARTICLE_FIELDS:
            problems.append(f"{aid}: article fields {sorted(art)}")
        if set(gold) != LABEL_FIELDS:
            problems.append(f"{aid}: label fields {sorted(gold)}")
            continue
        if gold["is_deal"] is not bool(gold["deals"]):
            problems.append(f"{aid}: is_deal does not match its deals")
        if gold["group"] is not None:
            groups[gold["group"]] = groups.get(gold["group"], 0) + 1
        elif gold["conflict"]:
            problems.append(f"{aid}: a conflict outside any group")
        text = f"{art.get('title', '')}\n{art.get('text', '')}"
        for deal in gold["deals"]:
            check_deal(aid, deal, text, problems)
    problems.extend(f"group {name} has only {n} article" for name, n in groups.items() if n < 2)
    if SCORE.exists():
        out = subprocess.run([sys.executable, str(SCORE), str(folder / "labels.jsonl"), str(folder / "labels.jsonl"),
                              "--json"], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            problems.append(f"score.py failed: {out.stderr.strip()}")
        else:
            res = json.loads(out.stdout)
            problems.extend(f"labels against themselves: {k} F1 {res[k]['f1']}"
                            for k in ("detection", "deal_loose", "deal_strict", "investors") if res[k]["f1"] != 1.0)
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="a folder holding articles.jsonl and labels.jsonl")
    folder = ap.parse_args().folder
    problems = check(folder)
    if problems:
        print("\n".join(problems))
        return 1
    labels = read_jsonl(folder / "labels.jsonl", [])
    deals = sum(len(g["deals"]) for g in labels)
    with_deals = sum(1 for g in labels if g["deals"])
    print(f"{folder}: OK, {len(labels)} articles, {with_deals} with deals ({deals} deals), "
          f"{len(labels) - with_deals} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
