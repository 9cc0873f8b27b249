"""Deal vocabularies: deal types, rounds, statuses, and the cue phrases that signal each.

Only data and tiny pure helpers live here, so the rules in ``classify`` and ``parse`` read
as rules and the word lists can grow without touching them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- rounds -------------------------------------------------------------------------------
_ROUND_RE = re.compile(
    r"\b(?P<pre>pre-seed|pre seed|seed|angel(?=\s+(?:round|funding|financing)))\b"
    r"(?!\s+(?:funds?|capital|ventures|partners|investors?|firms?|vcs?|camp|club|stage investors?|stage firms?)\b)"  # "Morava Seed Fund" is an investor
    r"(?:\s+(?:round|funding|financing|stage))?"
    r"|\bseries\s+(?P<letter>[A-Z])(?P<ext>[+1-9])?(?:[\s-]+(?P<ext2>extension|prime|expansion))?\b"
    r"|\b(?P<growth>growth|late-stage|pre-ipo|bridge|mezzanine)\s+(?:round|funding|financing|investment)\b"
    r"(?!\s+(?:arm|unit|division|fund|vehicle))"
    r"|\b(?P<tender>tender offer|secondary (?:share )?sale|secondary round|employee share sale|share sale)\b",
    re.IGNORECASE,
)


# Employee share sales and tender offers: existing shares change hands, round "Secondary".
SECONDARY = re.compile(r"\b(?:tender offer|secondary (?:share )?(?:sale|offering|round|transaction)|employee share sale|"
                       r"share sale (?:for|by|letting|that (?:would )?(?:let|allow))\s(?:\w+\s){0,3}?(?:employees|staff)|"
                       r"(?:lets?|letting|allows?|allowing) (?:its )?(?:employees|staff|workers) (?:to )?sell|"
                       r"(?:sale|sell-down) of (?:\w+ ){0,2}?shares (?:held|owned) by (?:\w+ ){0,4}?(?:employees|staff)|"
                       r"(?:employees|staff|workers) (?:sell|sold|selling|offload\w*)(?: [\w$€£.,]+){0,3}? (?:in |of |worth of )?(?:shares|stock))\b",
                       re.I)


def find_round(text: str) -> str | None:
    """The round a sentence names ("Series B", "Seed", "Secondary", "Series A extension") or None."""
    m = _ROUND_RE.search(text)
    if m is None:
        return None
    if m.group("letter"):
        name = f"Series {m.group('letter').upper()}"
        if m.group("ext") or m.group("ext2"):
            suffix = m.group("ext") or ""
            return name + (suffix if suffix == "+" else (suffix + " extension" if not m.group("ext2") else
                                                         " " + m.group("ext2").lower()))
        return name
    if m.group("pre"):
        pre = m.group("pre").lower()
        return "Pre-seed" if pre.startswith("pre") else ("Angel" if pre == "angel" else "Seed")
    if m.group("growth"):
        g = m.group("growth").lower()
        return {"late-stage": "Growth", "pre-ipo": "Pre-IPO"}.get(g, g.capitalize())
    if m.group("tender"):
        return "Secondary"
    return None


# --- deal-type cue nouns (looked for right after the figure: "$5B investment") -------------
OWN_FUND = (r"(?:new|debut|maiden|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
            r"\d+(?:st|nd|rd|th)|flagship|latest) (?:[\w-]+ )?fund|(?-i:Fund [IVX]+)")
TYPE_NOUNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("acquisition", re.compile(r"\b(?:acquisition|takeover|buyout|purchase of|merger)\b", re.I)),
    ("joint_venture", re.compile(r"\b(?:joint[- ]venture|JV)\b", re.I)),
    ("debt", re.compile(r"\b(?:debt|loans?|credit (?:facility|line)|(?:growth )?capital facility|term facility|"
                        r"lending facility|revolving|notes|bonds?|borrowing|senior secured|delayed[- ]draw|"
                        r"convertible|term loan|lenders?|private credit)\b", re.I)),
    ("compute_commitment", re.compile(r"\b(?:cloud (?:spend(?:ing)?|contract|deal|commitment|services|capacity"
                                      r"|credits)|compute (?:deal|contract|commitment|capacity)|in (?:cloud|"
                                      r"compute) spending|computing capacity|GPU capacity|capacity deal)\b", re.I)),
    ("infrastructure", re.compile(r"\b(?:data[- ]cent(?:er|re)s?|infrastructure|campus(?:es)?|supercomputers?|"
                                  r"build-?out|gigafactory|facilit(?:y|ies)|fabs?|AI factor(?:y|ies)|"
                                  r"compute clusters?)\b", re.I)),
    ("financing_undisclosed_structure", re.compile(r"\bfinancing\b", re.I)),
    ("equity", re.compile(r"\b(?:series [a-z]|seed|round|funding|equity|stake|investment|injection|"
                          r"(?-i:capital)|raise|backing|tranche|"
                          # a firm's own fund: "closes $300 million third fund" (a fund close is the firm's raise)
                          + OWN_FUND + r")\b", re.I)),
    # not "BlackSoil Capital"
)

# Nouns that describe the company a name belongs to ("music streaming service Tidal", "battery maker Voltaro"):
# one list for every pattern that reads a description before a name.
DESCRIBED_NOUN = (r"(?:company|startup|start-up|platform|service|firm|provider|tool|maker|developer|specialist|app|"
                  r"framework|business|unit|rival|competitor|lab|studio|operator|manufacturer|giant|group|retailer|"
                  r"bank|marketplace|insurer|carrier|chipmaker|automaker|designer|supplier|vendor|builder)")

EQUITY_WORDS = re.compile(r"\b(?:series [a-z]\b|seed|funding round|equity|stake|round)\b", re.I)
DEBT_WORDS = re.compile(r"\b(?:debt|loans?|credit facility|notes|bonds?|lenders?|borrow\w*)\b", re.I)
COMPUTE_WORDS = re.compile(r"\b(?:cloud|compute|computing capacity|capacity|GPUs?|chips?|servers?|"
                           r"inference|Trainium|TPUs?)\b", re.I)
INFRA_WORDS = re.compile(r"\b(?:data[- ]cent(?:er|re)s?|infrastructure|campus(?:es)?|supercomputers?|"
                         r"build(?:ing)?|build-?out|construct\w*|facilit(?:y|ies)|power|energy|gigawatts?|"
                         r"sites?|AI factor(?:y|ies)|clusters?|fabs?|plants?)\b", re.I)
UNDISCLOSED_STRUCTURE = re.compile(r"\b(?:debt,? (?:or )?equity|equity,? (?:or )?debt|structured as|"
                                   r"structure (?:was|is|has) not|not disclosed whether|"
                                   r"(?:split|divided) between (?:equity|debt)|"
                                   r"(?:not|n't) (?:say|said|disclose|disclosed|specify|specified) (?:how|whether) the "
                                   r"(?:financing|money|funding|capital|round|deal) (?:was|is|would be|will be) "
                                   r"(?:split|divided|structured))\b", re.I)
# Labels that are phrases, not names: "The math:", "Why it matters:", "Our view:"
PHRASE_LABEL = re.compile(r"(?:The|A|An|Our|My|Why|How|What|This|That|Bottom|Big|Key|Quick|One)\b")
# Lower-case words that make a label a phrase rather than a name ("Fuel for the fleet", "Deal of the week")
_PHRASE_WORDS = re.compile(r"\b(?!(?:and|of|de|la|du|der|von|van|for)\b)[a-z]{3,}\b")


def is_phrase_label(label: str) -> bool:
    """Whether a line's "X: ..." label is a kicker or a phrase, not a name ("Fuel for the fleet: we've closed")."""
    return bool(PHRASE_LABEL.match(label) or _PHRASE_WORDS.search(re.sub(r"\([^)]*\)", "", label)))

