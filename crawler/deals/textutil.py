"""Small text helpers shared by the parser modules. Pure."""

from __future__ import annotations

import re

# The only non-ASCII characters that re.IGNORECASE matches to an ASCII letter (İ ı -> i, ſ -> s);
# the Kelvin sign already lower-cases to "k".
_ODD = re.compile("[\u0130\u0131\u017f]")
_FOLD_ODD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """Lower-cased text for cheap keyword pre-checks: any word an ``re.I`` pattern matches is in it.

    Lets the parser skip a costly pattern when a word every match contains is absent.
    """
    if text.isascii() or _ODD.search(text) is None:  # isascii() is a flag check, no scan
        return text.lower()
    return text.translate(_FOLD_ODD).lower()


# An inline flag group ("(?i:", "(?-i:", "(?x)"): its case rules cannot be carried over.
_INLINE_FLAGS = re.compile(r"\(\?[-aiLmsux]")
# In a pattern's source: an escape (\S, \\), a group name, or an upper-case letter (the one token changed).
_CODE_ESCAPE = re.compile(r"\\[uUxN0-7]")  # a character given by its code: its case is not visible here
_SOURCE_TOKEN = re.compile(r"\\.|\(\?P<[^>]*>|\(\?P=[^)]*\)|[A-Z]", re.S)


def folded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-sensitive twin of an ``re.IGNORECASE`` pattern, to run on ``fold(text)``: its letters are
    lowered (escapes and group names kept), so it finds the same spans, several times faster. Under
    IGNORECASE ``re`` gives up its fast scan for a first character and compares every character case-folded
    (the investor trigger took four times as long). Use it where only whether and where a pattern matches
    counts: the matched text itself is lower case."""
    src = pattern.pattern
    if not pattern.flags & re.IGNORECASE or _INLINE_FLAGS.search(src) or _CODE_ESCAPE.search(src) or \
            any(ch.isupper() for ch in src if not ch.isascii()):
        raise ValueError(f"not an IGNORECASE pattern of ASCII letters without inline flags: {src[:80]!r}")
    lowered = _SOURCE_TOKEN.sub(lambda m: m.group(0).lower() if len(m.group(0)) == 1 else m.group(0), src)
    return re.compile(lowered, pattern.flags & ~re.IGNORECASE)


# A pictograph opening a newsletter line ("🇩🇰 Tangent Bio AI — DKK 60 million", "💶 Not a round"): a flag
# (two regional indicators) or one symbol, with its variation selector; it marks an item as a bullet does.
LINE_EMOJI = (r"(?:[\U0001F1E6-\U0001F1FF]{2}|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]\uFE0F?)"
              r"(?:\u200D?[\U0001F300-\U0001FAFF\u2600-\u27BF]\uFE0F?)*")

