"""One daemon per database, with a lock that dies with the process.

SQLite: an exclusive ``flock`` on ``<database file>.lock`` beside the database; the kernel drops it
when the process ends however it ends (SIGKILL included), so there is never a stale lock to clean
up. The file holds the owner's pid for the error message. PostgreSQL: ``pg_try_advisory_lock`` on
a dedicated connection held for the daemon's life; the server drops it when that session ends.

A manual ``dealradar crawl`` does not take this lock: it is safe beside the daemon (SQLite WAL,
busy timeout, ``BEGIN IMMEDIATE``; outbox claims are leased).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import threading
import time
from pathlib import Path
from typing import IO, Literal, Protocol

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.errors import ConfigError, LockedError, StorageError
from storage.engine import make_engine, normalise_url

log = logging.getLogger(__name__)

# A fixed 63-bit key: advisory locks are per database, so this means "the DealRadar daemon of this database".
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"dealradar.daemon").digest()[:8], "big") >> 1

LockState = Literal["held", "lost", "unknown"]


class DaemonLock(Protocol):
    """What the daemon holds while it runs."""

    description: str

    def check(self) -> LockState:
        """``held``; ``lost`` (another daemon has it now: stop); ``unknown`` (cannot tell right now)."""
        ...

    def release(self) -> None: ...

    def wait_broken(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True as soon as the lock may have been lost (then call ``check``)."""
        ...


def _redact(url: str) -> str:
    import re

    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def sqlite_lock_path(url: str) -> Path | None:
    """``<database>.lock`` for a SQLite file URL; None for other databases."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    db = parsed.database
    if not db or db == ":memory:" or db.startswith("file:"):
        raise ConfigError("storage.url", "the daemon needs a SQLite database file (or PostgreSQL): crawl "
                                         "processes cannot share an in-memory database")
    path = Path(db).expanduser().resolve()
    return path.with_name(path.name + ".lock")


class FileLock:
    """An exclusive ``flock`` held on an open file for the life of the process."""

    def __init__(self, path: Path) -> None:
        import fcntl

        self.path = path
        self.description = f"lock file {path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as exc:  # a read-only filesystem, a directory nobody may write in
            raise StorageError(f"cannot create the daemon lock file {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip()
            handle.close()
            who = f" (pid {owner})" if owner.isdigit() else ""
            raise LockedError(f"another dealradar daemon{who} is already running on this database "
                              f"({path} is locked); stop it first") from None
        os.set_inheritable(handle.fileno(), False)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle: IO[str] | None = handle

    def check(self) -> LockState:
        return "held" if self._handle is not None else "lost"

    def wait_broken(self, timeout: float) -> bool:
        """A flock cannot be taken away while its file is open."""
        time.sleep(timeout)
        return False

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self._handle.seek(0)
            self._handle.truncate()
        self._handle.close()  # closing the last descriptor drops the flock
        self._handle = None


class AdvisoryLock:
    """``pg_try_advisory_lock`` on a connection of its own, in autocommit so it never idles in a transaction."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.pool import NullPool

        self.description = f"advisory lock {ADVISORY_KEY} on {_redact(url)}"
        self._engine = make_engine(url, poolclass=NullPool)
        self._conn: Connection | None = None
        self._mutex = threading.RLock()  # the watching thread and the main thread share the connection
        self._released = False
        try:
            if not self._try_acquire():
                self._engine.dispose()
                raise LockedError("another dealradar daemon is already running on this database "
                                  f"(PostgreSQL advisory lock {ADVISORY_KEY} is held); stop it first")
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise StorageError(f"cannot take the daemon lock on {_redact(url)}: {exc}") from exc

    def _try_acquire(self) -> bool:
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}))
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def check(self) -> LockState:
        """Still ours? If the session died (server restart, a killed backend), take the lock again if nobody else
        did; ``lost`` when somebody did."""
        with self._mutex:
            if self._released:
                return "unknown"
            try:
                if self._conn is not None:
                    self._conn.scalar(text("SELECT 1"))
                    return "held"
            except SQLAlchemyError:
                with contextlib.suppress(Exception):
                    self._conn.close()  # type: ignore[union-attr]
                self._conn = None
                log.warning("lost the connection holding the daemon lock; taking it again")
            try:
                return "held" if self._try_acquire() else "lost"
            except SQLAlchemyError as exc:
                log.warning("cannot reach the database to renew the daemon lock: %s", str(exc).splitlines()[0])
                return "unknown"

    def wait_broken(self, timeout: float) -> bool:
        """Wait on the lock connection's socket. It is idle (autocommit, no LISTEN), so anything arriving on it —
        the server's "terminating connection" and the close after it — means the session, and with it the lock,
        may be gone: noticed at once, not at the next periodic check."""
        with self._mutex:
            fd = self._socket()
        if fd is None:
            time.sleep(timeout)
            return not self._released
        try:
            readable, _, _ = select.select([fd], [], [], timeout)
        except (OSError, ValueError):  # closed under us
            return not self._released
        return bool(readable)

    def _socket(self) -> int | None:
        if self._conn is None:
            return None
        try:
            return int(self._conn.connection.dbapi_connection.fileno())  # type: ignore[union-attr]
        except Exception:  # noqa: BLE001 - a driver without fileno, or a connection already closed
            return None

    def release(self) -> None:
        with self._mutex:
            self._released = True
            self._release()

    def _release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None
        self._engine.dispose()


def acquire_daemon_lock(url: str) -> DaemonLock:
    """Take the one-daemon-per-database lock or raise ``LockedError`` at once (never waits)."""
    path = sqlite_lock_path(url)
    if path is not None:
        return FileLock(path)
    return AdvisoryLock(url)


def daemon_running(url: str) -> bool | None:
    """Whether a daemon holds the lock for this database, without disturbing it; None if unknown."""
    try:
        path = sqlite_lock_path(url)
    except ConfigError:
        return False
    if path is not None:
        return _file_locked(path)
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                n = conn.scalar(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND classid = :hi AND objid = :lo AND objsubid = 1"),
                    {"hi": ADVISORY_KEY >> 32, "lo": ADVISORY_KEY & 0xFFFFFFFF})
        finally:
            engine.dispose()
        return bool(n)
    except SQLAlchemyError:
        return None


def _file_locked(path: Path) -> bool | None:
    if not path.exists():
        return False
    try:
        import fcntl

        with open(path, encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return None
