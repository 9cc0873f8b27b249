"""How soon a manual crawl sends its first request: from starting ``dealradar crawl`` to the first request a
local feed server sees (target: within a second on a warm machine, i.e. with a database that exists and
files in the page cache).

Serves a one-item feed and its article on 127.0.0.1, runs one crawl to create the database, then times
``--runs`` crawls. Beside them, in the same run, it times the bare interpreter and ``dealradar --help``, so
a busy machine shows as a slower baseline rather than as a slower crawl.
Run: ``.venv/bin/python benchmarks/first_request.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEALRADAR = Path(sys.executable).with_name("dealradar")

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Bench wire</title>
<link>http://127.0.0.1:{port}/</link><description>one item</description>
<item><title>Quillmark raises $12 million Series A</title><link>http://127.0.0.1:{port}/a1</link>
<pubDate>Mon, 07 Dec 2026 01:00:00 GMT</pubDate></item></channel></rss>"""
ARTICLE = ("<html><head><title>Quillmark raises $12 million</title></head><body><article>"
           "<h1>Quillmark raises $12 million Series A</h1><p>Quillmark, which builds AI tools for tax offices, "
           "raised $12 million in a Series A led by Harrow Ventures.</p></article></body></html>")


class _Server(ThreadingHTTPServer):
    first_request: float | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.server.first_request is None:
            self.server.first_request = time.monotonic()
        port = self.server.server_address[1]
        body = (FEED.format(port=port) if self.path.startswith("/feed") else ARTICLE).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml" if self.path.startswith("/feed") else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server API
        pass


def _time_command(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.monotonic() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "bench.yaml"
        cfg.write_text(
            f'storage: {{url: "sqlite:///{tmp}/bench.db"}}\n'
            "crawl: {allow_private_addresses: true, obey_robots: false, delay: 0s, autothrottle: false}\n"
            f'sources:\n  - {{name: bench, feed: "http://127.0.0.1:{port}/feed.xml", every: 10m}}\n',
            encoding="utf-8")
        crawl = [str(DEALRADAR), "-c", str(cfg), "crawl", "--no-alerts"]
        env = dict(os.environ, COLUMNS="100")
        subprocess.run(crawl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        firsts, totals = [], []
        for _ in range(args.runs):
            server.first_request = None
            start = time.monotonic()
            subprocess.run(crawl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
            totals.append(time.monotonic() - start)
            if server.first_request is not None:
                firsts.append(server.first_request - start)
        bare = _time_command([sys.executable, "-c", "pass"], args.runs)
        helps = _time_command([str(DEALRADAR), "--help"], args.runs)
    server.shutdown()
    print(f"runs: {args.runs}, load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"python -c pass           median {statistics.median(bare):.3f} s")
    print(f"dealradar --help         median {statistics.median(helps):.3f} s")
    print(f"crawl: first request     median {statistics.median(firsts):.3f} s  "
          f"(min {min(firsts):.3f}, max {max(firsts):.3f})")
    print(f"crawl: whole command     median {statistics.median(totals):.3f} s")
    print(f"first request / --help   {statistics.median(firsts) / statistics.median(helps):.2f}x")


if __name__ == "__main__":
    main()