# --- verbs ---------------------------------------------------------------------------------
# The company is the subject: "X raised $5M", "X secures $5B investment from Y".
RAISE_VERBS = re.compile(
    r"\b(?:rais(?:ed|es|ing|e)|fundrais(?:ed|es|ing)|sign(?:ed|s|ing)? (?:an? )?term sheet(?: for)?|secur(?:ed|es|ing|e)|clos(?:ed|es|ing|e)|land(?:ed|s|ing)?|nab(?:bed|s)|"
    r"bag(?:ged|s)|grab(?:bed|s)|pick(?:ed|s)? up|pull(?:ed|s)? in|t(?:akes|ook|aking|ake|aken)(?: on)?|gets?|got|receiv(?:ed|es|ing|e)|"
    r"obtain(?:ed|s)?|announc(?:ed|es|ing|e)|complet(?:ed|es|ing|e)|conclud(?:ed|es|ing|e)|attract(?:ed|s)?|wins?|won|scor(?:ed|es)|"
    r"draws?|drew|finaliz(?:ed|es|ing|e)|finalis(?:ed|es|ing|e)|unveil(?:ed|s)?|reach(?:ed|es)?|hits?|"
    r"is seeking|seeks|seeking|seek|sought|in talks to raise|in talks|tap(?:ped|s)?|lock(?:ed|s)? in|snag(?:ged|s)?|"
    r"pric(?:ed|es|ing)|issu(?:ed|es|ing)|confirm(?:ed|s)|collect(?:s|ed|ing)?|add(?:s|ed)|adding|top(?:s|ped|ping)? up|"
    r"extend(?:s|ed|ing)? (?:its |their |the )?(?:series [a-z]|seed|pre-seed|round|funding)(?: round)?|"
    r"(?:near(?:s|ing)|closing in on|finali[sz]ing) (?:a|an|the|its) (?:[\w-]+ ){0,3}?(?:round|funding|financing|raise))\b",
    re.I,
)
# The subject invests in the company: "Y invests $5B in X", "Y puts $1bn into X".
INVEST_VERBS = re.compile(
    r"\b(?:invest(?:s|ed|ing)?|made|makes|making|put(?:s|ting)?|"
    r"pour(?:s|ed|ing)?|inject(?:s|ed|ing)?|pump(?:s|ed|ing)?|back(?:s|ed|ing)?|lead(?:s|ing)?|led|"
    r"co-le(?:d|ads?)|commit(?:s|ted|ting)?|pledg(?:es|ed|ing|e)|provid(?:es|ed|ing|e)|extend(?:s|ed|ing)?|"
    r"arrang(?:es|ed|ing|e)|line(?:s|d)? up|lining up|contribut(?:es|ed|ing|e)|to back|financ(?:es|ed|ing|e)|"
    r"lend(?:s|ing)?|lent|underwrit(?:es|ing|e)|underwrote|wire[sd]?|plough(?:s|ed)?|plow(?:s|ed)?|"
    r"hand(?:s|ed|ing)?(?: over)?|gave|give[sn]?|giving|participat(?:es|ed|ing|e) in)\b",
    re.I,
)
SPEND_VERBS = re.compile(r"\b(?:spend(?:s|ing)?|spent|pay(?:s|ing)?|paid|buy(?:s|ing)?|bought|"
                         r"purchas(?:es|ed|ing|e)|sign(?:s|ed|ing)?|rent(?:s|ed|ing)?|lease[sd]?|leasing)\b", re.I)
