"""The layering the design relies on: imports point one way (cli/daemon -> crawl -> alerts/events/deals ->
basics), the parser and the event logic are pure, and only config reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IO = {"storage", "spiders", "sqlalchemy", "scrapy", "twisted", "httpx", "apscheduler", "requests", "socket",
      "urllib.request"}
CALLERS = {"crawler.cli", "crawler.daemon", "crawler.crawl", "crawler.app", "crawler.cluster", "crawler.web"}
BASICS = ["crawler/config.py", "crawler/errors.py", "crawler/logformat.py", "crawler/dates.py", "crawler/record.py",
          "crawler/article.py", "crawler/bundled.py"]
# Where each part of the code may not reach. A folder's rule covers every module under it.
FORBIDDEN: dict[str, set[str]] = {
    # The parser: pure, and the bottom of the logic (``deals list`` must not load it through events/storage).
    "crawler/deals": IO | CALLERS | {"crawler.events", "crawler.alerts", "crawler.net"},
    # The event logic: pure, and apart from the parser.
    "crawler/events": IO | CALLERS | {"crawler.deals", "crawler.alerts", "crawler.net"},
    "crawler/alerts": CALLERS | {"spiders", "scrapy", "crawler.deals"},
    "crawler/crawl": {"crawler.cli", "crawler.daemon", "crawler.cluster"},
    "crawler/daemon": {"crawler.cli", "crawler.cluster"},
    # The dashboard reads through storage and the daemon's status, like the CLI, but never imports the CLI.
    "crawler/web": {"crawler.cli", "crawler.crawl", "crawler.deals", "crawler.cluster", "spiders", "scrapy"},
    # Cluster roles sit beside the daemon: they use it and the crawl; only the CLI calls them.
    "crawler/cluster": {"crawler.cli"},
    # Rules for talking to the network: standard library only.
    "crawler/net": {"crawler", "storage", "spiders"},
    "storage": CALLERS | {"spiders", "scrapy", "crawler.alerts", "crawler.deals", "crawler.net"},
    "spiders": {"crawler.cli", "crawler.daemon", "crawler.app", "crawler.cluster"},
    **{basic: CALLERS | {"crawler.deals", "crawler.events", "crawler.alerts", "crawler.net", "storage", "spiders"}
       for basic in BASICS},
}
# Known exceptions, each with its reason; the list only shrinks.
ALLOWED = {
    # ``dealradar status`` prints with the CLI's console and tables; the imports are lazy, inside print_status.
    ("crawler/daemon/status.py", "crawler.cli"),
    # Config checks (main's "every command checks cron and alert channels", merged after this layout):
    # a cron is read by the scheduler's own parser and a channel entry by building it, both lazily.
    ("crawler/config.py", "crawler.daemon.scheduler"),
    ("crawler/config.py", "crawler.alerts.channels"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # ``from crawler import cli`` reaches crawler.cli as surely as ``import crawler.cli``.
            names.update(f"{node.module}.{a.name}" for a in node.names if node.module == "crawler")
    return names


def modules(part: str) -> list[Path]:
    path = ROOT / part
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def reaches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_imports_point_one_way(part: str) -> None:
    for path in modules(part):
        rel = path.relative_to(ROOT).as_posix()
        own = rel.removesuffix(".py").replace("/", ".")
        bad = {n for n in imports_of(path)
               if any(reaches(n, f) for f in FORBIDDEN[part])
               and not reaches(n, part.removesuffix(".py").replace("/", "."))
               and not any(rel == where and reaches(n, what) for where, what in ALLOWED) and n != own}
        assert not bad, f"{rel} imports {sorted(bad)}"


def test_the_rules_see_imports() -> None:
    # A rule that can never fire proves nothing: the daemon does import the crawl, the CLI the daemon.
    assert any(reaches(n, "crawler.crawl") for p in modules("crawler/daemon") for n in imports_of(p))
    assert any(reaches(n, "crawler.daemon") for p in modules("crawler/cli") for n in imports_of(p))
    assert all((ROOT / rel).exists() for rel, _ in ALLOWED)
    assert any(reaches(n, "crawler.cli") for n in imports_of(ROOT / "crawler/daemon/status.py"))


def test_every_subsystem_folder_says_what_it_owns() -> None:
    folders = sorted(p.parent for p in (ROOT / "crawler").glob("*/__init__.py"))
    assert {f.name for f in folders} >= {"crawl", "net", "daemon", "cli", "deals", "events", "alerts", "web"}
    for folder in folders:
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, f"{folder.relative_to(ROOT)}/__init__.py needs a docstring"


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
