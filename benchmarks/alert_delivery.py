"""Alert delivery: alerts per second to a local webhook receiver, and latency from commit to delivery.

Deal events are committed through the repository exactly as a crawl commits them (generated deal
articles, analysed, then ``ArticleProcessor.store``: one transaction per article writes the deal
change, its event and the outbox rows), then ``dispatch_once`` sends them to the project's test
webhook receiver (tests/servers/webhook_receiver.py), run in its own process on 127.0.0.1.

- throughput: ``--alerts`` events committed first, then one ``dispatch_once`` drains the outbox;
- latency: ``--latency-rounds`` times, commit one article's events and call ``dispatch_once`` at
  once; latency = the receiver's arrival time minus the time the commit returned, per delivery.

    .venv/bin/python benchmarks/alert_delivery.py                  # 500 alerts, 100 latency rounds
    .venv/bin/python benchmarks/alert_delivery.py --alerts 100 --latency-rounds 20
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from newsweb import ROOT, NewsWeb, bench_settings, machine  # noqa: E402

SECRET = "bench-secret"


# ---- the receiver, in its own process ------------------------------------------------------------

def _receiver_main(conn: Any) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from servers.webhook_receiver import WebhookReceiver

    with WebhookReceiver() as rx:
        conn.send(rx.port)
        while True:
            cmd = conn.recv()
            if cmd == "stop":
                break
            reqs = rx.requests
            conn.send([(r.received_at, r.header("X-DealRadar-Delivery"), r.header("X-DealRadar-Event"),
                        WebhookReceiver.verify(r, SECRET), len(r.body)) for r in reqs])
            rx.reset()


class Receiver:
    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_receiver_main, args=(child,), daemon=True, name="bench-webhook")
        self._proc.start()
        self.port = self._conn.recv()

    def take(self) -> list[tuple[float, str, str, bool, int]]:
        """Everything received since the last call."""
        self._conn.send("requests")
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._proc.join(5)


# ---- events to deliver ---------------------------------------------------------------------------

_RES: Any = None


def _init() -> None:
    global _RES
    from crawler.deals import load_resources

    _RES = load_resources()


def _analyse(job: tuple[str, str, str, str]) -> Any:
    from crawler.crawl.items import ArticleItem
    from crawler.crawl.pipeline import analyse

    url, source, outlet, page = job
    now = datetime.now(UTC)
    return analyse(ArticleItem(url=url, source=source, outlet=outlet, html=page, fetched_at=now), _RES, now=now)


def analyses(n_articles: int, seed: int) -> list[Any]:
    """Analysed deal articles of a generated web, in publication order."""
    web = NewsWeb(n_articles, 20, seed=seed)
    arts = sorted((a for a in web.articles if a.kind == "deal"), key=lambda a: a.published)
    jobs = [(f"https://{web.outlets[a.outlet].key}.example{a.path}", web.outlets[a.outlet].key,
             web.outlets[a.outlet].name, web.page(a)) for a in arts]
    with mp.get_context("spawn").Pool(initializer=_init) as pool:
        return pool.map(_analyse, jobs, chunksize=8)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--alerts", type=int, default=500, help="alerts committed, then delivered in one dispatch")
    ap.add_argument("--latency-rounds", type=int, default=100, help="commit-then-dispatch rounds")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    print(f"alert_delivery: {args.alerts} alerts, {args.latency_rounds} latency rounds; {machine()}")

    from crawler.alerts.dispatcher import dispatch_once
    from crawler.app import build_processor
    from storage.repository import Repository

    need = args.alerts + args.latency_rounds
    work = analyses(max(200, need * 8), args.seed)
    receiver = Receiver()
    try:
        with tempfile.TemporaryDirectory(prefix="dealradar-bench-") as tmp:
            channels = [{"name": "bench-hook", "webhook": f"http://127.0.0.1:{receiver.port}/hook",
                         "secret": SECRET}]
            sources = [{"name": f"outlet{i:02d}", "feed": f"https://outlet{i:02d}.example/feed.xml"}
                       for i in range(20)]
            settings = bench_settings(f"sqlite:///{tmp}/alerts.db", sources, channels=channels)
            repo = Repository.open(settings.storage.url)
            repo.sync_sources(settings.sources)
            processor = build_processor(settings, repo)

            # Throughput: commit events for ``--alerts`` deliveries, then drain the outbox.
            queued, it = 0, iter(work)
            commit_started = time.perf_counter()
            for analysis in it:
                out = processor.store(analysis)
                queued += sum(len(ev.channels) for ev in out.outcome.events)
                if queued >= args.alerts:
                    break
            commit_s = time.perf_counter() - commit_started
            started = time.perf_counter()
            result = dispatch_once(settings, repo)
            dispatch_s = time.perf_counter() - started
            got = receiver.take()
            ids = {g[1] for g in got}
            kinds: dict[str, int] = {}
            for g in got:
                kinds[g[2]] = kinds.get(g[2], 0) + 1
            print(f"  committed {queued} alerts in {commit_s:.2f}s ({queued / commit_s:.0f} alerts/s through "
                  f"store_article with their deal changes)")
            print(f"  throughput: dispatch_once sent {result.sent} (failed {result.failed}, retried {result.retried}) "
                  f"in {dispatch_s:.2f}s = {result.sent / dispatch_s:.1f} alerts/s; receiver got {len(got)} "
                  f"({len(ids)} distinct delivery ids, {sum(1 for g in got if g[3])} signatures valid, {kinds}, "
                  f"mean body {statistics.mean(g[4] for g in got) / 1024 if got else 0:.1f} KiB)")

            # Latency: commit one article's events, dispatch at once, per delivery.
            latencies: list[float] = []
            calls: list[float] = []
            rounds = 0
            for analysis in it:
                if rounds >= args.latency_rounds:
                    break
                out = processor.store(analysis)
                committed = time.time()
                if not any(ev.channels for ev in out.outcome.events):
                    continue
                rounds += 1
                t = time.perf_counter()
                dispatch_once(settings, repo)
                calls.append(time.perf_counter() - t)
                latencies += [g[0] - committed for g in receiver.take()]
            repo.close()
        if latencies:
            ms = [x * 1000 for x in latencies]
            print(f"  latency commit -> delivered, {len(ms)} deliveries over {rounds} commits: p50 {pct(ms, 50):.1f} ms, "
                  f"p95 {pct(ms, 95):.1f} ms, max {max(ms):.1f} ms (dispatch_once call: "
                  f"p50 {pct(calls, 50) * 1000:.1f} ms)")
    finally:
        receiver.stop()


if __name__ == "__main__":
    main()
