"""Alembic, driven from code: no alembic.ini for users to find."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"dealradar.migrate").digest()[:8], "big") >> 1
_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*['"]?([^'"\s]+)['"]?""", re.M)


def file_head(versions: Path = MIGRATIONS / "versions") -> str | None:
    """The head revision read from the migration files themselves, without importing Alembic: the one no
    other file names as its ``down_revision``. None when that is not one clear answer.

    Every command and every crawl process opens the database: one that is already at the head is
    recognised with one query, and Alembic (a tenth of a second of imports) is loaded only when there
    is something to migrate. A test holds this to Alembic's own reading."""
    revisions, parents = set(), set()
    for path in versions.glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision", "None"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run on every start."""
    head = file_head() if revision == "head" else None
    if head is not None and current_revision(engine) == head:
        return
    from alembic import command

    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    # Several processes may start on a new PostgreSQL database at once (cluster members): one migrates while
    # the others wait on an advisory lock, then find the schema at the head.
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATE_LOCK_KEY})")
        conn.commit()
        try:
            if head is None or current_revision(engine) != head:
                command.upgrade(alembic_config(engine), revision)
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATE_LOCK_KEY})")
            conn.commit()


def script_head() -> str | None:
    """The head revision as Alembic reads it from the migration files."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
