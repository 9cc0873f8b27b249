"""Assembly: which candidate figures are this article's news, and merging them into deals. Pure."""

from __future__ import annotations

import re
from itertools import combinations
from typing import TYPE_CHECKING

from crawler.deals import taxonomy as tx
from crawler.deals.entities import STOP, dedupe_names, is_location, same_entity
from crawler.deals.frames import Candidate
from crawler.deals.model import DealMention, Evidence
from crawler.deals.money import Money, find_money, to_usd
from crawler.deals.segment import Sentence

if TYPE_CHECKING:
    from crawler.deals.parse import _Reader

_TITLE_DEAL_CUE = re.compile(
    r"(?i)\b(?:rais\w*|funding|fund|round|invest\w*|backs?|backed|acquir\w*|buys?|bought|deal|financ\w*|"
    r"secur\w*|lands?|pledg\w*|commit\w*|valuation|valued|series|seed|stake|takes|loans?|debt|"
    r"joint venture|partnership|merger|takeover|purchase|spends?|spent|contract|bets?|puts|leads?|led|gets?|got|wins?|"
    r"won|nabs?|bags?|draws?|snags?|scores?|clos\w+|complet\w+|takes?|took|lands?|borrow\w*|credit|capital)\b")
_ROUNDUP_TITLE = re.compile(r"[;|]|\b(?:roundup|round-up|weekly|funding desk|deals|week in|this week|briefing|"
                            r"newsletter|digest|each|and|rounds|fundings|startups)\b", re.I)



_PRICED = re.compile(r"\bpric(?:ed|es|ing)\s+(?:an?\s+|its\s+|the\s+)?(?:upsized\s+|private\s+|senior\s+)?"
                     r"(?:offering|notes|bonds?|sale|issue|debt)\b", re.I)
# A second deal of the same type for the same company ("Separately, it closed a term loan of ...").
_SEPARATE = re.compile(r"\bseparately\b|^(?:In a separate (?:\w+\s)?(?:deal|announcement|transaction)|Additionally|"
                       r"In addition)\b|\b(?:a separate|a second|another|an additional)\s+(?:[\w-]+\s){0,2}?"
                       r"(?:deal|loan|round|facility|financing|tranche|offering|agreement|investment)\b", re.I)


_ON_RECORD = re.compile(r"\b(?:has|have|had) (?:agreed|signed)\b[^.;]*\b(?:according to|said in|shows?)\s+"
                        r"(?:a |an |the |its )?(?:regulatory |securities |stock[- ]exchange )?(?:filing|statement|"
                        r"press release)|\b(?:regulatory|securities) filing (?:shows|showed)\b", re.I)


_ACQ_DONE = re.compile(r"\b(?:has|have|had) (?:now |officially |just )?(?:acquired|bought|purchased|hired the|taken on the|"
                       r"taken over)\b|"
                       r"\b(?:picked|snapped|scooped) up\b|\bthe deal (?:has )?closed\b|"
                       r"\b(?:has|have) been (?:acquired|bought|purchased|sold)\b|\bwas (?:acquired|bought|purchased|sold)\b|"
                       r"\b(?:acquires|buys|(?:takes|took|has taken) (?:an? )?(?:majority|controlling|\d+%) stake)\b|^[^,;]{0,80}\b(?:acquired|bought)\b|\bacqui-?hired\b|"
                       r"\bannounc(?:es|ed|e) (?:the|its) (?:completed )?acquisition of\b|"
                       r",\s+(?:\w+\s+)?(?:bought|acquired|purchased)\s+(?!by\b)", re.I)  # "X, which sells Y, bought Z"
_ACQ_PENDING = re.compile(r"\b(?:agreed|agrees|agreement|to acquire|to buy|to purchase|will acquire|will buy|"
                          r"is acquiring|is buying|expected to (?:close|complete)|subject to|pending|awaiting|"
                          r"approval|shareholders? vote|term sheet|to be acquired|set to)\b", re.I)


_JV_NAMED = re.compile(r"(?i)joint[- ]venture|\bJV\b")
_NAMED_JV_AFTER = re.compile(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:joint[- ]venture|JV)\b", re.I)
_JV_APPOSITIVE = re.compile(r"\b(?:joint[- ]venture|JV)(?:\s+(?:company|vehicle|entity))?(?:,\s*|\s+(?:called|named|"
                            r"dubbed|known as)\s+)", re.I)


