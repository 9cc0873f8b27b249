"""Numbers that describe a candidate figure, for the learned acceptance scorer. Pure.

Every feature is a structural fact the hand rules also look at (where the sentence sits, how the title
supports it, what the verb is, whether it reads as background or a total so far). None names a phrase of
a particular article, so a model over them can only learn how much each fact weighs.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from crawler.deals import taxonomy as tx
from crawler.deals.assembly import section_names
from crawler.deals.entities import same_entity
from crawler.deals.frames import Candidate
from crawler.deals.money import to_usd
from crawler.deals.textutil import fold, folded

if TYPE_CHECKING:
    from crawler.deals.parse import _Reader

VERBS = ("raise", "invest", "acquire", "spend", "form")
DEAL_TYPES = ("equity", "acquisition", "debt", "compute_commitment", "infrastructure", "joint_venture",
              "financing_undisclosed_structure")
KINDS = ("body", "bullet", "heading", "title")

_FUTURE = re.compile(r"\b(?:will|plans? to|planning to|aims? to|seeks? to|looking to|hopes? to|intends? to|"
                     r"could|would|may|might)\b", re.I)
_PERFECT = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?(?:raised|secured|closed|received|invested|acquired|bought|"
                      r"landed|completed|announced)\b", re.I)
_NEWS_VERB = re.compile(r"\b(?:raises|raised|secures|secured|closes|closed|lands|landed|announces|announced|"
                        r"acquires|buys|bags|nabs|gets|receives|received|completes|completed)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
_TOTAL = re.compile(r"\b(?:in total|in all|to date|so far|cumulative\w*|combined|altogether|bring(?:s|ing)? (?:the|its) "
                    r"(?:total|tally)|tak(?:es|ing) (?:the|its) total|total(?:ling|ing)?)\b", re.I)
_LIST_TITLE = re.compile(r"[;|]|\b(?:roundup|round-up|weekly|week|digest|newsletter|briefing|deals|rounds|"
                         r"fundings|startups|recap|top \d+|\d+ (?:startups|companies|deals))\b", re.I)
# Sentence-level cues, run once per sentence on its folded text (the case-sensitive twins are several times faster)
_SENTENCE_CUES = {name: folded(rx) for name, rx in (
    ("future", _FUTURE), ("perfect", _PERFECT), ("news_verb", _NEWS_VERB), ("first_person", _FIRST_PERSON),
    ("background_strong", tx.BACKGROUND_STRONG), ("rumor", tx.RUMOR))}
_TOTAL_FOLDED = folded(_TOTAL)
_QUOTE = re.compile(r"[\"“”]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _sentence_facts(r: _Reader, text: str) -> dict[str, float]:
    facts = r.feature_cache.get(text)
    if facts is None:
        low = fold(text)
        facts = {name: float(bool(rx.search(low))) for name, rx in _SENTENCE_CUES.items()}
        facts["quote"] = float(bool(_QUOTE.search(text)))
        facts["stake_so_far"] = float(bool(tx.STAKE_SO_FAR.search(text)))
        facts["old_year"] = float(bool(r.year and any(int(y) < r.year for y in _YEAR.findall(text))))
        facts["sent_len"] = float(min(len(text) // 40, 10))
        r.feature_cache[text] = facts
    return facts


def _article_facts(r: _Reader) -> tuple[dict[str, float], list[tuple[Candidate, float | None]], str]:
    """What every candidate of the article shares: title facts, the candidates' dollar figures, the URL slug."""
    hit = r.feature_cache.get(_ARTICLE)
    if hit is None:
        companies = {x.company for x in r.cands if x.company}
        facts = {"title_no_deal": float(r.title_no_deal), "title_has_money": float(bool(r.title_amounts)),
                 "title_types": float(bool(r.title_types)), "n_companies": float(min(len(companies), 10)),
                 "n_cands": float(min(len(r.cands), 20)), "denial": float(bool(tx.DENIAL.search(r.title))),
                 "list_title": float(bool(_LIST_TITLE.search(r.title)))}
        figures = [(x, to_usd(x.money, r.resources, r.date)) for x in r.cands]
        hit = r.feature_cache[_ARTICLE] = (facts, figures, re.sub(r"[^a-z0-9]", "", (r.url or "").lower()))
    return hit


