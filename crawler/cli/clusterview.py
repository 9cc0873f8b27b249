"""The cluster part of ``dealradar status``: one row per leader, standby and worker."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.cli.render import console
from crawler.cli.tables import Col, print_table


def print_cluster(report: dict[str, Any]) -> None:
    """Members with the age of their last heartbeat; a member silent for 3 beats or more is shown as silent."""
    out = console()
    if report.get("error"):
        out.print(f"cluster: [red]{report['error']}[/]")
        return
    out.print(f"cluster: redis {report['redis']} prefix {report['prefix']}, {report['queued']} sources queued")
    rows = []
    for m in report["members"]:
        started = datetime.fromtimestamp(float(m.get("started", 0)), UTC).isoformat(timespec="seconds")
        state = "alive" if m["age_s"] < 10 else "[yellow]silent[/]"
        work = f"{m.get('crawling', 0)} crawling, {m.get('passes', 0)} passes" if m.get("role") == "worker" else ""
        rows.append((m.get("role", "?"), m["id"], state, f"{m['age_s']:.1f}s ago", started, work))
    print_table(out, (Col("role"), Col("member"), Col("state"), Col("last heartbeat"), Col("started", 2),
                      Col("work", 1)), rows)
