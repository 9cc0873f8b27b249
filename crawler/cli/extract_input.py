"""What ``dealradar extract`` reads, and how plain text is split into headline and body.

Input that is not an article (a missing file, a directory, nothing at all, binary data) is refused with
one line and exit status 2 rather than parsed into ``is_deal: False``. In plain text the first line is
the headline only when it looks like one, and the caller is told which line was read as the title.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crawler.errors import InputError

SNIFF_BYTES = 8192
MAX_HEADLINE = 200
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")


@dataclass(frozen=True, slots=True)
class TitledText:
    """A plain-text article: ``title_from`` says where the title came from (option, first line, none)."""

    title: str
    text: str
    title_from: str


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than one control byte in twenty, in the first 8 KB: not an article's text or HTML."""
    sample = data[:SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls * 20 > len(sample)


def open_input(path: str) -> BinaryIO:
    """A file (or ``-``, stdin) opened for bytes; one-line InputError for a missing file or a directory."""
    if path == "-":
        return _stdin_bytes()
    p = Path(path)
    if p.is_dir():
        raise InputError(f"is a directory: {path}")
    if not p.exists():
        raise InputError(f"no such file: {path}")
    try:
        return p.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_article_bytes(target: str) -> tuple[bytes, str]:
    """The bytes of a FILE or of stdin (``-``) and the URL to report them under; refuses empty and binary."""
    if target == "-":
        data = _stdin_bytes().read()
    else:
        with open_input(target) as stream:
            data = stream.read()
    refuse_unreadable(data, "stdin" if target == "-" else target)
    return data, "stdin" if target == "-" else Path(target).resolve().as_uri()


def refuse_unreadable(data: bytes, where: str) -> None:
    """InputError for input with nothing to parse: empty, blank, or binary."""
    if not data.strip():
        raise InputError(f"{where}: empty input, nothing to parse")
    if looks_binary(data):
        raise InputError(f"{where}: binary data, not an article (give HTML or plain text)")


def split_plain_text(raw: str, title: str | None = None) -> TitledText:
    """Headline and body of a plain-text article.

    With ``title`` given, the whole text is the body. Otherwise the first line is the headline when more
    text follows it and it reads like one (at most 200 characters, not ending in a full stop); a single
    paragraph, or a first line that is a sentence of the story, leaves the article without a title rather
    than having its lede read as a headline."""
    raw = raw.strip()
    if title is not None:
        return TitledText(title.strip(), raw, "option")
    first, _, rest = raw.partition("\n")
    first, rest = first.strip(), rest.strip()
    if rest and len(first) <= MAX_HEADLINE and not first.endswith("."):
        return TitledText(first, rest, "first line")
    return TitledText("", raw, "none")


def _stdin_bytes() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer
    import io

    return io.BytesIO(sys.stdin.read().encode("utf-8"))
