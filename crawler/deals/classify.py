"""Decides what a figure is (deal amount, valuation, or something else) and what is background.

The rules here say why a money figure in a sentence is NOT a new deal: a valuation, revenue,
a price, a fine, a total raised to date, an earlier round, a forecast, a hypothetical. Pure.
"""

from __future__ import annotations

import re

from crawler.deals import taxonomy as tx
from crawler.deals.money import Money
from crawler.deals.textutil import fold, folded

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december")
_YEAR = re.compile(r"(?:\b(?<!founded in )(?<!founded )(?<!since )(?<!established in )(?:in|during|of) (?P<part>early |late |mid-)?"
                   r"(?:(?P<month>" + _MONTHS + r") )?|\()(?P<year>20\d\d)\b", re.I)  # ... or "$1.5B (2025)"
# Parts of last year far enough back that a figure dated there is never this article's news.
_LONG_AGO = ("early", "mid-", "january", "february", "march", "april", "may", "june", "july", "august")
_WEAK = re.compile(r"\b(?:earlier|last|before|ago|once|" + tx.PRIOR_EVENT + r"|in (?:early |mid-|late )?(?:" + _MONTHS + r")|"
                   r"(?:a|one|two|three|a few|several) (?:weeks?|months?) later)\b", re.I)
_WEAK_F = folded(_WEAK)
_MIN_DEAL_USD = 100_000.0
_BARE_MONTH = re.compile(r"\bin (?:an? |its |the )?(?:early |mid-|late )?(?P<month>" + _MONTHS + r")\b(?!,? \d)", re.I)
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split("|"), start=1)}
# "the report that it raised $90 million is simply wrong"
_DENIED_AFTER = re.compile(r"\s*(?:[\w-]+\s){0,3}?(?:(?:is|was|are|were)\s+[\"“]?(?:\w+\s)?(?:wrong|untrue|incorrect|false|"
                           r"inaccurate|not true|baseless|fiction)|(?:is|was|are|were|has been|have been)\s+(?:\w+\s)?(?:denied|dismissed|"
                           r"rejected|refuted|disputed)|fell apart|fell through|collapsed|"
                           r"(?:was|were) (?:called off|scrapped|abandoned))\b", re.I)  # "a $100 million round fell apart"
_REPORTED_HAD = re.compile(r"(\b(?:said|says|announced|confirmed|disclosed)\b[^.;]{0,60}?)\bhad\b(?=\s+(?:separately\s+|also\s+)?"
                           r"(?:raised|closed|secured|received)\b)", re.I)
_CLOSED_RELATIVE = re.compile(r",\s*(?:which|who|whose)\b[^,;$€£¥₹₦₱₺₫฿₩₪]*,")
DEAL_SIZE_BEFORE = r"\b(?:deal|agreement|contract|pact|transaction|commitment|round|financing|raise)\s+(?:that is\s+|is\s+|was\s+)?(?:valued at|worth)\s+(?:about\s+|around\s+|roughly\s+|some\s+)?"
_DEAL_SIZE = re.compile(DEAL_SIZE_BEFORE + r"$", re.I)
# Case-sensitive twins of the cue patterns searched around every figure, run on fold(text): much faster.
_DEAL_SIZE_F, _VALUATION_BEFORE_F, _VALUATION_AFTER_F, _NON_DEAL_BEFORE_F = map(
    folded, (_DEAL_SIZE, tx.VALUATION_BEFORE, tx.VALUATION_AFTER, tx.NON_DEAL_BEFORE))
_BACKGROUND_STRONG_F, _HYPOTHETICAL_F, _DENIAL_F, _DENIED_AFTER_F = map(
    folded, (tx.BACKGROUND_STRONG, tx.HYPOTHETICAL, tx.DENIAL, _DENIED_AFTER))


_INLINE_FIELD = re.compile(r"(?<=\s)(Valuation|Raised|Total raised|Funding to date|Total funding)\s*:\s*$", re.I)
_RAISED_AFTER_CUE = re.compile(r"\b(?:raised|raises|secured|secures|landed|lands|bagged|bags|nabbed|nabs)\b")


_WON_CONTRACT = re.compile(r"(?i)\b(?:won|wins|winning|awarded|been awarded) (?:a |an |the )?(?:[\w-]+ ){0,3}?"
                           r"(?:contract|order|tender)s? (?:worth|valued at|of)(?: up to| about| roughly| nearly)?\s*$")
# "with a contract amount of ¥2.4 billion", "Receipt of Order of 2.4 Billion Yen": an order's price is revenue
_ORDER_BEFORE = re.compile(r"(?i)\b(?:(?:contract|order)\s+(?:amount|value|price|sum)(?:\s+(?:of|is|was))?:?|"
                           r"(?:receipt|received|receives|receiving|won|wins|win|booked|books)\s+(?:of\s+)?(?:an?\s+|the\s+)?"
                           r"(?:[\w-]+\s+){0,2}?orders?\s+(?:of|worth|valued at|totall?ing))\s*(?:up to\s+|about\s+|roughly\s+)?$")