def _status(group: list[Candidate], context: str) -> str:
    dtype = group[0].deal_type
    body = [c for c in group if c.field == "text"] or group
    first = 2 if dtype == "acquisition" else 1  # "M&A: Wolt picks up Acis" over "Wolt has acquired Acis, ..."
    texts = [s.text for c in body for s in c.sentences[:first]] or [c.sent.text for c in body]
    joined = " ".join(texts)
    title_texts = " ".join(c.sent.text for c in group if c.field == "title")
    done = tx.DONE.search(joined) or tx.DONE.search(context)
    rumored = tx.RUMOR.search(joined) or (not [c for c in group if c.field == "text"] and tx.RUMOR.search(title_texts))
    if rumored and _ON_RECORD.search(joined):
        rumored = None  # agreed and on the record (a filing, a statement): not a rumour
    if dtype == "acquisition":
        if done:
            return "closed"
        if rumored:
            return "rumored"
        # "has acquired", "was bought by", a headline's "acquires": done, unless the same words say it waits
        # on a signature, a vote or a regulator
        evidence = joined + " " + title_texts
        return "closed" if _ACQ_DONE.search(evidence) and not _ACQ_PENDING.search(evidence) else "announced"
    if rumored and not (done and dtype in ("equity", "debt")):
        return "rumored"
    if dtype in ("compute_commitment", "infrastructure", "joint_venture"):
        return "closed" if done and dtype == "joint_venture" else "announced"
    if dtype == "debt" and _PRICED.search(joined) and not done:
        return "announced"  # notes priced, sale still to close
    if tx.CLOSED.search(joined):
        return "closed"
    if tx.ANNOUNCED.search(joined):
        return "announced"
    return "closed"


#: Smaller figures are prices, not deals.
MIN_DEAL_USD = 10_000.0
#: Smaller valuations are typos or per-share prices.
MIN_VALUATION_USD = 100_000.0


# A public body as a deal's company: "European Parliament", "Ministry of Energy", "Loan Programs Office".
_PUBLIC_BODY = re.compile(r"(?i)\b(?:parliament|commission|ministry|department|government|council|congress|senate|"
                          r"agency|authority|treasury|bureau|loan programs office|european union)$|^(?:the )?(?:EU|UN|NATO)$|"
                          r"^(?:Q[1-4]|H[12]|FY\s?\d{0,4})$")  # ... or a period: "€6.1bn for Q1"


def _implausible(r: _Reader, c: Candidate) -> bool:
    """A candidate no reading makes a deal: its "company" is a place, a source, a regulator or a person,
    or its figure is a listing's proceeds or a period's recap."""
    company = c.company or ""
    if is_location(company, loose=True) or company.lower() in ("ai", "the company") or _PUBLIC_BODY.search(company):
        return True  # ... or a parliament, ministry or agency: it funds, rules or buys; it takes no round
    if not_a_company(r, company):
        return True  # "notes", "Equity", "Indian AI Startups": a word or a crowd, not a company
    amount = to_usd(c.money, r.resources, r.date)
    if amount is not None and amount < MIN_DEAL_USD:
        return True  # a dividend per share, a ticket, a product's price: no round is this small
    if company.isupper() and re.search(r"\(\s*[A-Za-z-]+\s*:\s*" + re.escape(company) + r"\s*\)", c.sent.text):
        return True  # "(NYSE: ACEL)": a ticker, the company's name stands before it
    kind = r.names.kind(company)
    if _GOVERNMENT.match(company) and c.deal_type != "acquisition":
        return True  # "the Department of Energy will lend $1 billion to X": the lender is never the company
    if kind == "regulator" or kind in ("media", "person") and c.deal_type != "acquisition":
        return True  # "according to PitchBook", "Crunchbase data shows", "an SEC filing": the source
    if c.deal_type != "acquisition" and _is_person(r, company, c.sent.text):
        return True  # "founder Jonathan Jackson raised ...": the money is his company's, named elsewhere
    return _market_money(r, c)


_TALKS_ENDED = re.compile(r"(?i)^talks\b(?:(?!\.\s)[^;]){0,200}?\b(?:have|had) (?:ended|collapsed|failed|broken down)\b")
_CROWD = re.compile(r"(?i)\bcrowd-?fund\w*|\bcrowdcube\b|\bseedrs\b|\bwefunder\b|\bstartengine\b|\bkickstarter\b|"
                    r"\bindiegogo\b")
_PLURAL_GENERIC = re.compile(r"(?i)\b(?:startups|start-ups|companies|firms|founders|makers|businesses|investors)$")
_GRANTS = re.compile(r"(?i)\bgrants?\b|\bnon-dilutive\b|\baward(?:s|ed)?\b(?!-)")
_CLOSED_IN_YEAR = re.compile(r"\b(?:closed|completed|finali[sz]ed)\s+in\s+(?:[A-Z][a-z]+\s+)?((?:19|20)\d\d)\b")
_RIVAL = re.compile(r"(?i)\b(?:competitors?|rivals?|competing)(?:\s+(?:startup|start-up|company|firm|platform))?,?\s+$")


def context_only(r: _Reader, c: Candidate) -> bool:
    """A deal the story recalls for context: "..., in a deal that closed in June 2024", or "Your competitor
    Anvil Legal just raised $48 million" in a story about Tessera."""
    if (_GRANTS.search(r.title) or _GRANTS.search(c.sent.text)) and not tx.EQUITY_WORDS.search(c.sent.text) and \
            c.deal_type not in ("acquisition", "debt") and not _FUND_CLOSE.search(c.sent.text):
        return True  # "Government awards £40m in grants": "Veritas Labs receives £3.2 million" is a grant
    if c.field == "title":
        return False
    closed = _CLOSED_IN_YEAR.search(c.sent.text)
    if closed is not None and r.year is not None and int(closed.group(1)) < r.year:
        return True
    if not c.company or c.deal_type == "acquisition":
        return False
    focus = r.focus or next(iter(r.title_names), None)
    if focus is None or same_entity(focus, c.company):
        return False
    at = c.sent.text.find(c.company)
    return at > 0 and _RIVAL.search(c.sent.text[:at]) is not None