ACQUIRE_VERBS = re.compile(
    r"\b(?:acquir(?:es|ed|ing|e)|(?:its |the |a )?acquisition of|buy(?:s|ing)?|bought|purchas(?:es|ed|ing|e)|"
    r"take over|takes over|took over|snap(?:s|ped)? up|merg(?:es|ed|e) with|takeover of)\b",
    re.I,
)
FORM_VERBS = re.compile(r"\b(?:form(?:s|ed|ing)?|launch(?:es|ed|ing)?|set(?:s|ting)? up|creat(?:es|ed|ing|e)|"
                        r"establish(?:es|ed|ing)?|unveil(?:s|ed)?|start(?:s|ed)?(?!-up)|announc(?:es|ed|e))\b", re.I)
VENTURE_NOUNS = re.compile(r"\b(?:joint[- ]venture|JV|partnership|consortium|venture|vehicle)\b", re.I)
# The same nouns as a common noun: "formed a venture", never "SMBC Venture Capital" or "Insight Partners".
VENTURE_COMMON = re.compile(r"(?i:\bjoint[- ]venture\b)|\bJV\b|\b(?:partnership|consortium|vehicle)\b|"
                            r"\bventure\b(?![- ](?:capital|capitalists?|firms?|arms?|debt|backed|studios?|partners?|"
                            r"investors?|funds?|lending|builder))")
VENTURE_NAME = re.compile(
    r"\b(?:The )?(?:[A-Z][\w&'-]*\s){0,6}(?:Partnership|Joint Venture|Venture|Consortium|Project|Initiative|Fund|"
    r"Alliance)\b"
)

