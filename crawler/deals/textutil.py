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
    if _ODD.search(text) is None:
        return text.lower()
    return text.translate(_FOLD_ODD).lower()
