"""The parser skips costly regexes when a word every match needs is missing (speed).

These checks guard that the skip never changes a result: whenever a pattern matches, its
pre-check passes, including on odd capitalisation that ``re.IGNORECASE`` folds (İ, ı, ſ, K).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.deals import investors as inv
from crawler.deals import money, segment
from crawler.deals.textutil import fold

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
