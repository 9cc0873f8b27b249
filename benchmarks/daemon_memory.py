"""Does the daemon's memory stay flat? Run ``dealradar run`` for many crawl cycles over a local news site.

    .venv/bin/python benchmarks/daemon_memory.py                 # 200 cycles over 500 articles
    .venv/bin/python benchmarks/daemon_memory.py --cycles 20     # a quick look

A 500-article site (five feeds of 100, some articles about deals) is served on 127.0.0.1, with a
new article every few cycles so the daemon keeps storing, parsing and alerting (to a local webhook
receiver). The daemon runs as a real subprocess; a cycle is one crawl child over all five feeds,
counted from its /metrics. The script prints the daemon's resident memory at start, after 10
cycles and at the end, and exits 1 if the end is more than 20% above or below the 10-cycle value.
Crawls run in child processes, so this measures what stays in the long-lived parent.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from servers.webhook_receiver import WebhookReceiver, free_port  # noqa: E402

from crawler.cli.sitehost import Reply, SiteServer, article_page, rss  # noqa: E402

WORDS = ("harbour market river signal lantern orchard copper meadow canyon falcon glacier summit prairie beacon "
         "quarry harvest compass tundra delta marble ember willow cobalt saffron ferry tower garden bridge").split()
NAMES = ("Zentro Arlo Vesper Quanta Lumen Corvid Helix Nimbus Orrery Pallas Tessel Umbra Veridian Wren Xylo "
         "Yarrow Zircon Alder Brio Calyx").split()
KINDS = ("Analytics", "Robotics", "Labs", "Systems", "Dynamics")


def page(n: int) -> str:
    """Article ``n``: every tenth reports a deal, the rest are distinct filler."""
    if n % 10 == 0:
        company = f"{NAMES[(n // 10) % len(NAMES)]} {KINDS[(n // 10) % len(KINDS)]} {n}"
        return article_page(f"{company} raises ${n % 90 + 10} million for AI software", [
            f"{company}, a startup building AI software for hospitals, has raised ${n % 90 + 10} million in a "
            f"Series A round led by Harbor Point Ventures.", "It will hire engineers and open an office in Lisbon."])
    rng = random.Random(n)
    filler = " ".join(rng.choice(WORDS) for _ in range(80))
    return article_page(f"Notes from the harbour, number {n}", [f"Report {n}: {filler}.",
                                                                  f"The council meets again in week {n % 52}."])


class Site:
    """Feeds of article links that grow when ``grow`` is called."""

    def __init__(self, articles: int, feeds: int) -> None:
        self.server = SiteServer().start()
        self.server.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        self.feeds = feeds
        self.links: list[list[str]] = [[] for _ in range(feeds)]
        self.count = 0
        for _ in range(articles):
            self._add()
        for i in range(feeds):
            self._publish(i)

    def _add(self) -> int:
        n = self.count
        self.count += 1
        self.server.add(f"/a/{n}", page(n))
        self.links[n % self.feeds].insert(0, self.server.url(f"/a/{n}"))
        return n % self.feeds

    def _publish(self, i: int) -> None:
        items = [{"title": f"item {j}", "link": u, "guid": u} for j, u in enumerate(self.links[i][:150])]
        self.server.add(f"/feed-{i}.xml", Reply(rss(items), content_type="application/rss+xml"))

    def grow(self) -> None:
        self._publish(self._add())


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB (Linux /proc; ``ps`` elsewhere)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        m = re.search(r"^VmRSS:\s+(\d+) kB", status.read_text(), re.M)
        if m:
            return int(m.group(1))
    return int(subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True).stdout.strip())


def cycles_done(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
    except OSError:
        return 0
    return int(sum(float(v) for v in re.findall(r'^dealradar_crawl_processes_total\{outcome="\w+"\} (\S+)$', text,
                                                  re.M)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=200, help="crawl cycles to run (default 200)")
    ap.add_argument("--articles", type=int, default=500, help="articles on the site at start (default 500)")
    ap.add_argument("--feeds", type=int, default=5, help="feeds (sources) the articles are spread over")
    ap.add_argument("--new-every", type=int, default=5, help="add an article every N cycles (0: never)")
    ap.add_argument("--tolerance", type=float, default=0.20, help="allowed drift from the 10-cycle value")
    args = ap.parse_args()

    site = Site(args.articles, args.feeds)
    rx = WebhookReceiver().start()
    tmp = Path(tempfile.mkdtemp(prefix="dealradar-mem-"))
    port = free_port()
    feeds = "\n".join(f"  - {{name: feed-{i}, feed: \"{site.server.url(f'/feed-{i}.xml')}\", every: 1s}}"
                      for i in range(args.feeds))
    cfg = tmp / "dealradar.yaml"
    cfg.write_text(f"""storage: {{url: "sqlite:///{tmp / 'dealradar.db'}"}}
crawl: {{allow_private_addresses: true, delay: 0s, autothrottle: false, concurrency_per_host: 16,
        max_article_age: 3650d, timeout: 20s}}
sources:
{feeds}
alerts:
  channels:
    - {{webhook: "{rx.url()}"}}
daemon: {{jitter: 0s, dispatch_every: 1s, per_host_limit: {args.feeds}, max_crawls: 1, log_level: WARNING,
         http: "127.0.0.1:{port}"}}
""")
    log = open(tmp / "daemon.log", "wb")  # noqa: SIM115
    env = {k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "run", "-c", str(cfg)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        while cycles_done(port) == 0 and proc.poll() is None and not _healthy(port):
            time.sleep(0.2)
        start = rss_kib(proc.pid)
        print(f"daemon pid {proc.pid}; {args.articles} articles in {args.feeds} feeds; log {tmp / 'daemon.log'}")
        print(f"start          rss {start / 1024:7.1f} MiB")
        t0 = time.monotonic()
        after10: int | None = None
        done = grown = 0
        while done < args.cycles:
            if proc.poll() is not None:
                print(f"daemon exited with {proc.returncode}; see {tmp / 'daemon.log'}")
                return 1
            time.sleep(0.2)
            now_done = cycles_done(port)
            if now_done == done:
                continue
            done = now_done
            if args.new_every and done // args.new_every > grown:
                grown = done // args.new_every
                site.grow()
            if done >= 10 and after10 is None:
                after10 = rss_kib(proc.pid)
                print(f"after 10       rss {after10 / 1024:7.1f} MiB  ({time.monotonic() - t0:.0f}s)")
            if done % 25 == 0:
                print(f"after {done:<8} rss {rss_kib(proc.pid) / 1024:7.1f} MiB  ({time.monotonic() - t0:.0f}s)")
        end = rss_kib(proc.pid)
        print(f"end ({done:>4})     rss {end / 1024:7.1f} MiB  ({time.monotonic() - t0:.0f}s, "
              f"{site.count} articles, {len(rx.requests)} alerts received)")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        rx.stop()
        site.server.stop()
    base = after10 if after10 is not None else start
    drift = (end - base) / base
    verdict = "ok" if abs(drift) <= args.tolerance else "FAIL"
    print(f"drift from the 10-cycle value: {drift:+.1%} (allowed ±{args.tolerance:.0%}): {verdict}")
    return 0 if verdict == "ok" else 1


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
