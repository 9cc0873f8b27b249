"""Investor lists: who put money into a deal ("led by", "also participated", "joined by", ...).

``InvestorMixin`` is mixed into the article reader; it needs ``chunks`` and ``canon``. Pure.
"""

from __future__ import annotations

import re

from crawler.deals.entities import GENERIC, NATIONALITIES, STOP, Name, is_location
from crawler.deals.textutil import fold, folded

AUX_TAIL = re.compile(
    r"(?:[\s,]+(?:is|are|was|were|has|have|had|will|would|could|also|already|jointly|together|reportedly|"
    r"plans?|planning|agreed|agrees|to|set|expected|on|in|talks|the|verge|of|about|now|finally|just|"
    r"recently|officially|formally|said|says|it|they|that|and|been|being|final|stages|close|seeking|"
    r"looking|aiming|announced|confirmed|still|a|an|fresh|new|further|successfully|quietly|first|first-ever|"
    r"separately|alone|indeed|who|which|can|may|might|should|must|would|not|finalizing|finalising|"
    r"process|nearing|near|making|made|is|currently|be|today|yesterday))*\s*$",
    re.I,
)
_LIST_SPLIT = re.compile(r",\s*(?:and\s+|as well as\s+|plus\s+)?|\s+and\s+|\s+as well as\s+|\s+together with\s+|"
                         r"\s+plus\s+|\s+alongside\s+|;\s*|\s+with (?:the )?(?:participation|support|backing) (?:from|of)\s+")
