"""The layering the design relies on: the parser and the event logic are pure, and only config reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ["crawler/deals", "crawler/events"]
FORBIDDEN = {"storage", "spiders", "sqlalchemy", "scrapy", "twisted", "httpx", "apscheduler", "requests",
             "socket", "urllib.request", "crawler.cli", "crawler.crawl.runner", "crawler.crawl.pipeline"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_io_layers(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        bad = {n for n in imports_of(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for pkg in ("crawler", "spiders", "storage"):
        for path in (ROOT / pkg).rglob("*.py"):
            if path.name == "config.py" and path.parent.name == "crawler":
                continue
            text = path.read_text(encoding="utf-8")
            if ("os.environ" in text or "os.getenv" in text) and "tests" not in path.parts:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