# --- status ----------------------------------------------------------------------------------
RUMOR = re.compile(
    r"\b(?:in (?:advanced |early |final |exclusive )?(?:(?:funding|fundraising|investment) )?(?:talks|discussions|negotiations)|(?:people|persons?|"
    r"sources?) (?:familiar|close|briefed|with knowledge)|familiar with the (?:matter|plans|talks|deal|terms)|"
    r"the (?:people|person|sources?) said|according to (?:a |an |the )?(?:new |recent |media )?(?:report|"
    r"people|sources?|person|filing seen|term sheet|documents?)|report(?:ed|s)? (?:by|from|in) (?:the )?[A-Z]|"
    r"(?:Bloomberg|Reuters|Information|Journal|Times|FT|WSJ|Semafor|Axios|CNBC|Nikkei|TechCrunch)(?: News)? "
    r"(?:reported|reports|first reported|said, citing)|"
    r"reportedly|is said to|are said to|rumou?r\w*|unconfirmed|sources? (?:told|tell|say|said|says)|"
    r"(?:people|persons?) (?:told|say|said) (?!in a statement)|in the final stages|on the verge of|"
    r"close to (?:finaliz|finalis|wrapping|closing|raising|agreeing|a deal)|clos(?:es|ing) in on|nears\b|nearing|"
    r"near(?:s|ing)? (?:a |an |the )?(?:deal|agreement|close|completion|final)|"
    r"is (?:seeking|looking|exploring|considering|weighing|mulling|eyeing|planning) to raise|"
    r"(?:is|are) (?:seeking|exploring|considering|weighing|mulling|eyeing)|seeks?\b|"
    r"could (?:raise|value|be valued)|would value|asking not to be named|declined to comment|"
    r"not yet (?:been )?(?:confirmed|announced)|(?:is|are) raising|(?:is|are) arranging|lining up|"
    r"in the process of raising|looking to raise|term sheet)",
    re.I,
)
CLOSED = re.compile(
    r"\b(?:has raised|have raised|had raised|raised|raises|closed|closes(?! in on)|has closed|completed|"
    r"completes|finali[sz]ed|secured|secures|received|took|takes|landed|lands|banked|bags|bagged|"
    r"picked up|has made|made a|invested|injected|put|puts|poured|pumped|wrapped up)\b",
    re.I,
)
ANNOUNCED = re.compile(
    r"\b(?:agreed|agrees|agreement|to acquire|to buy|will (?:acquire|buy|invest|spend|pay|provide|build|"
    r"commit|pledge|take)|plans? to|planning to|pledg\w*|commit\w*|signed|signs|sign|definitive|"
    r"expected to (?:close|complete)|subject to|requires? (?:regulatory )?approval|awaiting|pending|"
    r"letter of intent|memorandum|launch\w*|formed|forms|form|set up|intends? to|is to|are to|aims? to|"
    r"aiming to|would|will)\b",
    re.I,
)
DONE = re.compile(r"\b(?:completed|completes|has closed|had closed|have closed|closed in|which closed|deal closed|"
                  r"(?:acquisition|deal|transaction|purchase|takeover|merger) (?:has |had )?(?:now )?closed|finali[sz]ed|"
                  r"approved the deal|cleared the deal)\b", re.I)

# "prior to", "prior rounds": a date cue; "prior authorization" is not one.
PRIOR_EVENT = r"prior (?:to|rounds?|funding|raises?|valuations?|investments?|years?)"

# --- money roles -----------------------------------------------------------------------------
VALUATION_BEFORE = re.compile(
    r"(?:valu(?:ing|ed|es|e)\b[^$€£¥₹₦₱₺₫฿₩₪.;]{0,45}?\bat|valuation (?:(?:up |rises |jumps |climbs )?to|of|at|near|around)"
    r"(?: an?| the)?(?: frothy| whopping| lofty| eye-popping| staggering| hefty)?|valued at|"
    r"(?:new |post-money |pre-money )value of|"
    r"enterprise value of|market (?:cap(?:itali[sz]ation)?|value) of|worth|mark of|"
    r"at an?|pegged at|puts? (?:it|its value) at|(?:rais(?:e|es|ed|ing)|funding|round|capital|money) at|"
    r"(?:\b(?:million|billion|trillion|bn|mn|crore)|\d(?:[mbk]|bn|mn)?) at)\s*(?:about|around|roughly|nearly|almost|approximately|"
    r"more than|over|some|an estimated|close to|well above|above|just over|just under|up to)?\s*$",
    re.I,
)
VALUATION_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:pre-money|post-money|pre-money valuation|"
                             r"post-money valuation|valuation|enterprise value|market cap\w*)\b", re.I)
