"""Peak memory of a crawl: the parent (as ``dealradar crawl`` runs it), the crawl child and its workers.

A generated news web (``--articles``, default 2,000, on ``--outlets`` servers running in their own
process, which is not counted) is crawled once by ``run_crawl``. The process tree is sampled from
/proc every 50 ms: the peak of the summed resident set size (RSS, counts shared pages once per
process), the peak of the summed proportional set size (PSS, shared pages split between the
processes that share them: the better "what does this cost the machine" figure), and each role's
largest process.

    .venv/bin/python benchmarks/crawl_memory.py                  # 2,000 articles
    .venv/bin/python benchmarks/crawl_memory.py --articles 200   # quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsweb import ProcessSampler, bench_settings, machine, serve_newsweb  # noqa: E402

MIB = 1024 * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--outlets", type=int, default=20)
    ap.add_argument("--workers", type=int, default=0, help="analysis workers (0: the default, one per core, max 4)")
    ap.add_argument("--interval", type=float, default=0.05, help="sampling interval, seconds")
    args = ap.parse_args()
    print(f"crawl_memory: {args.articles} articles, {args.outlets} outlets; {machine()}")
    from crawler.crawl.runner import run_crawl

    with tempfile.TemporaryDirectory(prefix="dealradar-bench-") as tmp, \
            serve_newsweb(args.articles, args.outlets) as web:
        settings = bench_settings(f"sqlite:///{tmp}/memory.db", web.sources(), workers=args.workers,
                                  channels=[{"name": "bench-hook", "webhook": "http://127.0.0.1:9/hook"}])
        before = ProcessSampler(exclude=(web.pid,))
        before._sample()
        with ProcessSampler(exclude=(web.pid,), interval=args.interval) as sampler:
            started = time.monotonic()
            summary = run_crawl(settings, settings.sources)
            wall = time.monotonic() - started
        db_size = sum(f.stat().st_size for f in Path(tmp).iterdir())
    roles = sampler.max_rss_by_role()
    print(f"  crawled {summary.total('fetched')} pages, stored {summary.total('new_articles')} new articles "
          f"in {wall:.1f}s ({sampler.samples} samples); database {db_size / MIB:.1f} MiB")
    print(f"  peak total RSS {sampler.peak_rss / MIB:.0f} MiB, peak total PSS {sampler.peak_pss / MIB:.0f} MiB "
          f"(parent and its helper before the crawl: RSS {before.peak_rss / MIB:.0f} MiB)")
    print("  at the RSS peak: " + ", ".join(f"{k} {v / MIB:.0f} MiB" for k, v in
                                              sorted(sampler.peak_by_role_sum().items())))
    print("  largest process per role: " + ", ".join(
        f"{role} {top / MIB:.0f} MiB (of {n})" for role, (top, n) in sorted(roles.items())))
    if os.environ.get("BENCH_DEBUG"):
        print(sampler.max_rss_by_pid)


if __name__ == "__main__":
    main()
