"""Article text -> the deals it reports (``parse_article``). Pure: no I/O, no clock.

How it reads an article:

1. ``segment`` splits it into sentences and drops page furniture (tickers, related stories).
2. Every money figure is classified (``classify.money_role``); each deal figure is read in its
   sentence through a *frame*: the nearest deal verb before it (raise, invest, spend, acquire,
   form) decides who is the company and who the investors are, the noun after it
   ("$5B investment", "$38bn of loans") decides the deal type.
3. Investor lists ("led by", "also participated", "other investors include") and valuations
   attach to the deal being discussed; a subject like "the company" resolves to the company in
   focus (bullet label, section heading, previous deal, title).
4. Candidates are kept only when they read as this article's news (title support, lead
   paragraph or roundup item, no background cue) and are merged per company and deal type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from crawler.deals import classify
from crawler.deals import taxonomy as tx
from crawler.deals.entities import Name, NameFinder, dedupe_names, is_location, is_title_case, same_entity
from crawler.deals.model import ArticleDeals, DealMention, Evidence
from crawler.deals.money import Money, find_money, to_usd
from crawler.deals.resources import Resources
from crawler.deals.segment import Sentence, segment

_CLAUSE_BOUNDARY = re.compile(r";|\s[—–]\s|:\s")
_AUX_TAIL = re.compile(
    r"(?:[\s,]+(?:is|are|was|were|has|have|had|will|would|could|also|already|jointly|together|reportedly|"
    r"plans?|planning|agreed|agrees|to|set|expected|on|in|talks|the|verge|of|about|now|finally|just|"
    r"recently|officially|formally|said|says|it|they|that|and|been|being|final|stages|close|seeking|"
    r"looking|aiming|announced|confirmed|still|a|an|fresh|new|further|successfully|quietly|first|first-ever|"
    r"separately|alone|indeed|who|which|can|may|might|should|must|would|not|finalizing|finalising|"
    r"process|nearing|near|making|made|is|currently))*\s*$",
    re.I,
)
_LIST_SPLIT = re.compile(r",\s*(?:and\s+|as well as\s+|plus\s+)?|\s+and\s+|\s+as well as\s+|\s+together with\s+|"
                         r"\s+plus\s+|\s+alongside\s+|;\s*")
_LIST_PREFIX = re.compile(
    r"^\s*(?:a (?:group|consortium|syndicate) of (?:\w+\s){0,3}?(?:led by|including)\s+|"
    r"(?:(?:its|their|the|existing|other|new|current|returning|previous|strategic|financial|institutional)\s+)*"
    r"(?:investors|backers|shareholders|participants|lenders|banks|partners)\s*(?:including|such as|like|"
    r"led by)?\s*|including\s+|such as\s+)",
    re.I,
)
_TERM = (
    r"(?=[.;$€£¥₹]|,\s+(?:\w+\s){0,2}?(?:reported|reports|citing)\b|\s+(?:about|citing|over)\s|,\s+(?:valuing|which|who|with|at|that|giving|bringing|according|the company|"
    r"the startup|the people|people|said|and said|as|to|in|for|while|after|before|but|taking|making|up from|"
    r"including the new|alongside|both|whose|where|according|accompanied|sources|its|it|a |an )\b|"
    r"\s+(?:at an?|at about|at roughly|that values?|that valued|valuing|in (?:a|the|its|an)|to (?:help|fund|"
    r"expand|build|accelerate|scale|grow|develop|invest|finance|support|back)|for (?:a|the|roughly|about|its)|"
    r"as (?:part|well as)|who|which|among|said|says|also|and others|were|are|is|has|have|had|will|would|"
    r"according|joined|participated|took part|into|in exchange)\b|$)"
)
_INV_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:co-)?le(?:d|ads?) by\s+(?P<seg>.+?)" + _TERM, re.I), "lead"),
    (re.compile(r"\b(?:new\s+)?(?:investors|backers)\s+(?P<seg>.+?)\s+joined\s+(?:existing\s+)?(?:backers|investors|"
                r"shareholders)\s+(?P<seg2>.+?)" + _TERM, re.I), "joined"),
    (re.compile(r"^(?P<seg>[^.;]+?)\s+(?:is|are|was|were)\s+(?:leading|co-leading|(?:expected|set|poised|likely|"
                r"due) to (?:co-)?lead)\b", re.I), "lead"),
    (re.compile(r"^(?P<seg>[^.;$€£]+?)\s+(?:led|co-led)\s+(?:the|this)\s+(?:round|financing|investment|raise|deal)",
                re.I), "lead"),
    (re.compile(r"^(?P<seg>[^.;$€£]+?)\s+(?:also\s+|both\s+)?(?:participated|took part|chipped in|joined in|joined the"
                r" round|invested as well|also invested|came in)\b", re.I), "inv"),
    (re.compile(r"\b(?:investors|backers|participants|investors in the round|participants in the round)\s+"
                r"(?:include|included|including|such as|are|were)\s+(?P<seg>.+?)" + _TERM, re.I), "inv"),
    (re.compile(r"^(?P<seg>[^.;]+?)\s+(?:were|are|was|is)\s+among\s+(?:the\s+)?(?:other\s+)?(?:investors|backers|"
                r"participants)", re.I), "inv"),
    (re.compile(r"\bwith\s+(?P<seg>[^.;]+?)\s+among\s+(?:the\s+)?other\s+(?:investors|backers|participants)", re.I),
     "inv"),
    (re.compile(r"\bparticipation (?:from|by)\s+(?P<seg>.+?)" + _TERM, re.I), "inv"),
    (re.compile(r"\bwith (?:new |additional |follow-on )?investments? from\s+(?P<seg>.+?)" + _TERM, re.I), "inv"),
    (re.compile(r"\b(?:round|funding|financing|raise|deal|tranche)\s+(?:\w+\s){0,2}?backed by\s+(?P<seg>.+?)" + _TERM,
                re.I), "inv"),
)
_BENEFICIARY_BY = re.compile(r"\b(?:developed|built|operated|owned|run)\s+by\s+", re.I)
_BENEFICIARY = re.compile(
    r"^[\s,]*(?:\([^)]*\)\s*)?(?:[\w'’-]+\s){0,4}?(?:in|into|to back|to fund|to finance|for|to|toward|towards)\s+"
    r"(?:the\s+)?", re.I)
_EQUIPMENT_AFTER = re.compile(r"^\s*(?:worth\s+)?of\s+(?:\w+\s){0,2}?(?:GPUs?|chips?|equipment|servers?|hardware|"
                              r"shares|stock|notes|bonds|processors|accelerators|systems)\b", re.I)
_TITLE_DEAL_CUE = re.compile(
    r"(?i)\b(?:rais\w*|funding|fund|round|invest\w*|backs?|backed|acquir\w*|buys?|bought|deal|financ\w*|"
    r"secur\w*|lands?|pledg\w*|commit\w*|valuation|valued|series|seed|stake|takes|loans?|debt|"
    r"joint venture|partnership|merger|takeover|purchase|spend\w*|contract|bets?|puts|leads?|led)\b")
_ROUNDUP_TITLE = re.compile(r"[;|]|\b(?:roundup|round-up|weekly|funding desk|deals of the|week in|this week|"
                            r"briefing|newsletter|digest|and|each)\b", re.I)


@dataclass
class _Cand:
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


def _clause_start(t: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BOUNDARY.finditer(t, 0, pos):
        start = m.end()
    return start


def _clause_end(t: str, pos: int) -> int:
    m = _CLAUSE_BOUNDARY.search(t, pos)
    return m.start() if m else len(t)


class _Reader:
    """Per-article state: the name finder, the dates, the focus company and the candidates."""

    def __init__(self, title: str, text: str, published: dt.datetime | None, resources: Resources) -> None:
        self.title = title
        self.text = text
        self.resources = resources
        self.date = published.date() if published else None
        self.year = published.year if published else None
        self.names = NameFinder(resources, [title, text])
        self.title_case = is_title_case(title)
        self.cands: list[_Cand] = []
        self.title_names: list[str] = []
        self.title_amounts: list[float] = []
        self.focus: str | None = None
        self.acq_target: str | None = None
        self.acq_buyers: list[str] = []
        self.all_sents: list[Sentence] = []
        self.first_block: int | None = None

    # ---------------------------------------------------------------- names
    def chunks(self, s: str, field_: str) -> list[Name]:
        return [c for c in self.names.chunks(s, title_case=(field_ == "title" and self.title_case))
                if not is_location(c.text)]

    def canon(self, name: str) -> str:
        return self.names.canonical(name)

    def single_subject(self, subj: str, field_: str) -> tuple[str | None, bool]:
        """The company a clause before a verb is about, and whether it was a generic phrase."""
        subj = re.sub(r"^\s*[A-Z][A-Z .]{1,30}\s[-–—]\s", "", subj)  # dateline "PARIS - "
        subj = _AUX_TAIL.sub("", subj)
        said = re.search(r"\b(?:said|says|announced|confirmed|reported|told \w+)\s+(?:that\s+)?(it|they|the company|"
                         r"the startup)?\s*$", subj, re.I)
        if said:
            subj = subj[:said.start()]
        segments = [s for s in re.split(r",\s*", subj) if s.strip()]
        if segments:
            # in the clause next to the verb, the subject noun phrase ends at the first auxiliary
            segments[-1] = re.sub(r"^\s*(?:and|but|while)\s+", "", segments[-1])
            aux = re.search(r"\s(?:is|are|was|were|has|have|had|will|would|said|says|announced|plans|agreed|"
                            r"told|reported)\b", segments[-1])
            if aux:
                segments[-1] = segments[-1][:aux.start()]
        last = len(segments) - 1
        for k in range(last, -1, -1):
            seg_s = segments[k].strip()
            rel = re.match(r"(?i)^(?:of|in|under|for|through) which\s+", seg_s)
            if rel:
                seg_s = seg_s[rel.end():]
            elif k > 0 and re.match(r"(?i)^(?:which|who|that|a|an|the|its|whose|founded|based|led|backed|run|"
                                    r"known|best|formerly|one of|now|headquartered|co-founded|once|owned|part of|"
                                    r"set up|created|maker|developer|\d)\b", seg_s):
                continue
            if k < last and re.match(r"(?i)^(?:on|in|at|by|after|before|according to|meanwhile|earlier|last|this|"
                                     r"five|separately|also|however|for|with|as|since|while|today|yesterday|"
                                     r"\w+ weeks|\w+ days)\b", seg_s):
                continue
            names = [c for c in self.chunks(seg_s, field_) if not c.possessive or c.end < len(seg_s) - 3]
            names = [c for c in names if not (c.possessive and re.match(r"\s*(?:[a-z-]+\s){0,3}(?:chief|ceo|founder|"
                                                                        r"head|boss)", seg_s[c.end + 2:]))]
            nonposs = [c for c in names if not c.possessive]
            if nonposs:
                return nonposs[-1].text, False
            if tx.PLURAL_SUBJECT.search(seg_s):
                return None, False
            if tx.GENERIC_SUBJECT.search(seg_s) or tx.COMPANY_NOUN.search(seg_s):
                return None, True
            if re.match(r"(?i)^(?:on|in|at|by|after|before|according to|meanwhile|earlier|last)\b", seg_s):
                continue
            return None, not seg_s.strip()
        return None, True

    def name_list(self, seg: str, field_: str) -> list[str]:
        """Names in a list phrase: "X, Y and Z", "former Google CEO Eric Schmidt", "the OpenAI Startup Fund"."""
        seg = re.sub(r"\([^)]*\)", "", seg)
        seg = _LIST_PREFIX.sub("", seg)
        seg = _AUX_TAIL.sub("", seg)
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
            if not names:
                continue
            if det:
                first = names[0]
                if first.start != det.end():
                    continue
                out.append(first.text)
                continue
            out.append(names[-1].text)
        return [self.canon(n) for n in out if n.lower() not in ("others", "investors")]

    # ---------------------------------------------------------------- investors
    def investor_mentions(self, t: str, field_: str) -> tuple[list[str], list[str]]:
        inv: list[str] = []
        leads: list[str] = []
        for pat, kind in _INV_PATTERNS:
            for m in pat.finditer(t):
                names = self.name_list(m.group("seg"), field_)
                if kind == "joined":
                    names += self.name_list(m.group("seg2"), field_)
                inv += names
                if kind == "lead":
                    leads += names
        return inv, leads

    # ---------------------------------------------------------------- frames
    def beneficiary(self, after: str, field_: str) -> str | None:
        by = _BENEFICIARY_BY.search(after[:120])
        if by:
            names = self.chunks(after[by.end():by.end() + 60], field_)
            if names and names[0].start == 0:
                return names[0].text
        m = _BENEFICIARY.match(after[:90])
        if m:
            rest = after[m.end():]
            names = self.chunks(rest[:80], field_)
            if names and names[0].start == 0:
                return names[0].text
        return None

    def frame(self, sent: Sentence, t: str, m: Money, ms: int, me: int, field_: str, order: int) -> _Cand | None:
        L = _clause_start(t, ms)
        R = _clause_end(t, me)
        before = t[L:ms]
        after = t[me:R]
        after_head = after[:70]
        label = sent.label if sent.label and sent.label.lower() not in tx.FIELD_LABELS else None
        if label and before.startswith(label):
            before = before[len(label) + 1:]
        if classify.is_forecast(t[L:R]) or _EQUIPMENT_AFTER.match(after):
            return None

        verbs = []
        for cls, rx in (("acquire", tx.ACQUIRE_VERBS), ("raise", tx.RAISE_VERBS), ("invest", tx.INVEST_VERBS),
                        ("spend", tx.SPEND_VERBS), ("form", tx.FORM_VERBS)):
            for vm in rx.finditer(before):
                verbs.append((vm.start(), 1 if cls == "acquire" else 0, vm.end(), cls, vm.group(0)))
        verbs = [(a, b, c, d) for a, _, b, c, d in sorted(verbs)]
        # noun right after the figure: "$5B investment", "$38bn of loans", "$700m Run:ai acquisition"
        noun_type = None
        for dtype, rx in tx.TYPE_NOUNS:
            nm = rx.search(after_head)
            if nm and nm.start() < 45 and (noun_type is None or nm.start() < noun_type[1]):
                noun_type = (dtype, nm.start(), nm.end())
        form_ctx = None
        for vs, ve, cls, _word in verbs:
            if cls == "form" and tx.VENTURE_NOUNS.search(before[ve:] + after_head):
                form_ctx = (vs, ve)
                break
        if not verbs and not noun_type and not label:
            return None

        cand = _Cand(None, "equity", m, sent, field_, order)
        subj_end = verbs[-1][0] if verbs else len(before)
        cls = verbs[-1][2] if verbs else "none"
        vword = verbs[-1][3] if verbs else ""
        if form_ctx is not None:
            subj_end, cls = form_ctx[0], "form"
        # "and Pledges $100B" / "and committing to": coordinated verb, subject from the first clause
        subj_text = before[:subj_end]
        if re.fullmatch(r"\s*(?:and|but|while|then|,)?\s*", subj_text) and L > 0:
            subj_text = t[_clause_start(t, L - 1):L]
            first = re.search(tx.RAISE_VERBS.pattern + "|" + tx.INVEST_VERBS.pattern, subj_text, re.I)
            if first:
                subj_text = subj_text[:first.start()]
        if label and (not self.chunks(subj_text, field_) or tx.GENERIC_SUBJECT.search(subj_text)):
            subj_text = label
        obj_text = before[verbs[-1][1]:] if verbs else ""
        cand.verb = cls
        cand.background = classify.background_level(before, after.split(",")[0], self.year)
        cand.round = tx.find_round(obj_text + " " + after)
        benef = self.beneficiary(after, field_)
        poss_obj = [c for c in self.chunks(obj_text, field_) if c.possessive]
        obj_names = [c for c in self.chunks(obj_text, field_) if not c.possessive]
        dtype = noun_type[0] if noun_type else None

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
                    cand.investors = self.name_list(re.split(_TERM, with_.group(1).split(",")[0], maxsplit=1)[0],
                                                    field_)
            return cand

        after_full = after
        nxt = re.search(r"[$€£¥₹]|\b\d[\d,.]*\s?(?:billion|million|bn|mn)\b", after)
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
        if provider and (cls == "spend" or tx.COMPUTE_WORDS.search(after)) and dtype != "debt":
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

        if cls in ("invest", "raise") and benef and not (cls == "raise" and not self.name_list(subj_text, field_)):
            investors = self.name_list(subj_text, field_)
            cand.company = benef
            cand.investors = investors
            if re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword):
                cand.leads = list(investors)
            cand.deal_type = dtype or "equity"
            if cand.deal_type in ("infrastructure",):
                cand.deal_type = "financing_undisclosed_structure" if "financ" in after_head.lower() else "equity"
            return cand
        if cls == "invest" and poss_obj and re.match(r"(?i)(?:co-)?le(?:d|ads?|ading)$", vword):
            investors = self.name_list(subj_text, field_)
            cand.company, cand.investors, cand.leads = poss_obj[-1].text, investors, list(investors)
            cand.deal_type = "equity"
            return cand
        if cls in ("invest", "spend") or (dtype == "infrastructure" and cls != "raise"):
            if tx.INFRA_WORDS.search(after_full) or dtype == "infrastructure":
                company, generic = self.single_subject(subj_text, field_)
                cand.company, cand.generic_subject = company, generic
                cand.deal_type = "infrastructure"
                return cand
            if cls == "invest" and re.search(r"\b(?:round|tranche|raise|funding)\b", after, re.I):
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
        if cls == "raise" or (cls == "none" and (label or noun_type)):
            if cls == "raise" and re.match(r"(?i)(?:clos|complet|announc|unveil|finali|reach|hit)", vword) and not (
                    noun_type or cand.round):
                return None
            if cls == "none" and not label:
                return None
            company, generic = self.single_subject(subj_text, field_) if subj_text.strip() else (label, False)
            if company is None and label and generic:
                company, generic = label, False
            cand.company, cand.generic_subject = company, generic
            cand.deal_type = dtype or "equity"
            if cand.deal_type == "infrastructure":
                cand.deal_type = "infrastructure" if cls == "none" else "equity"
            if cand.deal_type == "financing_undisclosed_structure" and tx.EQUITY_WORDS.search(after_head):
                cand.deal_type = "equity"
            frm = re.match(r"^(?:\s*\([^)]*\))?\s*(?:[\w-]+\s){0,5}?from\s+(?P<seg>.+)$", after, re.I)
            if frm and not re.match(r"(?i)investors\s+led", frm.group("seg")):
                cand.investors = self.name_list(re.split(_TERM, frm.group("seg"), maxsplit=1)[0], field_)
            return cand
        return None

    # ---------------------------------------------------------------- sentences
    def read_sentence(self, sent: Sentence, field_: str, order: int, t: str) -> list[_Cand]:
        out: list[_Cand] = []
        label = (sent.label or "").lower()
        moneys = find_money(t)
        vals: list[Money] = []
        for m in moneys:
            ms, me = m.start, m.end
            if label in ("lead", "leads", "others", "investors", "other investors", "backers", "participants",
                         "why it matters", "why", "context"):
                continue
            role = classify.money_role(t, m, ms, me, label=sent.label)
            if role == "valuation" and tx.ACQUIRE_VERBS.search(t[_clause_start(t, ms):ms]) and not \
                    tx.VALUATION_AFTER.match(t[me:]):
                role = "deal"
            if role == "valuation":
                bg = classify.background_level(t[_clause_start(t, ms):ms], t[me:me + 40].split(",")[0], self.year)
                if bg < 2 or label == "valuation":
                    vals.append(m)
                continue
            if role != "deal":
                continue
            cand = self.frame(sent, t, m, ms, me, field_, order)
            if cand is not None:
                out.append(cand)
        inv, leads = self.investor_mentions(t, field_)
        if label in ("lead", "leads", "lead investor", "lead investors", "led by"):
            names = self.name_list(t[len(sent.label or "") + 1:].split(" with ")[0].split(",")[0], field_)
            leads += names
            inv += names
        elif label in ("others", "investors", "other investors", "backers", "participants", "co-investors"):
            inv += self.name_list(t[len(sent.label or "") + 1:], field_)
        for c in out:
            c.sentences.append(sent)
            if c.valuation is None and vals:
                c.valuation = vals[0]
            for n in inv:
                if not same_entity(n, c.company or "") and n not in c.investors:
                    c.investors.append(n)
            for n in leads:
                if not same_entity(n, c.company or "") and n not in c.leads:
                    c.leads.append(n)
        if not out:
            self._attach(sent, inv, leads, vals)
        return out

    def _attach(self, sent: Sentence, inv: list[str], leads: list[str], vals: list[Money]) -> None:
        """Investor lists and valuations in a sentence without a deal figure go to the deal in focus."""
        if not self.cands or not (inv or leads or vals):
            if vals:
                self.pending_val = (sent.block, vals[0])
            return
        cur = self.cands[-1]
        reach = 4 if sent.kind == "bullet" and sent.label else 2  # "- Others: ..." in a brief's bullet list
        if cur.field == "title" or sent.block - cur.sent.block > reach:
            if vals:
                self.pending_val = (sent.block, vals[0])
            return
        for n in inv:
            if not same_entity(n, cur.company or "") and n not in cur.investors:
                cur.investors.append(n)
        for n in leads:
            if not same_entity(n, cur.company or "") and n not in cur.leads:
                cur.leads.append(n)
        if vals and cur.valuation is None and sent.block - cur.sent.block <= 2:
            cur.valuation = vals[0]
        if inv or leads or vals:
            cur.sentences.append(sent)

    pending_val: tuple[int, Money] | None = None

    def heading_company(self, heading: str) -> str | None:
        head = re.split(r"\s[-–—|]\s|\(|:", heading)[0].strip()
        if not head or len(head.split()) > 4:
            return None
        if head.isupper():
            low = head.lower()
            hay = self.title + "\n" + self.text.replace(heading, " " * len(heading))
            idx = hay.lower().find(low)
            if idx < 0:
                return None
            cased = hay[idx:idx + len(head)]
            return cased if cased[:1].isupper() and not cased.isupper() or self.names.trusted(cased.split()[0]) \
                else None
        names = self.chunks(head, "text")
        if len(names) == 1 and names[0].text == head:
            return head
        return None

    def run(self) -> list[_Cand]:
        title_sent = Sentence(self.title, 0, len(self.title), 0, "title")
        self.all_sents = segment(self.text)
        sents = [s for s in self.all_sents if s.kind != "noise"]
        self._scan_acquisitions(title_sent, sents)
        order = 0
        for c in self.read_sentence(title_sent, "title", order, self.title):
            self._resolve(c, None)
            self.cands.append(c)
        self.title_names = [n.text for n in self.chunks(self.title, "title")]
        self.title_amounts = [v for m in find_money(self.title) if (v := to_usd(m, self.resources, self.date))]
        self.focus = next((c.company for c in self.cands if c.company), None) or self._title_subject()
        title_focus = self.focus
        section_focus: str | None = None
        first_body_block = next((s.block for s in sents if s.kind in ("body", "bullet")), None)
        self.first_block = first_body_block
        block_focus: dict[int, str] = {}
        for sent in sents:
            order += 1
            if sent.kind == "heading":
                hc = self.heading_company(sent.text)
                section_focus = hc
                continue
            label_company = None
            if sent.label and sent.label.lower() not in tx.FIELD_LABELS:
                names = self.chunks(sent.label, "text")
                if names:
                    label_company = names[-1].text
                elif not is_location(sent.label) and sent.label[0].isupper() and len(sent.label.split()) <= 4 \
                        and not tx.find_round(sent.label):
                    label_company = sent.label  # "- Iliad: the telecoms group will invest ..."
            focus = label_company or section_focus or block_focus.get(sent.block) or \
                block_focus.get(sent.block - 1) or title_focus
            for c in self.read_sentence(sent, "text", order, sent.text):
                if c.company is None and label_company is None and sent.label and is_location(sent.label):
                    backed = re.search(r"\bbacked by\s+(?:[A-Z][\w ]*?'s\s+)?([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)*)",
                                       sent.text)
                    if backed:
                        c.company = backed.group(1)
                if c.company is None and label_company and c.deal_type != "acquisition" and (
                        c.generic_subject or c.verb == "invest"):
                    c.company = label_company
                self._resolve(c, focus)
                if c.valuation is None and self.pending_val and self.pending_val[0] in (sent.block,
                                                                                         sent.block - 1):
                    c.valuation = self.pending_val[1]
                self.cands.append(c)
                if c.company:
                    block_focus[sent.block] = c.company
            if sent.block not in block_focus:
                first = self.chunks(sent.text, "text")
                if first and first[0].start < 3 and not first[0].possessive and self.names.kind(first[0].text) \
                        not in ("vc", "pe", "bank", "person"):
                    pass
        return self.cands

    def _title_subject(self) -> str | None:
        names = [n for n in self.chunks(self.title, "title") if not n.possessive]
        return names[0].text if names else None

    def _resolve(self, c: _Cand, focus: str | None) -> None:
        if c.company is None and c.generic_subject:
            c.company = focus
        if c.company is not None:
            if is_location(c.company):
                c.company = None
                return
            c.company = self.canon(c.company)
            if c.deal_type == "joint_venture" and c.verb == "form":
                return  # the sponsors stay investors; the venture's own name is found later
            c.investors = [i for i in dedupe_names(c.investors) if not same_entity(i, c.company)]
            c.leads = [i for i in dedupe_names(c.leads) if not same_entity(i, c.company)]

    def _scan_acquisitions(self, title: Sentence, sents: list[Sentence]) -> None:
        """The article's acquisition target and buyer, so "paying $800m for the company" resolves."""
        for s in [title, *sents[:8]]:
            field_ = "title" if s is title else "text"
            m = re.search(r"(?:(?P<buyer>[A-Z][\w:.&-]*(?:\s[A-Z][\w:.&-]*)*)(?:'s|’s)\s+(?:[\w$.-]+\s){0,3}?)?"
                          r"(?:acquisition of|to acquire|acquires|acquired|to buy|buys|bought|takeover of)\s+",
                          s.text)
            if not m:
                continue
            names = self.chunks(s.text[m.end():m.end() + 60], field_)
            if names and names[0].start == 0:
                self.acq_target = names[0].text
                buyer = m.group("buyer")
                if not buyer:
                    subj = self.chunks(s.text[:m.start()], field_)
                    buyer = subj[-1].text if subj else None
                self.acq_buyers = [self.canon(buyer)] if buyer else []
                return


