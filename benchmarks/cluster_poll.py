"""Cluster polling: one polling cycle over N local feeds with 1, 2 and 3 ``dealradar worker`` processes.

For each worker count: a fresh PostgreSQL database and Redis key prefix, one ``dealradar run`` (the leader) and
W workers (real processes through the entry point) against ``--feeds`` small RSS feeds on ``--servers`` local
servers (one process, see newsweb.serve_feedfarm; each answers a matching If-None-Match with 304). Cycle 1 fetches
every feed and stores the articles they list (articles/s); cycle 2 is the daemon's common case, most feeds
answering 304 (``--changed`` of them are given a new ETag first): every source is made due at once in the
database and the time until every one has been recorded again is the cycle (feeds/s). CPU seconds per role over
each cycle (leader, workers with their crawl children, PostgreSQL, Redis, the web servers) and the machine's
busy cores say where the bottleneck is.

    .venv/bin/python benchmarks/cluster_poll.py                       # 10,000 feeds, 1/2/3 workers
    .venv/bin/python benchmarks/cluster_poll.py --feeds 1000 --workers 1,2
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from newsweb import machine, serve_feedfarm  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("DEALRADAR_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("DEALRADAR_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TICK = os.sysconf("SC_CLK_TCK")


def dealradar() -> list[str]:
    script = Path(sys.executable).with_name("dealradar")
    return [str(script)] if script.exists() else [shutil.which("dealradar") or "dealradar"]


def proc_table() -> list[tuple[int, int, str, float]]:
    """(pid, pgid, command name, CPU seconds) of every process."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        f = raw.rsplit(")", 1)[1].split()
        out.append((int(entry.name), int(f[2]), name, (int(f[11]) + int(f[12])) / TICK))
    return out


def cpu_by_role(groups: dict[str, list[int]], farm_pid: int) -> dict[str, float]:
    """CPU seconds so far per role; processes that ended are not counted (so take differences of live ones)."""
    roles: dict[str, float] = {}
    where = {pg: role for role, pgs in groups.items() for pg in pgs}
    for pid, pgid, name, cpu in proc_table():
        if pgid in where:
            role = where[pgid]
        elif name == "postgres":
            role = "postgresql"
        elif name.startswith("redis-server"):
            role = "redis"
        elif pid == farm_pid:
            role = "web servers"
        else:
            continue
        roles[role] = roles.get(role, 0.0) + cpu
    return roles


def busy_cores() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = f[3] + f[4]
    return float(sum(f) - idle), float(sum(f))


class Cycle:
    """Measures one cycle: wall time, CPU per role (live processes, started and ended inside the window are
    caught by sampling every 0.2 s and keeping each pid's last reading), machine busy share, Redis commands and
    PostgreSQL commits."""

    def __init__(self, groups: dict[str, list[int]], farm_pid: int, redis: Any, db: str) -> None:
        self.groups, self.farm_pid, self.redis, self.db = groups, farm_pid, redis, db
        self.last: dict[int, tuple[str, float]] = {}
        self.first: dict[int, float] = {}

    def sample(self) -> None:
        where = {pg: role for role, pgs in self.groups.items() for pg in pgs}
        for pid, pgid, name, cpu in proc_table():
            role = where.get(pgid) or ("postgresql" if name == "postgres" else "redis" if name.startswith(
                "redis-server") else "web servers" if pid == self.farm_pid else None)
            if role is None:
                continue
            self.first.setdefault(pid, cpu if pid in self.last or not self.last else 0.0)
            self.last[pid] = (role, cpu)

    def __enter__(self) -> Cycle:
        self.sample()
        self.first = {pid: cpu for pid, (_, cpu) in self.last.items()}
        self.t0 = time.monotonic()
        self.busy0 = busy_cores()
        self.cmds0 = int(self.redis.info("stats")["total_commands_processed"])
        self.commits0 = self._commits()
        return self

    def _commits(self) -> int:
        import psycopg

        with psycopg.connect(PG, autocommit=True) as conn:
            name = self.db.rsplit("/", 1)[1]
            return int(conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s",
                                    (name,)).fetchone()[0])

    def __exit__(self, *exc: object) -> None:
        self.sample()
        self.wall = time.monotonic() - self.t0
        b1 = busy_cores()
        self.cores_busy = (b1[0] - self.busy0[0]) / max(1.0, (b1[1] - self.busy0[1])) * (os.cpu_count() or 1)
        self.redis_cmds = int(self.redis.info("stats")["total_commands_processed"]) - self.cmds0
        self.commits = self._commits() - self.commits0
        self.cpu: dict[str, float] = {}
        for pid, (role, cpu) in self.last.items():
            self.cpu[role] = self.cpu.get(role, 0.0) + cpu - self.first.get(pid, 0.0)


