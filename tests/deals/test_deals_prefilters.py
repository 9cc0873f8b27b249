"""The parser skips costly regexes when a word every match needs is missing (speed).

These checks guard that the skip never changes a result: whenever a pattern matches, its
pre-check passes, including on odd capitalisation that ``re.IGNORECASE`` folds (İ, ı, ſ, K).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.deals import classify, money, segment
from crawler.deals import investors as inv
from crawler.deals import taxonomy as tx
from crawler.deals.textutil import fold, folded

_WORDS = [
    "led by", "Lead by", "leads by", "with", "as", "co-lead", "lead investor", "of", "in", "the", "round", "was",
    "participating", "Investing", "joining", "taking part", "lending", "investors", "backers", "joined", "existing",
    "is", "are", "leading", "expected to", "co-led", "headed", "anchored", "financing", "participated", "also",
    "invested", "came in", "re-upped", "returned", "put in money", "backed the round", "provided", "were", "among",
    "other", "said to", "invest", "funded", "backed", "by", "participation from", "accompanied", "alongside",
    "together with", "underwritten", "Acme", "Borealis Capital", "and", ",", ";", ".", "$5 million", "Kelvin",
    "İNVESTED", "ıNVESTORS", "ſtake", "JOINED", "LED BY", "tranche", "facility", "loan", "money", "capital",
    "we use cookies", "Related:", "click here", "Privacy Policy", "ALL RIGHTS RESERVED", "two billion dollars",
    "a million euros", "MILLİON", "€40m", "half a billion pounds", "as did", "included", "drew", "funders",
    "also in", "made its first equity investment", "take part", "likely to", "tens of billions of dollars",
    "Brakstone", "which led", "Angel investors from", "led", "led,", "are new to the cap table", "cap table includes",
    "also buying stock", "are the initial equity funders", "Investors are", "are also taking part",
    "joined as strategic investors", "also participate", "also buying",
]
PREFILTER = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _needs_pass(needs: tuple[tuple[str, ...], ...], text: str) -> bool:
    low = fold(text)
    return all(any(w in low for w in group) for group in needs)


@PREFILTER
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14))
def test_investor_pattern_match_implies_its_words(words: list[str]) -> None:
    text = " ".join(words)
    for pat, _kind, _anchored, needs in inv._INV_TABLE:
        clauses = [text, inv._LEAD_IN.sub("", text)] + [inv._LEAD_IN.sub("", c) for c in inv._CLAUSES.split(text)]
        if any(pat.search(c) for c in clauses):
            assert _needs_pass(needs, text), (pat.pattern[:60], text)
            assert inv._TRIGGER.search(text), (pat.pattern[:60], text)


@PREFILTER
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=10))
def test_money_and_noise_prechecks_are_sound(words: list[str]) -> None:
    text = " ".join(words)
    if money._WORDED.search(text) or money._VAGUE.search(text):
        assert "illion" in fold(text)
    if money._PREFIXED.search(text) or money._SUFFIXED.search(text):
        assert money._DIGIT.search(text)
    if segment._NOISE_PHRASE.search(text):
        assert any(w in fold(text) for w in segment._NOISE_WORDS)


def test_fold_matches_ignorecase_on_odd_letters() -> None:
    assert "invested" in fold("İNVESTED")
    assert "stake" in fold("ſtake")
    assert "kelvin" in fold("\u212aelvin")


def test_name_chunks_are_cached_per_article_but_copies() -> None:
    from crawler.deals import load_resources
    from crawler.deals.entities import NameFinder

    finder = NameFinder(load_resources(), ["Acme Robotics raised money from Borealis Capital."])
    first = finder.chunks("Acme Robotics raised money from Borealis Capital.")
    first.clear()
    again = finder.chunks("Acme Robotics raised money from Borealis Capital.")
    assert [n.text for n in again] == ["Acme Robotics", "Borealis Capital"]


# Every IGNORECASE pattern the parser runs as a case-sensitive twin on folded text.
_FOLDED = [inv._TRIGGER, classify._DEAL_SIZE, tx.VALUATION_BEFORE, tx.VALUATION_AFTER, tx.NON_DEAL_BEFORE,
           tx.BACKGROUND_STRONG, tx.HYPOTHETICAL, tx.DENIAL, classify._DENIED_AFTER, classify._WEAK,
           classify._LITIGATION, classify._PUBLIC_OFFERING]
_TWIN_WORDS = _WORDS + [
    "IPO", "Ipo", "pre-IPO", "initial public offering", "sued", "in damages", "ARR", "revenue", "valued at",
    "post-money", "post-money valuation", "a valuation of", "worth", "deal worth", "earlier", "last year",
    "In June", "in mid-March", "ago", "denied", "reports are untrue", "if", "Suppose", "was wrong", "Earlier",
    "previously", "had raised", "İPO", "ſued", "RUN-RATE", "run rate", "fines", "Kelvin", "\u212aelvin",
]


@PREFILTER
@given(st.lists(st.sampled_from(_TWIN_WORDS), min_size=1, max_size=12))
def test_folded_twins_find_the_same_spans_as_their_ignorecase_patterns(words: list[str]) -> None:
    text = " ".join(words)
    for pat in _FOLDED:
        twin = folded(pat)
        assert [m.span() for m in pat.finditer(text)] == [m.span() for m in twin.finditer(fold(text))], \
            (pat.pattern[:60], text)


def test_folded_lowers_letters_but_not_escapes_or_group_names_and_refuses_what_it_cannot_carry() -> None:
    twin = folded(re.compile(r"\bIPO(?P<Round>\S+)[A-Z]\\Q", re.I))
    assert twin.pattern == r"\bipo(?P<Round>\S+)[a-z]\\q" and not twin.flags & re.I
    day = folded(re.compile(r"\bIPO(?P<Round>\S+)", re.I)).search(fold("its İPO-day"))
    assert day is not None and day.group("Round") == "-day"
    for bad in (re.compile("ipo"), re.compile("(?-i:X)ipo", re.I), re.compile(r"\u00C9", re.I),
                re.compile("É", re.I)):
        with pytest.raises(ValueError):
            folded(bad)