def vetoed(r: _Reader, c: Candidate) -> bool:
    """What no weighing of a candidate's other facts can outvote (the learned scorer included)."""
    key = f"\x00veto{id(c)}"
    hit = r.feature_cache.get(key)
    if hit is None:
        hit = r.feature_cache[key] = (_vetoed(r, c), c)  # the candidate is kept so its id stays its own
    return hit[0]


def not_a_company(r: _Reader, company: str) -> bool:
    """A field label ("Equity", "Notes") or a crowd ("Indian AI Startups"); lower-case brands ("kernl") are kept."""
    return bool(company and (company.lower() in tx.FIELD_LABELS or _PLURAL_GENERIC.search(company)))


def _vetoed(r: _Reader, c: Candidate) -> bool:
    if not_a_company(r, c.company or ""):
        return True
    if c.deal_type == "acquisition" and (_TALKS_ENDED.search(c.sent.text) or tx.DENIAL.search(r.title) and any(
            same_entity(c.company or "", n) for n in r.title_names)):
        return True  # "Talks over a £1.9bn takeover of Corwin ... have ended", under "Corwin sale talks collapse"
    if c.field == "title":
        return _granted(r, to_usd(c.money, r.resources, r.date))  # "Cogsworth wins £2.5m" over "has been
        # awarded a £2.5m grant from Innovate UK"
    if tx.is_recap_title(r.title) and not r.title_amounts and c.sent.kind == "bullet":
        return True  # "Seven funded AI startups that shut down": "1. Harbinger Legal (raised $34 million)."
    return tx.is_ranking_title(r.title) and not r.title_amounts  # "The 6 most active AI investors": the
    # rounds under it are the ranking's evidence


def _granted(r: _Reader, amount: float | None) -> bool:
    """Whether the body tells the headline's figure as a grant or an award, not as a round or a loan, or as
    money from a crowdfunding campaign."""
    if amount is None:
        return False
    granted = r.feature_cache.get("\x00granted")
    if granted is None:  # the article's grant and crowdfunding figures, found once
        granted = r.feature_cache["\x00granted"] = [
            v for s in r.all_sents if s.kind != "noise" and (_CROWD.search(s.text) or _GRANTS.search(s.text) and not (
                tx.EQUITY_WORDS.search(s.text) or tx.DEBT_WORDS.search(s.text)))
            for m in find_money(s.text) if (v := to_usd(m, r.resources, r.date))]
    return any(abs(v - amount) <= 0.02 * amount for v in granted)


def section_names(s: Sentence, company: str | None) -> bool:
    """Whether the sentence sits under a heading that is the company's name alone: a list's item."""
    return bool(s.section and company and len(s.section.split()) <= 4 and same_entity(s.section, company))


def accept(r: _Reader, c: Candidate) -> bool:
    if c.company is None or c.background >= 2 or _implausible(r, c):
        return False
    amount = to_usd(c.money, r.resources, r.date)
    if amount is not None and amount < MIN_DEAL_USD:
        return False  # a share price, a ticket, a product's price: no round is this small
    title_amount = amount is not None and any(abs(amount - v) <= 0.02 * v for v in r.title_amounts) and \
        not r.title_no_deal  # "Shareholders sue X over $450 million acquisition": the figure is a lawsuit's
    title_company = (any(same_entity(c.company, n) for n in r.title_names) or (
        r.focus is not None and same_entity(c.company, r.focus))) and bool(_TITLE_DEAL_CUE.search(r.title)) \
        and not tx.DENIAL.search(r.title) and not r.title_no_deal  # "... says it is not raising", "... sue X over
    # its acquisition": the title is no deal support
    if vetoed(r, c):
        return False
    if c.field == "title":
        c.support = 3.0
        return True
    if context_only(r, c):
        return False
    lead = c.sent.block == r.first_block or c.sent.block == (r.first_block or 0) + 1
    roundup = bool(c.sent.label) or bool(c.sent.section and not c.sent.background and (
        c.sent.kind == "bullet" or section_names(c.sent, c.company)))
    if c.sent.background:
        return False
    title_investor = bool(_TITLE_DEAL_CUE.search(r.title)) and any(
        same_entity(i, n) for i in c.investors for n in r.title_names)  # "Nvidia backs a robotics start-up"
    if _total_so_far(c) and _TOTAL_CUE.search(c.sent.text):
        return False  # "has raised CHF 45 million, most recently a CHF 30 million Series B in 2025"
    if not lead and not title_amount and not title_investor and not _NEWS_NOW.search(c.sent.text) and (
            tx.STAKE_SO_FAR.search(c.sent.text) or _total_so_far(c)) and not (title_company and roundup):
        return False  # "Amazon has invested $8 billion in Anthropic", "The company has raised CHF 65 million"
        # deep in the story: a stake or a total built up over time, not news
    if title_amount:
        c.support = 2.5
        return True
    if (title_company or title_investor) and c.background == 0:
        c.support = 2.0 if lead else 1.5
        return True
    if title_company and c.background == 1 and not (r.title_types and c.deal_type not in r.title_types
                                                     and not _SEPARATE.search(c.sent.text)):
        c.support = 1.2  # a weakly dated figure of another kind of deal than the title's is background
        return True
    if c.background == 0 and (lead or roundup) and c.sent.kind in ("body", "bullet"):
        c.support = 1.0
        return True
    if (title_company or r.focus is not None and same_entity(c.company, r.focus)) and c.background == 0 and \
            c.sent.kind == "body" and _SEPARATE.search(c.sent.text) and \
            not tx.STAKE_SO_FAR.search(c.sent.text):
        c.support = 0.9  # "Separately, Macquarie committed $300mn in new equity": the story's second deal
        return True
    if c.round == "Secondary" and c.background == 0 and c.sent.kind == "body" and any(
            o.support >= 1.0 and o.background == 0 and o.round not in (None, "Secondary") and
            same_entity(o.company or "", c.company) for o in r.cands):
        c.support = 0.9  # "alongside the round, we are completing a $100 million tender offer": a second deal
        return True
    if c.background == 0 and c.sent.kind == "body" and c.verb in ("raise", "invest", "acquire") and \
            _NEWS_NOW.search(c.sent.text):
        c.support = 0.9  # a feature that reaches its news late: "..., the company confirmed this week"
        return True
    return False


