"""The dashboard's pages on a big SQLite database: 100,000 deals and 300,000 mentions, each page under 200 ms.

Fills a SQLite file (three articles and three mentions per deal, deal states built by the real event code,
one deal.new event per deal and a conflict for one deal in ten; first reports spread over two years), then
starts a real ``dealradar serve`` on it and times each page over HTTP: the deals table at the first, middle and
last page in each sort order, filtered views, a deal page, the conflicts page, the sources page, the API and
the feed. Prints the median and the worst of ``--rounds`` requests per page (after one warm-up request).

    .venv/bin/python benchmarks/web_paging.py                      # 100,000 deals (fills in a few minutes)
    .venv/bin/python benchmarks/web_paging.py --deals 10000        # quick
    .venv/bin/python benchmarks/web_paging.py --db /tmp/big.db     # keep (and reuse) the database
"""

from __future__ import annotations

import argparse
import os
import random
import re
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["equity"] * 6 + ["debt", "debt", "compute_commitment", "infrastructure", "acquisition", "joint_venture",
                          "financing_undisclosed_structure"]
ROUNDS = [None, "Seed", "Series A", "Series B", "Series C", "Series D"]
WORDS = ("Alder Birch Cedar Quartz Helix Nimbus Orbit Vanta Lumen Kestrel Tessel Corvane Northwind Quill Ember Fjord "
         "Harbor Lattice Meridian Zephyr Onyx Pylon Rivet Sable Tundra Umber Vireo Wren Yarrow Zircon").split()
INVESTORS = [f"{a} {b}" for a in ("Alder", "Cedar", "Harbor", "Meridian", "Orbit", "Sundial", "Granite", "Lantern")
             for b in ("Capital", "Ventures", "Partners", "Growth")]
OUTLETS = ["wire.example", "daily.example", "ledger.example", "courier.example", "gazette.example", "post.example"]