_LIST_PREFIX = re.compile(
    r"^\s*(?:a (?:group|consortium|syndicate) of (?:\w+,?\s){0,3}?(?:led by|including)\s+|"
    r"(?:funds|vehicles|accounts) (?:managed|advised) by\s+|"
    r"(?:(?:its|their|the|existing|other|new|current|returning|previous|strategic|financial|institutional)\s+)*"
    r"(?:investors|backers|shareholders|participants|lenders|banks|(?-i:partners))\s*(?:including|such as|like|"
    r"led by)?\s*|including\s+|such as\s+)",
    re.I,
)
TERM = (
    r"(?=\.(?!\w)|[;$€£¥₹₦₱₺₫฿₩₪]|,\s+(?:\w+\s){0,2}?(?:reported|reports|citing)\b|\s+(?:about|citing|over)\s|,\s+(?:valuing|which|who|with|at|that|giving|bringing|according|the company|"
    r"the startup|the people|people|said|and said|as(?! well as)|to|in|for|while|after|before|but|taking|making|up from|"
    r"including the new|alongside|both|whose|where|according|accompanied|sources|its|it|a |an )\b|\s+with\s+(?=[A-Z])|"
    r"\s+(?:at an?|at about|at roughly|that values?|that valued|valuing|in (?:a|the|its|an)|to (?:help|fund|"
    r"expand|build|accelerate|scale|grow|develop|invest|finance|support|back)|for (?:a|the|roughly|about|its)|"
    r"as part|who|which|among|said|says|also|and others|were|are|is|has|have|had|will|would|"
    r"according|joined|participated|took part|into|in exchange|with (?:the )?(?:participation|support|backing) (?:from|of))\b|"
    r"\s+(?:to|for|on|in)\s+[a-z]|$)"
)
# A legal form after a name, with its abbreviation stops ("Co., Ltd.", "Corp.", "Inc."), which would end the list early
_CORPORATE_SUFFIX = re.compile(r",?\s+(?:Co\.,?\s+Ltd|Co|Corp|Inc|Ltd|L\.P|S\.A|N\.V|B\.V|Pte\.?\s+Ltd)\.(?=[\s,;)]|$)")
# Verb phrases that say the subject put money into the round ("X and Y also put in money").
_JOIN_VERBS = (
    r"(?:participated|took part|take part|takes part|chipped in|joined in|joined(?=\s*(?:[.;,]|$|\s+(?:the|this|that|as|in|its|their)\s+(?:[\w-]+\s+)?"
    r"(?:round|financing|raise|deal|investment|investors?|backers?|funding|cap table|syndicate|series\s+[a-z]\d?|seed|"
    r"pre-seed|tranche|extension)\b))|"
    r"(?:are|is|were|was) (?:also )?(?:taking part|participating|investing|joining in)|"
    r"invested(?:\s+(?:as well|too|again|alongside))?|came in|came (?:along|back)|re-?upped|"
    r"(?:returned|contributed)(?=\s*(?:[.,;]|$)|\s+(?:to (?:invest|back|fund|the round)|as (?:investors?|backers?)|"
    r"for (?:the|this) (?:round|raise))\b)|"
    r"followed on|re-?invested|co-invested|piled in|doubled down|tagged along|(?:are|is|were|was) (?:also )?in "
    r"(?:too|as well)|"
    r"put (?:in |up )?(?:(?:more|fresh|additional|new|some) )?(?:money|capital|cash|funds)(?: in)?|"
    r"added (?:capital|money|funds)|wrote (?:checks|cheques)|backed the (?:round|deal|raise|financing)|"
    r"(?:provided|(?:are|is) providing|provides|provide) (?:the |additional )?(?:financing|funding|capital|loans?|debt|"
    r"credit|facility)|subscribed|(?:are|is|were|was) subscribing|"
    r"(?:are|were) (?:also )?(?:the )?(?:[\w-]+ ){0,2}?(?:investors|backers|lenders|participants|funders)|"
    r"(?:are|is|were|was) new (?:to the cap table|investors|backers)|rounded out the (?:round|syndicate))"
)
_INV_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:co-)?le(?:d|ads?) by\s+(?P<seg>.+?)" + TERM, re.I), "lead"),
    (re.compile(r"\bwith\s+(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+as\s+(?:co-)?leads?\b", re.I), "lead"),
    (re.compile(r"\b(?:leader|lead investor|lead backer)s? (?:of|in) the (?:round|financing|deal)\s+(?:was|were|is)\s+"
                r"(?P<seg>.+?)" + TERM, re.I), "lead"),
    (re.compile(r"\b(?:also\s+)?(?:participating|investing|joining|taking part|lending)(?:\s+in the (?:round|financing|"
                r"deal|facility))?\s+(?:were|was|are|is)\s+(?:also\s+)?(?P<seg>.+?)" + TERM, re.I), "inv"),
    # inverted order: "in the round were taking part also X and Y"
    (re.compile(r"\b(?:were|was|are|is)\s+(?:also\s+)?(?:taking part|participating|investing|joining)\s+(?:also\s+)?"
                r"(?-i:(?=[A-Z]|the\s))(?P<seg>.+?)" + TERM, re.I), "inv"),
    (re.compile(r"\b(?:new\s+)?(?:investors|backers)\s+(?P<seg>.+?)\s+joined\s+(?:existing\s+)?(?:backers|investors|"
                r"shareholders)\s+(?P<seg2>.+?)" + TERM, re.I), "joined"),
    (re.compile(r"^(?P<seg>[^.;]+?)\s+(?:is|are|was|were)\s+(?:leading|co-leading|(?:expected|set|poised|likely|"
                r"due) to (?:co-)?lead)\b", re.I), "lead"),
    (re.compile(r"^(?P<seg>(?:[^.;$€£]|\.(?=[a-z]))+?)\s+(?:led|co-led|headed|anchored)\s+(?:the|this|its)\s+(?:[\w'’-]+\s){0,3}?"
                r"(?:round|financing|investment|raise|deal|tranche|facility|loan|series [a-z]\d?\b|(?:pre-)?seed\b)", re.I),
     "lead"),
    (re.compile(r"^(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:(?:also|both|too|all|each|again)\s+)*(?:" + _JOIN_VERBS + r")\b",
                re.I), "inv"),
    (re.compile(r"\b(?:investors|backers|participants|lenders|funders|financiers|buyers|investors in the round|"
                r"limited partners|LPs|"
                r"participants in the round|cap table)\s+(?:(?!and\b|or\b)[\w-]+\s+){0,4}?(?:include|included|including|"
                r"includes|such as|(?:are|were)\s+(?-i:(?=[A-Z])))\s*(?P<seg>.+?)" + TERM, re.I), "inv"),
    (re.compile(r"^(?P<seg>[^.;]+?)\s+(?:were|are|was|is)\s+(?:also\s+)?among\s+(?:the\s+|its\s+|their\s+)?"
                r"(?:other\s+)?(?:investors|backers|participants|lenders|limited partners|LPs)", re.I), "inv"),
    (re.compile(r"\bwith\s+(?P<seg>(?:(?!\bwith\b|\bfrom\b)[^.;$€£¥₹₦₱₺₫฿₩₪])+?)\s+(?:co-)?leading\b", re.I), "lead"),
    # ... "with X and Y co-leading"
    (re.compile(r"\bwith\s+(?P<seg>[^.;]+?)\s+among\s+(?:the\s+)?other\s+(?:investors|backers|participants)", re.I),
     "inv"),
    (re.compile(r"\bwith\s+(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:also\s+)?(?:participating|joining|investing|taking part|"
                r"contributing|co-investing|returning|lending|chipping in|buying(?: stock| shares)?|participate|"
                r"following on|following|alongside)\b",
                re.I), "inv"),
    (re.compile(r"^(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:is|are|was|were)\s+(?:also\s+)?(?:said|expected|set|likely|poised|"
                r"understood|reported)\s+to\s+(?:be\s+)?(?:invest|participat|join|back|contribut|take part)\w*\b", re.I),
     "inv"),
    (re.compile(r"^(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:is|are|was|were)\s+(?:also\s+)?(?:said|expected|set|likely|poised|"
                r"understood|reported)\s+to\s+(?:be\s+)?(?:co-)?lead\w*\b", re.I), "lead"),
    (re.compile(r"(?<!which )(?<!that )(?<!who )\b(?:is|was|were|are|has been|have been)\s+(?:also\s+)?(?:being\s+)?"
                r"(?:funded|backed|financed|bankrolled)\s+by\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    (re.compile(r"\b(?:participation|investments?|money|capital|backing|funding|commitments?|support|"
                r"contributions?|(?:undisclosed |unspecified )(?:sum|amount))\s+(?:from|by)\s+(?P<seg>.+?)" + TERM, re.I),
     "inv"),
    # "with the participation of existing investors Team8 and Glilot": the participation of named backers
    (re.compile(r"\bparticipation\s+of\s+(?P<seg>.+?)" + TERM, re.I),
     "inv"),
    (re.compile(r"\b(?:joined|accompanied)\s+by\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    (re.compile(r"(?:^|,\s*)(?:alongside|together with|along with)\s+(?P<seg>[^,;.]+?)" + TERM, re.I), "inv"),
    (re.compile(r"\b(?:round|funding|financing|raise|deal|tranche|facility|loan|transaction)\s+(?:\w+\s){0,2}?(?:backed|"
                r"provided|funded|underwritten|financed|supported|arranged)\s+by\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "Holloway Ventures led, with participation from ...", "Shinkai Ventures led."
    (re.compile(r"^(?P<seg>(?:[^.;,$€£¥₹₦₱₺₫฿₩₪]|\.(?=[a-z]))+?)\s+(?:led|co-led)(?:\s+(?:it|them|this one))?"
                r"(?=\s*(?:[,.;]|$)|\s+(?:with|and|alongside)\b)",
                re.I), "lead"),
    # "picked up $85 million in a Series B that Coatue led"
    (re.compile(r"\b(?:round|series [a-z]\d?|seed|financing|raise|tranche)\s+(?:that|which)\s+(?P<seg>[^.;,$€£¥₹₦₱₺₫฿₩₪]+?)\s+"
                r"(?:co-)?led\b", re.I), "lead"),
    # "..., as did existing investor X"
    (re.compile(r",\s*as did\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "X led the investment alongside Y and Z"
    (re.compile(r"\b(?:co-)?led\s+(?:the|this|its)\s+(?:\w+\s){0,2}?(?:round|financing|investment|raise|deal|tranche)"
                r"\s+(?:alongside|together with)\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "The round included X, Y and Z"
    (re.compile(r"\b(?:round|financing|raise|syndicate|tranche)\s+(?:also\s+)?(?:included|includes|include)\s+"
                r"(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "The round also drew existing investors X and Y"
    (re.compile(r"\b(?:round|financing|raise|deal|tranche)\s+(?:also\s+)?(?:drew|attracted|brought in|pulled in|lured)\s+"
                r"(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "..., with X, Y and Z also in"
    (re.compile(r"\bwith\s+(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+also in\b", re.I), "inv"),
    # "from several Silicon Valley firms making bets in health care, including X, Y and Z"
    (re.compile(r"\b(?:investors|backers|funds|VCs|venture capitalists|(?:venture|investment|VC|private equity) firms|"
                r"banks|lenders|"
                r"firms(?=[^.;]{0,60}?\b(?:invest|back|fund)))\b[^.;$€£¥₹₦₱₺₫฿₩₪]{0,90}?,\s*"
                r"(?:including|such as|among them)\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "raised its round from X and Y", "raised an undisclosed seed from X": the backers of a round named above
    (re.compile(r"\b(?:raised|raises|raising|secured|closed|took in|drew)\s+(?:(?:its|the|their|an?|this|that|"
                r"undisclosed|new|fresh|round|seed|pre-seed|series\s+[a-z]\d?|funding|financing|money|capital|"
                r"investment|amount|sum)\s+){0,4}from\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "the lender X made its first equity investment in the company"
    (re.compile(r"^(?P<seg>[^.;$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:made|makes|is making)\s+(?:its|an|a|their)\s+(?:[\w-]+\s){0,2}?"
                r"investment\b", re.I), "inv"),
    # "led by Seedcamp with LocalGlobe and a handful of angels": the backers after the lead
    (re.compile(r"\bled by [^,;.]+?\s+with\s+(?P<seg>[A-Z][^.;]+?)" + TERM), "inv"),
    # "is in talks with Apollo and Blue Owl about a private-credit loan": the would-be lenders or backers
    (re.compile(r"\bin talks with\s+(?P<seg>[^.;]+?)\s+(?:about|over|for|on)\s", re.I), "inv"),
    # "through a third-party allotment of shares to JAFCO Group, SBI Investment and others": the subscribers
    (re.compile(r"\ballotment of (?:new )?shares to\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "JAFCO Group acted as lead investor"
    (re.compile(r"^(?P<seg>[^.;,$€£¥₹₦₱₺₫฿₩₪]+?)\s+acted as (?:the )?lead(?: investor)?\b", re.I), "lead"),
    # "Lead investor is the Berlin venture capital company Project A Ventures": a translated release's lead
    (re.compile(r"\blead investors? (?:is|are|was|were)\s+(?P<seg>.+?)" + TERM, re.I), "lead"),
    # a list item's bracket: "($9M seed, Khosla Ventures leading)"
    (re.compile(r"(?:^|,\s*)(?P<seg>[A-Z][^.;,()$]+?)\s+(?:co-)?leading\s*$"), "lead"),
    # "(Hustle Fund and Soma Capital participated)", "(Khosla led)": backers in a bracket after the round
    (re.compile(r"\((?P<seg>[A-Za-z][^()$€£¥₹₦₱₺₫฿₩₪]{1,120}?)\s+(?:also\s+)?(?:participated|invested|joined|took part|"
                r"co-invested|chipped in)\s*\)"), "inv"),
    (re.compile(r"\((?P<seg>[A-Za-z][^()$€£¥₹₦₱₺₫฿₩₪]{1,120}?)\s+(?:co-)?led(?:\s+(?:the\s+)?(?:round|it))?\s*[,;)]"), "lead"),
    # "Georgian was joined by BDC Capital": the one joined invested too
    (re.compile(r"^(?P<seg>[^.;,$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:was|were)\s+joined\s+by\b", re.I), "inv"),
    # "the third-party allotment was subscribed by JAFCO Group, SMBC Venture Capital and ..."
    (re.compile(r"\b(?:subscribed|taken up|underwritten)\s+(?:for\s+)?by\s+(?P<seg>.+?)" + TERM, re.I), "inv"),
    # "... about $600 million, with Kleiner Perkins expected to lead": a rumoured round's lead
    (re.compile(r"\bwith\s+(?P<seg>[^.;,$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:expected|set|poised|likely|due|tipped)\s+to\s+(?:co-)?lead\b",
                re.I), "lead"),
    # "Index Ventures wrote the lead check", "ARCH Venture Partners and GV split the lead"
    (re.compile(r"(?:^|[,;:]\s*(?:which\s+|and\s+)?|\bwhich\s+)(?P<seg>[^.;:,$€£¥₹₦₱₺₫฿₩₪]+?)\s+(?:wrote|writes|cut|took|"
                r"takes|split|splits|shared|shares)\s+the\s+lead\b", re.I), "lead"),
)
# Words (lower-cased) every match of each pattern above contains: all groups, any word of a group.
# A pattern whose words are missing from the sentence cannot match, so it is not run.
_INV_NEEDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("led by", "lead by", "leads by"),),
    (("with",), ("lead",)),
    (("lead",), (" the ",)),
    (("participating", "investing", "joining", "taking part", "lending"),),
    (("taking part", "participating", "investing", "joining"),),
    (("investors", "backers"), ("joined",)),
    (("lead",),),
    (("led", "headed", "anchored"),),
    (("particip", "took part", "take part", "takes part", "chipped in", "joined", "invested", "came ", "upped", "returned", "contributed",
      "followed on", "piled in", "doubled down", "put ", "added ", "wrote ", "backed the", "provid", "tagged along",
      "subscrib",
      " in too", " in as well",
      "investors", "backers", "lenders", "rounded out", "participants", "funders", "new to the cap table",
      "new investors", "new backers", "taking part", "participating", "investing", "joining in"),),
    (("investors", "backers", "participants", "lenders", "funders", "financiers", "buyers", "cap table",
      "limited partners", "lps"),),
    (("among",),),
    (("with",), ("leading",)),
    (("with",), ("among",)),
    (("with",), ("participating", "joining", "investing", "taking part", "contributing", "co-investing",
                 "returning", "lending", "chipping in", "buying", "participate", "following", "alongside")),
    (("to",), ("invest", "particip", "join", "back", "contribut", "take part")),
    (("to",), ("lead",)),
    (("funded", "backed", "financed", "bankrolled"), ("by",)),
    (("from", "by"),),
    (("participation",), ("of",)),
    (("joined", "accompanied"), ("by",)),
    (("alongside", "together with", "along with"),),
    (("backed", "provided", "funded", "underwritten", "financed", "supported", "arranged"), ("by",)),
    (("led",),),
    (("that", "which"), ("led",)),
    (("as did",),),
    (("led",), ("alongside", "together with")),
    (("include",),),
    (("drew", "attracted", "brought in", "pulled in", "lured"),),
    (("with",), ("also in",)),
    (("firms", "investors", "backers", "funds", "vcs", "venture capitalists", "banks", "lenders"), ("including", "such as",
                                                                                        "among them")),
    (("rais", "secured", "closed", "took in", "drew"), ("from",)),
    (("made", "makes", "making"), ("investment",)),
    (("led by",), ("with",)),
    (("in talks with",),),
    (("allotment",),),
    (("acted as",),),
    (("lead investor",),),
    (("leading",),),
    (("participated", "invested", "joined", "took part", "co-invested", "chipped in"), ("(",)),
    (("led",), ("(",)),
    (("joined by",),),
    (("subscribed", "taken up", "underwritten"), ("by",)),
    (("with",), ("to lead", "to co-lead")),
    (("wrote", "writes", "cut", "took", "takes", "split", "shared", "shares"), ("the lead",)),
)
_INV_TABLE = tuple((pat, kind, pat.pattern.startswith("^"), tuple(frozenset(group) for group in needs))
                   for (pat, kind), needs in zip(_INV_PATTERNS, _INV_NEEDS, strict=True))
# Every word any pattern needs: looked up once per sentence, then each pattern's test is set arithmetic.
_NEEDED_WORDS = tuple(sorted({w for needs in _INV_NEEDS for group in needs for w in group}))
_COUNTRY_PREFIX = re.compile(r"(?:U\.S\.|U\.K\.|US|UK|EU|UAE)\s+")
# "angels from Monzo and Wise", "executives at Google": the employers are not investors.
_AFFILIATION = re.compile(
    r"\b(?i:angels?|angel investors|individual investors|VCs|venture capitalists|operators|executives|employees|founders|"
    r"co-founders|alumni|veterans|engineers|researchers|staff|leaders|people)\s+(?:from|at|of)\s+(?:the\s+)?"
    r"(?:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)(?:(?:,\s*(?:and\s+)?|\s+and\s+)(?:[A-Z][\w.&'’-]*"
    r"(?:\s+[A-Z][\w.&'’-]*)*))*")
# "the Gulf sovereign fund Azimuth": a descriptor in front of the investor's name
_APPOSITIVE = re.compile(r"(?:[\w'’-]+\s+){0,5}(?:fund|firm|investor|bank|lender|group|company|giant|manager|maker|"
                         r"conglomerate|insurer|office|vehicle|arm|unit|fund manager|asset manager|pension fund)\s+",
                         re.I)
# Every investor pattern needs one of these words: a cheap test before running them all.
_TRIGGER = re.compile(r"\b(?:le(?:d|ad\w*)|co-le\w+|join\w*|particip\w*|invest\w*|backers?|backed|backing|part|chip\w*|"
                      r"came|return\w*|contribut\w*|put|added|wrote|provid\w*|among|alongside|together|funded|supported|arranged|"
                      r"funding|financed|bankroll\w*|lend\w*|lenders?|re-?upped|piled|doubled|rounded|followed|money|"
                      r"capital|support|commitments?|participants|leader|underwritten|re-?invested|co-invested|"
                      r"as did|included|includes|include|also in|funders|financiers|drew|attracted|brought in|"
                      r"pulled in|lured|cap table|buying|buyers|limited partners|LPs|new|rais\w*|secured|closed|took in|firms|VCs|undisclosed|"
                      r"following|along|tagged|too|well|leading|talks|allotment|acted|subscrib\w*|providing|provides|provide)\b",
                      re.I)
_TRIGGER_FOLDED = folded(_TRIGGER)  # on fold(text): the same answer, four times faster
# Clause boundaries inside one sentence for subject-anchored patterns.
_CLAUSES = re.compile(r";\s*|,\s+(?:and|while|but|whereas)\s+|\s+while\s+|\s[—–]\s|,?\s+(?:said|says)\s+(?=[A-Z])")
_ONE_WORD = re.compile(r"[A-Z][\w&.'’-]+")
_LED_INSIDE = re.compile(r"(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*),\s*(?:which|who) (?:co-)?led"
                         r"(?: the (?:round|financing|raise|deal|investment))?(?=,)")
_LEAD_MARK = re.compile(r"(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)\s*\((?:co-)?leads?\)")
_KIND_INCLUDING = re.compile(r"\b(?:individuals|angels|angel investors|people|executives|others|funds|backers|"
                             r"investors|banks|lenders|firms)\s+(?:including|such as|like)\s+", re.I)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|that|both of which|each of which)\b[^,;]*(?:,|$)", re.I)
_LEAD_IN = re.compile(r"^\s*(?:(?:and|but|meanwhile|also|separately|in addition|additionally|elsewhere|"
                      r"on the investor side|existing|returning|new)\b,?\s*)+", re.I)
# Words that stand for investors in general ("backed by top VCs"), never a name.
_GENERIC_BACKERS = frozenset({"others", "investors", "vcs", "backers", "angels", "insiders", "funds"})


_HANDLE = re.compile(r"(?<![\w.])@(?=[A-Za-z0-9])")


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", name.lower()))


def strip_relative(text: str) -> str:
    """The sentence without its relative clauses (", which backed its earlier rounds,")."""
    return _RELATIVE.sub(",", text)


class InvestorMixin:
    """Reads investor names out of list phrases and investor sentences."""

    def chunks(self, s: str, field_: str) -> list[Name]:  # pragma: no cover - provided by the reader
        raise NotImplementedError

    def canon(self, name: str) -> str:  # pragma: no cover - provided by the reader
        raise NotImplementedError

    def name_list(self, seg: str, field_: str) -> list[str]:
        """Names in a list phrase: "X, Y and Z", "former Google CEO Eric Schmidt", "the OpenAI Startup Fund"."""
        seg = re.sub(r"\([^)]*\)", "", seg)
        seg = _AFFILIATION.sub("", seg)
        seg = _KIND_INCLUDING.sub(", ", seg)  # "as well as individuals including X and Y": X and Y
        seg = _RELATIVE.sub(",", seg)
        seg = _LIST_PREFIX.sub("", seg)
        seg = AUX_TAIL.sub("", seg)
        out: list[str] = []
        for item in _LIST_SPLIT.split(seg):
            item = item.strip()
            if not item:
                continue
            if " through " in item:
                item = item.split(" through ", 1)[1]
            item = re.sub(r"^(?:with|from|by|and|including)\s+", "", item, flags=re.I)
            det = re.match(r"(?i)^(?:the|its|their|a|an|parent company|parent|affiliate)\s+", item)
            names = [c for c in self.chunks(item, field_) if not c.possessive]
            if not names and _ONE_WORD.fullmatch(item) and item.lower() not in STOP | GENERIC | NATIONALITIES \
                    and not is_location(item):
                names = [Name(item, 0, len(item))]  # "Altimeter" in a list: a list item is a name
            if not names:
                continue
            if det:
                first = names[0]
                between = item[det.end():first.start]
                if first.start != det.end() and not _APPOSITIVE.fullmatch(between) and not _COUNTRY_PREFIX.fullmatch(between):
                    continue
                if _COUNTRY_PREFIX.fullmatch(between):  # "the U.S. Department of Energy": the name as written
                    out.append(item[det.end():first.end])
                    continue
                if len(names) > 1 and re.fullmatch(r"(?:\s+[a-z][\w-]*)+\s+", item[first.end:names[-1].start]):
                    first = names[-1]  # "the Gulf sovereign fund Azimuth Holdings"
                out.append(first.text)
                continue
            out.append(names[-1].text)
        return [self.investor_name(n) for n in out if n.lower() not in _GENERIC_BACKERS]

    def investor_name(self, name: str) -> str:
        """An investor as the alias table names it, unless the article's spelling shares no word with that name
        ("a16z" is not rewritten to "Andreessen Horowitz"): a shorthand stays as the writer put it."""
        canonical = self.canon(name)
        if canonical != name and not (_words(canonical) & _words(name)):
            return name
        return canonical

    # ---------------------------------------------------------------- investors
    def investor_mentions(self, t: str, field_: str) -> tuple[list[str], list[str]]:
        """Investors and leads named in one sentence, in pattern order (first pattern wins a phrase)."""
        inv: list[str] = []
        leads: list[str] = []
        if "@" in t:
            t = _HANDLE.sub("", t)  # "led by @Seedcamp with @LocalGlobe": a social post's handles are the names
        if "." in t:
            t = _CORPORATE_SUFFIX.sub("", t)  # "JAFCO Group Co., Ltd., SMBC Venture Capital Co., Ltd. and ...": one name each
        low = fold(t)
        if not _TRIGGER_FOLDED.search(low):
            return inv, leads
        if "(lead" in t or "(co-lead" in t:  # "Accel (lead) and existing investor 100X.VC"
            for m in _LEAD_MARK.finditer(t):
                leads += self.name_list(m.group("name"), field_)[-1:]
        if "led" in t:  # "Backers include X, which led, Y and Z": X leads, and the list goes on past it
            for m in _LED_INSIDE.finditer(t):
                leads += self.name_list(m.group("name"), field_)[-1:]
            t = _LED_INSIDE.sub(lambda m: m.group("name"), t)
            low = fold(t)
        clauses = [t]
        parts = _CLAUSES.split(t)
        if len(parts) > 1:
            clauses += [_LEAD_IN.sub("", p) for p in parts[1:]]
        stripped: list[str] | None = None
        seen: set[tuple[int, str]] = set()
        present = {w for w in _NEEDED_WORDS if w in low}
        for pat, kind, anchored, needs in _INV_TABLE:
            if not all(present & group for group in needs):
                continue  # a word every match of this pattern contains is missing
            if anchored:
                if stripped is None:
                    stripped = [_LEAD_IN.sub("", c) for c in clauses]
                todo = stripped
            else:
                todo = clauses[:1]  # unanchored patterns read the whole sentence once
            for clause in todo:
                for m in pat.finditer(clause):
                    key = (id(pat), m.group("seg"))
                    if key in seen:
                        continue
                    seen.add(key)
                    seg = m.group("seg")
                    if clause.count("(", 0, m.start("seg")) > clause.count(")", 0, m.start("seg")):
                        seg = seg.split(")", 1)[0]  # "Dockline ($22M Series A, led by X), Harrowgate ...": the bracket ends it
                    inv_names = self.name_list(seg, field_)
                    if kind == "joined":
                        inv_names += self.name_list(m.group("seg2"), field_)
                    inv += inv_names
                    if kind == "lead":
                        leads += inv_names
        return inv, leads