_PRIVATE_ROUND = re.compile(r"\b(?:private|funding round|financing round|venture|series [a-z]|seed|led by|from investors)\b",
                            re.I)
_LISTING = re.compile(r"\b(?:IPOs?|initial public offering|public offering|go(?:es|ing)? public|went public|"
                      r"(?:stock|trading|market|Nasdaq|NYSE) debut|debut(?:s|ed)? (?:its )?(?:stock|shares)|"
                      r"first day of trading|(?:confidentially )?file[sd]? (?:confidentially )?(?:for an? IPO|to go public))\b",
                      re.I)
# "The quarter also saw ...", "this year's biggest round": a sentence recalling a period's deals
_PERIOD_RECAP = re.compile(r"\b(?:[Tt]he|[Tt]his|[Ll]ast) (?:quarter|month|year|half)(?:['’]s)?\b|\bQ[1-4]\b|\bH[12]\b")
_RECAP_TITLE = re.compile(r"\b(?:Q[1-4]|quarter\w*|first half|second half|H[12]|monthly|year in review|records?|"
                          r"(?:funding|investment|VC|venture) (?:hits?|tops?|falls?|drops?|slump\w*|surge\w*|rises?|"
                          r"climbs?|shatters?|soars?|dips?|rebounds?))\b", re.I)


_ROLE = r"(?:CEO|CFO|CTO|COO|chief executive|founder|co-founder|cofounder|president|chairman|chairwoman|" \
        r"managing director|entrepreneur|billionaire|director|partner)"
_ROLE_BEFORE = re.compile(_ROLE + r"(?:\s+and\s+\w+)?,?\s+$", re.I)
_ROLE_AFTER = re.compile(r",\s+(?:the\s+|its\s+|a\s+)?(?:[\w-]+\s+){0,2}?" + _ROLE + r"\b", re.I)


_GOVERNMENT = re.compile(r"(?:(?:the )?(?:U\.S\.|US|UK|EU|Federal|State|National) )?(?:Department|Ministry|Government|"
                         r"Treasury|Office|Secretary|Agency|Council) (?:of|for)\b", re.I)
_OUTLET_POSSESSIVE = re.compile(r"([A-Z][\w.]*(?: [A-Z][\w.]*){0,2})['’]s\s+$")


def _is_person(r: _Reader, name: str, sentence: str) -> bool:
    """Whether the sentence introduces ``name`` as a person: by a role ("founder and CEO Jonathan Jackson",
    "Jo Lee, its CEO") or as an outlet's reporter ("Proactive's Jonathan Jackson")."""
    at = sentence.find(name)
    if at < 0 or len(name.split()) < 2:
        return False
    before = sentence[max(0, at - 40):at]
    outlet = _OUTLET_POSSESSIVE.search(before)
    return bool(_ROLE_BEFORE.search(before) or _ROLE_AFTER.match(sentence, at + len(name)) or (
        outlet and r.names.kind(outlet.group(1)) == "media"))


def _market_money(r: _Reader, c: Candidate) -> bool:
    """A listing's proceeds ("Tintri closes up 4% and raises $60 million") or a deal a period's recap cites
    ("The quarter also saw Anthropic raise $30 billion"): figures about the market, not this article's deal."""
    if c.deal_type == "equity" and not c.round and not c.investors and _public_listing(r) and \
            not _PRIVATE_ROUND.search(c.sent.text):
        return True
    return bool(_PERIOD_RECAP.search(c.sent.text) and _RECAP_TITLE.search(r.title)) and not r.title_types


def _public_listing(r: _Reader) -> bool:
    """Whether the headline or the lead is about a stock listing (an IPO, a debut, a filing to go public)."""
    lead = " ".join(s.text for s in r.all_sents if s.kind == "body" and s.block <= (r.first_block or 0) + 1)
    return bool(_LISTING.search(r.title) or _LISTING.search(lead))


# A sentence dated to the days of publication.
_NEWS_NOW = re.compile(r"\b(?:this week|today|[Oo]n (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")


