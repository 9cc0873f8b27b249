"""How the event layer merges many outlets' coverage into deals, measured on a labelled set.

    dealradar extract --jsonl ../shared/eval/real-dev/articles.jsonl > /tmp/pred.jsonl
    python benchmarks/merge_groups.py ../shared/eval/real-dev /tmp/pred.jsonl

Feeds every mention (the parser's predictions, and separately the labels themselves as a perfect
parser) through matching in published order, as storage does, and reports: deals created,
``deal.new`` alerts per labelled duplicate-coverage group (1 is right), the labelled number of
distinct deals (each group one deal, one deal per label entry otherwise), and any deal holding
names ``same_company`` keeps apart.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.events import (
    DealState,
    Mention,
    ResolutionPolicy,
    SourceRef,
    apply_mention,
    candidate_keys,
    candidate_window,
    match_deal,
    same_company,
)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def resolve(items: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> tuple[dict[str, list[str]], list[DealState]]:
    """Apply ``(article id, article, record)`` in published order; the events per article id, and the deals."""
    policy = ResolutionPolicy()
    deals: list[DealState] = []
    events: dict[str, list[str]] = defaultdict(list)
    for art_id, art, record in items:
        published = datetime.fromisoformat(art["published"]).astimezone(UTC) if art.get("published") else None
        host = urlsplit(art.get("url") or "").hostname or art_id
        mention = Mention.from_record(record, SourceRef(url=art.get("url") or art_id, title=art.get("title"),
                                                        outlet=host, published=published))
        now = published or datetime.now(UTC)
        keys = set(candidate_keys(mention.company))
        start, end = candidate_window(mention, now, policy)
        candidates = [d for d in deals if d.company_key in keys and d.last_seen >= start and d.first_seen <= end]
        matched = match_deal(mention, candidates, policy, now=now)
        state, evs = apply_mention(matched, mention, now=now, policy=policy)
        if matched is None:
            deals.append(state)
        elif state is not matched:
            deals[deals.index(matched)] = state
        events[art_id] += [e.kind for e in evs]
    return events, deals


def report(name: str, labels: list[dict[str, Any]], articles: dict[str, dict[str, Any]],
           records: dict[str, list[dict[str, Any]]]) -> None:
    items = sorted(((i, articles[i], r) for i, recs in records.items() for r in recs),
                   key=lambda t: (t[1].get("published") or "", t[0]))
    events, deals = resolve(items)
    groups: dict[str, list[str]] = defaultdict(list)
    for label in labels:
        if label.get("group"):
            groups[label["group"]].append(label["id"])
    per_group = {g: sum(events[i].count("deal.new") for i in ids) for g, ids in sorted(groups.items())}
    over = [sorted({r.mention.company for r in d.reports}) for d in deals
            if any(not same_company(a.mention.company, b.mention.company) for a in d.reports for b in d.reports)]
    print(f"{name}: {len(items)} mentions -> {len(deals)} deals; "
          f"deal.new {sum(e.count('deal.new') for e in events.values())}, "
          f"deal.updated {sum(e.count('deal.updated') for e in events.values())}, "
          f"deal.conflict {sum(e.count('deal.conflict') for e in events.values())}")
    distinct = sum(len(lb["deals"]) for lb in labels) - sum(len(ids) - 1 for ids in groups.values())
    print(f"  labelled distinct deals: {distinct} (fewer deals above: over-merged; more: split)")
    print(f"  deal.new per duplicate-coverage group (1 is right): {per_group}")
    print(f"  deals holding names same_company keeps apart: {over or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path, help="folder with articles.jsonl and labels.jsonl")
    ap.add_argument("predictions", type=Path, help="dealradar extract --jsonl output for its articles")
    args = ap.parse_args()
    articles = {a["id"]: a for a in read_jsonl(args.dataset / "articles.jsonl")}
    labels = read_jsonl(args.dataset / "labels.jsonl")
    predicted = {p["id"]: p["deals"] for p in read_jsonl(args.predictions)}
    report("labels as mentions", labels, articles, {lb["id"]: lb["deals"] for lb in labels})
    report("parser predictions", labels, articles, predicted)


if __name__ == "__main__":
    main()
