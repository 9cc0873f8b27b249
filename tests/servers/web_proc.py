"""``dealradar serve`` as a real subprocess: started on a free port, its address read from the line it prints."""

from __future__ import annotations

import os
import re
import selectors
import subprocess

from entrypoint import EXE


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"}


class Served:
    """A ``dealradar serve`` process and the address it printed."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([EXE, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                                     text=True)
        self.first_line = self._line(30.0)
        m = re.search(r"serving on (http://\S+)", self.first_line)
        assert m, f"no address in {self.first_line!r}: {self.proc.stderr.read() if self.proc.poll() is not None else ''}"  # type: ignore[union-attr]
        self.base = m.group(1)

    def _line(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
        assert sel.select(timeout), "dealradar serve printed nothing"
        return self.proc.stderr.readline()  # type: ignore[union-attr]

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then the exit status."""
        self.proc.terminate()
        return self.proc.wait(timeout)