def _status(group: list[_Cand], context: str) -> str:
    dtype = group[0].deal_type
    body = [c for c in group if c.field == "text"] or group
    texts = [s.text for c in body for s in c.sentences[:1]] or [c.sent.text for c in body]
    joined = " ".join(texts)
    title_texts = " ".join(c.sent.text for c in group if c.field == "title")
    done = tx.DONE.search(joined) or tx.DONE.search(context)
    rumored = tx.RUMOR.search(joined) or (not [c for c in group if c.field == "text"] and tx.RUMOR.search(title_texts))
    if dtype == "acquisition":
        if done:
            return "closed"
        return "rumored" if rumored else "announced"
    if rumored and not (done and dtype in ("equity", "debt")):
        return "rumored"
    if dtype in ("compute_commitment", "infrastructure", "joint_venture"):
        return "closed" if done and dtype == "joint_venture" else "announced"
    if tx.CLOSED.search(joined):
        return "closed"
    if tx.ANNOUNCED.search(joined):
        return "announced"
    return "closed"


def _accept(r: _Reader, c: _Cand) -> bool:
    if c.company is None or c.background >= 2:
        return False
    if is_location(c.company) or c.company.lower() in ("ai", "the company"):
        return False
    amount = to_usd(c.money, r.resources, r.date)
    title_amount = amount is not None and any(abs(amount - v) <= 0.02 * v for v in r.title_amounts)
    title_company = (any(same_entity(c.company, n) for n in r.title_names) or (
        r.focus is not None and same_entity(c.company, r.focus))) and bool(_TITLE_DEAL_CUE.search(r.title))
    if c.field == "title":
        c.support = 3.0
        return True
    lead = c.sent.block == r.first_block or c.sent.block == (r.first_block or 0) + 1
    roundup = bool(c.sent.label) or bool(c.sent.section and not c.sent.background and c.sent.kind == "bullet")
    if c.sent.background:
        return False
    if title_amount:
        c.support = 2.5
        return True
    if title_company and c.background == 0:
        c.support = 2.0 if lead else 1.5
        return True
    if title_company and c.background == 1:
        c.support = 1.2
        return True
    if c.background == 0 and (lead or roundup) and c.sent.kind in ("body", "bullet"):
        c.support = 1.0
        return True
    return False


