"""DealRadar's exceptions, and who catches them.

    DealRadarError                 base; the CLI prints its message on one line and exits 1
    ├── ConfigError(key_path)      bad configuration; the CLI exits 2 before anything is written
    ├── InputError                 bad input on the command line (no such file, empty or binary input); exit 2
    ├── StorageError               the database cannot be opened, migrated or written; exit 1
    ├── FetchError(url, retryable) one URL could not be fetched; recorded on the source, the crawl goes on
    └── LockedError                another daemon already runs on this database; exit 1
"""

from __future__ import annotations


class DealRadarError(Exception):
    """Base of every error DealRadar raises on purpose."""


class ConfigError(DealRadarError):
    """The configuration is wrong; ``key_path`` says where (``crawl.delay``, ``sources[2].every``)."""

    def __init__(self, key_path: str, message: str) -> None:
        # Keys and values come from the user's file: escape line breaks so the error stays one line.
        key_path, message = _one_line(str(key_path)), _one_line(str(message))
        self.key_path = key_path
        self.message = message
        super().__init__(f"{key_path}: {message}" if key_path else message)


class InputError(DealRadarError):
    """What the command was given to read cannot be used: a missing file, a directory, empty or binary input."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


class StorageError(DealRadarError):
    """The database could not be used."""


class FetchError(DealRadarError):
    """A URL could not be fetched; ``retryable`` tells whether trying later may help."""

    def __init__(self, url: str, message: str, *, retryable: bool = False) -> None:
        self.url = url
        self.retryable = retryable
        super().__init__(f"{url}: {message}")


class LockedError(DealRadarError):
    """Another process holds the daemon lock for this database."""


def _one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
