"""Feed polling: one pass over many feeds that have nothing new (the daemon's common case).

``--feeds`` small RSS feeds are spread over ``--servers`` outlet servers on 127.0.0.1; each server
sends an ETag and answers 304 to a matching If-None-Match. A first pass fetches every feed (and the
few articles they list) and stores the validators; the second pass is measured: every feed should
come back 304, and the pass must finish in under 20 seconds.

    .venv/bin/python benchmarks/feed_polling.py                 # 1,000 feeds on 20 servers
    .venv/bin/python benchmarks/feed_polling.py --feeds 200     # quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsweb import ProcessSampler, bench_settings, cpu_seconds, machine, serve_feedfarm  # noqa: E402

LIMIT_S = 20.0


def timed_pass(settings: Any, farm: Any) -> dict[str, Any]:
    from crawler.crawl.runner import run_crawl

    farm.reset()
    server_cpu = cpu_seconds(farm.pid)
    with ProcessSampler(exclude=(farm.pid,), interval=0.1) as sampler:
        started = time.monotonic()
        summary = run_crawl(settings, settings.sources, warm_workers=False)  # as the daemon polls
        finished = time.monotonic()
    stats = farm.stats()
    feeds = stats["by_prefix"].get("feeds", {"n": 0, "first": started, "last": started})
    cpu = sampler.cpu_by_role()
    cpu.pop("parent", None)
    cpu["web servers"] = cpu_seconds(farm.pid) - server_cpu
    return {
        "wall": finished - started, "summary": summary, "feed_requests": int(feeds["n"]),
        "conditional": stats["not_modified_candidates"],
        "window": feeds["last"] - feeds["first"], "first_request_after": feeds["first"] - started,
        "after_last_request": finished - feeds["last"], "cpu": cpu,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--servers", type=int, default=20)
    ap.add_argument("--entries", type=int, default=3, help="articles listed by each feed")
    ap.add_argument("--pool", type=int, default=10, help="distinct articles per server")
    ap.add_argument("--concurrency-per-host", type=int, default=16)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    print(f"feed_polling: {args.feeds} feeds on {args.servers} servers, concurrency_per_host "
          f"{args.concurrency_per_host}, concurrency {args.concurrency}; {machine()}")
    with tempfile.TemporaryDirectory(prefix="dealradar-bench-") as tmp, \
            serve_feedfarm(args.feeds, args.servers, entries=args.entries, pool=args.pool) as farm:
        sources = [{"name": f"feed{i:04d}", "feed": url, "outlet": f"outlet{i % args.servers:02d}"}
                   for i, url in enumerate(farm.feed_urls)]
        settings = bench_settings(f"sqlite:///{tmp}/polling.db", sources,
                                  concurrency_per_host=args.concurrency_per_host, concurrency=args.concurrency)
        first = timed_pass(settings, farm)
        s1 = first["summary"]
        print(f"  pass 1 (learn validators): {first['wall']:.1f}s, {first['feed_requests']} feed requests, "
              f"{s1.total('new_articles')} articles stored, {sum(len(s.errors) for s in s1.sources)} errors")
        from storage.repository import Repository

        repo = Repository.open(settings.storage.url)
        with_etag = sum(1 for st in repo.list_sources() if st.etag)
        repo.close()
        second = timed_pass(settings, farm)
        s2 = second["summary"]
        not_modified = sum(1 for s in s2.sources if s.not_modified)
        n = len(sources)
        rate_wall = n / second["wall"]
        rate_window = second["feed_requests"] / second["window"] if second["window"] > 0 else 0.0
        print(f"  pass 2 (measured): {second['wall']:.2f}s for {n} feeds = {rate_wall:.0f} feeds/s "
              f"({with_etag} had an ETag; {second['conditional']} conditional requests, {not_modified} answered "
              f"304, {s2.total('fetched')} articles fetched, {sum(len(s.errors) for s in s2.sources)} errors)")
        print(f"    requests went out over {second['window']:.2f}s = {rate_window:.0f} feeds/s; first request "
              f"{second['first_request_after']:.2f}s after start (process start-up), "
              f"{second['after_last_request']:.2f}s from the last request to the end (source states saved)")
        print("    CPU s: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(second["cpu"].items()) if v > 0.005))
        ok = second["wall"] < LIMIT_S and not_modified == n
        print(f"  bar: pass under {LIMIT_S:.0f}s with every feed 304 -> {'MET' if ok else 'NOT MET'}")
        if os.environ.get("CI"):
            sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