def _merge(r: _Reader, cands: list[_Cand]) -> list[DealMention]:
    groups: list[list[_Cand]] = []
    for c in cands:
        for g in groups:
            if g[0].deal_type == c.deal_type and same_entity(g[0].company or "", c.company or ""):
                g.append(c)
                break
        else:
            groups.append([c])
    deals: list[DealMention] = []
    for g in groups:
        best = max(g, key=lambda c: (-c.background, c.support + (0.4 if c.round else 0) + (0.3 if c.verb == "raise" else 0)
                                     + (0.2 if c.field == "text" else 0) - 0.01 * c.order))
        amount = to_usd(best.money, r.resources, r.date)
        same = [c for c in g if (a := to_usd(c.money, r.resources, r.date)) is None or amount is None
                or abs(a - amount) <= 0.05 * max(amount, 1.0)] or [best]
        investors = dedupe_names([i for c in same for i in c.investors])
        leads = dedupe_names([i for c in same for i in c.leads])
        if not leads and len(investors) == 1 and best.deal_type in ("equity", "debt") and best.verb in (
                "raise", "invest"):
            leads = list(investors)
        leads = [x for x in leads if any(same_entity(x, i) for i in investors)] or leads
        investors = dedupe_names(leads + investors) if leads else investors
        company = max((c.company for c in g if c.company), key=lambda n: (
            n == best.company, 0))
        fuller = [c.company for c in g if c.company and same_entity(c.company, company)]
        company = max(fuller, key=len) if fuller else company
        valuation = next((c.valuation for c in [best, *same] if c.valuation is not None), None)
        rnd = next((c.round for c in [best, *same] if c.round), None)
        deal_type = best.deal_type
        if deal_type == "joint_venture":
            venture = _venture_name(r, same)
            if venture:
                company = venture
            else:  # unnamed venture: the sponsor is the company, the partners its investors
                investors = [i for i in investors if not same_entity(i, company)]
                leads = [i for i in leads if not same_entity(i, company)]
        if deal_type == "financing_undisclosed_structure" and tx.DEBT_WORDS.search(best.sent.text) and not \
                tx.UNDISCLOSED_STRUCTURE.search(r.text):
            deal_type = "debt"
        ctx_sents = [s.text for s in r.all_sents if s.kind != "noise"
                     and any(abs(s.block - c.sent.block) <= 1 for c in same if c.field == "text")]
        context = " ".join(ctx_sents)
        status = _status(same, context if deal_type == "acquisition" else "")
        m = best.money
        evidence = []
        seen: set[tuple[int, int, str]] = set()
        for c in sorted(same, key=lambda c: c.order):
            for s in c.sentences[:2] or [c.sent]:
                key = (s.start, s.end, c.field)
                if key not in seen:
                    seen.add(key)
                    evidence.append(Evidence(s.text, s.start, s.end, c.field))
        ai_words = re.search(r"\b(?:AI|artificial intelligence|machine learning|model|LLM|GPU|data cent|chatbot|"
                             r"robot|compute|inference|generative|neural|agent)", " ".join(e.text for e in evidence)
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
            amount_text=m.text, currency=m.currency, round=rnd, investors=tuple(investors),
            lead_investors=tuple(leads), valuation_usd=_val(r, valuation), status=status,
            evidence=tuple(evidence), ai_related=ai, confidence=conf,
            amount_is_lower_bound=m.qualifier == "at_least", amount_note=note,
        ))
    return deals


