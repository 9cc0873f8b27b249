"""An extracted article and its text fingerprints: what the crawl computes and storage matches on.

``ExtractedArticle`` is what extraction (``crawler.crawl.extract``) hands to storage; the content hash finds
the same text under another URL, and SimHash plus a word-shingle Jaccard check find a lightly edited copy.
Kept apart from extraction (lxml, trafilatura) so storage uses them without importing the crawl.
Stdlib only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.U)


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    url: str
    source: str
    outlet: str
    title: str | None
    text: str
    published: datetime
    published_from: str  # page | feed | http | fetched
    language: str | None
    content_hash: str
    simhash: int
    fetched_at: datetime
    guid: str | None = None
    # The canonical URL the feed or sitemap pointed at, when a redirect ended elsewhere (``url`` is where it
    # ended): storage should remember it too, or the feed's link looks new on every pass.
    requested_url: str | None = None


def content_hash(text: str) -> str:
    """Same words, same hash: whitespace and case do not make a different article."""
    return hashlib.sha256(_WS.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()


def shingles(text: str) -> set[str]:
    """Word 3-shingles: the unit both the fingerprint and the duplicate check compare."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        words = words + [""] * (3 - len(words))
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles; a small edit moves it only a few bits.

    Bit-sliced: the shingles' 64-bit digests are packed into one big integer and each bit position is
    counted with one mask and ``bit_count`` (C speed) instead of a Python loop per shingle and bit."""
    digests = [hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles(text)]
    n = len(digests)
    packed = int.from_bytes(b"".join(digests), "big")
    lowest = ((1 << (64 * n)) - 1) // ((1 << 64) - 1)  # bit 0 of every 64-bit slot
    return sum(1 << bit for bit in range(64) if 2 * (packed & (lowest << bit)).bit_count() > n)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
