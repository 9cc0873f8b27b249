"""Storage alone: ``ArticleProcessor.store`` (duplicate check, deal matching, consensus, events and outbox
rows; one transaction per article, or per ``--batch`` articles) over the analysed pages of a generated news web, in ms of CPU per
article. Storage runs in the crawl process, beside the fetcher, so every millisecond here is one the
fetcher does not get.

The pages are extracted and parsed first (not timed), then stored into a fresh database, in the
generator's order, as a crawl would. SQLite in a temporary directory by default; ``--url`` takes a
PostgreSQL URL (its tables are emptied first).

    .venv/bin/python benchmarks/store_speed.py                        # 2,000 articles, SQLite
    .venv/bin/python benchmarks/store_speed.py --articles 500 --rounds 1
    .venv/bin/python benchmarks/store_speed.py --url postgresql://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsweb import NewsWeb, machine  # noqa: E402


def analysed_pages(articles: int, outlets: int, seed: int) -> list:
    from crawler.crawl.items import ArticleItem
    from crawler.crawl.pipeline import analyse
    from crawler.deals import load_resources

    web = NewsWeb(articles, outlets, seed=seed)
    resources = load_resources()
    now = datetime.now(UTC)
    out = []
    for art in web.articles:
        outlet = web.outlets[art.outlet]
        item = ArticleItem(url=f"http://127.0.0.1:{8000 + art.outlet}{art.path}", source=outlet.key,
                           html=web.page(art), outlet=outlet.name, fetched_at=now)
        out.append(analyse(item, resources, now=now))
    return out


def store_all(url: str, analyses: list, batch: int = 1) -> tuple[float, float, Counter[str], dict[str, int]]:
    from crawler.crawl.pipeline import ArticleProcessor
    from storage.repository import ChannelRoute, Repository

    repo = Repository.open(url)
    try:
        repo.purge()
        processor = ArticleProcessor(repo, None, channels=[ChannelRoute("bench-hook", lambda event, deal: True)])
        outcomes: Counter[str] = Counter()
        wall, cpu = time.perf_counter(), time.process_time()
        now = datetime.now(UTC)
        for i in range(0, len(analyses), batch):
            for done in processor.store_many([(a, now) for a in analyses[i : i + batch]]):
                outcomes[done.outcome.status] += 1  # type: ignore[union-attr]
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return wall, cpu, outcomes, repo.counts()
    finally:
        repo.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--outlets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3, help="fresh database each round; medians reported")
    ap.add_argument("--url", help="database URL (default: SQLite in a temporary directory)")
    ap.add_argument("--batch", type=int, default=1, help="articles per transaction: 1 as a daemon's trickle stores "
                    "them; a busy crawl shares a commit among those analysed within 20 ms (up to 64)")
    args = ap.parse_args()

    print(f"store_speed: {args.articles} articles, {args.outlets} outlets, {args.batch} per transaction; {machine()}")
    analyses = analysed_pages(args.articles, args.outlets, args.seed)
    cpu_ms, wall_ms = [], []
    with tempfile.TemporaryDirectory(prefix="dealradar-store-") as tmp:
        for rnd in range(args.rounds):
            url = args.url or f"sqlite:///{tmp}/store-{rnd}.db"
            wall, cpu, outcomes, counts = store_all(url, analyses, args.batch)
            n = len(analyses)
            cpu_ms.append(1000 * cpu / n)
            wall_ms.append(1000 * wall / n)
            print(f"  round {rnd + 1}: {wall_ms[-1]:.2f} ms/article wall, {cpu_ms[-1]:.2f} ms/article CPU; "
                  f"{dict(outcomes)}; {counts}")
    print(f"  median: {statistics.median(wall_ms):.2f} ms/article wall, {statistics.median(cpu_ms):.2f} ms/article "
          f"CPU ({1000 / statistics.median(wall_ms):.0f} articles/s)")


if __name__ == "__main__":
    main()