_WON_BEFORE = re.compile(r"(?i)\b(?:wins?|won|winning|awarded)\s+(?:an?\s+)?$")
# A contract for computing capacity is a compute deal, whoever "wins" it.
_COMPUTE_WORDS = re.compile(r"(?i)\b(?:compute|computing|capacity|GPUs?|cloud|data cent(?:er|re)s?|chips?)\b")
_CONTRACT_AFTER = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,3}?(?:contract|order|tender|deal to supply)s?\b")


_MARKET_VALUE = re.compile(r"(?i)\bmarket (?:value|valuation|capitali[sz]ation|cap)\s+(?:of\s+)?(?:about\s+|around\s+|"
                           r"roughly\s+|nearly\s+|some\s+)?$")


def money_role(sentence: str, money: Money, start: int, end: int, *, label: str | None = None) -> str:
    """``valuation``, ``nondeal`` (revenue, price, fine, per-unit, vague) or ``deal`` for a figure.

    ``start``/``end`` index ``sentence``; ``label`` is a bullet's field label ("Valuation").
    """
    if label and label.lower() == "valuation":
        return "valuation"
    before = sentence[max(0, start - 70):start]
    inline = _INLINE_FIELD.search(before) if ":" in before and start > len(label or "") + 2 else None
    if inline is not None:  # "Dropbox: Raised: $600 million Valuation: $10.35 billion": a profile's fields
        return "valuation" if inline.group(1).lower() == "valuation" else "nondeal"
    after = sentence[end:end + 60]
    low_before = fold(before)
    if (_WON_CONTRACT.search(before) or _ORDER_BEFORE.search(before)) and not _COMPUTE_WORDS.search(sentence):
        return "nondeal"  # "has won a five-year contract worth up to $95 million": revenue, not funding
    if _DEAL_SIZE_F.search(low_before):
        return "deal"  # "in an agreement valued at $10 billion": the deal's size, not a company's value
    if _MARKET_VALUE.search(before):
        return "nondeal"  # "giving it a market value of about $1.3 billion": what the stock says, not a round's price
    if _VALUATION_AFTER_F.match(fold(after)) or _VALUATION_BEFORE_F.search(low_before):
        return "valuation"
    if tx.NON_DEAL_AFTER.match(after) or (_WON_BEFORE.search(before) and _CONTRACT_AFTER.match(after)
                                           and not _COMPUTE_WORDS.search(sentence)):
        return "nondeal"  # ... or "wins $95 million Army contract": revenue won, not money raised
    nd = _NON_DEAL_BEFORE_F.search(low_before)
    if nd is not None and not _RAISED_AFTER_CUE.search(low_before, nd.start()):
        return "nondeal"  # but "AI platform for sales SiftHub has raised $5.5 million": the cue names a market
    if money.currency == "USD" and money.usd is None and money.value < _MIN_DEAL_USD and not money.is_range \
            and not money.vague:
        return "nondeal"
    return "deal"


_COMPLETES_ANNOUNCED = re.compile(r"(?i)\b((?:complet\w+|closed|closes|closing|finali[sz]\w+)\s+(?:the|its|their|a)\s+)"
                                  r"previously\s+(?:announced|disclosed|reported|agreed)\s+")
_AFTER_ITS_DEAL = re.compile(r"(?i)^\W*(?:(?:a|one|two|three|four|\w+) (?:days?|weeks?|months?|years?) )?(?:after|following|"
                             r"since|on the heels of)\s+(?:[\w.&-]+\s){0,4}?[\w.&-]+['’]s\s+(?:(?:about|nearly|some)\s+)?$")
_OTHER_EVENT = re.compile(r"\b(?:after|following|on the heels of|since)\s+(?=(?:the|its|their|a|an)\s)", re.I)