def company(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]} {WORDS[(i // len(WORDS)) % len(WORDS)]} {i}"


def fill(path: Path, deals: int, seed: int = 7) -> None:
    """Write the database straight through the tables (the repository's per-article path would take an hour),
    with deal states the real event code builds from three mentions each."""
    from sqlalchemy import insert

    from crawler.article import content_hash
    from crawler.events import Mention, ResolutionPolicy, SourceRef, apply_mention
    from crawler.record import deal_record
    from storage.models import AlertEventRow, ArticleRow, DealRow, MentionRow
    from storage.records import _jsonable, investors_key
    from storage.repository import Repository

    rng = random.Random(seed)
    repo = Repository.open(f"sqlite:///{path}")
    policy = ResolutionPolicy()
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    batch = 2000
    article_id = mention_id = event_id = 0
    with repo.engine.begin() as conn:
        for start in range(0, deals, batch):
            deal_rows, article_rows, mention_rows, event_rows = [], [], [], []
            for i in range(start, min(deals, start + batch)):
                name = company(i)
                kind = rng.choice(TYPES)
                amount = round(rng.lognormvariate(17.5, 1.6), -5)
                investors = rng.sample(INVESTORS, rng.randint(1, 3))
                first = now - timedelta(days=rng.uniform(0, 730))
                state = None
                conflict = i % 10 == 0
                for k in range(3):
                    outlet = OUTLETS[(i + k) % len(OUTLETS)]
                    figure = amount * (1.4 if conflict and k == 2 else 1.0)
                    sentence = (f"{name}, which builds AI software for {rng.choice(WORDS).lower()} teams, has raised "
                                f"${figure / 1e6:.1f} million in a round led by {investors[0]}, the company said.")
                    record = deal_record(company=name, deal_type=kind, amount_usd=figure,
                                         amount_text=f"${figure / 1e6:.1f} million", currency="USD",
                                         round=rng.choice(ROUNDS) if k == 0 else None, investors=investors,
                                         lead_investors=investors[:1], valuation_usd=None,
                                         status=["rumored", "announced", "closed"][min(k, 2)], ai_related=i % 7 != 0,
                                         confidence=0.9, evidence=[{"text": sentence, "start": 0, "end": len(sentence)}])
                    published = first + timedelta(hours=6 * k)
                    url = f"https://{outlet}/{i}/{k}"
                    ref = SourceRef(url=url, title=f"{name} raises money", outlet=outlet, published=published,
                                    sentence=sentence, amount_text=record["amount_text"],
                                    syndication_key=content_hash(url))
                    mention = Mention.from_record(record, ref)
                    state, _ = apply_mention(state, mention, now=published, policy=policy)
                    article_id += 1
                    article_rows.append(dict(id=article_id, url=url, source=outlet, outlet=outlet,
                                             title=f"{name} raises money", published=published, published_from="page",
                                             fetched_at=published, language="en", text=sentence,
                                             content_hash=content_hash(url), simhash="0" * 16, is_deal=True,
                                             **{f"band{b}": rng.randrange(256) for b in range(8)}))
                    mention_id += 1
                    mention_rows.append(dict(id=mention_id, article_id=article_id, ordinal=0, deal_id=i + 1,
                                             company=name, deal_type=kind, amount_usd=figure,
                                             status=record["status"], confidence=0.9, record=_jsonable(record),
                                             created_at=published))
                assert state is not None
                state.id = i + 1
                rec = state.record(policy)
                deal_rows.append(dict(id=i + 1, company=rec["company"], company_key=state.company_key,
                                      deal_type=rec["deal_type"], round=rec.get("round"), amount_usd=rec.get("amount_usd"),
                                      valuation_usd=rec.get("valuation_usd"), status=rec["status"],
                                      ai_related=bool(rec.get("ai_related")), state=_jsonable(state.to_dict()),
                                      first_seen=state.first_seen, last_seen=state.last_seen,
                                      updated_at=state.updated_at, investors_key=investors_key(rec["investors"])))
                payload = _jsonable(state.payload(policy))
                event_id += 1
                event_rows.append(dict(id=event_id, deal_id=i + 1, event="deal.new", created_at=state.first_seen,
                                       body={"deal": payload, "occurred_at": state.first_seen.isoformat()}))
                for c in state.conflicts(policy):
                    event_id += 1
                    event_rows.append(dict(id=event_id, deal_id=i + 1, event="deal.conflict",
                                           created_at=state.last_seen,
                                           body={"deal": payload, "occurred_at": state.last_seen.isoformat(),
                                                 "conflict": _jsonable(c)}))
            conn.execute(insert(DealRow), deal_rows)
            conn.execute(insert(ArticleRow), article_rows)
            conn.execute(insert(MentionRow), mention_rows)
            conn.execute(insert(AlertEventRow), event_rows)
            done = min(deals, start + batch)
            print(f"\r  {done:,} deals, {mention_id:,} mentions, {event_id:,} events "
                  f"({time.perf_counter() - t0:.0f} s)", end="", file=sys.stderr, flush=True)
    with repo.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    repo.close()
    print(file=sys.stderr)


def serve(path: Path, tmp: Path) -> tuple[subprocess.Popen[str], str]:
    cfg = tmp / "bench.yaml"
    cfg.write_text(yaml.safe_dump({"storage": {"url": f"sqlite:///{path}"},
                                   "sources": [{"name": "wire", "feed": "https://wire.example/feed.xml"}]}))
    exe = str(Path(sys.executable).with_name("dealradar"))
    proc = subprocess.Popen([exe, "serve", "-c", str(cfg), "--port", "0"], stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"})
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
    if not sel.select(60):
        raise SystemExit("dealradar serve did not start")
    line = proc.stderr.readline()  # type: ignore[union-attr]
    m = re.search(r"(http://\S+)", line)
    if not m:
        raise SystemExit(f"dealradar serve: {line}")
    return proc, m.group(1)


def pages(deals: int) -> list[tuple[str, str]]:
    last = max(1, -(-deals // 50))
    mid = max(1, last // 2)
    return [
        ("deals, newest first, page 1 (with the chart)", "/"),
        ("deals, newest first, page 2", "/?page=2"),
        (f"deals, newest first, page {mid}", f"/?page={mid}"),
        (f"deals, newest first, page {last} (last)", f"/?page={last}"),
        ("deals by amount, page 1", "/?sort=amount"),
        (f"deals by amount, page {mid}", f"/?sort=amount&page={mid}"),
        (f"deals by amount, page {last}", f"/?sort=amount&page={last}"),
        ("deals by company, page 1", "/?sort=company"),
        (f"deals by company, page {mid}", f"/?sort=company&page={mid}"),
        (f"deals by company, page {last}", f"/?sort=company&page={last}"),
        ("type=debt, page 1", "/?type=debt"),
        ("type=debt, last page", f"/?type=debt&page={max(1, last // 7)}"),
        ("investor filter, page 1", "/?investor=Harbor+Capital"),
        ("investor filter, deep page", f"/?investor=Harbor+Capital&page={max(1, last // 25)}"),
        ("company filter", f"/?company={company(deals // 2).replace(' ', '+')}"),
        ("AI only, closed, $10M-$1B, by amount", "/?ai=1&status=closed&min_amount=1e7&max_amount=1e9&sort=amount"),
        ("round=Series B, last 90 days", f"/?round=Series+B&since={(datetime.now(UTC) - timedelta(days=90)).date()}"),
        ("one deal", f"/deals/{deals // 2}"),
        ("a deal with a conflict", f"/deals/{(deals // 20) * 10 + 1}"),
        ("conflicts, page 1", "/conflicts"),
        ("conflicts, page 20", "/conflicts?page=20"),
        ("sources", "/sources"),
        ("API: 100 deals", "/api/deals"),
        ("API: 50 deals, offset 90% in", f"/api/deals?limit=50&offset={int(deals * 0.9)}"),
        ("API: one deal", f"/api/deals/{deals // 3}"),
        ("Atom feed (50 entries)", "/feed.atom"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--db", type=Path, help="SQLite file to fill (reused when it already holds the deals)")
    args = ap.parse_args()
    import httpx

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = args.db or tmp / "big.db"
        print(f"load average at start: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
        if not path.exists():
            t0 = time.perf_counter()
            fill(path, args.deals)
            print(f"filled {path} ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.0f} s")
        proc, base = serve(path, tmp)
        worst = 0.0
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                print(f"\n{'page':<46} {'median ms':>10} {'max ms':>8}  status")
                for title, url in pages(args.deals):
                    client.get(url)  # warm-up: the first request of a page also loads its template
                    times, status = [], 0
                    for _ in range(args.rounds):
                        t = time.perf_counter()
                        r = client.get(url)
                        times.append((time.perf_counter() - t) * 1000)
                        status = r.status_code
                    worst = max(worst, max(times))
                    flag = "" if max(times) < 200 else "  OVER 200 ms"
                    print(f"{title:<46} {statistics.median(times):>10.1f} {max(times):>8.1f}  {status}{flag}")
        finally:
            proc.terminate()
            proc.wait(15)
        print(f"\nworst request: {worst:.1f} ms ({'under' if worst < 200 else 'OVER'} the 200 ms bar)")


if __name__ == "__main__":
    main()
