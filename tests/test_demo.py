"""``dealradar demo`` prints the same deals and alerts on every run (issue 16 item 4)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


def demo_output() -> str:
    """One run of the real ``dealradar`` entry point, minus its first line (random port and temp dir)."""
    exe = shutil.which("dealradar", path=str(Path(sys.executable).parent))
    assert exe is not None, "the dealradar entry point is installed next to this interpreter"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run([exe, "demo"], capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    first, rest = proc.stdout.split("\n", 1)
    assert re.match(r"DealRadar demo: a news web of 4 outlets at http://127\.0\.0\.1:\d+, database ", first)
    return rest


def alert_lines(output: str) -> list[str]:
    block = output.split("Alerts received by the demo webhook", 1)[1]
    return [line.split()[0] + " " + line.split()[1] for line in block.splitlines()[1:] if line.startswith("  deal.")]


def test_demo_prints_the_same_output_on_every_run() -> None:
    first, second = demo_output(), demo_output()
    assert first == second
    # the alerts follow the sources in config order, the deal's figure follows the README rule
    assert alert_lines(first) == [
        "deal.new Quantaloop", "deal.updated Quantaloop", "deal.conflict Quantaloop",
        "deal.new Corvid", "deal.updated Corvid",
    ]
    assert "deal.updated   Quantaloop $120M equity — valuation_usd: None → 900000000" in first
