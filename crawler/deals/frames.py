"""Frames: how one money figure in a sentence reads as a deal (who gets, who gives, what type).

The nearest deal verb before the figure (raise, invest, spend, acquire, form) decides who is the
company and who the investors are; the noun after it ("$5B investment", "$38bn of loans") decides
the deal type. ``FrameMixin`` is mixed into the article reader. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.deals import classify
from crawler.deals import taxonomy as tx
from crawler.deals.entities import STOP, Name, is_location, same_entity
from crawler.deals.investors import AUX_TAIL, TERM, InvestorMixin
from crawler.deals.money import Money, find_money
from crawler.deals.segment import Sentence

_CLAUSE_BOUNDARY = re.compile(r";|\s[—–]\s|:\s")
# Kinds of the alias table whose "raised $X for Y" puts the money in Y.
_OWN_FUND_AFTER = re.compile(r"(?i)^\s*(?:" + tx.OWN_FUND + r"|in (?:LP|limited partner|capital|investor) commitments)\b")
# "has closed its third fund at $150 million", "... with $240M in LP commitments": the firm's fund close
_FUND_AT = re.compile(r"(?i)\b(?:its|a) (?:" + tx.OWN_FUND + r")\s+(?:at|with)\s+$")
_RELATIVE_END = re.compile(r"(?i),\s*(?:which|who)\s+(?:\w+\s+){0,2}$")
_RAISES_FOR_OTHERS = frozenset({"vc", "pe", "bank", "government", "sovereign", "investor", "asset_manager", "fund"})
_ROLE_THEN_NAME = re.compile(r"\b(?:[Ee]xecutive|[Ff]ounder|[Cc]o-founder|CEO|[Ee]ngineer|[Rr]esearcher|[Vv]eteran|"
                             r"[Aa]lum(?:nus|na)?|[Ss]cientist|[Pp]rofessor|[Ee]ntrepreneur|[Dd]octor)\s+"
                             r"(?:[A-Z][\w.'-]*\s+){1,3}$")
_PERSON_PRONOUN = re.compile(r"(?i)(?:^|\s)(?:she|he)(?:\s+(?:has|had|just|now|also))*\s*$")
_LENT_TO = re.compile(r"(?i)^\s*(?:\w+\s+){0,2}?(?:loans?|credit(?: line| facility)?|grants?|facility|financing package)\s+to\s+")
# "raised $18 million for her AI tutoring startup": the subject is its founder, not the company
_FOR_OWN_COMPANY = re.compile(r"(?i)^\s*(?:\w+\s+){0,2}?for\s+(?:his|her)\s+(?:[\w-]+\s+){0,3}?"
                              r"(?:startup|start-up|company|firm|business|venture)\b")
_BENEFICIARY_BY = re.compile(r"\b(?:developed|built|operated|owned|run)\s+by\s+", re.I)
_BENEFICIARY = re.compile(
    r"^[\s,]*(?:\([^)]*\)\s*)?(?:[\w'’-]+\s){0,4}?(?:in|into|to back|to fund|to finance|for|to|toward|towards)\s+"
    r"(?:the\s+)?", re.I)
_FOR_STAKE = re.compile(r"^[\s,]*(?:for|in exchange for|to (?:buy|take|acquire))\s+(?:an?|the|its)\s+(?:[\w%.-]+\s+){0,2}?"
                        r"(?:stake|holding|shareholding|equity)\s+in\s+(?:the\s+)?")
_LOWER_DESCRIPTION = re.compile(r"(?:(?:the|a|an)\s+)?(?:[A-Z][a-z]+(?:an|ese|ish|ch|i)\s+)?(?:[a-z][\w-]*\s+|[A-Z]{2,5}\s+){0,3}"
                                + tx.DESCRIBED_NOUN + r"\s+")  # "to Danish robotics maker Kranbot"
# "San Diego-based ", "Edmonton-based, " before a name: where it is, not who
PLACE_BASED = re.compile(r"^\s*(?:[A-Z][\w.]*\s){0,2}[\w.]+-(?:based|headquartered),?\s+")
_EQUIPMENT_AFTER = re.compile(r"^\s*(?:worth\s+)?of\s+(?:\w+\s){0,2}?(?:GPUs?|chips?|equipment|servers?|hardware|"
                              r"shares|stock|notes|bonds|processors|accelerators|systems)\b"
                              r"(?!\s+(?:capacity|compute|computing|cloud|hours|time))", re.I)  # "$2.5bn of GPU capacity"
# The object of a giving verb that stands for the company ("handed it", "gave the startup").
_GIVEN_TO = re.compile(r"(?i)(?:\s*over)?\s+(?:it|them|the (?:company|startup|firm|lab|business))(?:\s+over)?\s*")


@dataclass
class Candidate:
    company: str | None
    deal_type: str
    money: Money
    sent: Sentence
    field: str
    order: int
    verb: str = ""
    investors: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    round: str | None = None
    valuation: Money | None = None
    background: int = 0
    generic_subject: bool = False
    support: float = 0.0
    accepted: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    anchor: int | None = None  # start of the earlier sentence that named the company "it" refers to
    region: tuple[int, int] | None = None  # a list entry's lines in the text: its header and its story
    loose: bool = False  # a deal figure no frame read: only the learned scorer may take it (parse.py)


_PLURAL_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:startups|start-ups|companies|firms|labs|players|makers|developers|"
                           r"investors|banks|funds|businesses)\b")


# A clause whose subject is "it" after a conjunction ("..., and this week it"), and a name's own verb
_LATE_PRONOUN = re.compile(r"^\s*(?:and|but|so)\s+(?:(?:this|that|last|on|in|earlier|now|then)\b(?:[a-z0-9\s-]|"
                           r"Monday|Tuesday|Wednesday|Thursday|Friday){0,30}?)?(?:\s*\bit)?\s*$")
_NAME_OPENING = re.compile(r"[A-Z][\w&.-]+(?: [A-Z][\w&.-]+){0,2}")
_SUBJECT_VERB = re.compile(r"\s+(?:says|said|has|had|is|was|now|also|reports|reported|added|adds|expects|counts)\b")


def clause_start(t: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BOUNDARY.finditer(t, 0, pos):
        if not _in_brackets(t, m.start()):  # "Tejas Ledger (Pune; GST reconciliation) has raised": one clause
            start = m.end()
    return start


def clause_end(t: str, pos: int) -> int:
    for m in _CLAUSE_BOUNDARY.finditer(t, pos):
        if not _in_brackets(t, m.start()):
            return m.start()
    return len(t)


def _in_brackets(t: str, pos: int) -> bool:
    return t.count("(", 0, pos) > t.count(")", 0, pos)



_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{1,30}(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*"
                       r"(?:\([^)]{1,40}\)|/[^/]{1,40}/)?\s*(?:[-–—]{1,2}|:)\s+")
# "NEW YORK--(BUSINESS WIRE)--Kalshi ...", "CHICAGO–(PR Newswire)–Acme ...": a wire release's dateline
_WIRE_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .,'-]{1,40}?\s*(?:--|–|—)\s*\([^)]{1,40}\)\s*(?:--|–|—)\s*|"
                            r"^\s*[A-Z][A-Za-z0-9 .,'-]{1,60}?(?:19|20)\d\d\s*(?:/[^/]{2,30}/|\([^)]{2,40}\))\s*(?:--|–|—)\s*|"
                            # "CITY, Feb. 3, 2026 /Wire/ --", "TORONTO, March 31, 2026 (GLOBAL PRESS WIRE) --"
                            # "Bengaluru, Karnataka, India (IndiaBizWire) Vaakya AI, ...": places, then the wire's name
                            r"^\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?){1,3},?\s*\([A-Za-z ]{0,20}"
                            r"(?:Wire|News|Newswire|PRNewswire|Press)[A-Za-z ]{0,10}\)\s*(?:[-–—]{1,2}\s*)?")
_DATE_OPENER = re.compile(
    r"^(?:(?:late|early|earlier|later) )?(?:on|in|at|by|this|last|earlier) (?:(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|week|month|morning|afternoon|evening|night)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|"
    r"oct|nov|dec)[a-z]*\.?(?: \d{1,2}(?:st|nd|rd|th)?)?)\b,?\s*(?=\S)", re.I)
_PASSIVE = re.compile(r"\b(?:was|were|has been|have been|had been|is being|are being|been|is|are|got|gets|"
                      r"will be)\s+(?:\w+ly\s+)?$", re.I)


# A list item written "Name ($40M venture debt from X)": the name, then the figure opening a bracket.
_PAREN_ITEM = re.compile(r"(?:^|[,;:]\s*|\band\s+)(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z0-9][\w&.'’-]*){0,3})\s+\(\s*$")
_APPOSITIVE_BEFORE = re.compile(r",\s+(?:an?|the)\s+$", re.I)
_PROJECT_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:project|development|expansion|build-?out|undertaking|"
                            r"programme|program|scheme)\b", re.I)
_SIZED = re.compile(r",?\s*(?:in|under|through|as part of)?\s*(?:an?|the)?\s*" + classify.DEAL_SIZE_BEFORE + r"$", re.I)
# Where the subject of a sentence ends: its first verb or auxiliary.
_MAIN_VERB = re.compile(r"\s(?:will|to|has|have|had|is|are|was|were|agreed|agrees|signed|signs|expands?|expanded|"
                        r"plans?|said|says|struck|strikes|inked|inks)\b")
_STAKE_IN = re.compile(r"\b(?:an?\s+)?(?:[\d.]+%\s+|[\d.]+\s+per\s?cent\s+|minority\s+|majority\s+)?stake\s+in\s+|"
                       r"\b(?:newly[- ]issued|new|fresh)\s+shares\s+(?:in|of)\s+|"
                       r"(?:^|\s)(?:[1-4]?\d(?:\.\d+)?\s?%|[1-4]?\d(?:\.\d+)?\s+per\s?cent)\s+of\s+", re.I)  # "take 20% of X"
_PAID_FOR_STAKE = re.compile(r"(?i)^\s*for\s+(?:an?|the|its)\s+(?:(?:majority|controlling|minority|[\d.]+\s?%|"
                             r"[\d.]+\s+per\s?cent)\s+)?(?:stake|holding|shareholding)\s+in\s+")
_CONTROL = re.compile(r"(?i)\b(?:majority|controlling|(?:[5-9]\d|100)(?:\.\d+)?\s?(?:%|per\s?cent))")
_GENERIC_INVESTEE = re.compile(r"(?i)^\s*(?:in\s+(?:new\s+|fresh\s+)?equity\s+)?(?:(?:in|into)\s+|for\s+an?\s+(?:minority\s+|"
                               r"[\d.]+\s?%\s+|[\d.]+\s+per\s?cent\s+)?stake\s+in\s+)(?:the|this|that)\s+(?:[\w-]+\s+){0,2}?"
                               r"(?:startup|start-up|company|lab|firm|business|maker|developer|group|outfit)\b|"
                               r"^\s*(?:in|into)\s+it\b")
_FOR_AFTER = re.compile(r"\s*for\s+")  # a headline that opens on its figure: "$22M for Beacon Docs as ..."
_NAME_BEFORE = re.compile(r"[A-Z][\w&.'’-]*\s+$")
_RELATIVE_AFTER = re.compile(r",\s*(?:which|who|whose|where)\b")
_LED_SALE = re.compile(r"\s(?:co-)?(?:led|leads|is leading|will lead|backed|bought|is buying|will buy)\s+(?:an?\s+|the\s+)?$")
_SUBORDINATE = re.compile(r"\s(?:as|while|amid|despite|even as|because|though|although)\s+(?:the|its|a|an|this)\s")
_GLUED_DATELINE = re.compile(r"^\s*[A-ZÀ-Ý]{2,}(?:[ .'-][A-ZÀ-Ý]{2,})+(?=[A-Z][a-zà-ÿ])")
_COMPUTE_NAME = re.compile(r"\s+(?:Cloud|TPUs?|GPUs?|Trainium|Compute Engine)\b")
_ROUND_FOR = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,2}?(?:seed|pre-seed|round|series [a-z]\d?|funding|financing|raise)"
                        r"(?:\s+round)?\s+for\s+")
_ARTICLE_ONLY = re.compile(r"\s*(?:an?|the|its|this|that)\s+", re.I)
_NOUN_MODIFIER = re.compile(r"\s+(?:rounds?|round's|deals?|facilit(?:y|ies)|transactions?|tranches?)\b", re.I)
_UNNAMED = re.compile(r"(?i)(?:an?|one|another)\s")
_INVESTMENT_IN = re.compile(r"\s*(?:equity\s+|strategic\s+|minority\s+)?investment\s+in\s+", re.I)
_GIVES_STAKE = re.compile(r"\bgive[s]?\s+(?P<who>[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)*)\s+(?:a|an)\s+(?:[\w.-]+\s){0,3}?stake")
_DESCRIBED = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:start-?up|company|firm|maker|developer|group|lab|business)\s+",
                        re.I)
_SOLD_PAPER = re.compile(r"\b(?:sold|sells|selling|sell)\s+(?:\w+\s+){0,2}?$", re.I)
_AND_VERB = re.compile(r"\s+(?:and|but|while|plus)\s+")
_ONE_NAME = re.compile(r"[A-Z][\w&.'’-]+")
_NEXT_FIGURE = re.compile(r"(?:[$€£¥₹₦₱₺₫฿₩₪]|\b(?:US|A|C|HK)\$)\s?\d")
_VALUED_AT = re.compile(r"(?i)(?:\bat (?:an?\s+)?(?:\w+\s+)?|\bvalu\w*\s+(?:\w+\s+)?(?:at\s+)?)$")
# Where a figure's own words end and a purpose or relative clause about something else begins.
_PURPOSE = re.compile(r"(?i)\b(?:to (?:help|cover|fund|pay|finance|repay|refinance|meet)|which|that|who)\b")
_DASH_ASIDE = re.compile(r"(?:^|[.;:]\s+)(?P<subj>[^—–;:]{2,80}?)\s[—–]\s[^—–]{2,160}?\s[—–]\s*$")
_LEAD_IN_SEGMENT = re.compile(r"(?i)separately|meanwhile|elsewhere|also|in addition|additionally|today|earlier|"
                              r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|this week|last week")
# A headline's descriptor fused to the name: "Chipmaker Tessellate", "Insurer Halden".
_DESCRIPTOR_WORD = re.compile(r"^(?:[A-Z][a-z]*(?:maker|firm|giant|startup|start-up|developer|provider|insurer|lender|"
                              r"retailer|unicorn)|Startup|Unicorn|Insurer|Lender|Retailer)\s+(?=[A-Z])")
# A lender's agreement with its borrower: "a €50 million venture debt agreement with X".
_DEBT_WITH = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,3}?(?:\w+-)?(?:debt|loan|credit|lending|financing)\s+(?:agreement|facility|"
                        r"deal|line)\s+with\s+(?:the\s+)?")
# "extends a ₦3bn facility to Danfo Analytics", "a $1.1 billion loan for Corvane's batteries": who borrows
_LOAN_TO = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,3}?(?:\w+-)?(?:loans?|credit(?: line| facility)?|(?:loan |credit |debt )?"
                      r"facility|financing package|debt financing|venture debt)\s+(?:agreement\s+)?(?:to|for)\s+(?:the\s+)?")
_ATTRIBUTIVE = re.compile(r"\s+(?!(?:and|or|for|to|in|on|at|as|which|that|who|from|of|with|by|after|under)\b)[a-z]")
_PUBLIC_LENDER = re.compile(r"\b(?:Department|Ministry|Agency|Government|Treasury|DOE|EIB|IFC|DFC)\b")
_NAMED_AFTER_DESCRIPTION = re.compile(r"\s+(?:[\w-]+\s+){0,3}?" + tx.DESCRIBED_NOUN + r"\s+$", re.I)
_LENDER = re.compile(r"\b(?:Bank|Banque|Credit|Lending|Lender|Capital|Finance|Investment Corporation)\b|\b(?:bank|lender)\b")
# A round with no company after the figure: "a $350 million funding round" (whose, the story says).
_ANY_ROUND = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,2}?(?:funding |financing |investment |equity )?round\b(?!\s+(?:for|in|of)\s+[A-Z])")
_APPOSITIVE_OPEN = re.compile(r"(?i)(?:the|a|an)\s")
# A listed company selling new shares to named buyers: "a securities purchase agreement with X for a private
# placement"; the subject of the sentence issues them.
_PLACEMENT = re.compile(r"(?i)\b(?:private placement|securities purchase agreement|share subscription agreement|"
                        r"subscription agreement|placement of (?:[\d.,]+ (?:million|billion) )?(?:new )?shares)\b")
_PURCHASE_AGREEMENT = re.compile(r"(?i)\b(?:securities|share|stock) purchase agreement\b")
_PLACEMENT_WITH = re.compile(r"(?i)\b(?:agreement|placement)\s+with\s+(?P<seg>.+?)\s+(?:for|to|under|in|at)\s")
_SUBJECT_END = re.compile(r"(?i)\s(?:said|says|announced|has|had|have|entered|signed|agreed|will|is|was)\b")
# A press release's boilerplate heading: "About Ledgerline".
ABOUT_LINE = re.compile(r"(?m)^\s*About (?P<name>[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3})\s*:?\s*$")
# A raise word after an article is a noun: "announces a fundraising of".
_ARTICLE_END = re.compile(r"\b(?:a|an|the|its|their)\s+$", re.I)
# "the $6.5 million seed round of Ferrowave": the round's company after the noun.
_ROUND_OF = re.compile(r"(?i)\s*(?:[\w-]+\s+){0,3}?(?:round|financing|raise|investment)\s+(?:of|for|in|into)\s+"
                       r"(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?(?=[A-Z])")
# An aside about someone: ", a startup that scores loan applications,".
_ASIDE = re.compile(r"(?<=\w),\s+(?:an?|the|which|who|whose|that)\s(?![^,]*\b(?:said|says|announced|told|reported|"
                    r"added|noted|confirmed)\b)[^,]{3,120}?,(?=\s)", re.I)  # not ", the companies announced,"
# A purpose clause after a figure: "to automate credit checks for lenders".
_INFINITIVE = re.compile(r"\sto\s+(?!(?:date|the|a|an|its|their|about|around|over|more|nearly|roughly)\b)[a-z]+\b")
_FOR_ITS_ARM = re.compile(r"(?i)\s*for its (?:[\w-]+\s+){0,3}?(?:arm|unit|subsidiary|division|affiliate)(?:\s*(?:[—–-]+|,)\s*|\s*$)")
# A clause with a deal verb of its own before the one being read: its subject is the sentence's subject.
_OWN_DEAL_VERB = re.compile(r"\s(?:buys|bought|acquires|acquired|raises|raised|closes|closed|secures|secured|lands|"
                            r"landed|signs|signed|sells|sold)\s")
# A sentence opening on a participle phrase ("Founded by former Google researchers, the startup ...") names its
# subject after the comma; a name inside the phrase is who founded, backed or spun it out.
_INTRO_PREPOSITION = re.compile(r"(?:Alongside|Besides|Beside|In addition to|Along with|Together with|As well as|"
                                r"On top of|At the same time as)\b")
_INTRO_PARTICIPLE = re.compile(r"(?:Founded|Co-founded|Cofounded|Started|Spun (?:out|off)|Backed|Built|Launched|"
                               r"Incubated|Created|Formed|Established|Headquartered|Based|Led|Run)\b")
_DASH_APPOSITIVE = re.compile(r"\s+[–—]\s+|\s+--\s+|(?<=\w)—(?=\w)")
_RELATIVE_OPEN = re.compile(r"(?:which|whose|who)\s")
_LEGAL_SUFFIX = re.compile(r",\s*(?:Inc|Ltd|LLC|Corp|Co|GmbH|S\.A|AG|plc|Pty Ltd|Pte\.? Ltd)\.?(?=[,\s]|$)")
# A long name with the short one the story goes on to use: "Innovative Rocket Technologies Inc. (iRocket)".
_SHORT_NAME = re.compile(r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){2,}\s*\((?:the\s+)?[“\"]?(?P<short>[A-Za-z][\w&.-]{2,})[”\"]?"
                         r"(?:\s*[–—,;-][^()]*)?\)\s*(?:(?:on|in)\s[^,]{1,30}\s*)?$")
PARENTHESES = re.compile(r"\s*\([^)]*\)")
# ", (NYSE: ACEL)," after a company's name: its ticker, never the subject
TICKER = re.compile(r",?\s*\((?:NYSE|NASDAQ|Nasdaq|NYSE American|LSE|AIM|TSX|TSXV|TSX-V|ASX|CSE|NSE|BSE|OTC\w*|SIX|"
                    r"Euronext|XETRA|HKEX|SGX|TASE)\s*:\s*[A-Z0-9.\-]+\)", re.I)
# "The Des Moines company", "The Cambridge, Mass. drug-discovery shop": a definite description whose
# capitalised words are a place or a sector, standing for the company the story is about.
_DEFINITE_DESCRIPTION = re.compile(r"(?:The|This)\s+(?:[A-Z][\w.'’-]*,?\s+){1,4}(?:[a-z][\w-]*\s+){0,3}"
                                   r"(?:" + tx.DESCRIBED_NOUN + r"|shop|outfit|unicorn|team|venture)")
_AREA_DESCRIPTION = re.compile(r"(?:[Aa]n?\s+|[Tt]he\s+)?(?:[A-Z][\w.'’]*[\s-]){0,2}?[A-Z][\w.'’]*-(?:area|based|headquartered)\s+"
                               r"(?:[a-z][\w-]*\s+){0,3}(?:" + tx.DESCRIBED_NOUN + r"|shop|outfit|team)")
# "A small company in Tomales", "a two-person startup outside Leeds": unnamed, wherever it is
_UNNAMED_IN_PLACE = re.compile(r"(?:[Aa]n?|[Oo]ne|[Aa]nother)\s+(?:[\w-]+\s+){0,3}?(?:" + tx.DESCRIBED_NOUN +
                               r"|shop|outfit|team)\s+(?:in|from|near|outside|based in)\s+(?:[A-Z][\w.'’-]*(?:,?\s+|$)){1,3}")
_MAKER_OF = re.compile(r"(?i)\s*(?:the\s+)?(?:[\w-]+\s+)?(?:maker|makers|developer|creator|company|startup|start-up|firm|"
                       r"owner|parent|operator|team|outfit)\s+(?:of|behind)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+)?['‘\"“]")
_PLACE_PREP = re.compile(r"\s+(?:from|in|of|at|near|outside|based in)\s+", re.I)
_DEBT_PAPER = re.compile(r"^\s*(?:worth\s+)?of\s+(?:\w+\s){0,2}?(?:notes|bonds|loans|term loans)\b", re.I)
_ISSUE = re.compile(r"\b(?:pric(?:ed|es|ing)|issu(?:ed|es|ing)|offering|placement|closed|raised|sold|secured|"
                    r"borrowed)\b", re.I)
_PASSIVE_AUX = re.compile(r"\s(?:agree[sd]?\s+to\s+be|(?:is|are|was|were|will|would|has|have|had|set|expected|"
                          r"poised|about)(?:\s+(?:to|being|been|be|now|also))*)\s*$", re.I)
_JV_WORD = re.compile(r"joint[- ]venture|\bJV\b", re.I)
_JV_OF = re.compile(r",\s+(?:a|the|an)\s+(?:[\w-]+\s){0,2}?(?:joint[- ]venture|JV)\s+(?:of|between|by|from|owned by|"
                    r"formed by|set up by|created by|backed by)\s+(?P<seg>[^,;.]+)", re.I)
_JV_POSS = re.compile(r"(?P<seg>[^,;.]+?)(?:'s|’s|')\s+(?:[\w-]+\s){0,2}?(?:joint[- ]venture|JV),?\s+", re.I)


def _own_words(after: str) -> str:
    """The words after a figure that are still about it: up to the next comma or the next figure ("a $40 billion
    loan to cover its $30 billion commitment to a raise last month": "last month" dates the other figure)."""
    head = after.split(",")[0]
    other = _NEXT_FIGURE.search(head)
    if other is None or _VALUED_AT.search(head[:other.start()]):
        return head  # "raised $400 million at a $4 billion valuation in May": one event, dated
    purpose = _PURPOSE.search(head, 0, other.start())
    return head[:purpose.start()] if purpose else head  # "... as part of a raise last month": still this figure's


def strip_dateline(text: str) -> str:
    """A sentence without the wire dateline it opens on ("AUSTIN, Texas, Feb. 3, 2026 /Wire/ -- ", "PARIS - ")."""
    return _DATELINE.sub("", _WIRE_DATELINE.sub("", text))


class FrameMixin(InvestorMixin):
    """Reads one figure's frame; needs the reader's ``names``, ``year``, ``acq_target``, ``acq_buyers``."""

    def single_subject(self, subj: str, field_: str) -> tuple[str | None, bool]:
        """The company a clause before a verb is about, and whether it was a generic phrase."""
        subj = TICKER.sub("", subj)
        subj = _WIRE_DATELINE.sub("", subj)
        subj = _DATELINE.sub("", subj)  # "PARIS - ", "SAN JOSE, June 11 (Wirepoint) - "
        subj = _GLUED_DATELINE.sub("", subj)  # "SÃO PAULOJuriti AI, a startup ...": a dateline run into the name
        short = _SHORT_NAME.search(subj)
        if short is not None and len(re.findall(r"\b" + re.escape(short.group("short")) + r"\b", self.text)) >= 2:
            return short.group("short"), False  # "The HCM City Development ... Bank (HDBank – HoSE: HDB) signed"
        subj = PARENTHESES.sub("", subj)  # "Hoshizora Labs (Osaka) closed ...": the place is not the subject
        subj = _LEGAL_SUFFIX.sub("", subj)  # "Kizuna Robotics Co., Ltd., which develops ...": one name
        subj = _DASH_APPOSITIVE.sub(", ", subj)  # "X – the start-up doing Y – has raised": as with commas
        subj = AUX_TAIL.sub("", subj)
        said = re.search(r"\b(?:said|says|announced|confirmed|reported|disclosed|revealed|told \w+)"
                         r"(?:\s+(?:on|late on|earlier on)\s+\w+|\s+(?:today|yesterday|this week|last week|[A-Z][a-z]+day|"
                         r"in a (?:statement|filing|blog post|press release)))?(?:,?\s+(?:that\s+)?(?:it|they|the company|"
                         r"the startup|it has|it had))?\s*$", subj, re.I)
        if said:
            subj = AUX_TAIL.sub("", subj[:said.start()])  # "X, the ..., has today announced that it has raised"
        if _AREA_DESCRIPTION.fullmatch(subj.strip()) or _UNNAMED_IN_PLACE.fullmatch(subj.strip()):
            return None, True  # "Dayton-area startup", "Ohio-based firm": a description, the name comes later
        if _DEFINITE_DESCRIPTION.fullmatch(subj.strip()) or _MAKER_OF.match(subj):
            return None, True  # ... or "Maker of the 'Ollie' homework chatbot": the product's maker, named elsewhere
        colon = subj.rfind(": ")
        if colon > 0 and subj[colon + 2:].strip():
            subj = subj[colon + 2:]  # "Fuel for the fleet: we've closed", "Exclusive: Acme raises": the clause after it
        segments = [s for s in re.split(r",\s*", subj) if s.strip()]
        if len(segments) > 1 and _LATE_PRONOUN.search(segments[-1]):
            # "Quillmark says it now has 200 customers, and this week it closed": the sentence's own subject
            head = _NAME_OPENING.match(segments[0])
            if head and _SUBJECT_VERB.match(segments[0], head.end()) and head.group(0).lower() not in STOP and \
                    len(re.findall(r"\b" + re.escape(head.group(0)) + r"\b", self.text)) >= 2:
                return head.group(0), False  # a name the story repeats, not "Boring says"
        if segments:
            # in the clause next to the verb, the subject noun phrase ends at the first auxiliary
            segments[-1] = re.sub(r"^\s*(?:and|but|while)\s+", "", segments[-1])
            aux = re.search(r"(?:^|\s)(?:is|are|was|were|has|have|had|will|would|said|says|announced|plans|agreed|"
                            r"told|reported)\b", segments[-1])
            if aux:
                segments[-1] = segments[-1][:aux.start()]
        lead_in = 1 if segments and _LEAD_IN_SEGMENT.fullmatch(segments[0].strip()) else 0  # "Separately, X, a ..."
        last = len(segments) - 1
        if last >= lead_in + 2 and _APPOSITIVE_OPEN.match(segments[lead_in + 1].strip()) and \
                tx.COMPANY_NOUN.search(segments[lead_in + 1]):
            head = [c for c in self.chunks(_DATE_OPENER.sub("", segments[lead_in].strip()), field_) if not c.possessive]
            if len(head) == 1 and head[0].start == 0:
                # "Saathi AI, a Gurugram startup building tutors in Hindi, Marathi and Odia, raised": the
                # appositive runs on to the verb, commas and all; the name before it is the subject
                return head[0].text, False
        for k in range(last, -1, -1):
            seg_s = _DATE_OPENER.sub("", segments[k].strip())
            seg_s = re.sub(r"(?i)\s*\b(?:today|yesterday|tonight|this (?:week|month|morning|afternoon))$", "", seg_s)
            if k == last:
                seg_s = AUX_TAIL.sub("", " " + seg_s).strip()  # "– has today announced that it has": no subject
            own_verb = _OWN_DEAL_VERB.search(seg_s)
            if own_verb is not None and own_verb.start() > 0:
                seg_s = seg_s[:own_verb.start()].strip()  # "Palisade buys Nettle AI for $210 million, raises": Palisade
            if not seg_s:
                continue
            if k == 0 and last > 0 and (_INTRO_PARTICIPLE.match(seg_s) and self.chunks(seg_s, field_)
                                        or _INTRO_PREPOSITION.match(seg_s)):  # "Alongside the debt, the company"
                tail = segments[last].strip()
                return None, bool(tx.GENERIC_SUBJECT.search(tail) or tx.COMPANY_NOUN.search(tail))
            rel = re.match(r"(?i)^(?:of|in|under|for|through) which\s+", seg_s)
            if rel:
                seg_s = seg_s[rel.end():]
            elif k > 0 and re.match(r"(?i)^(?:which|who|that|a|an|the|its|whose|founded|based|led|backed|run|"
                                    r"known|best|formerly|one of|now|headquartered|co-founded|once|owned|part of|"
                                    r"set up|created|maker|developer|\d)\b", seg_s):
                continue
            if k > 0 and re.search(r"(?:'s|’s)\s+(?:[\w-]+\s)?(?:startup|company|firm|lab|venture|unit|arm|"
                                   r"subsidiary|business)$", seg_s):
                continue  # "Thinking Machines Lab, Mira Murati's startup, ..."
            if k < last and re.match(r"(?i)^(?:on|in|at|by|after|before|according to|meanwhile|earlier|last|this|"
                                     r"five|separately|also|however|for|with|as|since|while|today|yesterday|"
                                     r"\w+ weeks|\w+ days)\b", seg_s):
                continue
            if k > 1 and _APPOSITIVE_OPEN.match(segments[1].strip()) and self.chunks(segments[0], field_) and \
                    not [c for c in self.chunks(seg_s, field_) if not c.possessive]:
                continue  # "Brindle Robotics, a Columbus, Ohio company that builds ..., has raised"
            names = [c for c in self.chunks(seg_s, field_) if not c.possessive or c.end < len(seg_s) - 3]
            names = [c for c in names if not (c.possessive and re.match(r"\s*(?:[a-z-]+\s){0,3}(?:chief|ceo|founder|"
                                                                        r"head|boss)", seg_s[c.end + 2:]))]
            nonposs = [c for c in names if not c.possessive]
            if len(nonposs) > 1:  # "Nordiq Vision from Gdansk": a place after a preposition is not the subject
                nonposs = [c for k, c in enumerate(nonposs)
                           if k == 0 or not _PLACE_PREP.fullmatch(seg_s[nonposs[k - 1].end:c.start])]
            if nonposs and _UNNAMED.match(seg_s) and tx.COMPANY_NOUN.search(seg_s[nonposs[-1].end:]):
                # "A Paris-based legal-AI startup raised ...": the company is not named, unless a release names
                # itself in its About block ("A Boston startup ... has closed" over "About Tallowmere")
                return None, bool(ABOUT_LINE.search(self.text))
            if nonposs and _PLURAL_AFTER.match(seg_s, nonposs[-1].end):
                return None, False  # "Robotics startups raised $4.1 billion": a sector's total, no one company
            if nonposs and k > 0 and all(is_location(c.text) for c in nonposs):
                continue  # "X, based in Madison, Wisconsin, raised": the place's tail, not the subject
            if nonposs:
                return _DESCRIPTOR_WORD.sub("", nonposs[-1].text), False
            if k == 0 and len(segments) > 1 and _ONE_NAME.fullmatch(seg_s) and seg_s.lower() not in STOP and \
                    _APPOSITIVE_OPEN.match(segments[1].strip()) and tx.COMPANY_NOUN.search(segments[1]):
                return seg_s, False  # "Redlinea, the New York start-up whose software ..., is raising"
            if k == 0 and last == 1 and _ONE_NAME.fullmatch(seg_s) and seg_s.lower() not in STOP and \
                    _RELATIVE_OPEN.match(segments[1].strip()):
                return seg_s, False  # "Estrid, whose software forecasts power demand, has raised": who owns it
            if k == 0 and re.fullmatch(r"(?i)an?|the|its|their", seg_s):
                return None, True  # "An $80 million Series B round was led by X": the story's company's round
            if tx.PLURAL_SUBJECT.search(seg_s):
                return None, False
            if tx.GENERIC_SUBJECT.search(seg_s) or tx.COMPANY_NOUN.search(seg_s):
                return None, True
            if (k > 1 and _APPOSITIVE_OPEN.match(segments[k - 1].strip())) or \
                    re.match(r"(?i)^(?:on|in|at|by|from|near|outside|after|before|according to|meanwhile|earlier|last)\b", seg_s) or \
                    (k > 0 and is_location(seg_s)):
                continue  # the tail of an appositive ("X, the company teaching arms to handle squishy, awkward items,")
            return None, not seg_s.strip()
        return None, True

    def _raises_for_others(self, subj: str, after: str, field_: str) -> bool:
        """Whether the subject of "raised $X for/to Y" raises money for someone else: a bank, a fund or a
        government ("Banks raised $5 billion for xAI"). A company raising "to Put Voice Ordering in Every
        Restaurant" or "for its Nordic AI cloud" raises for itself, however the headline capitalises it;
        "completed a $5 billion investment in Y" is Y's money whoever completes it."""
        if _PERSON_PRONOUN.search(subj) or _LENT_TO.match(after) or _ROLE_THEN_NAME.search(subj):
            # "she has raised $18 million for Chalkline, her startup": a founder raises for it;
            # "finalised a $400 million loan to Ampwell": the lender's money, the borrower's deal
            return True
        names = self.name_list(subj, field_)
        if not names:
            return False
        prep = _BENEFICIARY.match(after[:90])
        if prep is None or not re.search(r"(?i)\b(?:to|for)\s+(?:the\s+)?$", prep.group(0)):
            return True
        return all(self.names.kind(n) in _RAISES_FOR_OTHERS for n in names)

    @staticmethod
    def _verbs(before: str) -> list[tuple[int, int, str, str]]:
        """The deal verbs of a clause in order: (start, end, class, word); an acquire verb first on a tie."""
        found = []
        for cls, rx in (("acquire", tx.ACQUIRE_VERBS), ("raise", tx.RAISE_VERBS), ("invest", tx.INVEST_VERBS),
                        ("spend", tx.SPEND_VERBS), ("form", tx.FORM_VERBS)):
            for vm in rx.finditer(before):
                if cls == "raise" and _ARTICLE_END.search(before, 0, vm.start()):
                    continue  # "announces a fundraising of", "a raise": a noun, not the verb ("the purchase of" is)
                if cls == "invest" and _NOUN_MODIFIER.match(before, vm.end()):
                    continue  # "closed its Series A financing round of": a noun's modifier, not the verb
                found.append((vm.start(), 1 if cls == "acquire" else 0, vm.end(), cls, vm.group(0)))
        return [(a, b, c, d) for a, _, b, c, d in sorted(found)]

    def _named_party(self, window: str, field_: str) -> str | None:
        """The company a window opens on (a loan's borrower, a stake's issuer): the first name, or the one a
        description introduces ("Lagos logistics AI firm Danfo Analytics"); a possessive counts ("for Corvane's
        batteries")."""
        window = re.split(r",|;|\s(?:to|which|that|who|in|on|at)\s", window, maxsplit=1)[0]
        names = self.chunks(window, field_)
        prefix = window[:names[0].start] if names else ""
        if not names or (prefix.strip().lower() not in ("", "the") and
                         not _NAMED_AFTER_DESCRIPTION.fullmatch(" " + PLACE_BASED.sub("", prefix))):
            return None  # "to Lagos logistics AI firm Danfo Analytics" names it after its description
        for k in range(len(names) - 1):
            if _NAMED_AFTER_DESCRIPTION.fullmatch(window[names[k].end:names[k + 1].start] + " ") or \
                    is_location(names[k].text):
                continue
            return self._not_attributive(window, names[k])
        return self._not_attributive(window, names[-1])

    @staticmethod
    def _not_attributive(window: str, name: Name) -> str | None:
        """None for a name that qualifies a noun after it ("for West Texas AI campus"): a place or project."""
        if not name.possessive and _ATTRIBUTIVE.match(window, name.end):
            return None
        return name.text

    def beneficiary(self, after: str, field_: str) -> str | None:
        arm = _FOR_ITS_ARM.match(after[:90])
        if arm is not None:  # "has raised $1 billion for its data center arm — Nxtra Data — from ...": the arm's
            names = self.chunks(after[arm.end():arm.end() + 60], field_)
            if names and names[0].start == 0:
                return names[0].text
        stake = _FOR_STAKE.match(after[:90])
        if stake is not None:  # "invested $35 million for a minority stake in Pellucid Optics": whose shares
            names = self.chunks(after[stake.end():stake.end() + 60], field_)
            if names and names[0].start == 0:
                return names[0].text
        by = _BENEFICIARY_BY.search(after[:120])
        if by:
            names = self.chunks(after[by.end():by.end() + 60], field_)
            if names and names[0].start == 0:
                return names[0].text
        m = _BENEFICIARY.match(after[:90])
        if m:
            rest = PLACE_BASED.sub("", after[m.end():], count=1)  # "for San Diego-based Firestorm Labs"
            names = self.chunks(rest[:80], field_)
            if names and names[0].start > 0 and _LOWER_DESCRIPTION.fullmatch(rest[:names[0].start]):
                return names[0].text  # "to battery maker Voltaro"
            if names and names[0].start == 0:
                if len(names) > 1 and _DESCRIBED.fullmatch(rest[names[0].end:names[1].start]):
                    return names[1].text  # "in Abu Dhabi AI group G42"
                return names[0].text
        return None

    def frame(self, sent: Sentence, t: str, m: Money, ms: int, me: int, field_: str, order: int) -> Candidate | None:
        L = clause_start(t, ms)
        R = clause_end(t, me)
        before = t[L:ms]
        after = t[me:R]
        if field_ == "title" and (purpose_clause := tx.HEADLINE_INFINITIVE.search(after)) is not None:
            after = after[:purpose_clause.start()]  # "... Credit Facility to Expand GPU Cloud Capacity"
        after_head = after[:70]
        purpose = _INFINITIVE.search(after_head)
        if purpose is not None:
            after_head = after_head[:purpose.start()]  # "R$50 million to automate credit analysis for lenders"
        joined = _AND_VERB.search(after_head)
        if joined and any(rx.match(after_head, joined.end()) for rx in (
                tx.RAISE_VERBS, tx.INVEST_VERBS, tx.SPEND_VERBS, tx.ACQUIRE_VERBS)):
            after_head = after_head[:joined.start()]  # "raises $60m and adds a debt line": the noun is another deal's
        label = sent.label if sent.label and sent.label.lower() not in tx.FIELD_LABELS and \
            not tx.PHRASE_LABEL.match(sent.label) else None
        if label and label.isupper() and " " in label and not self.heading_company(label):
            label = None  # "RUMOUR MILL." heads a section; "KESTREL GRID -" names a company the title spells
        if sent.label and before.startswith(sent.label):
            before = before[len(sent.label) + 1:]  # "EQUITY. Vireo Grid, ...": a section tag is no subject
        # not "raises $40M to help utilities forecast load"; an aside ("X, which forecasts load, raised") is not the deal
        if classify.is_forecast(_ASIDE.sub(",", t[L:min(R, me + 25)])):
            return None
        sec = tx.SECONDARY.search(before)
        if sec is None and tx.SECONDARY.search(after_head) and re.search(r"(?i)\b(?:sell\w*|sold)\s+(?:\w+\s){0,2}$", before):
            sec = re.search(r"(?i)\b(?:letting|allowing|lets|allows|in which|where)\b", before) or \
                re.search(r"$", before)  # "letting employees sell $100 million of stock in a tender offer"
        sec_at = sec.start() if sec is not None else None
        if sec_at is None and tx.SECONDARY.match(after_head.lstrip()):
            sec_at = len(before)  # "is running a $100M tender offer that lets employees sell": the noun names it
        if sec is None and (around := tx.SECONDARY.search(t, L, R)) is not None and around.start() < ms < around.end():
            sec_at = around.start() - L  # "OpenAI staff sell $6.6 billion in shares": the sale runs across the figure
        if sec_at is not None and not tx.ACQUIRE_VERBS.search(before):
            # "a tender offer letting employees sell $6 billion of stock": the company whose shares change hands
            led = _LED_SALE.search(before[:sec_at])
            buyers: list[str] = []
            if led is not None:  # "Coatue led a $40 million tender offer": the buyer leads, the story's company sells
                buyers = self.name_list(before[:led.start()], field_)
                company, generic = (None, True) if buyers else self.single_subject(before[:sec_at], field_)
            else:
                company, generic = self.single_subject(before[:sec_at], field_)
            cand = Candidate(company, "equity", m, sent, field_, order, verb="raise", generic_subject=generic,
                             round="Secondary", investors=buyers, leads=list(buyers))
            cand.background = classify.background_level(before, _own_words(after), self.year, self.month)
            return cand
        if _EQUIPMENT_AFTER.match(after) and not (_DEBT_PAPER.match(after) and _ISSUE.search(before)):
            return None  # "$2bn of GPUs"; but "priced an offering of $400m of senior notes" is the company's debt

        # an aside about someone ("Tessaly, a startup that scores loan applications, for $90 million") has verbs
        # of its own that are not this figure's
        placement = _PLACEMENT.search(before)
        if placement is not None and not tx.ACQUIRE_VERBS.search(_PURCHASE_AGREEMENT.sub("", before[:placement.start()])):
            return self._placement(sent, before, placement, m, field_, order)
        verbs = self._verbs(_ASIDE.sub(lambda a: " " * len(a.group(0)), before))
        if verbs and _SUBORDINATE.search(before, verbs[-1][1]):
            verbs = []  # "tops up its Series C as the $1.3 billion question lingers": the verb's clause has ended
        if not verbs and L >= 2 and t[L - 2] == ":" and len(before.split()) <= 4:
            # "has closed $235 million made up of two pieces: an $85 million Series B ..., and a $150 million
            # credit facility": each piece is a deal of the verb before the colon
            wider_l = clause_start(t, L - 2)
            wider = t[wider_l:ms]
            whole = next(iter(find_money(wider)), None)  # the sum the pieces make up: its verb is theirs
            inherited = [v for v in self._verbs(wider) if whole is not None and v[0] < whole.start]
            if inherited:
                L, before, verbs = wider_l, wider, inherited
        # noun right after the figure: "$5B investment", "$38bn of loans", "$700m Run:ai acquisition"; not one
        # in a relative clause about the company ("to Calder Fab, which is building a plant")
        noun_head = _RELATIVE_AFTER.split(after_head, 1)[0]
        noun_type = None
        for dtype, rx in tx.TYPE_NOUNS:
            # not a word of a name ("to Calder Fab", "Acme Capital"): a capitalised word after a capitalised one
            nm = next((x for x in rx.finditer(noun_head) if not (x.group(0)[:1].isupper() and _NAME_BEFORE.search(
                noun_head, 0, x.start()) and not (field_ == "title" and self.title_case))), None)
            if nm and nm.start() < 45 and (noun_type is None or nm.start() < noun_type[1] or dtype == "joint_venture"):
                noun_type = (dtype, nm.start(), nm.end())  # "$27 billion data centre joint venture" is a JV
            if noun_type is not None and noun_type[0] == "joint_venture":
                break
        if noun_type is None and verbs:
            gap = before[verbs[-1][1]:]
            if re.search(r"\b(?:of|worth|totall?ing|for)\s+(?:\w+\s){0,2}$", gap) or _FUND_AT.search(gap):
                # "a venture debt of ₹15 Cr": the noun nearest the figure names the kind; not a noun in an aside
                # about the company ("acquire Tessaly, a startup that scores loan applications, for $90 million")
                near = gap.rsplit(",", 1)[-1]
                hits = [(m.end(), dtype) for dtype, rx in tx.TYPE_NOUNS if dtype in ("debt", "equity")
                        for m in rx.finditer(near)]
                if hits:
                    noun_type = (max(hits)[1], 0, 0)
        if verbs and (_FUND_AT.search(before[verbs[-1][1]:]) or _OWN_FUND_AFTER.match(after)) and \
                _RELATIVE_END.search(before[:verbs[-1][0]]):
            return None  # "Acme Ventures, which has closed its third fund at $150 million, led the round": who it is
        sold = _SOLD_PAPER.search(before) if not verbs and _DEBT_PAPER.match(after) else None
        if sold is not None:  # "Oracle sold $18 billion of bonds": the seller borrows
            verbs = [(sold.start(), sold.end(), "raise", sold.group(0))]
            noun_type = ("debt", 0, 0)
        form_ctx = None
        for vs, ve, cls, _word in verbs:
            if cls == "form" and tx.VENTURE_COMMON.search(before[ve:] + after_head):
                form_ctx = (vs, ve)
                break
        if not verbs and not noun_type and not label and field_ == "title" and not before.strip() and \
                _FOR_AFTER.match(after) and (funded := self.beneficiary(after, field_)) is not None:
            # a headline that opens on its figure: "$22M for Beacon Docs as insurers chase AI paperwork fixes"
            cand = Candidate(funded, "equity", m, sent, field_, order, verb="raise")
            cand.background = classify.background_level(before, _own_words(after), self.year, self.month)
            return cand
        if not verbs and not noun_type and not label:
            sized = _SIZED.search(t[:ms])
            if sized is None and _PROJECT_AFTER.match(after):
                sized = _APPOSITIVE_BEFORE.search(t[:ms])  # "will build a campus outside Abilene, a $3 billion project"
            return self.sized_deal(sent, t[:sized.start()], m, field_, order) if sized else None

        cand = Candidate(None, "equity", m, sent, field_, order)
        subj_end = verbs[-1][0] if verbs else len(before)
        cls = verbs[-1][2] if verbs else "none"
        vword = verbs[-1][3] if verbs else ""
        if form_ctx is not None:
            subj_end, cls = form_ctx[0], "form"
        # "and Pledges $100B" / "and committing to": coordinated verb, subject from the first clause
        subj_text = before[:subj_end]
        aside = _DASH_ASIDE.search(t[:L]) if L > 0 and not subj_text.strip() else None
        if aside is not None:  # "Orrery Systems — the chip startup I wrote about — picked up $85 million"
            subj_text = aside.group("subj")
        elif re.fullmatch(r"\s*(?:and|but|while|then|,)?\s*", subj_text) and L > 0 and not t[:L].rstrip().endswith(":"):
            subj_text = t[clause_start(t, L - 1):L]
            first = re.search(tx.RAISE_VERBS.pattern + "|" + tx.INVEST_VERBS.pattern, subj_text, re.I)
            if first:
                subj_text = subj_text[:first.start()]
        if label and (not self.chunks(subj_text, field_) or tx.GENERIC_SUBJECT.search(subj_text)) and \
                not tx.is_phrase_label(label):
            subj_text = label
        obj_text = before[verbs[-1][1]:] if verbs else ""
        passive = _PASSIVE.search(before[:subj_end]) if cls == "invest" and re.search(
            r"(?i)(?:ed|lent|underwritten|led)$", vword) and not re.match(r"(?i)(?:made|arrang|provid|extend)",
                                                                           vword) else None
        if passive:
            # "X was backed with $1 billion by Y": the subject receives, the by-phrase invests
            cand.verb = "raise"
            cand.background = classify.background_level(before, _own_words(after), self.year, self.month)
            cand.round = tx.find_round(vword + " " + obj_text + " " + after)
            company, generic = self.single_subject(before[:passive.start()], field_)
            by = re.search(r"\bby\s+(?P<seg>.+)$", after)
            cand.company, cand.generic_subject = company, generic
            cand.investors = self.name_list(re.split(TERM, by.group("seg"), maxsplit=1)[0], field_) if by else []
            if vword.lower().startswith(("led", "co-led")):
                cand.leads = list(cand.investors)
            cand.deal_type = dtype if (dtype := noun_type[0] if noun_type else None) in ("debt",) else "equity"
            return cand
        cand.verb = cls
        cand.background = classify.background_level(before, _own_words(after), self.year, self.month)
        cand.round = tx.find_round(vword + " " + obj_text + " " + after)
        # ("... for its data center arm — Nxtra Data — from ...": the dashes end no clause for the arm's name)
        benef = None if _OWN_FUND_AFTER.match(after) else self.beneficiary(
            t[me:me + 120] if _FOR_ITS_ARM.match(after) else after, field_)  # "fund for AI startups"
        if cls == "raise" and benef is None and _FOR_OWN_COMPANY.match(after):
            return None  # a founder "raised $18 million for her startup": the company is named elsewhere, if at all
        if cls == "invest" and benef is None and _GENERIC_INVESTEE.match(after) and self.name_list(subj_text, field_) \
                and not tx.STAKE_SO_FAR.search(before):  # not "Google has invested $2 billion in the lab" (its stake)
            # "Oracle will invest $300 million in the startup": the story's company, the subject its backer
            cand.company, cand.generic_subject, cand.verb, cand.deal_type = None, True, "raise", "equity"
            cand.investors = self.name_list(subj_text, field_)
            return cand
        if cls == "invest" and benef is None and _ANY_ROUND.match(after) and self.name_list(subj_text, field_) and \
                not any(c.possessive for c in self.chunks(obj_text, field_)):  # not "is leading hey-robot's round"
            # "Intel is also participating in a $350 million funding round": the story's company's round
            cand.company, cand.generic_subject, cand.verb = None, True, "raise"
            cand.investors = self.name_list(subj_text, field_)
            if re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword):
                cand.leads = list(cand.investors)
            cand.deal_type = "equity"
            return cand
        loan = _LOAN_TO.match(after)
        borrower_name = self._named_party(after[loan.end():loan.end() + 90], field_) if loan is not None else None
        if borrower_name is not None and cls == "raise" and not (_LENDER.search(subj_text) or _PUBLIC_LENDER.search(subj_text)):
            borrower_name = None  # "Gridstone secures a $50 million facility to finance GPUs": the subject borrows
        if borrower_name is not None and cls != "acquire":
            # "The U.S. Department of Energy has closed a $1.1 billion loan to Corvane": the lender gives it
            cand.company, cand.deal_type, cand.verb = borrower_name, "debt", "raise"
            cand.investors = [n for n in self.name_list(subj_text, field_) if not same_entity(n, borrower_name)]
            return cand
        borrower = _DEBT_WITH.match(after)
        lender = next((x for x in (subj_text, before[:subj_end]) if _LENDER.search(x)), None)
        if borrower is not None and lender is not None:
            names = self.chunks(after[borrower.end():borrower.end() + 60], field_)
            if names and names[0].start == 0:
                # "The European Investment Bank has signed a €50 million venture debt agreement with Kvanta"
                cand.company, cand.deal_type, cand.verb = names[0].text, "debt", "raise"
                cand.investors = self.name_list(lender, field_)
                return cand
        stake = _STAKE_IN.search(obj_text) if re.match(r"(?i)(?:take|took|buy|bought|acquir|purchas)", vword) else None
        paid = _PAID_FOR_STAKE.match(after) if cls == "spend" else None
        if paid is not None and (held := self._named_party(after[paid.end():paid.end() + 90], field_)) is not None:
            # "has agreed to pay about €60 million for a majority stake in Spraakhuis": control is a purchase
            cand.company, cand.investors = held, self.name_list(subj_text, field_)
            cand.deal_type = "acquisition" if _CONTROL.search(paid.group(0)) else "equity"
            cand.verb = "acquire" if cand.deal_type == "acquisition" else "invest"
            return cand
        if stake is not None and _CONTROL.search(stake.group(0)):
            stake = None  # "buy a 70% stake in X": control of X changes hands, an acquisition
        if stake is not None and benef is None:  # "Meta takes a 49% stake in Scale AI for $14.3 billion"
            held = self._named_party(obj_text[stake.end():], field_)  # "20% of Munich AI firm Kontur"
            if held is not None:
                benef, cls = held, "invest"
                cand.verb = "invest"
        poss_obj = [c for c in self.chunks(obj_text, field_) if c.possessive]
        obj_names = [c for c in self.chunks(obj_text, field_) if not c.possessive]
        dtype = noun_type[0] if noun_type else None

        bought = obj_text.split(" from ")[0]  # "buy computing capacity from CoreWeave": capacity is what is bought
        if cls == "acquire" and dtype != "acquisition" and re.match(r"(?i)(?:buy|bought|purchas)", vword) and (
                not obj_names or (" from " in obj_text and tx.COMPUTE_WORDS.search(bought)
                                  and not self.chunks(bought, field_))):
            cls = cand.verb = "spend"  # "agreed to buy $300 billion of computing power": a purchase, not a takeover
        if cls == "acquire" and _PASSIVE_AUX.search(subj_text) and re.match(r"\s*by\s", obj_text) and obj_names:
            # "X agreed to be bought by Y", "X was acquired by Y": the subject is the target, Y the buyer
            target, _generic = self.single_subject(_PASSIVE_AUX.sub("", subj_text), field_)
            if target is not None:
                buyers = [self.canon(obj_names[0].text)]
                cand.company, cand.deal_type = target, "acquisition"
                cand.investors, cand.leads = list(buyers), list(buyers)
                return cand
        if cls == "acquire" or dtype == "acquisition":
            target = None
            if dtype == "acquisition":
                between = self.chunks(after[:noun_type[1]], field_) if noun_type else []
                of = re.search(r"acquisition of\s+", after_head, re.I)
                if between:
                    target = between[-1].text
                elif of:
                    names = self.chunks(after[of.end():of.end() + 60], field_)
                    target = names[0].text if names and names[0].start == 0 else None
            if target is None and obj_names and cls == "acquire":
                target = obj_names[0].text
                if len(obj_names) > 1 and _DESCRIBED.fullmatch(obj_text[obj_names[0].end:obj_names[1].start]):
                    target = obj_names[1].text  # "to buy Zurich AI start-up Glarnet"
            if target is None and cls == "acquire":
                acq = re.search(tx.ACQUIRE_VERBS.pattern + r"\s+", before, re.I)
                if acq:
                    names = self.chunks(before[acq.end():], field_)
                    target = names[0].text if names else None
            if target is None:
                if not (self.acq_target and tx.COMPANY_NOUN.search(after_head + obj_text)):
                    return None
                target = self.acq_target
            buyers = self.name_list(subj_text, field_) or [c.text for c in poss_obj]
            if not buyers and self.acq_target and same_entity(target, self.acq_target):
                buyers = list(self.acq_buyers)
            buyers = [b for b in buyers if not same_entity(b, target)]
            cand.company, cand.deal_type = target, "acquisition"
            cand.investors, cand.leads = list(buyers), list(buyers)
            return cand

        payer = self.name_list(subj_text, field_) if cls == "spend" and self.acq_target and \
            re.match(r"(?i)pa(?:y|ys|id|ying)$", vword) else []
        if payer and any(same_entity(p, b) for p in payer for b in self.acq_buyers) and not tx.COMPUTE_WORDS.search(after):
            # "Under the terms of the agreement, Cisco will pay approximately $410 million in cash": the price
            cand.company, cand.deal_type = self.acq_target, "acquisition"
            cand.investors, cand.leads = list(self.acq_buyers), list(self.acq_buyers)
            return cand
        if cls == "spend" and tx.COMPANY_NOUN.search(after_head) and re.match(r"^\s*for\b", after_head) \
                and self.acq_target:
            buyers = self.name_list(subj_text, field_) or list(self.acq_buyers)
            cand.company, cand.deal_type = self.acq_target, "acquisition"
            cand.investors, cand.leads = buyers, list(buyers)
            return cand

        if cls == "form" or dtype == "joint_venture":
            sponsors = self.name_list(subj_text, field_)
            cand.deal_type = "joint_venture"
            if cls == "form":
                cand.company = sponsors[0] if sponsors else None
                cand.investors, cand.leads = sponsors, list(sponsors)
                cand.generic_subject = not sponsors
            else:
                company, generic = self.single_subject(subj_text, field_)
                cand.company, cand.generic_subject = company, generic
                with_ = re.search(r"\bwith\s+(.+)$", after)
                if with_:
                    cand.investors = self.name_list(re.split(TERM, with_.group(1).split(",")[0], maxsplit=1)[0],
                                                    field_)
            return cand

        after_full = after
        nxt = re.search(r"[$€£¥₹₦₱₺₫฿₩₪]|\b\d[\d,.]*\s?(?:billion|million|bn|mn)\b", after)
        after = after[:nxt.start()] if nxt else after
        compute_ctx = dtype == "compute_commitment" or (
            cls == "spend" and tx.COMPUTE_WORDS.search(after) and not tx.INFRA_WORDS.search(after_head[:25]))
        provider = None
        for c in self.chunks(after, field_) + obj_names:
            kind = self.names.kind(c.text)
            follows = after[c.end:c.end + 30] if c.start < len(after) else ""
            if kind in ("cloud", "bigtech") or re.match(r"^(?:'s|’s)?\s*(?:cloud|Web Services|data cent)", follows):
                provider = c.text
                break
        if cls == "spend" and obj_names and not provider:
            provider = obj_names[0].text  # "agreed to pay IREN $9.7 billion"
        if compute_ctx and not provider:
            src = re.search(r"\b(?:from|with|on|via|through)\s+(?=[A-Z])", after_full)
            names = self.chunks(after_full[src.end():src.end() + 60], field_) if src else []
            if names and names[0].start == 0:
                provider = names[0].text  # "GPU capacity from Cirrusgrid"
        if provider and (cls == "spend" or tx.COMPUTE_WORDS.search(after)) and dtype != "debt" and not (
                cls == "invest" and benef and not same_entity(benef, provider)) and not (
                cls == "raise" and dtype == "equity"):  # "invest $4bn in X, ... cloud"; "gets $40M funding to build"
            compute_ctx = True
        if compute_ctx:
            payer, generic = self.single_subject(subj_text, field_)
            by = re.search(r"\bby\s+", after_head)
            if by:
                names = self.chunks(after[by.end():by.end() + 40], field_)
                if names and names[0].start == 0:
                    payer, generic = names[0].text, False
            if payer and provider and (same_entity(payer, provider) or self.names.kind(payer) in (
                    "cloud", "datacenter")):
                other = re.search(r"\bwith\s+", after)
                names = self.chunks(after[other.end():], field_) if other else []
                if names and self.names.kind(payer) in ("cloud", "datacenter"):
                    payer, provider = names[0].text, payer
            cand.company, cand.generic_subject = payer, generic
            cand.deal_type = "compute_commitment"
            cand.investors = [self.canon(provider)] if provider else []
            return cand

        if cls == "invest" and benef and _COMPUTE_NAME.search(benef):
            # "commits up to $600 million to Google Cloud TPUs": the capacity's provider, not a company raising
            payer, generic = self.single_subject(subj_text, field_)
            cand.company, cand.generic_subject = payer, generic
            cand.deal_type, cand.investors = "compute_commitment", [self.canon(_COMPUTE_NAME.split(benef)[0].strip())]
            return cand
        if cls == "invest" and benef and re.search(re.escape(benef) + r"(?:'s|’s)?\s+(?:[\w-]+\s){0,2}?(?:capacity|"
                                                   r"compute|cloud|GPUs?|servers|chips|computing)\b", after_full):
            payer, generic = self.single_subject(subj_text, field_)
            cand.company, cand.generic_subject = payer, generic
            cand.deal_type, cand.investors = "compute_commitment", [self.canon(benef)]
            return cand
        if cls in ("invest", "raise") and benef and not (cls == "raise" and not self._raises_for_others(
                subj_text, after, field_) and not _FOR_ITS_ARM.match(after)):
            founder = cls == "raise" and bool(_ROLE_THEN_NAME.search(subj_text) or _PERSON_PRONOUN.search(subj_text))
            investors = [] if founder else self.name_list(subj_text, field_)  # a founder raises, she does not invest
            cand.company = benef
            cand.investors = investors
            if re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword):
                cand.leads = list(investors)
            cand.deal_type = dtype or ("debt" if re.match(r"(?i)(?:lend|lent|loan)", vword) else "equity")
            if cand.deal_type in ("infrastructure",):
                cand.deal_type = "financing_undisclosed_structure" if "financ" in after_head.lower() else "equity"
            return cand  # "will lend $1 billion to X": X borrows
        round_of = _ROUND_OF.match(after) if cls == "invest" else None
        if round_of is not None:  # "is leading the $6.5 million seed round of Ferrowave": Ferrowave's round
            names = self.chunks(after[round_of.end():round_of.end() + 60], field_)
            if names and names[0].start == 0 and not names[0].possessive:
                investors = self.name_list(subj_text, field_)
                cand.company, cand.investors, cand.deal_type = names[0].text, investors, "equity"
                cand.leads = list(investors) if re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword) else []
                return cand
        if cls == "invest" and poss_obj and re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword):
            investors = self.name_list(subj_text, field_)
            cand.company, cand.investors, cand.leads = poss_obj[-1].text, investors, list(investors)
            cand.deal_type = "equity"
            return cand
        if cls == "invest" and re.match(r"(?i)(?:back|fund)", vword) and obj_names and obj_names[0].start <= 1 and \
                re.match(r"\s*(?:in|with)\b", obj_text[obj_names[0].end:]):
            # "Blackstone backs Neysa in up to $1.2B financing": the one backed raises, whatever it will build
            investors = self.name_list(subj_text, field_)
            cand.company, cand.investors, cand.deal_type = obj_names[0].text, investors, dtype if dtype in (
                "debt", "equity") else "equity"
            return cand
        if cls in ("invest", "spend") or (dtype == "infrastructure" and cls != "raise"):
            if dtype == "debt" and re.match(r"(?i)sign", vword):  # "signs a ¥5 billion loan facility with Y"
                company, generic = self.single_subject(subj_text, field_)
                cand.company, cand.generic_subject, cand.deal_type = company, generic, "debt"
                lender = re.search(r"\b(?:with|from)\s+(?P<seg>.+)$", after)
                if lender:
                    cand.investors = self.name_list(re.split(TERM, lender.group("seg"), maxsplit=1)[0], field_)
                return cand
            if (tx.INFRA_WORDS.search(after_full) and dtype != "debt") or dtype == "infrastructure":
                company, generic = self.single_subject(subj_text, field_)
                cand.company, cand.generic_subject = company, generic
                cand.deal_type = "infrastructure"
                return cand
            if cls == "invest" and re.search(r"\b(?:round|tranche|raise|funding)\b", after, re.I):
                cand.investors = self.name_list(subj_text, field_)
                cand.company, cand.generic_subject = None, True
                cand.deal_type = "equity"
                return cand
            if cls == "invest" and re.match(r"(?i)(?:hand|gave|give)", vword) and _GIVEN_TO.fullmatch(obj_text):
                # "investors had handed it $110 million": the company is the pronoun's referent
                cand.investors = self.name_list(subj_text, field_)
                cand.company, cand.generic_subject = None, True
                cand.deal_type = "equity"
                return cand
            if cls == "invest" and dtype == "debt":
                cand.investors = self.name_list(subj_text, field_)
                cand.company, cand.generic_subject = None, True
                cand.deal_type = "debt"
                return cand
            return None
        if cls == "none" and not label and noun_type and noun_type[0] == "equity" and benef and \
                _INVESTMENT_IN.match(after):
            # "a $14.3bn investment in Scale AI ... that will give Meta a 49 per cent stake"
            cand.company, cand.verb = benef, "invest"
            giver = _GIVES_STAKE.search(after_full)
            cand.investors = [self.canon(giver.group("who"))] if giver else []
            return cand
        if cls == "none" and not label and benef and _ROUND_FOR.match(after) and _ARTICLE_ONLY.fullmatch(before):
            # "A $5 million seed for Ledgerly AI, announced Monday, came with ...": the round names its company
            cand.company, cand.verb, cand.deal_type = benef, "raise", "equity"
            return cand
        if cls == "raise" or (cls == "none" and (label or noun_type)):
            if cls == "raise" and re.match(r"(?i)(?:clos|complet|announc|unveil|finali|reach|hit)", vword) and not (
                    noun_type or cand.round):
                return None
            if cls == "none" and not label:
                done_after = re.match(r"^\s*(?:[\w-]+\s){0,4}?(?:was|were|has been|had been|is being)\s+(?:also\s+)?"
                                      r"(?:led|co-led|backed|provided|funded|raised|closed|completed|finali[sz]ed|"
                                      r"underwritten|financed)\b", after)
                poss = re.search(r"(?:\b(?P<its>its|their)|(?P<name>\S)(?:'s|’s)|^\s*(?P<art>an?|the))\s+"
                                 r"(?:new\s+|latest\s+|fresh\s+)?$", before, re.I)
                # a headline's "Inside Kalder's $3.5M seed": the named company's round, however the title goes on
                headline_round = field_ == "title" and poss is not None and poss.group("name") is not None and \
                    bool(noun_type) and noun_type[0] == "equity" and tx.find_round(after_head) is not None
                if not (done_after and poss and noun_type and noun_type[0] in ("equity", "debt")) and not headline_round:
                    return None
                # "An $80 million Series B round was led by X": the story's company's round (the subject is generic)
                subj_text = "the company " if poss.group("art") else \
                    before[:poss.start()] if poss.group("its") else before[:poss.end()]
                subj_text = re.sub(r"(?:'s|’s)\s+(?:new\s+|latest\s+|fresh\s+)?$", "", subj_text)
                by = re.search(r"\bby\s+(?P<seg>.+)$", after)
                if by:
                    names = self.name_list(re.split(TERM, by.group("seg"), maxsplit=1)[0], field_)
                    cand.investors = names
                    if re.search(r"(?i)\b(?:co-)?led by", after):
                        cand.leads = list(names)
                cls = cand.verb = "raise"
            named = label if label and not tx.is_phrase_label(label) else None  # not "Fuel for the fleet: we've"
            item = _PAREN_ITEM.search(before) if cls == "none" else None
            if item is not None and item.group("name").split()[0].lower() not in STOP:
                company, generic = item.group("name"), False  # "Also raising: Ledgerly ($40M venture debt from X)"
            else:
                company, generic = self.single_subject(subj_text, field_) if subj_text.strip() else (named, False)
            if company is None and named and generic:
                company, generic = named, False
            cand.company, cand.generic_subject = company, generic
            cand.deal_type = dtype or "equity"
            if cand.deal_type == "infrastructure":
                cand.deal_type = "infrastructure" if cls == "none" else "equity"
            if cand.deal_type == "financing_undisclosed_structure" and tx.EQUITY_WORDS.search(after_head):
                cand.deal_type = "equity"
            if item is not None:  # the bracket holds the item: "$9M seed, Khosla Ventures leading"
                after = after.split(")")[0]
                cand.investors, cand.leads = self.investor_mentions(after, field_)
            frm = re.match(r"^(?:\s*\([^)]*\))?\s*(?:[\w-]+\s){0,5}?from\s+(?P<seg>.+)$", after, re.I)
            if frm and not re.match(r"(?i)investors\s+led", frm.group("seg")):
                cand.investors = self.name_list(re.split(TERM, frm.group("seg"), maxsplit=1)[0], field_)
            return cand
        return None

    def _placement(self, sent: Sentence, before: str, placement: re.Match[str], m: Money, field_: str,
                   order: int) -> Candidate:
        """"X said it had entered into a securities purchase agreement with Nvidia and SoftBank for a private
        placement of ... shares, for gross proceeds of $60 million": X sells new shares; the buyers invest."""
        said = _SUBJECT_END.search(before[:placement.start()])
        company, generic = self.single_subject(before[:said.start()] if said else "", field_)
        cand = Candidate(company, "equity", m, sent, field_, order, verb="raise", generic_subject=generic or not company)
        buyers = _PLACEMENT_WITH.search(before)
        if buyers is not None:
            cand.investors = self.name_list(buyers.group("seg"), field_)
        cand.background = classify.background_level(before, "", self.year, self.month)
        return cand

    def sized_deal(self, sent: Sentence, head: str, m: Money, field_: str, order: int) -> Candidate | None:
        """"X will use a million Google TPUs, in an agreement valued at $N": the sentence before the size
        says what the deal is; only a compute or build-out deal is read this way."""
        verb = _MAIN_VERB.search(head)
        if verb is None:
            return None
        company, generic = self.single_subject(head[:verb.start()], field_)
        rest = head[verb.start():]
        provider = None
        for c in self.chunks(rest, field_):  # "Google Cloud's TPUs", "Google TPUs", "Oracle's cloud"
            for name in (c.text, c.text.split()[0]):
                if self.names.kind(name) in ("cloud", "bigtech") or re.match(
                        r"(?:'s|’s)?\s*(?:Cloud|Web Services)\b", rest[c.end:c.end + 20]):
                    provider = provider or name
        cand = Candidate(company, "equity", m, sent, field_, order, verb="spend", generic_subject=generic)
        cand.background = classify.background_level(head, "", self.year, self.month)
        if provider and tx.COMPUTE_WORDS.search(rest) and not same_entity(provider, company or ""):
            cand.deal_type, cand.investors = "compute_commitment", [self.canon(provider)]
            return cand
        if tx.INFRA_WORDS.search(rest) and re.search(r"(?i)\b(?:build|construct|develop|invest)", rest):
            cand.deal_type = "infrastructure"
            return cand
        return None

    def joint_venture(self, cand: Candidate, t: str, field_: str) -> None:
        """"Nordlys, a joint venture of A and B, will invest ...": the venture is the company, A and B its sponsors."""
        if cand.deal_type in ("acquisition", "compute_commitment") or not cand.company or not _JV_WORD.search(t):
            return
        for m in _JV_OF.finditer(t):
            head = self.chunks(t[:m.start()], field_)
            if head and head[-1].end == m.start() and same_entity(head[-1].text, cand.company):
                cand.deal_type = "joint_venture"
                cand.investors = self.name_list(re.split(TERM, m.group("seg"), maxsplit=1)[0], field_)
                cand.leads = []
                return
        for m in _JV_POSS.finditer(t):
            names = self.chunks(t[m.end():m.end() + 60], field_)
            if not names or names[0].start != 0:
                continue
            venture = names[0].text
            sponsors = self.name_list(m.group("seg"), field_)
            if same_entity(venture, cand.company) or any(same_entity(x, cand.company) for x in sponsors):
                cand.company, cand.deal_type = venture, "joint_venture"
                cand.investors, cand.leads, cand.generic_subject = sponsors, [], False
                return