NON_DEAL_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:(?:in |of |a )?(?:annual(?:ized)? |annualised )?(?:recurring )?(?:revenue|sales|"
    r"turnover|profit|earnings|income|ARR|run[- ]rate|bookings|market|charge|write-?down|loss|losses|"
    r"damages|fine|fines|settlement|penalt\w+|salary|compensation|pay package|per share|a share|per month|"
    r"per year|a year in revenue|per hour|an hour|per million|in cash(?!\s+and)|of cash|cash (?:reserves|on hand|pile)|bonus|budget|"
    r"in (?:potential )?milestone\w*|in market value|in value|of (?:its |their )?shares|worth of shares|at closing|"
    r"at close|on closing|"
    r"to (?:its|the company's|their|[A-Z][\w.&-]*(?:'s|’s)) (?:market value|market cap\w*|stock market value|"
    r"share price))\b|"
    r"per\b|/|each\b|of (?:[\w-]+\s){0,3}?(?:pledges|commitments|investments|deals|announcements|projects|"
    r"spending|capex|capital expenditures?)\b|"
    r"(?:of (?:its|their) own (?:money|cash|capital|funds)\b)|"
    r"(?:in |of )?(?:[\w-]+ ){0,3}?(?:grants?|donations?|prize money|prizes?|scholarships?|subsid(?:y|ies)|"
    r"philanthropic \w+|programmes?|support programs?|schemes?)\b|"
    r"(?:in |of )?(?:capital expenditures?|capex|capital spending|backlog|remaining performance obligations?|"
    r"order book|contracted backlog)\b|"
    r"(?:[\w-]+\s){0,2}?(?:termination|break-?up|breakup|walk-?away|advisory|licen[cs]ing|license|legal|"
    r"management|transaction|severance|restructuring) (?:fees?|costs?|charges?|payments?)\b|"
    r"(?!(?:" + OWN_FUND + r")\b)"  # "closes $300 million third fund" is the firm's own raise, "$100 million AI fund" a pledge
    r"(?-i:(?:(?!from\b|by\b|with\b|in\b|into\b|for\b|to\b|and\b)[a-z][\w-]*\s|AI\s){0,3}?funds?\b(?![\w-])))",
    re.I,
)
NON_DEAL_BEFORE = re.compile(
    r"(?:revenue|sales|turnover|profit|earnings|income|run[- ]rate|ARR|cost|costs|charge|fine|fines|"
    r"damages|settlement|penalt\w+|spending on|market (?:for|of|size)|market|salary|priced at|pricing|"
    r"cash|starts at|price of|prices|loss of|wipe|wiped|shed|lost|gained|market value|rose to|fell to|a combined|"
    r"(?:won|wins|winning|awarded|been awarded) (?:a |an |the )?(?:[\w-]+ ){0,3}?(?:contract|order|tender)s? "
    r"(?:worth|valued at|of)(?: up to| about| roughly| nearly)?|"
    r"forecast|projected|estimates?|expected to (?:reach|hit|total|top)|to reach|will total|totall?ed|"
    r"drew (?:down )?(?:the )?(?:first|remaining|initial|second|rest)|"
    r"tops(?!\s+up)|topped(?!\s+up)|to top(?!\s+up)|exceed(?:ed|s)?|surpass(?:ed|es)?|passes|passed|crossed|hit|capital expenditures?|capex|"
    r"capital spending|guidance|outlook|backlog|termination fees?|break(?:-?up)? fees?|fund (?:size|close)|"
    r"spending (?:plans?|forecasts?|outlook|guidance|targets?|budgets?)|research grants?|grants? (?:of|worth|totall?ing)|"
    r"bring(?:s|ing)? (?:[\w'’]+ ){0,6}?(?:to|total)|"
    r"(?:take|takes|taking|took|lift|lifts|lifting|push|pushes|pushing) (?:the |its |their )?(?:total|overall|combined|"
    r"full|value|size)(?: [\w'’]+){0,4}? to|"
    r"(?:jump|jumped|jumps|surged?|climbed?|grew|grown|rose|risen|fell|fallen|dropped|increased|decreased|soared|"
    r"doubled|tripled)(?: by)? (?:\d[\d.,]*% |\w+fold )?to|"
    r"(?:option|right) (?:of|for|to (?:draw|borrow|take)) (?:a |an )?(?:further|additional|another|second)?|accordion|"
    r"(?:launched|unveiled) (?:its|a) (?:\w+ ){0,3}fund(?: \w+)? (?:at|of|with|totall?ing))"
    r"\b[^$€£¥₹₦₱₺₫฿₩₪]{0,30}$",
    re.I,
)