def background_level(before: str, after: str, published_year: int | None, published_month: int | None = None) -> int:
    """0: reads as news; 1: weakly dated ("earlier", "in June"); 2: plainly background.

    ``before`` is the clause up to the figure, ``after`` the words after it up to the next comma.
    A month later in the year than the publication month ("in May", published in January) is last year's;
    one more than two months before it is old news too.
    """
    # "raised $100 million ... less than a year after the last round": what follows "after" dates another event
    after = _OTHER_EVENT.split(after, 1)[0]
    # "has completed its previously announced acquisition of X": the closing is the news
    before = _COMPLETES_ANNOUNCED.sub(r"\1", before)
    # "The bank said xAI had closed $5 billion": reported speech, not an earlier deal
    window = f"{before} {after}"
    if "had" in window:
        window = _REPORTED_HAD.sub(r"\1has", window)
    low_before = fold(before)
    if _AFTER_ITS_DEAL.search(before):
        return 2  # "After Eko Credit's $6.5m seed, a Lagos VC says ...": the deal dates what the story is about
    if _BACKGROUND_STRONG_F.search(fold(window)) or _HYPOTHETICAL_F.search(low_before) or \
            _DENIAL_F.search(low_before) or _DENIED_AFTER_F.match(fold(after)):
        return 2
    # "X, which tests models before they ship, has agreed to ...": a closed relative clause dates nothing here
    if ", wh" in before:
        window = _CLOSED_RELATIVE.sub(",", before) + " " + after
    if published_year is not None:
        for m in _YEAR.finditer(window):
            year = int(m.group("year"))
            if year < published_year:
                part = (m.group("part") or m.group("month") or "").strip().lower()
                spring = published_month is not None and published_month >= 3 and not m.group("month")
                return 2 if year < published_year - 1 or part in _LONG_AGO or spring else 1
    if published_month is not None:
        for m in _BARE_MONTH.finditer(window):
            month = _MONTH_NUMBER[m.group("month").lower()]
            if m.group("month")[0].isupper() and (month > published_month or month < published_month - 2):
                return 2  # last year's, or a season ago: "In January" in a November story
    if _WEAK_F.search(fold(window)):
        return 1
    return 0


_LITIGATION = re.compile(r"\b(?:sues?|sued|suing|lawsuits?|class action|in damages|damages of|statutory damages|"
                         r"plaintiffs?|infringement)\b", re.I)
_LITIGATION_F = folded(_LITIGATION)
_PUBLIC_OFFERING = re.compile(r"(?<!pre-)\b(?:initial public offering|IPO|public offering|direct listing|went public|"
                              r"go public|going public|stock market debut|trading debut|priced (?:its )?shares)\b", re.I)
_PUBLIC_OFFERING_F = folded(_PUBLIC_OFFERING)


# Money that changes hands without anyone investing: backers of a crowdfunding campaign, a regulator's
# settlement, a customer's contract for services (a compute or cloud contract is a deal: see COMPUTE_WORDS).
_NOT_INVESTMENT = re.compile(r"\b(?:kickstarter|indiegogo|crowdfund\w*|crowd-fund\w*|crowdcube|seedrs|wefunder|"
                             r"startengine|settlement|fined|penalt(?:y|ies)|consent decree|public money|public funds|taxpayers?'?|"
                             r"priced from|prices (?:start|from)|(?:properties|homes|houses|apartments|flats) for sale|"
                             r"(?:checks|cheques|tickets|ticket sizes?) (?:of|between|from|ranging))\b", re.I)
_NOT_INVESTMENT_F = folded(_NOT_INVESTMENT)
# "contract-review software" or "contract management" names what a company makes, not a contract it won.
_SERVICE_CONTRACT = re.compile(r"\b(?:contract(?![-‐]\w)(?!\s+(?:review|management|lifecycle|intelligence|analytics|"
                               r"drafting|negotiation|analysis)\b)|purchase order|tender award|supply agreement|"
                               r"services agreement)\b", re.I)
_SERVICE_CONTRACT_F = folded(_SERVICE_CONTRACT)


def carries_no_deal(sentence: str, *, listing: bool = True) -> bool:
    """A listing's proceeds and price range are public-market money, not a private deal; a lawsuit's
    claims, a crowdfunding campaign, a settlement or a customer's services contract are not money
    raised either. ``listing=False`` leaves a listing out: "takes a stake ahead of its IPO" is still a deal."""
    low = fold(sentence)
    if (listing and _PUBLIC_OFFERING_F.search(low)) or _LITIGATION_F.search(low) or _NOT_INVESTMENT_F.search(low):
        return True
    return bool(_SERVICE_CONTRACT_F.search(low)) and not tx.COMPUTE_WORDS.search(sentence) and \
        not tx.INFRA_WORDS.search(sentence) and not tx.EQUITY_WORDS.search(sentence) and \
        not tx.DEBT_WORDS.search(sentence) and not tx.ACQUIRE_VERBS.search(sentence)


def is_forecast(sentence: str) -> bool:
    """Market-size forecasts and estimates: never a deal."""
    return bool(tx.FORECAST.search(sentence))


_PRE = re.compile(r"\bpre[- ]?money\b", re.I)
_POST = re.compile(r"\bpost[- ]?money\b", re.I)


def valuation_basis(sentence: str, start: int, end: int) -> str | None:
    """``pre`` or ``post`` when the words next to a valuation say which (the record keeps post-money)."""
    after = sentence[end:end + 25]
    for rx, basis in ((_POST, "post"), (_PRE, "pre")):
        if rx.match(after.lstrip(" (")):
            return basis
    before = sentence[max(0, start - 35):start]
    hits = [(m.end(), basis) for rx, basis in ((_POST, "post"), (_PRE, "pre")) for m in rx.finditer(before)]
    return max(hits)[1] if hits else None
