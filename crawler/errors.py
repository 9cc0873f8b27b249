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
    """The configuration is wrong; ``key_path`` says where (``crawl.delay``, ``sources[2].every``).

    A file with several mistakes raises one ConfigError for the first with all of them in ``problems``
    (``(key_path, message)`` pairs, the first included), so the CLI prints every one at once.
    """

    def __init__(self, key_path: str, message: str, *, more: list[tuple[str, str]] | None = None) -> None:
        # Keys and values come from the user's file: escape line breaks so the error stays one line.
        key_path, message = _one_line(str(key_path)), _one_line(str(message))
        self.key_path = key_path
        self.message = message
        self.problems = [(key_path, message)] + [(_one_line(str(k)), _one_line(str(m))) for k, m in more or ()]
        text = f"{key_path}: {message}" if key_path else message
        if len(self.problems) > 1:
            n = len(self.problems) - 1
            text += f" (and {n} more problem{'s' if n > 1 else ''})"
        super().__init__(text)

    def lines(self) -> list[str]:
        """One line per problem: ``key.path: what was expected, got 'value'``."""
        return [f"{k}: {m}" if k else m for k, m in self.problems]


class InputError(DealRadarError):
    """What the command was given to read cannot be used: a missing file, a directory, empty or binary input."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


class CorrectionError(DealRadarError):
    """A dismiss or merge that cannot be done: no such deal, a deal merged into itself or merged already.

    ``missing`` tells the web layer to answer 404 rather than 409."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        self.missing = missing
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
