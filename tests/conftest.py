"""Shared fixtures: a local news site, SQLite files in a temp dir, PostgreSQL at 127.0.0.1:5432 when it answers."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from servers.daemon_proc import DaemonProcess

from crawler.cli.sitehost import SiteServer
from crawler.config import Settings, settings_from_dict

PG_URL = os.environ.get("DEALRADAR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's own config and proxies out of the tests."""
    for var in ("DEALRADAR_CONFIG", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = SiteServer().start()
    server.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'dealradar.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A schema of this test's own in the ``test`` database, so parallel runs never see each other."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    import psycopg

    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dealradar.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def daemons(tmp_path: Path) -> Iterator[Callable[[Path], DaemonProcess]]:
    """Start ``dealradar run`` processes on a config; any still running at the end are killed with their children."""
    started: list[DaemonProcess] = []

    def start(config: Path) -> DaemonProcess:
        d = DaemonProcess(config, tmp_path / f"daemon-{len(started)}.log")
        started.append(d)
        return d

    yield start
    for d in started:
        if d.proc.poll() is None:
            d.kill_all()


def make_settings(db: str, sources: list[dict[str, Any]], **overrides: Any) -> Settings:
    """Settings for a crawl of local servers: no politeness delay, private addresses allowed."""
    crawl = {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "concurrency_per_host": 8,
             "timeout": "10s", "retries": 2, "max_article_age": "3650d", "workers": 1}
    crawl.update(overrides.pop("crawl", {}))
    data: dict[str, Any] = {"storage": {"url": db}, "crawl": crawl, "sources": sources}
    data.update(overrides)
    return settings_from_dict(data, env={})


# Hypothesis: the same examples on every run, so CI never fails on a draw a developer cannot replay.
# HYPOTHESIS_PROFILE=explore searches afresh.
# ---- PostgreSQL databases of a test's own --------------------------------------------------------------------

@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A database of the caller's own, dropped afterwards: for what PostgreSQL keeps per database (advisory
    locks, grants), which tests sharing ``test`` would otherwise see."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@dataclass(frozen=True)
class ReadOnlyDatabase:
    owner_url: str  # the schema's owner: may write
    reader_url: str  # a role that may read and nothing more


@pytest.fixture
def read_only_pg() -> Iterator[ReadOnlyDatabase]:
    """A database with DealRadar's schema and a login role that may only SELECT from it (roles are per server,
    so its name is unique; it is dropped afterwards)."""
    import psycopg

    from storage.repository import Repository

    with scratch_database("dealradar_ro") as owner:
        role = f"dealradar_reader_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
        try:
            Repository.open(owner).close()  # the schema, created by its owner
            with psycopg.connect(owner, autocommit=True) as db:
                db.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
                db.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
            yield ReadOnlyDatabase(owner, owner.replace("://postgres@", f"://{role}@", 1))
        finally:
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
            with psycopg.connect(owner, autocommit=True) as db:
                db.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
                db.execute(f'REVOKE ALL ON SCHEMA public FROM "{role}"')
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True)
_hypothesis_settings.register_profile("explore", derandomize=False)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