_SECURED = re.compile(r"\b(?:GPU|asset|chip|hardware|revenue)-backed\b|\bis debt\b|\bsecured (?:against|by|on)\b|"
                      r"\bcollateral\b", re.I)
# "X, founded in 2021, has raised $95 million from investors including ...": a total, unless a round is named
_TOTAL_CUE = re.compile(r"\b(?:most recently|to date|so far|in total|in all|since (?:its )?(?:founding|launch))\b", re.I)
_RAISED_SO_FAR = re.compile(r"\b(?:has|have) raised\b")
_DATED = re.compile(r"\b(?:earlier|last|ago|" + tx.PRIOR_EVENT + r"|previous\w*|in (?:january|february|march|april|may|june|july|"
                    r"august|september|october|november|december|(?:19|20)\d\d))\b", re.I)


def _total_so_far(c: Candidate) -> bool:
    """"X has raised $95 million from investors including Y": a total to date, unless the figure's own
    clause names a round or a lead ("has raised $40 million in a Series B led by Z")."""
    if not _RAISED_SO_FAR.search(c.sent.text):
        return False
    head = c.sent.text[:c.money.start].rsplit(",", 1)[-1]
    tail = c.sent.text[c.money.end:].split(",")[0]
    return not (tx.find_round(head + " " + tail) or "led by" in tail or "valu" in tail)  # "... at a $500M valuation"


def drop_sum_of_parts(r: _Reader, cands: list[Candidate]) -> list[Candidate]:
    """"xAI raises $10 billion in debt and equity" over "$5 billion of notes ... $5 billion of equity":
    a headline that adds up two kinds of deal the body reports one by one is not a third deal. (A total
    whose parts are of one kind, a build-out and its phases, stays the deal.)"""
    def usd(c: Candidate) -> float | None:
        return to_usd(c.money, r.resources, r.date)

    drop: set[int] = set()
    for total in cands:
        t = usd(total)
        if t is None or id(total) in drop:
            continue
        parts = [c for c in cands if c.field == "text" and same_entity(c.company or "", total.company or "")
                 and (a := usd(c)) is not None and a < 0.9 * t]
        if any(a.deal_type != b.deal_type and abs((usd(a) or 0.0) + (usd(b) or 0.0) - t) <= 0.02 * t
               for a, b in combinations(parts, 2)):
            drop |= {id(c) for c in cands if same_entity(c.company or "", total.company or "")
                     and (a := usd(c)) is not None and abs(a - t) <= 0.02 * t}
    return [c for c in cands if id(c) not in drop]


def drop_earlier(cands: list[Candidate]) -> list[Candidate]:
    """A weakly dated figure ("raised $400 million in May") about a company that has this article's
    news elsewhere is its earlier deal, not a second new one; the same figure again is the same deal."""
    fresh = [c for c in cands if c.background == 0]
    return [c for c in cands if not (c.background == 1 and _DATED.search(c.sent.text) and any(
        same_entity(f.company or "", c.company or "") and not same_figure(f.money, c.money) for f in fresh))]


def drop_echoes(cands: list[Candidate]) -> list[Candidate]:
    """"The transaction attracted commitments reaching US$721 million": a sentence about "the transaction" that
    repeats a named deal's figure is that deal told again, not an equity round beside a loan."""
    named = [c for c in cands if not c.generic_subject and c.company]
    return [c for c in cands if not (c.generic_subject and c.deal_type == "equity" and any(
        n is not c and n.deal_type != "equity" and same_entity(n.company or "", c.company or "") and
        same_figure(n.money, c.money) for n in named))]


def drop_buyer_echoes(cands: list[Candidate]) -> list[Candidate]:
    """The price of an acquisition read a second time as the buyer's own round ("Corvina ... has entered into an
    agreement to acquire Fenwick AI ..., for a total consideration of £62 million"): the buyer pays, it raises
    nothing."""
    bought = [c for c in cands if c.deal_type == "acquisition" and c.company and c.investors and not c.money.vague]
    return [c for c in cands if not (c.deal_type != "acquisition" and c.company and any(
        same_figure(b.money, c.money) and any(same_entity(i, c.company) for i in b.investors) for b in bought))]


_FIGURE_ONLY = re.compile(r"^[^:]{1,40}:\s*(?:(?:about|over|nearly|more than|up to)\s+)?\S*\d[\d,.]*\s*\w{0,8}\.?$")


def drop_headline_figures(cands: list[Candidate]) -> list[Candidate]:
    """A slide or section headed by its figure ("Biggest Round: $250 Million") names a theme in its
    label; the story under it says who raised that figure, and that company's deal is the one."""
    def told_below(c: Candidate) -> bool:
        return any(o is not c and o.field == "text" and 0 < o.sent.start - c.sent.end <= 400 and
                   o.company and not same_entity(o.company, c.company or "") and same_figure(o.money, c.money)
                   for o in cands)
    return [c for c in cands if not (c.field == "text" and _FIGURE_ONLY.match(c.sent.text) and told_below(c))]