BACKGROUND_STRONG = re.compile(
    r"\b(?:to date|in total|so far|since (?:its |their |it was )?(?:founding|inception|launch|start|creation)|"
    r"since (?:it was )?founded|altogether|cumulative\w*|previous(?:ly)?|prior (?:round|funding|valuation)|"
    r"earlier (?:round|rounds|funding|this year|that year|in the year|last year)|last (?:year|valued|raised|"
    r"round|summer|spring|autumn|fall|winter|month|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|(?:which|who|that) (?:has|had|have) (?:already )?(?:invested|"
    r"raised|backed|put|committed|poured)|had (?:originally )?(?:set out to|planned to|sought|hoped)|originally|"
    r"once considered|(?:the|its|their) original|has now raised|(?<!\bit )(?<!they )had (?:raised|secured|closed|received)|had been valued|was valued|were valued|began the year|"
    r"(?:a|one|two|three|several|few) (?:months?|years?|weeks?) (?:ago|after|before)"
    r"(?! (?:its |it was |being |the company was )?(?:launch\w*|found\w*|debut\w*|emerg\w+|incorporat\w+|"
    r"coming out of|exiting stealth))|barely a|"
    r"(?:comes|came) (?:just |only |barely )?(?:(?:a|one|two|three|several|few) )?(?:days?|weeks?|months?) after|"
    r"since (?:19|20)\d\d|(?:days|weeks|months) after"
    r"(?! (?:its |it was |being |the company was )?(?:launch\w*|found\w*|debut\w*|emerg\w+|incorporat\w+|"
    r"coming out of|exiting stealth))|(?:that|the same|the following|the next) year|(?:, )?then (?:an? |another )?[$€£]|"
    r"founded in (?:19|20)\d\d,? and (?:has |had |since )?(?:raised|secured|received)|"
    r"up from|double (?:its|the) (?:valuation|previous)|in all of|on track to|"
    r"last (?:[\w-]+ )?(?:round|raise|funding round|financing)|historically|over the past|over the last|over the years|over its lifetime|in its lifetime|all told|most recently|"
    r"in recent years|its last|recent valuation|before the (?:merger|acquisition|takeover|sale|deal|buyout)|"
    r"total (?:funding|financing|investment|capital raised|raised)|in (?:\w+ )?(?:years|decades)\b|"
    r"(?:follows|following|after|on the heels of) (?:\w+\s+){0,3}?(?:valuation|round|raise|acquisition|purchase)|"
    r"(?:follows|following|on the heels of) (?:its|their|the)\s+(?:\w+\s+){0,2}?(?:acquisition|purchase|deal) of)\b",
    re.I,
)
# Present perfect investing, the way a story recalls a shareholder's stake built up over time.
STAKE_SO_FAR = re.compile(r"\b(?:has|have) (?:so far |now |already )?(?:invested|put|poured|committed)\b")
DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying)|refut\w+|dismiss(?:ed|es)?|rejected|pushed back on|"
                    r"shot down|played down|downplayed|no truth|not (?:currently )?(?:raising|in talks|seeking|for sale)|"
                    r"has no plans|have no plans|had no plans|false|inaccurate|called off|scrapp\w+|abandon\w+|"
                    r"terminat\w+|walked away|walks away|walking away|calls off|calling off|scraps|collapsed|collapse of|"
                    r"collapses|fell through|falls through|fell apart|falls apart|pulled out|pulls out|pulling out|"
                    r"drops (?:its |a |the )?(?:bid|offer|pursuit)|fail(?:s|ed|ing)? to (?:raise|secure|close|find)|"
                    r"end(?:s|ed)? without (?:a |an )?(?:deal|agreement)|"
                    r"end(?:s|ed|ing)? (?:its |their |all |the )?(?:\w+ )?(?:talks|discussions|negotiations)|"
                    r"br(?:oke|eaks?|eaking) off|talks (?:\w+ )?(?:have |had )?(?:collapse|collapsed|ended|failed|broke down|fell apart))\b",
                    re.I)