def scratch_db() -> str:
    import psycopg

    name = f"bench_cluster_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG.rsplit('/', 1)[0]}/{name}"


def drop_db(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def db_scalar(url: str, sql: str, *args: Any) -> Any:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchone()[0]


def wait_recorded(db: str, since: float, n: int, timeout: float, redis: Any, prefix: str) -> None:
    """Until every source has a pass recorded after ``since`` (epoch seconds, the database's clock) and no claim is
    left (the workers have also written each source's next run: that comes after the pass is recorded)."""
    deadline = time.monotonic() + timeout
    while True:
        done = db_scalar(db, "SELECT count(*) FROM sources WHERE last_run_at >= to_timestamp(%s)", since)
        if done >= n and not any(True for _ in redis.scan_iter(match=f"{prefix}:claim:*", count=1000)):
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {done}/{n} sources recorded")
        if os.environ.get("BENCH_DEBUG"):
            print(f"    {done}/{n} recorded since {since}", file=sys.stderr)
        time.sleep(0.2)


def run_config(args: argparse.Namespace, farm: Any, workers: int, tmp: Path) -> dict[str, Any]:
    import redis
    import yaml

    db = scratch_db()
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(REDIS)
    sources = [{"name": f"feed{i:05d}", "feed": url, "every": "1h"} for i, url in enumerate(farm.feed_urls)]
    cfg = tmp / f"cluster-{workers}.yaml"
    cfg.write_text(yaml.safe_dump({
        "storage": {"url": db},
        "crawl": {"allow_private_addresses": True, "obey_robots": False, "delay": "0s", "autothrottle": False,
                  "concurrency_per_host": args.concurrency_per_host, "concurrency": args.concurrency,
                  "timeout": "30s", "retries": 1, "max_article_age": "3650d"},
        "sources": sources,
        "daemon": {"jitter": "0s", "http": None, "log_level": "INFO" if os.environ.get("BENCH_DEBUG") else "WARNING", "crawl_timeout": "30m"},
        "cluster": {"redis": REDIS, "prefix": prefix, "batch": args.batch},
    }))
    procs: dict[str, list[subprocess.Popen[bytes]]] = {"leader": [], "workers": []}
    logs = open(os.environ.get("BENCH_DEBUG") or tmp / f"cluster-{workers}.log", "ab")  # noqa: SIM115 - closed below
    try:
        # Create the schema and the sources first, so the cycle measures polling, not migrations.
        subprocess.run([*dealradar(), "db", "upgrade", "-c", str(cfg)], check=True, stdout=subprocess.DEVNULL)
        results: dict[str, Any] = {"workers": workers}
        for cycle in (1, 2):
            if cycle == 2 and args.changed:
                farm.reset()
            since = db_scalar(db, "SELECT extract(epoch FROM now())")
            if cycle == 1:
                procs["leader"].append(subprocess.Popen([*dealradar(), "run", "-c", str(cfg)], stdout=logs,
                                                        stderr=logs, start_new_session=True, cwd=ROOT))
                for _ in range(workers):
                    procs["workers"].append(subprocess.Popen([*dealradar(), "worker", "-c", str(cfg)], stdout=logs,
                                                             stderr=logs, start_new_session=True, cwd=ROOT))
                time.sleep(0)  # counted in the cycle: start-up is part of the first cycle
            groups = {"leader": [p.pid for p in procs["leader"]], "workers": [p.pid for p in procs["workers"]]}
            arts0 = db_scalar(db, "SELECT count(*) FROM articles") if cycle == 2 else 0
            with Cycle(groups, farm.pid, client, db) as c:
                if cycle == 2:
                    db_scalar(db, "UPDATE sources SET next_run_at = now() RETURNING 1")
                import threading

                stop = threading.Event()

                def sampler(c: Cycle = c, stop: threading.Event = stop) -> None:
                    while not stop.wait(0.2):
                        c.sample()

                t = threading.Thread(target=sampler, daemon=True)
                t.start()
                wait_recorded(db, since, len(sources), args.timeout, client, prefix)
                stop.set()
                t.join()
            arts = db_scalar(db, "SELECT count(*) FROM articles") - arts0
            nm = db_scalar(db, "SELECT count(*) FROM sources WHERE last_status = 'not-modified'")
            results[cycle] = {"wall": c.wall, "articles": arts, "not_modified": nm, "cpu": c.cpu,
                              "cores_busy": c.cores_busy, "redis_cmds": c.redis_cmds, "commits": c.commits}
        return results
    finally:
        for p in procs["leader"] + procs["workers"]:
            with_kill(p)
        logs.close()
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i:i + 1000])
        drop_db(db)