def paragraph_items(r: _Reader, cands: list[Candidate], accepted: list[Candidate]) -> list[Candidate]:
    """Deals that open their own paragraph and name their company: a roundup written as plain
    paragraphs, or the one deal of a feature that reaches its news only in paragraph three."""
    openers: dict[int, int] = {}
    for s in r.all_sents:
        if s.kind in ("body", "bullet"):
            openers.setdefault(s.block, s.start)
    items = [c for c in cands if c.field == "text" and c.company and (not c.generic_subject or c.anchor is not None)
             and (c.background == 0 or c.background == 1 and c.sent.kind == "bullet" and not _DATED.search(c.sent.text))
             and not c.sent.background and c.sent.kind in ("body", "bullet")
             and openers.get(c.sent.block) in (c.sent.start, c.anchor)
             and (c.verb in ("raise", "invest", "acquire", "spend") or c.verb == "form" and c.deal_type == "joint_venture" and _JV_NAMED.search(c.sent.text) is not None)
             and not _implausible(r, c) and not context_only(r, c)
             and not (_total_so_far(c) and _TOTAL_CUE.search(c.sent.text))]
    # a list item's "X has raised $4 million from Y" is the item's news; elsewhere it reads as a total
    if sum(c.sent.kind == "bullet" for c in items) < 2:
        items = [c for c in items if c.background == 0 and not _total_so_far(c)]
    if not items:
        return []
    if accepted:
        taken = [a.company or "" for a in accepted] + [i for a in accepted for i in a.investors]
        fresh = [c for c in items if c not in accepted and not any(same_entity(c.company or "", n) for n in taken)]
        companies: list[str] = []  # distinct companies: the deals found so far (list entries too) and the fresh ones
        for n in [a.company for a in accepted if a.company and (a in items or a.region is not None)] + \
                [c.company or "" for c in fresh]:
            if not any(same_entity(n, o) for o in companies):
                companies.append(n)
        if len(companies) < 3 and not (fresh and _ROUNDUP_TITLE.search(r.title)):
            return []  # one extra paragraph about another company is background, not a roundup
        items = fresh
    elif len({(c.company or "").lower() for c in items}) < 2 and r.title_names and not any(
            same_entity(c.company or "", n) for c in items for n in r.title_names):
        return []  # one paragraph about a company the headline does not name: a related story, not the news
    for c in items:
        c.support = max(c.support, 0.8)
    return [c for c in items if c not in accepted]


