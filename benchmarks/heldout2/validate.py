#!/usr/bin/env python3
"""Structural checks for the heldout2 set (does not run the parser).

Usage (from anywhere): python3 benchmarks/heldout2/validate.py
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORE = Path("/work/shared/eval/score.py")
DEAL_FIELDS = ["company", "amount_usd", "amount_text", "currency", "deal_type", "round",
               "investors", "lead_investors", "valuation_usd", "status"]
DEAL_TYPES = {"equity", "debt", "joint_venture", "compute_commitment", "infrastructure",
              "acquisition", "financing_undisclosed_structure"}
STATUSES = {"rumored", "announced", "closed"}
ROUNDS = {None, "Seed", "Pre-Seed", "Secondary"} | {f"Series {c}" for c in "ABCDEF"}
LABEL_FIELDS = {"id", "is_deal", "deals", "group", "conflict", "notes"}
ART_FIELDS = {"id", "url", "title", "published", "text"}


def load(p):
    with open(p, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main():
    errs = []
    arts, labs = load(HERE / "articles.jsonl"), load(HERE / "labels.jsonl")
    ids = [f"k{i:03d}" for i in range(1, 41)]
    if [a["id"] for a in arts] != ids:
        errs.append("article ids not k001..k040 in order")
    if [lab["id"] for lab in labs] != ids:
        errs.append("label ids not k001..k040 in order")
    n_deals = n_neg = 0
    words = []
    for a, lab in zip(arts, labs, strict=True):
        aid = a["id"]
        if set(a) != ART_FIELDS:
            errs.append(f"{aid}: article fields {sorted(a)}")
        if not re.fullmatch(r"202[56]-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["published"]):
            errs.append(f"{aid}: bad published {a['published']}")
        wc = len(a["text"].split())
        words.append(wc)
        if not 120 <= wc <= 450:
            errs.append(f"{aid}: {wc} words")
        if "\n\n" not in a["text"]:
            errs.append(f"{aid}: no paragraph breaks")
        if set(lab) != LABEL_FIELDS:
            errs.append(f"{aid}: label fields {sorted(lab)}")
        if lab["is_deal"] != bool(lab["deals"]):
            errs.append(f"{aid}: is_deal inconsistent")
        if lab["conflict"] and not lab["group"]:
            errs.append(f"{aid}: conflict without group")
        n_deals += len(lab["deals"])
        n_neg += not lab["deals"]
        for d in lab["deals"]:
            if list(d) != DEAL_FIELDS:
                errs.append(f"{aid}: deal fields {list(d)}")
            if d["deal_type"] not in DEAL_TYPES:
                errs.append(f"{aid}: deal_type {d['deal_type']}")
            if d["status"] not in STATUSES:
                errs.append(f"{aid}: status {d['status']}")
            if d["round"] not in ROUNDS:
                errs.append(f"{aid}: round {d['round']}")
            if d["amount_text"] is not None and d["amount_text"] not in a["text"]:
                errs.append(f"{aid}: amount_text {d['amount_text']!r} not in text")
            if (d["amount_usd"] is None) != (d["amount_text"] is None) or (d["amount_text"] is None) != (d["currency"] is None):
                errs.append(f"{aid}: amount_usd/amount_text/currency nullness differs")
            if d["company"] not in a["text"]:
                errs.append(f"{aid}: company {d['company']!r} not in text")
            for name in d["investors"] + d["lead_investors"]:
                if name not in a["text"]:
                    errs.append(f"{aid}: investor {name!r} not verbatim in text (check canonicalisation)")
            if not set(d["lead_investors"]) <= set(d["investors"]):
                errs.append(f"{aid}: lead not subset of investors")
    groups = {}
    for lab in labs:
        if lab["group"]:
            groups.setdefault(lab["group"], []).append((lab["id"], lab["conflict"]))
    # self-score: labels against labels must be perfect
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tf:
        for lab in labs:
            tf.write(json.dumps({"id": lab["id"], "is_deal": lab["is_deal"], "deals": lab["deals"]}) + "\n")
    outs = [subprocess.run([sys.executable, str(SCORE), str(HERE / "labels.jsonl"), p, "--show-errors"],
                           capture_output=True, text=True).stdout.strip()
            for p in (str(HERE / "labels.jsonl"), tf.name)]
    for o in outs:
        print(o)
        if o.count("=1.0") != 8:
            errs.append("self-score not perfect: " + o)
    print(f"articles={len(arts)} deal_articles={len(arts) - n_neg} deals={n_deals} negatives={n_neg} "
          f"words min/max={min(words)}/{max(words)} groups={groups}")
    for e in errs:
        print("ERROR", e)
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