_ARTICLE = "\x00article"  # the cache key of the article-wide facts (no sentence is this string)


def candidate_features(r: _Reader, c: Candidate, rule: bool) -> dict[str, float]:
    """The candidate's features; ``rule`` is what the hand rules decided for it."""
    s = c.sent
    text = s.text
    company = c.company or ""
    article, figures, slug = _article_facts(r)
    amount = to_usd(c.money, r.resources, r.date)
    in_title = any(same_entity(company, n) for n in r.title_names) if company else False
    focus = bool(company and r.focus and same_entity(company, r.focus))
    title_amount = amount is not None and any(abs(amount - v) <= 0.02 * v for v in r.title_amounts)
    first = r.first_block or 0
    depth = max(0, s.block - first) if c.field == "text" else 0
    same_figure = sum(1 for x in r.cands if x is not c and x.money.text == c.money.text)
    mentions = r.text.count(company) if company else 0
    at = text.find(company) if company else -1
    kind = r.names.kind(company) if company else None
    key = re.sub(r"[^a-z0-9]", "", company.lower())
    same_company = [x for x in r.cands if x is not c and x.company and company and same_entity(x.company, company)]
    parts = [v for x, v in figures if v and x is not c and x.money.text != c.money.text]
    sums = amount is not None and any(abs(a + b - amount) <= 0.02 * amount for i, a in enumerate(parts)
                                      for b in parts[i + 1:])
    near = text[max(0, c.money.start - 60):c.money.end + 100]  # money spans index the sentence
    f: dict[str, float] = {
        "rule": float(rule),
        "total_cue": float(bool(_TOTAL_FOLDED.search(fold(near)))),
        "sum_of_others": float(sums),
        "loose": float(c.loose),
        "support": c.support,
        "title": float(c.field == "title"),
        "background": float(c.background),
        "sent_background": float(s.background),
        "depth": float(min(depth, 8)),
        "lead": float(c.field == "title" or depth <= 1),
        "label": float(bool(s.label)),
        "section": float(bool(s.section)),
        "section_is_company": float(section_names(s, company)),
        "generic_subject": float(c.generic_subject),
        "in_title": float(in_title),
        "focus": float(focus),
        "title_amount": float(title_amount),
        "title_type_match": float(c.deal_type in r.title_types),
        "same_figure": float(min(same_figure, 5)),
        "mentions": float(min(mentions, 10)),
        "investors": float(min(len(c.investors), 6)),
        "leads": float(bool(c.leads)),
        "round": float(bool(c.round)),
        "valuation": float(c.valuation is not None),
        "log_usd": math.log10(amount) if amount and amount > 0 else 0.0,
        "vague": float(c.money.vague),
        "company_before_money": float(0 <= at < c.money.start),
        "company_at_start": float(at == 0),
        "company_in_url": float(len(key) >= 3 and key in slug),
        "company_known_backer": float(kind in ("vc", "pe", "bank", "cloud", "sovereign")),
        "company_known": float(kind is not None),
        "figures_in_sentence": float(min(sum(1 for x in r.cands if x.sent is s), 5)),
        "rank_in_sentence": float(min(sum(1 for x in r.cands if x.sent is s and x.money.start < c.money.start), 4)),
        "earlier_same_deal": float(min(sum(1 for x in same_company if x.deal_type == c.deal_type and x.field == c.field
                                           and (x.order, x.money.start) < (c.order, c.money.start)), 4)),
        "same_company_cands": float(min(len(same_company), 6)),
        "same_company_title": float(any(x.field == "title" for x in same_company)),
    }
    f.update(article)
    f.update(_sentence_facts(r, text))
    for v in VERBS:
        f["verb=" + v] = float(c.verb == v)
    f["verb=other"] = float(c.verb not in VERBS)
    for t in DEAL_TYPES:
        f["type=" + t] = float(c.deal_type == t)
    kind = "title" if c.field == "title" else s.kind
    for k in KINDS:
        f["kind=" + k] = float(kind == k)
    return f