HYPOTHETICAL = re.compile(r"^\s*(?:if|suppose|imagine|say|for example|for instance|when a|a startup that)\b|"
                          r"\b(?:hypothetical|for example|for instance|would need|typically|usually|"
                          r"on average|tend to|often)\b", re.I)
AGGREGATE = re.compile(
    r"\b(?:startups|companies|firms|labs|investors|venture capital(?:ists)?|VCs|the sector|the industry|"
    r"hyperscalers|governments|tech giants|big tech|deals|pledges|commitments|worldwide|globally|"
    r"global|the market|market|industry)\b",
    re.I,
)
FORECAST = re.compile(r"\b(?:(?<!to )(?<!help )(?<!helps )forecasts?|projections?|projected|is expected to (?:reach|hit|grow|top)|"
                      r"market (?:size|to reach|will)|will (?:reach|total|exceed|top)|estimates? (?:that|put)|"
                      r"could reach)\b", re.I)

GENERIC_SUBJECT = re.compile(
    r"^\s*(?:the|this|that|its|their|our|it|they|which|who|both|each|another|such|said)\b|"
    r"^\s*(?:company|startup|firm|group|lab|maker|developer|platform|business|operator|provider)\b",
    re.I,
)
PLURAL_SUBJECT = re.compile(r"\b(?:each|universit(?:y|ies)|schools?|hospitals?|charit(?:y|ies)|nonprofits?|"
                            r"companies|startups|firms|labs|players|rivals|peers|investors|"
                            r"banks|funds|governments|hyperscalers)\b", re.I)
COMPANY_NOUN = re.compile(r"\b(?:company|startup|start-up|firm|business|maker|developer|operator|provider|lab|"
                          r"platform|group|outfit|unicorn|venture|owner|spin-?out|spin-?off)\b", re.I)
FIELD_LABELS = frozenset({
    # a deals column's section tags: "EQUITY. X raised ...", "THE RUMOUR MILL. Y is in talks ..."
    "equity", "venture", "venture capital", "vc", "fundraising", "debt", "credit", "m&a", "acquisitions",
    "private equity", "rumour mill", "rumor mill", "the rumour mill", "the rumor mill", "rumours", "rumors", "exits",
    "deals", "deal flow", "seed", "early stage", "late stage", "funds", "ipos", "ipo",
    "what", "who", "lead", "leads", "led by", "lead investor", "lead investors", "valuation", "others",
    "other investors", "investors", "participants", "backers", "amount", "size", "round", "why", "why it matters",
    "when", "where", "status", "note", "notes", "context", "background", "deal", "buyer", "seller", "target",
    "type", "terms", "price", "sector", "stage", "total", "co-investors", "also", "bottom line", "the deal",
    "today", "yesterday", "tonight", "this week", "last week", "this month", "week", "month", "year", "headline",
    "the numbers", "by the numbers", "watch", "what to watch", "takeaway", "read more", "related", "update",
    "company", "startup", "our take", "my take", "take", "analysis", "verdict", "why we care", "use of funds",
    "prior funding", "previous funding", "funding to date", "total raised", "what it does", "watch for", "hq",
    "headquarters", "founded", "founders", "ceo", "industry", "investors (existing)",
    "funding", "raised", "round size", "deal size", "amount raised", "what company does", "what the company does",
    "ceo quote", "quote", "location", "website", "about", "about the company", "synopsis", "summary", "tl;dr",
    "highlights", "key takeaways", "in brief", "the gist", "short version", "description", "chart", "caption",
    "this week's chart", "image", "photo", "graphic",
})
#: Field labels of a deal sheet whose text opens on the company's own name ("What company does: Vultr provides ...").
DESCRIBES_COMPANY_LABELS = frozenset({"what company does", "what the company does", "what it does", "about",
                                      "about the company", "company", "startup"})


# A headline ranking companies by value or investors by activity, and one that reports this period's deals
_RANKING_TITLE = re.compile(r"(?i)\b(?:most valuable|richest|league tables?|most active|ranked|ranking|"
                            r"unicorns?|to watch|where are they now|(?:top|leading) (?:\d+ )?(?:investors|backers|vcs|funds))")
