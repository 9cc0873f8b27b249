"""Ids on the command line that no row can have (larger than any database integer, zero) get the same
one-line "no such ..." answer as an id that is merely unused, through the installed ``dealradar`` entry
point, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from storage.repository import Repository

ENTRY = Path(sys.executable).with_name("dealradar")
HUGE = "99999999999999999999999"


def dealradar(*args: str) -> subprocess.CompletedProcess[str]:
    assert ENTRY.exists(), f"the dealradar entry point is not installed beside {sys.executable}"
    return subprocess.run([str(ENTRY), *args], capture_output=True, text=True, timeout=120)


def test_deals_show_of_an_id_no_deal_has_is_one_line_exit_1(db_url: str, tmp_path: Path) -> None:
    Repository.open(db_url).close()
    cfg = tmp_path / "dealradar.yaml"
    cfg.write_text(yaml.safe_dump({"storage": {"url": db_url}, "sources": []}))
    for deal_id, extra in [(HUGE, ()), (HUGE, ("--json",)), (str(2**63), ()), ("0", ()), ("424242", ())]:
        proc = dealradar("deals", "show", deal_id, "-c", str(cfg), *extra)
        assert proc.returncode == 1 and proc.stdout == "", proc.stderr
        assert proc.stderr == f"dealradar: no such deal: {deal_id}\n"
    proc = dealradar("alerts", "retry", HUGE, "-c", str(cfg))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "0 deliveries" in proc.stdout
