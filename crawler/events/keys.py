"""Normalisation helpers shared by matching and consensus: names, rounds, statuses, figures.

Stdlib only and pure, so the storage layer can compute the same ``company_key`` it indexes by.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

UNDISCLOSED = "financing_undisclosed_structure"
#: The specific types an undisclosed financing may turn out to be.
FINANCING_TYPES = frozenset({"equity", "debt"})

#: Status authority: a deal only ever moves up this ladder.
STATUS_RANK = {"rumored": 0, "announced": 1, "closed": 2}
_STATUS_ALIASES = {"rumoured": "rumored", "completed": "closed", "raised": "closed"}

#: Trailing words that do not tell two companies apart ("Mistral AI" is "Mistral").
# fmt: off
_SUFFIXES = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "corp", "corporation", "co", "company",
    "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "oy", "kk", "pbc", "pte",
    "pty", "holdings", "holding", "group", "ai", "labs", "lab", "technologies",
})
# fmt: on
_DOMAIN = re.compile(r"\.(?:com|ai|io|co|net|org)\b")
_SPLIT = re.compile(r"[\s,;/()\[\]]+")


@lru_cache(maxsize=4096)
def company_key(name: str) -> str:
    """Case-, accent-, punctuation- and suffix-insensitive key for a company name.

    The parser already canonicalises names; this only absorbs spelling noise between outlets
    ("Mistral AI" / "Mistral", "Amazon.com, Inc." / "Amazon", "Hugging-Face" / "Hugging Face").
    Storage indexes deals by it, so it must stay stable: changing it means re-keying stored deals.
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DOMAIN.sub(" ", text.replace("&", " and "))
    tokens = [t for t in ("".join(ch for ch in tok if ch.isalnum()) for tok in _SPLIT.split(text)) if t]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return "".join(tokens)


def normalise_round(value: str | None) -> str | None:
    """Comparable form of a round name ("Series-B", "series b", "B" -> "series b"); None if empty."""
    if not value:
        return None
    key = re.sub(r"[^0-9a-z+]+", " ", value.casefold()).strip()
    if not key:
        return None
    if re.fullmatch(r"[a-z]\d?", key):
        key = f"series {key}"
    return key


def normalise_status(value: str | None) -> str:
    """Lower-cased status with common synonyms folded in; unknown strings are kept as given."""
    status = (value or "").strip().casefold()
    return _STATUS_ALIASES.get(status, status)


def status_rank(value: str | None) -> int:
    """Authority of a status (closed > announced > rumored); unknown statuses rank lowest."""
    return STATUS_RANK.get(normalise_status(value), -1)


def types_compatible(a: str, b: str) -> bool:
    """Equal types, or an undisclosed financing structure next to equity or debt."""
    if a == b:
        return True
    pair = {a, b}
    return UNDISCLOSED in pair and (pair - {UNDISCLOSED}) <= FINANCING_TYPES


def rel_diff(a: float, b: float) -> float:
    """Relative difference |a-b| / max(|a|,|b|): 0 for equal figures, symmetric, at most 2."""
    biggest = max(abs(a), abs(b))
    return 0.0 if biggest == 0 else abs(a - b) / biggest


def ratio(a: float, b: float) -> float:
    """How many times bigger the larger figure is (1 = equal, inf when only one is zero)."""
    lo, hi = sorted((abs(a), abs(b)))
    if hi == 0:
        return 1.0
    return math.inf if lo == 0 else hi / lo


def clean_figure(value: object) -> float | None:
    """A finite float, or None: NaN/inf/garbage from a record never reaches the comparisons."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