def merge(r: _Reader, cands: list[Candidate]) -> list[DealMention]:
    groups: list[list[Candidate]] = []
    for c in cands:
        for g in groups:
            if g[0].deal_type == c.deal_type and same_entity(g[0].company or "", c.company or "") and \
                    not _separate_deal(r, g, c) and (g[0].round == "Secondary") == (c.round == "Secondary"):
                g.append(c)
                break
        else:
            groups.append([c])
    deals: list[DealMention] = []
    for g in groups:
        best = max(g, key=lambda c: (-c.background, not c.money.vague,  # a figure beats "an undisclosed sum"
                                     c.support + (0.4 if c.round else 0) + (0.3 if c.verb == "raise" else 0)
                                     + (0.2 if c.field == "text" else 0) - 0.01 * c.order))
        amount = to_usd(best.money, r.resources, r.date)
        if best.field == "title" and amount:
            # headlines round: "$21M" over the body's "$21.6 million (CN¥150 million)"
            exact = [c for c in g if c.field == "text" and c.background <= 1 and _more_precise(c.money, best.money)
                     and (a := to_usd(c.money, r.resources, r.date)) and abs(a - amount) <= 0.05 * amount]
            if exact:
                best, amount = exact[0], to_usd(exact[0].money, r.resources, r.date)
        same = [c for c in g if c.background <= max(best.background, 1) and (
            (a := to_usd(c.money, r.resources, r.date)) is None or amount is None
            or abs(a - amount) <= 0.05 * max(amount, 1.0) or same_figure(c.money, best.money))] or [best]
        investors = dedupe_names([i for c in same for i in c.investors], r.canon)
        leads = dedupe_names([i for c in same for i in c.leads], r.canon)
        if not leads and len(investors) == 1 and best.deal_type in ("equity", "debt") and best.verb in (
                "raise", "invest") and best.round != "Secondary":  # share buyers in a tender lead nothing
            leads = list(investors)
        # each lead by the fullest name the story gives it ("with Revontuli leading": Revontuli Ventures)
        leads = dedupe_names([max((i for i in investors if same_entity(x, i)), key=len, default=x) for x in leads]
                             if any(same_entity(x, i) for x in leads for i in investors) else leads)
        leads = [x for x in dedupe_names(leads, r.canon) if x in investors or any(same_entity(x, i) for i in investors)] \
            or leads
        investors = dedupe_names(leads + investors, r.canon) if leads else investors
        company = max((c.company for c in g if c.company), key=lambda n: (
            n == best.company, 0))
        fuller = [c.company for c in g if c.company and same_entity(c.company, company)]
        company = max(fuller, key=len) if fuller else company
        longer = [c.company for c in cands if c.company and len(c.company) > len(company)
                  and same_entity(c.company, company) and c.company.startswith(company)]
        company = max(longer, key=len) if longer else company  # "Pennant" -> "Pennant Robotics"
        valuation = next((c.valuation for c in [best, *same] if c.valuation is not None), None)
        rnd = next((c.round for c in [best, *same] if c.round), None) or _round_nearby(r, best)
        if rnd and all(_FUND_CLOSE.search(c.sent.text) and not tx.find_round(c.sent.text[:c.money.start])
                       for c in same):
            rnd = None  # "closes $350 million Fund III for AI seed deals": a firm's fund has no round
        deal_type = best.deal_type
        if deal_type not in ("equity", "financing_undisclosed_structure"):
            rnd = valuation = None  # a loan, a purchase or a pledge has no round or valuation of its own
        if deal_type == "joint_venture":
            venture = _venture_name(r, same)
            if venture:
                company = venture
            else:  # unnamed venture: the sponsor is the company, the partners its investors
                investors = [i for i in investors if not same_entity(i, company)]
                leads = [i for i in leads if not same_entity(i, company)]
        ctx_sents = [s.text for s in r.all_sents if s.kind != "noise"
                     and any(abs(s.block - c.sent.block) <= 1 for c in same if c.field == "text")] or \
            [s.text for s in r.all_sents if s.kind == "body" and s.block == r.first_block]  # a headline's deal: its lead
        context = " ".join(ctx_sents)
        if deal_type == "equity" and not rnd and tx.UNDISCLOSED_STRUCTURE.search(context):
            deal_type = "financing_undisclosed_structure"  # "did not say how the financing was split between ..."
        if deal_type == "financing_undisclosed_structure" and (
                tx.DEBT_WORDS.search(best.sent.text) or _SECURED.search(best.sent.text + " " + context)) and not \
                tx.UNDISCLOSED_STRUCTURE.search(r.text):
            deal_type = "debt"  # "GPU-backed financing ... the money is debt secured against the hardware"
            rnd = valuation = None
        # the paragraphs around a purchase say whether it closed; not another deal's "completed a seed round"
        own_blocks = {c.sent.block for c in same if c.field == "text"}
        acq_context = " ".join(s.text for s in r.all_sents if s.kind != "noise" and any(
            abs(s.block - b) <= 1 for b in own_blocks) and (s.block in own_blocks or not find_money(s.text))) \
            if own_blocks else context
        status = _status(same, acq_context if deal_type == "acquisition" else "")
        m = best.money
        evidence = []
        seen: set[tuple[int, int, str]] = set()
        for c in sorted(same, key=lambda c: c.order):
            for s in c.sentences[:2] or [c.sent]:
                where = "title" if s.kind == "title" else "text"  # a body sentence can back a title figure
                key = (s.start, s.end, where)
                if key not in seen:
                    seen.add(key)
                    said = r.raw_title[s.start:s.end] if where == "title" else r.published_text[s.start:s.end]
                    evidence.append(Evidence(said, s.start, s.end, where))
        ai_words = re.search(r"\b(?:AI|artificial intelligence|machine learning|model|LLM|GPU|data cent|chatbot|"
                             r"robot|compute|inference|generative|neural|agent|TPU|tensor processing)", " ".join(e.text for e in evidence)
                             + " " + r.title)
        ai = bool(ai_words) or r.names.is_ai(company) or any(r.names.is_ai(i) for i in investors)
        note = None
        if m.is_range:
            note = "range: amount_usd left null"
        elif m.qualifier == "up_to":
            note = "upper bound ('up to')"
        elif m.qualifier == "at_least":
            note = "lower bound ('more than')"
        conf = min(0.95, 0.35 + 0.15 * best.support + (0.1 if investors else 0) + (0.05 if rnd else 0))
        deals.append(DealMention(
            company=company, deal_type=deal_type, amount_usd=round(amount, 2) if amount is not None else None,
            amount_text=m.text or None, currency=m.currency or None, round=rnd, investors=tuple(investors),
            lead_investors=tuple(leads), valuation_usd=_val(r, valuation), status=status,
            evidence=tuple(evidence), ai_related=ai, confidence=conf,
            amount_is_lower_bound=m.qualifier == "at_least", amount_note=note,
        ))
    return deals


def undisclosed_acquisition(r: _Reader, accepted: list[Candidate]) -> list[Candidate]:
    """"CoreWeave completes acquisition of Weights & Biases" with no price anywhere: a deal, amount null."""
    s = r.acq_sent
    if s is None or not r.acq_target or not r.acq_buyers or is_location(r.acq_target):
        return []
    if s.kind != "title" and not (s.block == r.first_block and any(
            same_entity(n, r.acq_target) or same_entity(n, r.acq_buyers[0]) for n in r.title_names)):
        return []  # only the article's own news: its title, or its lead about the title's companies
    if tx.DENIAL.search(r.title) or tx.DENIAL.search(s.text) or tx.BACKGROUND_STRONG.search(s.text) or \
            tx.HYPOTHETICAL.search(s.text) or any(c.deal_type == "acquisition" for c in accepted):
        return []
    undisclosed = Money(s.start, s.start, "", "", 0.0, vague=True)
    cand = Candidate(r.acq_target, "acquisition", undisclosed, s, "title" if s.kind == "title" else "text", 0,
                     verb="acquire", investors=list(r.acq_buyers), leads=list(r.acq_buyers), support=1.0)
    cand.sentences.append(s)
    return [cand]