def _venture_name(r: _Reader, group: list[_Cand]) -> str | None:
    """A named venture ("The Global AI Infrastructure Investment Partnership") near the deal sentence."""
    blocks = {c.sent.block for c in group if c.field == "text"}
    for s in r.all_sents:
        if s.kind == "noise" or not any(0 <= s.block - b <= 1 for b in blocks):
            continue
        for m in tx.VENTURE_NAME.finditer(s.text):
            name = re.sub(r"^The\s+", "", m.group(0).strip())
            if len(name.split()) >= 2 and name[0].isupper():
                return name
        for c in r.chunks(s.text, "text"):
            if r.names.kind(c.text) == "venture":
                return r.canon(c.text)
    return None


def _val(r: _Reader, m: Money | None) -> float | None:
    if m is None:
        return None
    v = to_usd(m, r.resources, r.date)
    return round(v, 2) if v is not None else None


def parse_article(title: str, text: str, published: dt.datetime | None = None, *,
                  resources: Resources) -> ArticleDeals:
    """The deals an article reports; ``is_deal`` is False for explainers, forecasts and background."""
    reader = _Reader(title or "", text or "", published, resources)
    cands = reader.run()
    accepted = [c for c in cands if _accept(reader, c)]
    return ArticleDeals(tuple(_merge(reader, accepted)))
