"""Storage trouble at the command line, through the installed ``dealradar`` entry point: a role that may not
write, a data directory that cannot be written, a corrupted SQLite file. Each is one clear line on stderr and
exit status 1, never a traceback, and never exit 0 for a crawl whose articles could not be stored."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import ReadOnlyDatabase, make_settings

from crawler.cli.sitehost import Reply, SiteServer, article_page, rss

DEALRADAR = Path(sys.executable).with_name("dealradar")


def dealradar(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DEALRADAR_CONFIG"}
    return subprocess.run([str(DEALRADAR), *args], capture_output=True, text=True, timeout=timeout, env=env)


def write_config(path: Path, db: str, site: SiteServer | None = None) -> Path:
    sources = [{"name": "wire", "feed": site.url("/feed.xml"), "every": "1h"}] if site else []
    path.write_text(yaml.safe_dump({
        "storage": {"url": db}, "sources": sources,
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "retries": 0,
                  "max_article_age": "3650d", "workers": 1},
        "daemon": {"http": None}}))
    return path


_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (WARNING|ERROR) ")


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    """Exit 1 and one ``dealradar: ...`` line; besides it only the crawl's own short log lines, no traceback."""
    err = result.stderr.strip()
    assert result.returncode == 1, (result.returncode, result.stdout[-2000:], err[-3000:])
    assert "Traceback" not in err, err
    mine = [line for line in err.splitlines() if line.startswith("dealradar: ")]
    assert len(mine) == 1, err
    for phrase in phrases:
        assert phrase in mine[0], mine[0]
    for line in err.splitlines():
        assert line in mine or (_LOG_LINE.match(line) and len(line) < 1000), line[:2000]


def publish(site: SiteServer, count: int) -> list[str]:
    urls = []
    for i in range(count):
        site.add(f"/a/{i}", article_page(f"Harbour notes {i}", [
            f"Notice {i}: the harbour office assigned berth {i} to boat {i * 7 + 3}, and the ferry keeps its "
            f"timetable number {i * 11} for the coming season, the office said on Monday."]))
        urls.append(site.url(f"/a/{i}"))
    site.add("/feed.xml", Reply(rss([{"title": f"t{i}", "link": u, "guid": u} for i, u in enumerate(urls)]),
                                content_type="application/rss+xml"))
    return urls


# ---- a PostgreSQL role that may only read (the read_only_pg fixture of conftest) ---------------------------------

@pytest.fixture
def reader_url(read_only_pg: ReadOnlyDatabase) -> str:
    return read_only_pg.reader_url


@pytest.mark.postgres
def test_crawl_as_a_role_without_write_rights_is_one_line_and_exit_1(
        site: SiteServer, reader_url: str, tmp_path: Path) -> None:
    publish(site, 1)
    result = dealradar("crawl", "-c", str(write_config(tmp_path / "c.yaml", reader_url, site)))
    assert_one_clear_line(result, "permission denied")
    assert not site.hits("/feed.xml")  # refused before anything was fetched


# ---- a data directory that cannot be written -------------------------------------------------------------------

def unwritable_dir(tmp_path: Path) -> Path:
    """A directory nobody may create files in: for root (who writes through permissions) one under /proc."""
    if os.geteuid() == 0:
        return Path("/proc") / f"dealradar-{uuid.uuid4().hex[:8]}"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    return locked


def test_run_with_a_data_directory_that_cannot_be_written_is_one_line_and_exit_1(tmp_path: Path) -> None:
    data = unwritable_dir(tmp_path)
    try:
        result = dealradar("run", "-c", str(write_config(tmp_path / "c.yaml", f"sqlite:///{data / 'd.db'}")))
    finally:
        if data.is_relative_to(tmp_path):
            data.chmod(0o755)
    assert_one_clear_line(result, str(data))


# ---- a corrupted SQLite file ----------------------------------------------------------------------------------

def corrupt_table(db: Path, table: str) -> None:
    """Overwrite the root page of one table with garbage: the file still opens, that table cannot be read."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(bytes((i * 7 + 13) % 256 for i in range(page_size)))


@pytest.fixture
def crawled(site: SiteServer, tmp_path: Path) -> tuple[Path, Path]:
    """A database that has crawled the site once, and its config."""
    from crawler.cli.commands import crawl_once

    db = tmp_path / "d.db"
    publish(site, 3)
    cfg = write_config(tmp_path / "c.yaml", f"sqlite:///{db}", site)
    crawl_once(make_settings(f"sqlite:///{db}", [{"name": "wire", "feed": site.url("/feed.xml")}]),
               send_alerts=False, show_progress=False)
    return db, cfg


def test_status_on_a_corrupted_database_is_one_line_and_exit_1(crawled: tuple[Path, Path]) -> None:
    db, cfg = crawled
    corrupt_table(db, "articles")
    assert_one_clear_line(dealradar("status", "-c", str(cfg)), "malformed")


def test_crawl_on_a_corrupted_database_is_one_line_and_exit_1(site: SiteServer, crawled: tuple[Path, Path]) -> None:
    db, cfg = crawled
    publish(site, 5)  # two articles more to check and store
    corrupt_table(db, "articles")
    result = dealradar("crawl", "--json", "-c", str(cfg))
    assert_one_clear_line(result, "malformed")