def with_kill(p: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)


def bottleneck(r: dict[str, Any], cores: int) -> str:
    cpu = r["cpu"]
    top = max(cpu.items(), key=lambda kv: kv[1])
    share = {k: v / r["wall"] for k, v in cpu.items()}
    ours = sum(cpu.values()) / r["wall"]
    others = max(0.0, r["cores_busy"] - ours)
    if others > 0.2:
        share["other processes on the machine"] = others
        top = max(share.items(), key=lambda kv: kv[1])
    if r["cores_busy"] >= cores * 0.85:
        return (f"CPU: the machine was {r['cores_busy']:.2f} of {cores} cores busy, {others:.2f} of them by "
                f"processes outside this benchmark; most of it {top[0]} ({share[top[0]]:.2f} cores)")
    return f"not CPU-bound ({r['cores_busy']:.2f} of {cores} cores busy); busiest: {top[0]} ({share[top[0]]:.2f} cores)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=10_000)
    ap.add_argument("--servers", type=int, default=20)
    ap.add_argument("--entries", type=int, default=3, help="articles listed by each feed")
    ap.add_argument("--pool", type=int, default=50, help="distinct articles per server")
    ap.add_argument("--workers", default="1,2,3")
    ap.add_argument("--batch", type=int, default=500, help="cluster.batch: sources per worker pass")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--concurrency-per-host", type=int, default=32)
    ap.add_argument("--changed", action="store_true", help="reset the servers' ETags before cycle 2")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a timeout still stops the processes and drops the db
    cores = os.cpu_count() or 1
    print(f"cluster_poll: {args.feeds} feeds on {args.servers} servers, batch {args.batch}, concurrency "
          f"{args.concurrency} (per host {args.concurrency_per_host}); {machine()}")
    with tempfile.TemporaryDirectory(prefix="dealradar-cluster-bench-") as tmp, \
            serve_feedfarm(args.feeds, args.servers, entries=args.entries, pool=args.pool) as farm:
        for w in (int(x) for x in args.workers.split(",")):
            r = run_config(args, farm, w, Path(tmp))
            for cycle, what in ((1, "cycle 1 (every feed new, articles stored)"), (2, "cycle 2 (feeds 304)")):
                c = r[cycle]
                fps = args.feeds / c["wall"]
                aps = c["articles"] / c["wall"]
                print(f"  {w} worker(s), {what}: {c['wall']:.1f}s = {fps:.0f} feeds/s ({fps / w:.0f} per worker), "
                      f"{c['articles']} articles = {aps:.1f} articles/s ({aps / w:.1f} per worker); "
                      f"{c['not_modified']} sources last answered 304")
                print("      CPU s: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(c["cpu"].items())) +
                      f"; Redis {c['redis_cmds'] / c['wall']:.0f} commands/s, PostgreSQL "
                      f"{c['commits'] / c['wall']:.0f} commits/s")
                print(f"      bottleneck: {bottleneck(c, cores)}")


if __name__ == "__main__":
    main()
