"""Run the installed ``dealradar`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EXE = str(Path(sys.executable).with_name("dealradar"))


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def dealradar(*args: str, columns: int | None = None, timeout: float = 180, cwd: Path | None = None,
              stdin: str | None = None) -> Result:
    """The exit status, stdout and stderr of one ``dealradar`` run (no ``$DEALRADAR_CONFIG`` leaking in)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEALRADAR_CONFIG", "COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                          input=stdin)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