# A headline over companies' ends, not their rounds: the figures under it are what they had raised
_FAILURE_TITLE = re.compile(r"(?i)\b(?:shut(?:s|ting)? down|shutdowns?|wound down|wind(?:s|ing)? down|closures?|layoffs?|"
                            r"lay(?:s|ing)? off|laid off|job cuts|went bust|go(?:es|ne)? bust|bankrupt\w*|insolven\w*|"
                            r"graveyard|post-?mortem|burned|dead)\b")
_VALUATIONS_TITLE = re.compile(r"(?i)\bvaluations?\b")
_NEWS_TITLE = re.compile(r"(?i)\b(?:rais\w*|this week|today|new rounds?|funding round|closes|secures|lands)\b")


# A headline over a period longer than the news cycle: the year, a half, a quarter, all time
_LONG_PERIOD_TITLE = re.compile(
    r"(?i)\b(?:of the year|year[- ]in[- ]review|in review|this year|so far|year[- ]to[- ]date|ytd|all[- ]time|ever|"
    r"of the (?:decade|quarter|half)|(?:first|second) half|H[12]|Q[1-4]|quarter(?:ly)?|recap|look(?:s|ing)? back|"
    r"rewind|wrapped|(?:of|in|for) (?:19|20)\d\d|(?:19|20)\d\d['’]s|since (?:19|20)\d\d|every \w+ (?:startup |company )?that)\b")
_RANKS = re.compile(r"(?i)\b(?:biggest|largest|top|most|best|richest|ranked|ranking|leaderboard|league|\d+ (?:biggest|largest))\b")


_COUNTED_RANKING = re.compile(r"(?i)\b(?:top|the)\s+(?:\d+|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|"
                              r"twenty)\s+(?:\w+\s+){0,3}?(?:biggest|largest|richest|best-funded|most)\b|"
                              r"\btop\s+(?:\d+|five|ten|twenty)\b")
_NEWS_PERIOD = re.compile(r"(?i)\b(?:this week|week['’]?s?|weekly|today|daily|day['’]s|this month|new rounds?|january|february|march|"
                          r"april|may|june|july|august|september|october|november|december)\b")


@lru_cache(maxsize=4096)
def is_recap_title(title: str) -> bool:
    """A headline that ranks or recaps ("The 10 biggest AI rounds of 2026", "Every fusion startup that has raised
    over $100M", "The 12 largest AI raises", with no week or day it reports on): the items under it are
    earlier deals, not this week's news."""
    if _FAILURE_TITLE.search(title):
        return True  # "Seven funded AI startups that shut down this year": what they had raised, not news
    if _NEWS_PERIOD.search(title):
        return False
    return bool(_LONG_PERIOD_TITLE.search(title) and (_RANKS.search(title) or re.search(r"(?i)\bevery\b", title))
                or _COUNTED_RANKING.search(title))


@lru_cache(maxsize=4096)
def is_ranking_title(title: str, *, valuations: bool = False) -> bool:
    """A headline that ranks ("The 6 most active investors", "most valuable AI startups") and reports no
    round of its own: the figures under it are the ranking's evidence. ``valuations``: a headline on
    valuations counts too (over a list, where the items are then companies' values, not rounds)."""
    ranks = _RANKING_TITLE.search(title) or (valuations and _VALUATIONS_TITLE.search(title))
    return bool(ranks) and not _NEWS_TITLE.search(title)


# "... Credit Facility to Expand GPU Cloud Capacity": a title-case headline's purpose clause, which names no
# company however it is capitalised (verbs headlines put after "to").
HEADLINE_INFINITIVE = re.compile(
    r"\sto\s+(?:Expand|Fund|Finance|Build|Scale|Grow|Accelerate|Boost|Fuel|Power|Support|Develop|Launch|Hire|Deploy|"
    r"Bring|Help|Speed|Take|Make|Add|Open|Enter|Extend|Push|Create|Train|Automate|Improve|Meet|Serve|Modernize|"
    r"Modernise|Transform|Tackle|Fix|Cut|Reduce|Protect|Advance|Drive|Put|Give|Turn|Keep|Move|Reach|Ramp|Double|"
    r"Triple|Bolster|Strengthen|Broaden|Deepen|Pursue|Commercialize|Commercialise|Bridge|Back|Rebuild|Replace|"
    r"Challenge|Rival|Take On|Bet|Double Down|Solve|Unlock|Simplify|Digitize|Digitise|Revolutionize|Reinvent)\b")

