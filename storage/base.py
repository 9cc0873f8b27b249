"""Connection handling shared by the repository's parts: open, migrate, one transaction per call."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import (
    DatabaseError,
    DBAPIError,
    IntegrityError,
    InternalError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session

from crawler.errors import StorageError
from storage.engine import make_engine, make_session_factory
from storage.migrate import upgrade

T = TypeVar("T")
R = TypeVar("R")


def utcnow() -> datetime:
    return datetime.now(UTC)


MAX_ROW_ID = 2**63 - 1  # the widest integer key either database stores


def possible_row_id(value: int) -> bool:
    """Whether a row could have this id: SQLite refuses (with OverflowError) to even compare a larger one."""
    return 0 < value <= MAX_ROW_ID


class StoreBase:
    """An engine and a session factory; every public call is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = make_session_factory(engine)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Self:
        """Open (and by default migrate) the database, turning driver errors into one clear StorageError."""
        try:
            engine = make_engine(url)
            if migrate:
                upgrade(engine)
            else:
                with engine.connect():
                    pass
        except (SQLAlchemyError, OSError) as exc:
            raise StorageError(f"cannot open database {_redact(url)}: {_short(exc)}") from exc
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def _session(self) -> Session:
        return self._sessions()

    def _write(self, fn: Callable[[Session], Any]) -> Any:
        try:
            with self._session() as session, session.begin():
                return fn(session)
        except DBAPIError as exc:
            if not is_storage_failure(exc):
                raise
            raise StorageError(f"database write failed: {_short(exc)}") from exc

    @staticmethod
    def _all_then_each(items: Sequence[T], write_all: Callable[[Sequence[T]], list[R]],
                       write_one: Callable[[T], R], errors: type[Exception] | tuple[type[Exception], ...],
                       ) -> list[R | Exception]:
        """``write_all`` (one transaction for every item); if it fails with ``errors``, ``write_one`` for each
        item, so one bad item costs the others nothing. Each item's result or the error that stopped it."""
        if len(items) > 1:
            try:
                return list(write_all(items))
            except errors:  # retried one by one below, where each failure is kept
                pass
        outcomes: list[R | Exception] = []
        for item in items:
            try:
                outcomes.append(write_one(item))
            except errors as exc:
                outcomes.append(exc)
        return outcomes


# SQLSTATEs of a database that refuses a write it understood: the role lacks the right, or the server or
# transaction is read-only (a standby).
_REFUSED_STATES = frozenset({"42501", "25006"})


def is_storage_failure(exc: DBAPIError) -> bool:
    """Whether a driver error is the database's own trouble (unreachable, locked, full, read-only, refusing the
    role, corrupt) rather than a fault in the statement or a constraint the caller handles (IntegrityError)."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, OperationalError | InternalError) or type(exc) is DatabaseError:
        return True  # SQLite's "database disk image is malformed" / "file is not a database" are plain DatabaseError
    return getattr(exc.orig, "sqlstate", None) in _REFUSED_STATES


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