_ROUND_TALK = re.compile(r"\b(?:the|its|this|a|latest)\s+(?:[\w$.,-]+\s+){0,3}?(?:round|funding|financing|raise)\b", re.I)


_FUND_CLOSE = re.compile(r"(?i)\b(?:" + tx.OWN_FUND + r")\b")


def _round_nearby(r: _Reader, best: Candidate) -> str | None:
    """An equity deal's round named a few sentences on ("PLD said the Series C equity round is led by ...")."""
    if best.deal_type not in ("equity", "financing_undisclosed_structure") or best.round == "Secondary" or \
            _FUND_CLOSE.search(best.sent.text):
        return None  # ... or a firm's fund close: it has no round
    first = best.sent.block if best.field == "text" else (r.first_block or 0)
    company = best.company or ""
    for s in r.all_sents:
        if s.kind not in ("body", "bullet") or not first <= s.block <= first + 4 or s.background:
            continue
        if s.kind == "bullet" and s.block != best.sent.block and (best.sent.kind != "body" or not company
                                                                   or company not in s.text):
            continue  # another item of a list
        if tx.BACKGROUND_STRONG.search(s.text) or not (_ROUND_TALK.search(s.text) or (company and company in s.text)):
            continue
        found = tx.find_round(s.text)
        if found and found != "Secondary":
            return found
    return None


def _more_precise(a: Money, b: Money) -> bool:
    """Whether ``a`` is written with more significant digits than ``b`` ("$21.6 million" vs "$21M")."""
    def digits(m: Money) -> int:
        num = re.search(r"\d[\d,.]*", m.text)
        return len(re.sub(r"\D", "", num.group(0)).rstrip("0")) if num else 0
    return digits(a) > digits(b)


def same_figure(a: Money, b: Money) -> bool:
    """"₹1,800 crore" in the title and "₹1,800 crore (about $216 million)" in the body: one figure, though
    the body's own dollar equivalent and the configured rate differ."""
    return a.currency == b.currency and not a.vague and not b.vague and \
        abs(a.value - b.value) <= 0.01 * max(a.value, b.value, 1.0)


def _separate_deal(r: _Reader, group: list[Candidate], c: Candidate) -> bool:
    """A figure in a sentence that says it is a separate or second deal, with an amount unlike the group's."""
    if c.field != "text" or not _SEPARATE.search(c.sent.text):
        return False
    amount = to_usd(c.money, r.resources, r.date)
    if amount is None:
        return False
    for g in group:
        other = to_usd(g.money, r.resources, r.date)
        if other is None or abs(other - amount) <= 0.05 * max(amount, other) or g.sent is c.sent:
            return False
    return True


_FORMS_NAMED = re.compile(r"\b(?:launch(?:es|ed)?|form(?:s|ed)?|creat(?:e|es|ed)|set(?:s)? up|establish(?:es|ed)?|"
                          r"unveil(?:s|ed)?)\s+(?=[A-Z])")


def _venture_name(r: _Reader, group: list[Candidate]) -> str | None:
    """A named venture ("The Global AI Infrastructure Investment Partnership") near the deal sentence."""
    blocks = {c.sent.block for c in group if c.field == "text"}
    for s in r.all_sents:
        if s.kind == "noise" or not any(-1 <= s.block - b <= 1 for b in blocks):
            continue  # the paragraph before ("will set up a joint venture named X"), the deal's own, the next
        for m in _JV_APPOSITIVE.finditer(s.text):  # "form a joint venture, Northwind Campus, with ..."
            names = r.chunks(s.text[m.end():m.end() + 80], "text")
            if names and names[0].start == 0:
                return r.canon(names[0].text)
        for c in r.chunks(s.text, "text"):  # "are forming Sunvault Compute, a joint venture that will ..."
            if _NAMED_JV_AFTER.match(s.text, c.end) and not c.possessive:
                return r.canon(c.text)
        for m in tx.VENTURE_NAME.finditer(s.text):
            name = re.sub(r"^The\s+", "", m.group(0).strip())
            if len(name.split()) >= 2 and name[0].isupper():
                return name
        for c in r.chunks(s.text, "text"):
            if r.names.kind(c.text) == "venture":
                return r.canon(c.text)
    sponsors = [i for c in group for i in c.investors]
    for text in (r.title, *(s.text for s in r.all_sents[:4] if s.kind != "noise")):
        for m in _FORMS_NAMED.finditer(text):  # "Kestrel Telecom and Brookfield launch Aurora Compute with $5 billion"
            names = r.chunks(text[m.end():m.end() + 60], "text")
            if names and names[0].start == 0 and not names[0].possessive and \
                    not any(same_entity(names[0].text, x) for x in sponsors):
                return r.canon(names[0].text)
    name = r.jv_name  # named in the headline or the lead ("to launch 'Arirang Intelligence' joint venture")
    return name if name and len(name) > 2 and name.split()[0].lower() not in STOP else None


def _val(r: _Reader, m: Money | None) -> float | None:
    if m is None:
        return None
    v = to_usd(m, r.resources, r.date)
    if v is not None and v < MIN_VALUATION_USD:
        return None  # "will value Nxtra Data at about $3.1 billon" (sic): no company is worth $3
    return round(v, 2) if v is not None else None

