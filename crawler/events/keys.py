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

#: Trailing words that do not tell two companies apart ("Mistral AI" is "Mistral"). ``company_key``
#: strips these; the set is frozen because storage indexes deals by that key.
# fmt: off
_SUFFIXES = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "corp", "corporation", "co", "company",
    "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "oy", "kk", "pbc", "pte",
    "pty", "holdings", "holding", "group", "ai", "labs", "lab", "technologies",
})
#: Descriptive trailing words outlets add to or drop from a name ("Ampere" / "Ampere Computing").
#: Unlike ``_SUFFIXES`` they can tell companies apart ("Mistral AI" vs "Mistral Motors"), so they
#: only widen the candidate search (``candidate_keys``); ``same_company`` decides.
_DESCRIPTIVE = frozenset({
    "aerospace", "analytics", "automation", "automotive", "bio", "biosciences", "biotech", "capital",
    "cloud", "communications", "computer", "computers", "computing", "cyber", "data", "devices", "digital",
    "dynamics", "electronics", "energy", "financial", "global", "health", "healthcare", "industries",
    "innovations", "intelligence", "interactive", "international", "labs", "materials", "media", "medical",
    "microsystems", "mobility", "motors", "networks", "partners", "pharma", "pharmaceuticals", "photonics",
    "platforms", "power", "quantum", "research", "robotics", "science", "sciences", "security",
    "semiconductor", "semiconductors", "services", "software", "solutions", "space", "studio", "studios",
    "systems", "tech", "technology", "therapeutics", "ventures", "vision",
})
# fmt: on
#: Legal-form words only: the words ``same_company`` ignores before comparing the rest.
_LEGAL = _SUFFIXES - {"holdings", "holding", "group", "ai", "labs", "lab", "technologies"}
_DOMAIN = re.compile(r"\.(?:com|ai|io|co|net|org)\b")
_SPLIT = re.compile(r"[\s,;/()\[\]]+")
#: A wire dateline glued to the name: "NEW YORK--Kalshi", "SAN FRANCISCO, Calif. — Acme",
#: "LONDON (Reuters) - Acme". Capitalised place words of 3+ letters, then a dash that a company
#: name does not contain (a double hyphen, an en or em dash, or a hyphen with spaces around it).
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'&]{2,}(?:[ ,]+[A-Z][A-Za-z.'&]*)*\s*(?:\([^)]*\))?\s*(?:--+|[\u2013\u2014]|\s-\s)\s*(?=\w)"
)


def clean_company(name: str) -> str:
    """The name without a dateline glued in front of it ("NEW YORK--Kalshi" -> "Kalshi")."""
    text = (name or "").strip()
    stripped = _DATELINE.sub("", text, count=1)
    return stripped if stripped.strip() else text


def _tokens(name: str) -> list[str]:
    """Casefolded alphanumeric words of a name: accents, punctuation, domains and a leading "the" gone."""
    text = unicodedata.normalize("NFKD", clean_company(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _DOMAIN.sub(" ", text.replace("&", " and "))
    tokens = [t for t in ("".join(ch for ch in tok if ch.isalnum()) for tok in _SPLIT.split(text)) if t]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return tokens


def _strip_tail(tokens: list[str], words: frozenset[str]) -> list[str]:
    out = list(tokens)
    while len(out) > 1 and out[-1] in words:
        out.pop()
    return out


@lru_cache(maxsize=4096)
def company_key(name: str) -> str:
    """Case-, accent-, punctuation-, dateline- and suffix-insensitive key for a company name.

    The parser already canonicalises names; this only absorbs spelling noise between outlets
    ("Mistral AI" / "Mistral", "Amazon.com, Inc." / "Amazon", "Hugging-Face" / "Hugging Face",
    "NEW YORK--Kalshi" / "Kalshi"). Storage indexes deals by it, so it must stay stable: changing
    which words it strips means re-keying stored deals (descriptive words go to ``_DESCRIPTIVE``).
    """
    return "".join(_strip_tail(_tokens(name), _SUFFIXES))


@lru_cache(maxsize=4096)
def company_root(name: str) -> str:
    """The name's key with descriptive words stripped too ("Ampere Computing" -> "ampere"):
    every name ``same_company`` accepts shares it."""
    return "".join(_strip_tail(_tokens(name), _SUFFIXES | _DESCRIPTIVE))


@lru_cache(maxsize=4096)
def candidate_keys(name: str) -> tuple[str, ...]:
    """The stored ``company_key`` values a deal of this company may carry, sorted: the name's own
    key, its root, and the root plus one descriptive word ("Ampere" finds "Ampere Computing").

    Storage loads the candidate deals with ``company_key IN candidate_keys(name)``, an indexed
    lookup; ``same_company`` then keeps only real matches. A name that adds two or more
    descriptive words to the root ("Acme Robotics Systems") is only found under its own key.
    """
    root = company_root(name)
    keys = {company_key(name), root, *(root + word for word in _DESCRIPTIVE - _SUFFIXES)}
    return tuple(sorted(k for k in keys if k))


@lru_cache(maxsize=8192)
def same_company(a: str, b: str) -> bool:
    """Whether two spellings name one company.

    Equal keys, or one name is the other plus descriptive words only ("Ampere" / "Ampere
    Computing", "OpenAI" / "OpenAI Group PBC"). Two different descriptive tails stay apart:
    "Mistral AI" and "Mistral Motors" are two companies.
    """
    if company_key(a) == company_key(b):
        return True
    ta, tb = _strip_tail(_tokens(a), _LEGAL), _strip_tail(_tokens(b), _LEGAL)
    short, long = sorted((ta, tb), key=len)
    if not short or long[: len(short)] != short:
        return False
    return all(t in _DESCRIPTIVE or t in _SUFFIXES for t in long[len(short):])


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
