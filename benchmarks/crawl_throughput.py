"""End-to-end crawl throughput against its two limits, measured side by side on the same pages.

1. DealRadar: ``run_crawl`` over every outlet of a generated news web (fetch -> extraction -> parsing ->
   storage -> deal events and outbox rows), in its own child process with its worker pool, as
   ``dealradar crawl`` runs it.
2. Bare Scrapy: a minimal spider fetching the same article pages with the same Scrapy settings
   (concurrency, robots.txt) and doing nothing with them: the fetch limit.
3. Bare trafilatura: ``trafilatura.extract`` on the same pages in a process per core: the
   extraction limit.

The bar: DealRadar's rate >= 0.7 x min(bare Scrapy, bare trafilatura). Rates are given three ways:
``wall`` (articles / whole run, start-up included), ``steady`` (between the first and the last
article, what the machinery sustains once running) and ``CPU`` (cores / CPU seconds per article of
every process of the run, web servers excluded: what the cores could sustain, and much less
sensitive than the other two to whatever else the machine is running). Ratios are taken per
round between runs made side by side, then the median over rounds. The servers run in their own
process.

    .venv/bin/python benchmarks/crawl_throughput.py                  # 2,000 articles, 20 outlets
    .venv/bin/python benchmarks/crawl_throughput.py --articles 200   # quick
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsweb import ProcessSampler, ServedNewsWeb, bench_settings, cpu_seconds, machine, serve_newsweb  # noqa: E402

BAR = 0.7


def _rates(n: int, started: float, finished: float, first: float | None, last: float | None) -> dict[str, Any]:
    wall = finished - started
    steady = (n - 1) / (last - first) if n > 1 and first is not None and last is not None and last > first else 0.0
    return {"n": n, "wall_s": wall, "wall_rate": n / wall if wall else 0.0, "steady_rate": steady}


# ---- DealRadar -----------------------------------------------------------------------------------

def run_dealradar(web: ServedNewsWeb, args: argparse.Namespace, tmp: Path, tag: str) -> dict[str, Any]:
    from crawler.crawl.runner import run_crawl

    db = tmp / f"dealradar-{tag}.db"
    channels = [{"name": "bench-hook", "webhook": "http://127.0.0.1:9/hook", "secret": "s"}]  # outbox rows only
    settings = bench_settings(f"sqlite:///{db}", web.sources(), concurrency_per_host=args.concurrency_per_host,
                              concurrency=args.concurrency, workers=args.workers, channels=channels)
    times: list[float] = []
    statuses: Counter[str] = Counter()

    def progress(source: str, status: str) -> None:
        times.append(time.monotonic())
        statuses[status] += 1

    server_cpu, parent_cpu = cpu_seconds(web.pid), cpu_seconds(os.getpid())
    with ProcessSampler(exclude=(web.pid,), interval=0.1) as sampler:
        started = time.monotonic()
        summary = run_crawl(settings, settings.sources, progress=progress, start_method=args.start_method)
        finished = time.monotonic()
    out = _rates(len(times), started, finished, times[0] if times else None, times[-1] if times else None)
    out["first_article_after_s"] = (times[0] - started) if times else None
    cpu = sampler.cpu_by_role()
    cpu["parent"] = cpu_seconds(os.getpid()) - parent_cpu - sampler.own_cpu
    cpu["web servers"] = cpu_seconds(web.pid) - server_cpu
    out["cpu"] = cpu
    out.update({k: summary.total(k) for k in ("fetched", "new_articles", "duplicates", "already_seen",
                                              "deal_articles", "deals_new", "deals_updated", "conflicts")})
    out["errors"] = sum(len(s.errors) for s in summary.sources)
    out["first_errors"] = [e for s in summary.sources for e in s.errors][:3]
    db.unlink(missing_ok=True)
    return out


# ---- bare Scrapy ---------------------------------------------------------------------------------

def _bare_scrapy_child(urls: list[str], settings: dict[str, Any], q: Any) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    stamps: list[float] = []
    sizes = [0]

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response: Any) -> None:
            stamps.append(time.monotonic())
            sizes[0] += len(response.body)

    process = CrawlerProcess({**settings, "LOG_INSTALL_ROOT_HANDLER": False})
    process.crawl(BareSpider)
    process.start()
    q.put({"n": len(stamps), "first": stamps[0] if stamps else None, "last": stamps[-1] if stamps else None,
           "bytes": sizes[0]})


def run_bare_scrapy(web: ServedNewsWeb, args: argparse.Namespace) -> dict[str, Any]:
    from spiders.settings import scrapy_settings

    settings = bench_settings("sqlite:///unused.db", web.sources(), concurrency_per_host=args.concurrency_per_host,
                              concurrency=args.concurrency)
    sc = scrapy_settings(settings.crawl)
    sc.update({"ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}, "RETRY_ENABLED": True, "RETRY_TIMES": 1})
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    server_cpu = cpu_seconds(web.pid)
    with ProcessSampler(exclude=(web.pid,), interval=0.1) as sampler:
        started = time.monotonic()
        proc = ctx.Process(target=_bare_scrapy_child, args=(web.article_urls(), sc, q))
        proc.start()
        res = q.get()
        proc.join()
        finished = time.monotonic()
    out = _rates(res["n"], started, finished, res["first"], res["last"])
    out["cpu"] = {"scrapy": sampler.cpu_by_role().get("crawl child", 0.0), "web servers": cpu_seconds(web.pid) - server_cpu}
    out["mean_kib"] = res["bytes"] / max(1, res["n"]) / 1024
    return out


# ---- bare trafilatura ----------------------------------------------------------------------------

def _traf_init() -> None:
    import trafilatura  # noqa: F401  (imported before the clock starts)


def _traf(job: tuple[str, str]) -> tuple[int, float]:
    import trafilatura

    url, page = job
    text = trafilatura.extract(page, url=url, include_comments=False, include_tables=False, favor_precision=True,
                               deduplicate=False) or ""
    return len(text), time.monotonic()


def run_bare_trafilatura(web: ServedNewsWeb, args: argparse.Namespace) -> dict[str, Any]:
    jobs = [(url, web.web.page(a)) for url, a in zip(web.article_urls(), web.web.articles, strict=True)]
    procs = args.traf_procs or os.cpu_count() or 1
    ctx = mp.get_context("spawn")
    parent_cpu = cpu_seconds(os.getpid())
    with ProcessSampler(exclude=(web.pid,), interval=0.1) as sampler:
        started = time.monotonic()
        with ctx.Pool(procs, initializer=_traf_init) as pool:
            ready = time.monotonic()
            results = pool.map(_traf, jobs, chunksize=4)
        finished = time.monotonic()
    stamps = sorted(t for _, t in results)
    out = _rates(len(results), started, finished, stamps[0], stamps[-1])
    # Steady: from the pool being ready to the last page (the first stamp is one page in).
    out["steady_rate"] = len(results) / (stamps[-1] - ready)
    out["procs"] = procs
    cpu = sampler.cpu_by_role()
    out["cpu"] = {"trafilatura": cpu.get("crawl child", 0.0) + cpu.get("worker", 0.0),
                  "parent": cpu_seconds(os.getpid()) - parent_cpu - sampler.own_cpu}
    out["empty"] = sum(1 for n, _ in results if n == 0)
    return out


# ---- report --------------------------------------------------------------------------------------

def _line(name: str, r: dict[str, Any]) -> str:
    line = (f"  {name:<18} {r['n']:>5} pages  wall {r['wall_s']:6.1f}s  {r['wall_rate']:7.1f} articles/s wall"
            f"  {r['steady_rate']:7.1f} articles/s steady")
    if r.get("cpu"):
        line += "\n  " + " " * 18 + " CPU ms/article: " + ", ".join(
            f"{k} {1000 * v / max(1, r['n']):.1f}" for k, v in sorted(r["cpu"].items()) if v > 0.005)
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--outlets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3, help="repeat the three measurements, interleaved (medians reported)")
    ap.add_argument("--concurrency-per-host", type=int, default=16)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=0, help="DealRadar analysis workers (0: the default, one per core, max 4)")
    ap.add_argument("--traf-procs", type=int, default=0, help="bare trafilatura processes (0: one per core)")
    ap.add_argument("--only", choices=("dealradar", "scrapy", "trafilatura"), action="append")
    ap.add_argument("--start-method", choices=("spawn", "forkserver"), default="spawn",
                    help="how DealRadar's crawl process starts: spawn as 'dealradar crawl' does, or forkserver as the "
                         "daemon does (warm from the second round on)")
    args = ap.parse_args()
    only = set(args.only or ("dealradar", "scrapy", "trafilatura"))

    print(f"crawl_throughput: {args.articles} articles, {args.outlets} outlets, concurrency_per_host "
          f"{args.concurrency_per_host}, concurrency {args.concurrency}, crawl process by {args.start_method}; "
          f"{machine()}")
    results: dict[str, list[dict[str, Any]]] = {"dealradar": [], "scrapy": [], "trafilatura": []}
    with tempfile.TemporaryDirectory(prefix="dealradar-bench-") as tmpdir, \
            serve_newsweb(args.articles, args.outlets, seed=args.seed) as web:
        print(f"  web: {web.web.counts}")
        for rnd in range(args.rounds):
            if "trafilatura" in only:
                results["trafilatura"].append(run_bare_trafilatura(web, args))
                print(_line("bare trafilatura", results["trafilatura"][-1]))
            if "scrapy" in only:
                results["scrapy"].append(run_bare_scrapy(web, args))
                print(_line("bare scrapy", results["scrapy"][-1]))
            if "dealradar" in only:
                r = run_dealradar(web, args, Path(tmpdir), str(rnd))
                results["dealradar"].append(r)
                print(_line("dealradar", r) + f"  (first article after {r['first_article_after_s'] or 0:.1f}s)")
                print(f"  {'':<18} fetched {r['fetched']} new {r['new_articles']} duplicates {r['duplicates']} "
                      f"deal articles {r['deal_articles']} deals new {r['deals_new']} updated {r['deals_updated']} "
                      f"conflicts {r['conflicts']} errors {r['errors']} {r['first_errors']}")

    def med(name: str, key: str) -> float:
        vals = [r[key] for r in results[name]]
        return statistics.median(vals) if vals else 0.0

    def capacity(r: dict[str, Any]) -> float:
        """Articles/s the machine's cores could sustain at this run's CPU cost per article (servers excluded)."""
        ms = sum(v for k, v in r["cpu"].items() if k != "web servers") * 1000 / max(1, r["n"])
        return (os.cpu_count() or 1) * 1000 / ms if ms else 0.0

    for name in results:
        for r in results[name]:
            r["capacity"] = capacity(r) if r.get("cpu") else 0.0
    if len(only) == 3:
        for key in ("steady_rate", "wall_rate", "capacity"):
            # The ratio of each round's side-by-side runs, then the median over rounds: the machine is noisy.
            ratios = [d[key] / min(s[key], t[key]) for d, s, t in
                      zip(results["dealradar"], results["scrapy"], results["trafilatura"], strict=True)]
            ratio = statistics.median(ratios)
            kind = {"capacity": "CPU"}.get(key, key.split("_")[0])
            print(f"  {kind:<6} dealradar {med('dealradar', key):.1f}/s, bare scrapy {med('scrapy', key):.1f}/s, bare "
                  f"trafilatura {med('trafilatura', key):.1f}/s (medians); dealradar / min(scrapy, trafilatura) per "
                  f"round {', '.join(f'{r:.2f}' for r in ratios)} -> median {ratio:.2f}: bar {BAR} "
                  f"{'MET' if ratio >= BAR else 'NOT MET'}")


if __name__ == "__main__":
    main()
