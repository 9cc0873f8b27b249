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
   paragraph, roundup item or a paragraph that opens on a named company's deal, no background
   or denial cue) and are merged per company and deal type.

Modules: ``frames`` (one figure -> a candidate), ``investors`` (investor lists),
``assembly`` (which candidates are news, merging into ``DealMention``); this module reads the
article sentence by sentence and keeps the focus company.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crawler.deals import classify
from crawler.deals import taxonomy as tx
from crawler.deals.amountless import amountless_deals, object_after
from crawler.deals.assembly import (
    accept,
    context_only,
    drop_buyer_echoes,
    drop_earlier,
    drop_echoes,
    drop_headline_figures,
    drop_sum_of_parts,
    merge,
    paragraph_items,
    same_figure,
    undisclosed_acquisition,
    vetoed,
)
from crawler.deals.entities import (
    STOP,
    Name,
    NameFinder,
    dedupe_names,
    is_location,
    is_title_case,
    same_entity,
)
from crawler.deals.entries import INVESTOR_LABELS as ENTRY_INVESTOR_LABELS
from crawler.deals.entries import entry_deals, with_entries
from crawler.deals.features import candidate_features
from crawler.deals.firstperson import FIRST_PERSON, PRONOUN, self_name
from crawler.deals.frames import ABOUT_LINE, PARENTHESES, TICKER, Candidate, FrameMixin, clause_start
from crawler.deals.investors import strip_relative
from crawler.deals.learned import THRESHOLD
from crawler.deals.model import ArticleDeals
from crawler.deals.money import Money, find_money, to_usd
from crawler.deals.resources import Resources
from crawler.deals.segment import Sentence, is_shouting, segment, unmark_strong
from crawler.deals.tables import table_deals

_ACQ_WORDS = ("acquisition of", "to acquire", "acquires", "acquired", "to buy", "buys", "bought", "takeover of")
_COMPANY_APPOSITIVE = re.compile(r",\s+(?:a|an|the)\s+(?:[\w'’-]+\s){0,5}?(?:company|startup|firm|maker|developer|"
                                 r"provider|platform|lab|business|operator|group|unicorn)\b", re.I)
_ORG_SUFFIX = re.compile(r"\s(?:AI|Robotics|Labs?|Technologies|Systems|Software|Analytics|Networks|Bio|Therapeutics|"
                         r"Health|Energy|Compute|Cloud|Data|Dynamics|Intelligence|Inc\.?|Corp\.?|Ltd\.?)$")
_NO_SYNDICATE = ("compute_commitment", "infrastructure", "acquisition")
_FORM_JV = re.compile(r"\b(?:form|forms|formed|forming|set up|sets up|setting up|create|creates|created|launch|"
                      r"launches|launched|establish|establishes|established)\s+(?:a|an|the)\s+(?:new\s+)?(?:[\d/]+\s+)?"
                      r"joint[- ]venture\b", re.I)
_VENTURE_NAMED = re.compile(r"\b(?:joint[- ])?venture(?:,?\s+(?:to be\s+)?(?:named|called|dubbed|known as)\s+|,\s+(?=[A-Z]))|"
                            r"\b(?:new company|new entity|venture|JV)\s+(?:will be|is to be|to be|would be)\s+"
                            r"(?:called|named|known as)\s+", re.I)
# "... to set up 'Kumo Grid' joint venture": the venture's name just before the words
_NAME_BEFORE_JV = re.compile(r"['‘\"“]?(?P<name>[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*){0,3})['’\"”]?\s+joint[- ]venture\b")
_INTO_VENTURE = re.compile(r"\b(?:to|in|into)\s+(?:it|the (?:new )?(?:joint )?venture|the JV)\b", re.I)
# Field labels whose figures are never the deal ("- Prior funding: $120 million Series D (2024)").
_NO_FIGURE_LABELS = frozenset({
    "lead", "leads", "others", "investors", "other investors", "backers", "participants", "why it matters", "why",
    "context", "background", "prior funding", "previous funding", "funding to date", "total raised", "our take",
    "my take", "take", "analysis", "verdict", "watch for", "what to watch", "use of funds", "valuation history",
    "methodology", "note", "notes", "source", "sources", "disclosure", "correction", "corrections", "editor's note",
    "consideration", "purchase price", "price", "terms", "payment", "deal terms",
    "description", "chart", "caption", "image", "photo", "graphic",
})
# Field labels that give the deal's own amount.
_AMOUNT_LABELS = frozenset({"amount", "size", "round size", "raised", "funding", "deal size", "amount raised"})
# Field labels that name the company a deal sheet is about.
_COMPANY_LABELS = frozenset({"company", "startup", "target", "borrower"})
_HEADLINE_SUBJECT = re.compile(r"[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,2}")
_DESCRIBES = re.compile(r"\s+(?:firm|startup|start-up|company|maker|developer|group|lab|unicorn|outfit)\b")
_LIST_TITLE = re.compile(r",[^,]+,|;|\b(?:and more|plus more|& more)\b", re.I)
_OPINION_TITLE = re.compile(r"\s*(?:Opinion|Op-ed|Op-Ed|Column|Commentary|Editorial|Viewpoint|Perspective|"
                            r"Letter|Letters|Guest post|Guest column)\s*[:|–—-]", re.I)
_GOODS = re.compile(r"(?:'s|’s)?\s+(?:[\w-]+\s)?(?:chips|GPUs?|processors|accelerators|servers|hardware|shares|stock|"
                    r"products|systems|capacity|equipment|licen[cs]es)\b", re.I)
# "AI-powered freight audit" in a headline: an adjective, no company.
_COMPOUND_ADJECTIVE = re.compile(r"[A-Z]{2,}-[a-z]+(?:-[a-z]+)*")
# "Nvidia makes strategic investment in optical startup Photonix": the headline's story is Photonix's.
_TITLE_INVESTEE = re.compile(r"(?i)\b(?:invests?|investment|stake|bets?)\s+(?:[\w$.-]+\s+){0,2}?in\s+|"
                             r"\b(?:backs|funds)\s+")
# "we've closed a $4.2M pre-seed for Gristmill": the company after the figure in a first-person post.
_FOR_NAME = re.compile(r"\s*(?:[\w-]+\s+){0,3}?for\s+(?=[A-Z])")
# A wire service's headline tag: "BRIEF-Marigold Payments gets ...".
_WIRE_TAG = re.compile(r"^(?:BRIEF|UPDATE(?:\s\d+)?|EXCLUSIVE|CORRECTED|REFILE|RPT|WRAPUP(?:\s\d+)?|BUZZ|"
                       r"INSTANT VIEW|FACTBOX|ANALYSIS)\s?-\s?(?=\S)")
# A byline in the languages regional outlets publish in: "By", "Par", "Por", "Von", "Door", "Di", "Av", "Af".
_BYLINE = re.compile(r"(?:By|BY|Par|Por|Von|Door|Di|Da|Av|Af|Written by|Words by|Reporting by)\s+[A-Z]")
# "Toronto-based Ideogram": how a story introduces a company.
_INTRODUCED = re.compile(r"\b[\w.]+-(?:based|headquartered)\s+")
_BARE_NAME_TAIL = re.compile(r"\s*(?:\([^)]{1,40}\))?\s*[.:]?\s*")
_SECTION_WORDS = frozenset({"funds", "deals", "rounds", "rumours", "rumors", "exits", "m&a", "ipos", "debt", "also",
                            "elsewhere", "briefly", "people", "hires", "moves", "markets", "policy", "research"})
# "Then on Wednesday, " / "Next up, " before a name that is the whole sentence
_LEAD_IN_NAME = re.compile(r"(?:[A-Z]\w*)(?:\s+[\w-]+){0,4},\s+")
# A masthead or a breadcrumb: a name beside the page's section ("| Press Release", "› Funding")
_MASTHEAD = re.compile(r"(?i)\s[|›»/]\s*(?:press releases?|news(?:room)?|funding|deals|business|tech(?:nology)?|markets?|"
                       r"startups?|opinion|features?|analysis|finance|ventures?|announcements?|blog)\b|"
                       r"\b(?:press releases?|newsroom)\s*[|›»/]")
_SPEAKS = re.compile(r"(?:,[^,]{1,120},)?\s+(?:said|says|announced|confirmed|told|plans|will|expects)\b")
_PROSE_OPENING = re.compile(r"(?:A|An|The|In|On|At|After|When|For|With|Its|Two|Three)\s")
_NAMED_LATER = re.compile(r"(?:The|This) (?:company|startup|firm|lab|business|maker|developer), ")
_OF_SHARES = re.compile(r"\s+(?:worth\s+)?(?:of|in)\s+(?:its\s+|their\s+|the\s+company's\s+)?(?:shares|stock)\b", re.I)
_RAISED_JUST_BEFORE = re.compile(r"(?i)\b(?:raised|raises|raising|secured|closed)\s+(?:\w+\s+){0,2}$")
_PARTS_CUE = re.compile(r"(?i)\b(?:comprising|comprised of|made up of|consisting of|split (?:into|between)|"
                        r"divided (?:into|between)|in the form of)\b")
# "The larger piece is a $1.8bn ...", "The equity portion, $500 million, ...": one part of a total told before
_PIECE = re.compile(r"(?i)^(?:the\s+)?(?:larger|smaller|biggest|largest|first|second|third|other|remaining|equity|debt|"
                    r"credit|loan|cash)\s+(?:piece|part|portion|component|slice|leg)\b")
_DEBT_NOUN = re.compile(r"(?i)\b(?:facility|senior secured|delayed[- ]draw|term loan|revolver|lending)\b")
_TYPED_PART = re.compile(r"(?i)\b(equity|debt|loans?|credit|venture debt)\s*\(\s*$")
_IN_CASH = re.compile(r"\s+in cash\b", re.I)
_SHEET_OPENER = re.compile(r"((?:[A-Z][\w.&'’-]*\s+){0,2}[A-Z][\w.&'’-]*)\s+(?:is|are|was|has|[a-z]{2,}[^s\W]s)\b")
_ROUND_REF = re.compile(r"\b(?:the|this|its) (?:\w+ )?(?:round|financing|raise|funding|investment|facility|loan|"
                        r"deal|tranche)\b", re.I)


class _Reader(FrameMixin):
    """Per-article state: the name finder, the dates, the focus company and the candidates."""

    def __init__(self, title: str, text: str, published: dt.datetime | None, resources: Resources,
                 url: str | None = None) -> None:
        self.title = title
        self.url = url
        self._self_name: tuple[str | None] | None = None
        self.published_text = text  # as given: evidence quotes it
        text, self.strong_labels = unmark_strong(text)
        self.text = text
        self.resources = resources
        self.date = published.date() if published else None
        self.year = published.year if published else None
        self.month = published.month if published else None
        self.names = NameFinder(resources, [title, text])
        self.title_case = is_title_case(title)
        self.cands: list[Candidate] = []
        self.title_names: list[str] = []
        self.title_amounts: list[float] = []
        self.title_no_deal = False
        self.raw_title = title
        self.focus: str | None = None
        self.acq_target: str | None = None
        self.acq_buyers: list[str] = []
        self.acq_sent: Sentence | None = None
        self.all_sents: list[Sentence] = []
        self.first_block: int | None = None
        self.pre_money: set[Money] = set()
        self.jv_sponsors: list[str] = []
        self.title_types: set[str] = set()
        self.jv_name: str | None = None
        self.feature_cache: dict[str, Any] = {}  # features.py: facts shared by a sentence's or the article's candidates
        self.loose: list[Candidate] = []  # deal figures no frame read (loose_candidate)
        self.recap_spans: list[tuple[int, int]] = []  # lines of a list that recaps a past period (entries.py)

    # ---------------------------------------------------------------- names
    def chunks(self, s: str, field_: str) -> list[Name]:
        return [c for c in self.names.chunks(s, title_case=(field_ == "title" and self.title_case))
                if not is_location(c.text) and not (s[max(0, c.start - 4):c.start] == "New " and
                                                    is_location("New " + c.text))]  # "The New York company"

    def canon(self, name: str) -> str:
        return self.names.canonical(name)

    def self_company(self) -> str | None:
        """Who "we" is in a company's own post: its site's name, sign-off or boilerplate, else the headline's."""
        if self._self_name is None:
            names = [n.text for n in self.chunks(self.title, "title")]
            names += [n.text for line in self.text.split("\n") if line.strip() for n in self.chunks(line, "text")]
            found = self_name(self.url, self.title, self.text, names)
            if found is None and self.title_names and not FIRST_PERSON.search(self.title[:20]):
                found = self.title_names[0]
            self._self_name = (self.canon(found) if found else None,)
        return self._self_name[0]

    def _first_person(self) -> None:
        """Deal figures whose subject is "we"/"our" belong to the company the article speaks for."""
        for c in self.cands:
            if c.company is not None and not PRONOUN.match(c.company):
                continue
            if FIRST_PERSON.search(c.sent.text[:c.money.start]):  # money spans index the sentence
                named = _FOR_NAME.match(c.sent.text, c.money.end)
                names = self.chunks(c.sent.text[named.end():named.end() + 60], "text") if named else []
                if names and names[0].start == 0 and self.names.kind(names[0].text) not in ("vc", "pe", "bank", "person"):
                    c.company, c.generic_subject = names[0].text, False  # "we've closed a $4.2M pre-seed for Gristmill"
                    continue
                me = self.self_company()
                if me:
                    c.company, c.generic_subject = me, False

    # ---------------------------------------------------------------- sentences
    def read_sentence(self, sent: Sentence, field_: str, order: int, t: str) -> list[Candidate]:
        out: list[Candidate] = []
        label = (sent.label or "").lower()
        moneys = find_money(t)
        if moneys and (classify.carries_no_deal(t) or field_ == "text" and is_shouting(t)):
            moneys = []  # ... or a wire brief's capitals: its headline has the figure in ordinary case
        vals: list[Money] = []
        loose_here: list[Candidate] = []
        parts_of: list[Candidate] = []  # totals told in parts, each part a deal of its own
        for m in moneys:
            ms, me = m.start, m.end
            if label in _NO_FIGURE_LABELS or label.startswith(("total", "sum of", "combined")):
                continue  # "Total disclosed: $534.5M across five deals
            role = classify.money_role(t, m, ms, me, label=sent.label)
            if role == "valuation" and tx.ACQUIRE_VERBS.search(t[clause_start(t, ms):ms]) and not \
                    tx.VALUATION_AFTER.match(t[me:]):
                role = "deal"
            elif role == "nondeal" and _IN_CASH.match(t[me:]) and (tx.ACQUIRE_VERBS.search(t[:ms]) or
                                                                   _RAISED_JUST_BEFORE.search(t[:ms])):
                role = "deal"  # "its acquisition of X ... for $665 million in cash", "has raised $1 billion in cash"
            elif role == "nondeal" and _OF_SHARES.match(t[me:]) and tx.SECONDARY.search(t):
                role = "deal"  # "employees sold about $420 million of shares in a tender offer"
            if role == "valuation":
                bg = classify.background_level(t[clause_start(t, ms):ms], t[me:me + 40].split(",")[0], self.year, self.month)
                if bg < 2 or label == "valuation":
                    vals.append(m)
                continue
            if role != "deal":
                continue
            part = _TYPED_PART.search(t[:ms]) if moneys[0] is not m else None
            if part is not None:
                # "a $750 million mix of equity ($200 million) and debt ($550 million)": each part its own deal,
                # of the company the sum is about (or the article's, when the sum has no verb of its own)
                whole = next((c for c in reversed(out) if c.money.end <= ms), None)
                dtype = "debt" if tx.DEBT_WORDS.search(part.group(1)) else "equity"
                piece = Candidate(whole.company if whole else None, dtype, m, sent, field_, order, verb="raise",
                                  generic_subject=whole.generic_subject if whole else True,
                                  round=whole.round if whole and dtype == "equity" else None)
                piece.background = whole.background if whole else 0
                out.append(piece)
                continue
            whole = next((c for c in reversed(out) if c.money.end <= ms), None)
            cue = _PARTS_CUE.search(t, whole.money.end, ms) if whole is not None else None
            next_part = cue is None and bool(parts_of) and whole is not None and \
                re.search(r"\band\b", t[whole.money.end:ms]) is not None
            if next_part:
                whole = parts_of[-1]  # "... and a A$10 million debt facility from X": the next part of that total
            if whole is not None and (cue is not None or next_part):
                # "raised A$30 million, made up of a A$20 million Series B ... and a A$10 million debt facility":
                # a total told in parts. A named round's total is the one deal ("$60 million in Series B funding,
                # comprising $48 million in equity and $12 million in venture debt"); otherwise each part is one.
                if cue is not None and whole in out and whole.deal_type != "acquisition" and \
                        not tx.find_round(t[whole.money.end:cue.start()]):  # a price paid in cash and stock stays one
                    out.remove(whole)
                if whole not in out:
                    tail = t[me:me + 60].split(",")[0]
                    dtype = "debt" if tx.DEBT_WORDS.search(tail) else "equity"
                    piece = Candidate(whole.company, dtype, m, sent, field_, order, verb="raise",
                                      generic_subject=whole.generic_subject,
                                      round=tx.find_round(tail) if dtype == "equity" else None)
                    piece.background = whole.background
                    out.append(piece)
                    parts_of.append(whole)
                continue
            cand = self.frame(sent, t, m, ms, me, field_, order)
            if cand is None and label in _AMOUNT_LABELS:  # a deal sheet's "- Amount: $310 million"
                dtype = "debt" if tx.DEBT_WORDS.search(t) else "equity"
                cand = Candidate(None, dtype, m, sent, field_, order, verb="raise", generic_subject=True,
                                 round=tx.find_round(t))
            if cand is None and field_ == "text" and _PIECE.match(t) and (total := self._total_before(sent, m)):
                # "... closed $2.3bn of financing. The larger piece is a $1.8bn senior secured facility led by
                # Blue Owl": a part of the total told just before, of the kind its own noun names
                tail = t[me:me + 70]
                dtype = "debt" if tx.DEBT_WORDS.search(tail) or _DEBT_NOUN.search(tail) else "equity"
                cand = Candidate(total.company, dtype, m, sent, field_, order, verb="raise",
                                 generic_subject=total.generic_subject)
                cand.background = total.background
            if cand is not None:
                self.joint_venture(cand, t, field_)
                out.append(cand)
            elif field_ == "text" and sent.kind in ("body", "bullet") and not sent.background:
                loose_here.append(self.loose_candidate(sent, t, m, order))
        if len(vals) > 1:  # pre- and post-money both given: the post-money figure first
            rank = {"post": 0, None: 1, "pre": 2}
            vals.sort(key=lambda v: rank[classify.valuation_basis(t, v.start, v.end)])
        for v in vals:
            if classify.valuation_basis(t, v.start, v.end) == "pre":
                self.pre_money.add(v)
        inv, leads = self.investor_mentions(t, field_)
        if label == "round" and self.cands and self.cands[-1].round is None and not out:
            self.cands[-1].round = tx.find_round(t)  # "- Round: Series E" under the sheet's amount
        if label in ("lead", "leads", "lead investor", "lead investors", "led by"):
            names = self.name_list(t[len(sent.label or "") + 1:].split(" with ")[0].split(",")[0], field_)
            leads += names
            inv += names
        elif label in ENTRY_INVESTOR_LABELS:
            inv += self.name_list(t[len(sent.label or "") + 1:], field_)
        every = sorted(out + loose_here, key=lambda c: c.money.start)  # a loose figure keeps its own backers
        for c in out + loose_here:
            if c not in loose_here:
                c.sentences.append(sent)
            if c.valuation is None and vals:
                c.valuation = vals[0]
            if c.deal_type in _NO_SYNDICATE and c.investors:
                continue  # a provider, builder or buyer: the round's investors are not its counterparties
            for n in inv:
                if not same_entity(n, c.company or "") and n not in c.investors and _nearest(every, t, n) is c:
                    c.investors.append(n)
            for n in leads:
                if not same_entity(n, c.company or "") and n not in c.leads and _nearest(every, t, n) is c:
                    c.leads.append(n)
        self.loose += loose_here
        if not out:
            self._attach(sent, inv, leads, vals)
        return out

    def _total_before(self, sent: Sentence, m: Money) -> Candidate | None:
        """The latest deal of the paragraph or the one before that is larger than ``m``: the total it is part of."""
        part = to_usd(m, self.resources, self.date)
        for c in reversed(self.cands):
            if sent.block - c.sent.block > 1 or c.field != "text":
                break
            whole = to_usd(c.money, self.resources, self.date)
            if c.company and part and whole and whole > part * 1.05 and c.deal_type != "acquisition":
                return c
        return None

    def loose_candidate(self, sent: Sentence, t: str, m: Money, order: int) -> Candidate:
        """A deal-sized figure in a sentence no frame could read ("Medrift ($18 million Series A, led by
        a16z), Caelum ... all announced rounds"): its likeliest company is the sentence's first name that is
        no backer, place or person, else the label, the paragraph's or the story's focus. The rules never
        accept it; the learned scorer weighs it with ``loose`` set."""
        company = None
        for n in self.chunks(t[:m.start], "text"):
            if n.possessive and n.end < m.start - 3 or is_location(n.text) or _AFTER_PREPOSITION.search(t[:n.start]) or \
                    self.names.kind(n.text) in ("vc", "pe", "bank", "media", "person", "regulator", "sovereign"):
                continue
            company = n.text
            break
        if company is None and sent.label and sent.label.lower() not in tx.FIELD_LABELS:
            company = sent.label
        company = company or self.focus
        dtype = "acquisition" if tx.ACQUIRE_VERBS.search(t) or _SALE_WORDS.search(t) else "debt" if tx.DEBT_WORDS.search(t) else "equity"
        c = Candidate(self.canon(company) if company else None, dtype, m, sent, "text", order, verb="loose",
                      round=tx.find_round(t[m.end:m.end + 60]), loose=True)
        c.background = classify.background_level(t[clause_start(t, m.start):m.start], t[m.end:m.end + 40].split(",")[0],
                                                 self.year, self.month)
        c.sentences.append(sent)
        return c

    def _attach(self, sent: Sentence, inv: list[str], leads: list[str], vals: list[Money]) -> None:
        """Investor lists and valuations in a sentence without a deal figure go to the deal in focus."""
        if not self.cands or not (inv or leads or vals):
            if vals:
                self.pending_val = (sent.block, vals[0])
            return
        cur = self.cands[-1]
        if sent.kind == "bullet" and not sent.label and cur.field != "title" and sent.block != cur.sent.block:
            inv, leads = [], []  # the next item of a list: its backers are its own company's
        if inv or leads:
            # investors go to the latest deal that has a syndicate, not to a compute deal or an acquisition
            live = [c for c in reversed(self.cands) if c.deal_type not in _NO_SYNDICATE and c.background < 2
                    and (c.company or c.generic_subject)]
            want = "debt" if tx.DEBT_WORDS.search(sent.text) and not tx.EQUITY_WORDS.search(sent.text) else \
                "equity" if tx.EQUITY_WORDS.search(sent.text) and not tx.DEBT_WORDS.search(sent.text) else None
            cur = next((c for c in live if c.deal_type == want), None) or (live[0] if live else cur)
            if cur.deal_type in _NO_SYNDICATE and cur.investors:
                inv, leads = [], []  # a buyer or provider is known; "its investors, led by X" are the sellers
            if classify.background_level(strip_relative(sent.text), "", self.year, self.month) >= 2 or (
                    sent.block > (self.first_block or 0) + 1 and tx.STAKE_SO_FAR.search(sent.text)):
                inv, leads = [], []  # earlier backers, or a shareholder's stake recalled further down
        elif cur.deal_type != "equity":
            # "The company also secured €20 million in venture debt." "... put the valuation at €600 million":
            # a valuation is an equity round's
            cur = next((c for c in reversed(self.cands) if c.deal_type == "equity" and c.background < 2
                        and (c.company or c.generic_subject)), cur)
        reach = 4 if sent.kind == "bullet" and sent.label else 2  # "- Others: ..." in a brief's bullet list
        if (inv or leads or vals) and _ROUND_REF.search(sent.text) or (inv or leads) and \
                self.syndicate_block == (id(cur), sent.block):
            reach = 5  # "Other investors in the round include ...", "The round values it at ..." further down,
            # or the next sentence of a paragraph that has just named this deal's investors
        near_lead = cur.field == "title" and self.first_block is not None and \
            sent.block - self.first_block <= 2 and not any(c.field == "text" for c in self.cands)
        if (cur.field == "title" and not near_lead) or (cur.field != "title" and sent.block - cur.sent.block > reach):
            if vals:
                self.pending_val = (sent.block, vals[0])
            return
        for n in inv:
            if not same_entity(n, cur.company or "") and n not in cur.investors:
                cur.investors.append(n)
        for n in leads:
            if not same_entity(n, cur.company or "") and n not in cur.leads:
                cur.leads.append(n)
        if inv or leads:
            self.syndicate_block = (id(cur), sent.block)
        if (inv or leads) and cur.round is None and cur.deal_type == "equity":
            cur.round = tx.find_round(sent.text)  # "... raised the money in a Series B round led by X"
        base = (self.first_block or 0) if cur.field == "title" else cur.sent.block
        if vals and sent.block - base <= reach and (cur.valuation is None or (
                cur.valuation in self.pre_money and vals[0] not in self.pre_money)):
            cur.valuation = vals[0]  # a post-money figure in the next sentence replaces a pre-money one
        if inv or leads or vals:
            cur.sentences.append(sent)

    pending_val: tuple[int, Money] | None = None
    syndicate_block: tuple[int, int] | None = None  # (deal, paragraph) investors were last attached in

    def _dateline(self, sent: Sentence) -> bool:
        """Whether a capitals label opening the story's first paragraph is its dateline: no other paragraph opens
        on one, and the sentence goes on in prose ("CUYAHOGA FALLS — A Cuyahoga Falls company that ...")."""
        if sent.block != self.first_block:
            return False
        others = [s for s in self.all_sents if s.label and s.label.isupper() and s.block != sent.block]
        rest = sent.text[len(sent.label):].lstrip(" -–—")
        return not others and bool(_PROSE_OPENING.match(rest))

    def heading_company(self, heading: str) -> str | None:
        if _BYLINE.match(heading):
            return None  # "Par Camille Roussel — 18 mars 2026": who wrote it
        if _MASTHEAD.search(heading):
            return None  # "India Biz Wire | Press Release", "Startups › Funding": the outlet and its section
        head = re.split(r"\s[-–—|]\s|\(|:", heading)[0].strip()
        if not head or len(head.split()) > 4 or head.lower() in tx.FIELD_LABELS:
            return None  # "Headquarters: San Francisco" is a field of a deal sheet, not a company's section
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

    def run(self) -> list[Candidate]:
        title_sent = Sentence(self.title, 0, len(self.title), 0, "title")
        self.all_sents = segment(self.text, self.strong_labels)
        sents = [s for s in self.all_sents if s.kind != "noise"]
        self._scan_acquisitions(title_sent, sents)
        self._scan_venture(title_sent, sents)
        order = 0
        for c in self.read_sentence(title_sent, "title", order, self.title):
            self._resolve(c, None)
            self.cands.append(c)
        self.title_names = [n.text for n in self.chunks(self.title, "title")]
        self.title_types = {c.deal_type for c in self.cands if c.field == "title" and c.company}
        self.title_amounts = [v for m in find_money(self.title) if (v := to_usd(m, self.resources, self.date))]
        # ... or one that recalls a deal ("Q&A: A week after X's $250 million raise, Y's CEO says ...")
        recalled = [c for c in self.cands if c.field == "title"]
        self.title_no_deal = classify.carries_no_deal(self.title, listing=False) or (
            all(c.background >= 1 for c in recalled) and bool(recalled or tx.BACKGROUND_STRONG.search(self.title)))
        self.focus = next((c.company for c in self.cands if c.company), None) or self._title_subject() or \
            self._about_name()
        title_focus = self.focus
        if not self.cands and _LIST_TITLE.search(self.title):
            title_focus = None  # "The Cap Table: a tender at X, a robotics round, and more": no one company
        section_focus: str | None = None
        first_body_block = next((s.block for s in sents if s.kind in ("body", "bullet")), None)
        self.first_block = first_body_block
        block_focus: dict[int, str] = {}
        name_items: set[int] = set()  # list items that are a name alone, their story in the next paragraph
        prev_sent: Sentence | None = None
        prev: tuple[int, str, int] | None = None  # (block, company, sentence start) the last sentence was about
        for sent in sents:
            order += 1
            if sent.kind == "heading":
                hc = self.heading_company(sent.text)
                section_focus = hc
                prev_sent = None
                continue
            label_company = None
            if sent.label and sent.label.lower() in _COMPANY_LABELS:
                names = self.chunks(PARENTHESES.sub("", sent.text[len(sent.label) + 1:]), "text")
                if names:
                    section_focus = names[0].text  # "- Company: Corvalis Silicon (Austin, TX)"
            if sent.label and sent.label.lower() not in tx.FIELD_LABELS:
                names = self.chunks(sent.label, "text")
                if sent.label.isupper() and self._dateline(sent):
                    pass  # "CUYAHOGA FALLS — A Cuyahoga Falls company that ...": where the story was filed
                elif sent.label.isupper():
                    # as the article spells it elsewhere, else in title case when it is one word ("PYLONWORKS");
                    # "RUMOUR MILL" or "FUNDS" name a section, not a company
                    label_company = self.heading_company(sent.label) or (
                        sent.label.title() if " " not in sent.label and sent.label.lower() not in tx.FIELD_LABELS
                        and sent.label.lower() not in _SECTION_WORDS else None)
                elif tx.is_phrase_label(sent.label):
                    pass  # "Fuel for the fleet: we've closed ...": a kicker, not a name
                elif names:
                    label_company = names[-1].text
                elif not is_location(sent.label) and sent.label[0].isupper() and len(sent.label.split()) <= 4 \
                        and not tx.find_round(sent.label):
                    label_company = sent.label  # "- Iliad: the telecoms group will invest ..."
            if sent.kind == "bullet" and sent.block not in block_focus and (prev_sent is None or
                                                                             prev_sent.block != sent.block):
                opener = self.chunks(sent.text, "text")[:1]  # "1) ElevenLabs opens a tender. The company ..."
                if opener and opener[0].start == 0 and not opener[0].possessive and \
                        self.names.kind(opener[0].text) not in ("vc", "pe", "bank", "person"):
                    block_focus[sent.block] = opener[0].text
                    if not PARENTHESES.sub("", sent.text[opener[0].end:]).strip(" .*"):
                        name_items.add(sent.block)  # "1. Kaleido Systems (Berlin)": the item's story follows
            named = self._named_later(sent)
            if named is not None:
                for c in self.cands:
                    if c.company is None and c.generic_subject and sent.block - c.sent.block <= 2:
                        self._resolve(c, named)  # "...handed it $110 million." "The company, Pliant, raised ..."
                        block_focus[c.sent.block] = c.company
                title_focus = title_focus or named
            near = label_company or section_focus or block_focus.get(sent.block)
            far = block_focus.get(sent.block - 1) or title_focus
            back: str | None = None
            for c in self.read_sentence(sent, "text", order, sent.text):
                if near is None and back is None and c.company is None and prev_sent is not None and \
                        prev_sent.block == sent.block:
                    # "It"/"the company" right after a sentence about a named company means that company
                    prev = self._sentence_subject(prev_sent) or self._introduced(prev_sent)
                    if prev is not None and (title_focus is None or same_entity(prev[1], title_focus) or any(
                            same_entity(prev[1], n) for n in self.title_names)):  # or another company the title names
                        back = prev[1]
                focus = near or back or far
                if label_company and c.company == sent.label:
                    c.company = label_company
                if c.company is None and label_company is None and sent.label and is_location(sent.label):
                    backed = re.search(r"\bbacked by\s+(?:[A-Z][\w ]*?'s\s+)?([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)*)",
                                       sent.text)
                    if backed:
                        c.company = backed.group(1)
                if c.company is None and label_company and c.deal_type != "acquisition" and (
                        c.generic_subject or c.verb == "invest" or sent.label.isupper()):
                    c.company = label_company
                generic = c.company is None and c.generic_subject
                self._resolve(c, focus)
                if generic and back is not None and prev is not None and c.company == self.canon(back):
                    c.anchor = prev[2]
                elif generic and focus is far and sent.block - 1 in name_items and near is None and back is None:
                    c.anchor = sent.start  # "The industrial-planning startup raised ..." under its item's name
                if c.valuation is None and self.pending_val and (self.pending_val[0] == sent.block or (
                        self.pending_val[0] == sent.block - 1 and sent.kind != "bullet")):
                    c.valuation = self.pending_val[1]
                self.cands.append(c)
                if c.company:
                    block_focus[sent.block] = c.company
            prev_sent = sent
        self._venture_money()
        self._first_person()
        self._sheet_companies(sents)
        self._named_after(sents)
        return self.cands

    def _named_after(self, sents: list[Sentence]) -> None:
        """A deal whose subject only describes its company ("A Cuyahoga Falls company that ... has raised $2.6
        million") takes the name the next sentence speaks for ("Toolroom Pilot said the round was led by ...")."""
        for c in self.cands:
            if c.company is not None or c.generic_subject or c.field != "text":
                continue
            following = [s for s in sents if s.start > c.sent.start and s.block - c.sent.block <= 1][:2]
            for s in following:
                names = self.chunks(s.text, "text")
                if names and names[0].start == 0 and not names[0].possessive and _SPEAKS.match(s.text, names[0].end) \
                        and self.names.kind(names[0].text) not in ("vc", "pe", "bank", "person", "media"):
                    c.company = self.canon(names[0].text)
                    if not c.investors:  # "... said the round was led by the Akron Angel Network"
                        inv, leads = self.investor_mentions(s.text, "text")
                        c.investors = [i for i in inv if not same_entity(i, c.company)]
                        c.leads = [i for i in leads if i in c.investors]
                    break

    def _sheet_companies(self, sents: list[Sentence]) -> None:
        """A deal sheet ("Funding: $250 million in Series A funding." ... "What company does: Liquid AI builds
        ...") names its company in a later field: the figure belongs to the name that field opens on."""
        index = {id(s): k for k, s in enumerate(sents)}
        for c in self.cands:
            if c.company is not None and not c.generic_subject:
                continue
            label = (c.sent.label or "").lower()
            k = index.get(id(c.sent))
            if k is None or label not in tx.FIELD_LABELS:
                continue
            own = self.chunks(c.sent.text[len(c.sent.label or "") + 1:].lstrip(), "text")
            if own and own[0].start == 0 and not own[0].possessive and self.names.kind(own[0].text) is None:
                c.company, c.generic_subject = self.canon(own[0].text), False  # "Funding: Nuon exited stealth with ..."
                continue
            for s in sents[k + 1:k + 12]:
                lab = (s.label or "").lower()
                if lab == label or s.block - c.sent.block > 8:
                    break  # the next sheet has begun
                if lab in tx.DESCRIBES_COMPANY_LABELS:
                    body = s.text[len(s.label or "") + 1:].lstrip()
                    names = self.chunks(body, "text")
                    # the field opens on the name even when the article capitalises it nowhere else
                    opener = _SHEET_OPENER.match(body)
                    name = names[0].text if names and names[0].start == 0 and not names[0].possessive else \
                        opener.group(1) if opener and opener.group(1).split()[0].lower() not in STOP else None
                    if name:
                        c.company, c.generic_subject = self.canon(name), False
                    break

    def _scan_venture(self, title: Sentence, sents: list[Sentence]) -> None:
        """The sponsors and name of a joint venture the article's lead says is being formed."""
        for s in [title, *sents[:6]]:
            if not any(w in s.text for w in ("enture", "JV", "called", "named", "known as")):
                continue  # every pattern below needs one of these
            field_ = "title" if s is title else "text"
            m = _FORM_JV.search(s.text)
            if m and not self.jv_sponsors:
                sponsors = self.name_list(s.text[:m.start()], field_)
                if len(sponsors) >= 2:
                    self.jv_sponsors = sponsors
            before_jv = _NAME_BEFORE_JV.search(s.text)
            if before_jv and self.jv_name is None and not any(
                    same_entity(before_jv.group("name"), n) for n in self.jv_sponsors):
                self.jv_name = self.canon(before_jv.group("name"))
            named = _VENTURE_NAMED.search(s.text)
            if named and self.jv_name is None:
                names = self.chunks(s.text[named.end():named.end() + 60], field_)
                if names and names[0].start == 0:
                    self.jv_name = self.canon(names[0].text)

    def _venture_money(self) -> None:
        """"The partners will commit $1bn of equity to it": money the sponsors put into their venture."""
        if not self.jv_sponsors:
            return
        for c in self.cands:
            if c.deal_type == "infrastructure" and self.jv_name and same_entity(c.company or "", self.jv_name):
                # "Kumo Grid plans to invest ¥450 billion to build ...": the venture's own build-out
                c.deal_type, c.investors, c.leads = "joint_venture", list(self.jv_sponsors), list(self.jv_sponsors)
                continue
            if c.deal_type in ("infrastructure", "equity", "financing_undisclosed_structure") and \
                    c.verb == "invest" and (c.company is None or c.generic_subject or any(
                        same_entity(c.company, s) for s in self.jv_sponsors)) and _INTO_VENTURE.search(c.sent.text):
                # the sponsor the sentence says puts the money in ("Orinoco will provide $750m to the venture"),
                # else all of them ("the partners will commit ...")
                payers = [s for s in self.jv_sponsors if any(same_entity(s, n) for n in [*c.investors, c.company or ""])]
                payers = payers if payers and not c.generic_subject else list(self.jv_sponsors)
                c.company = self.jv_name or self.jv_sponsors[0]
                c.deal_type, c.generic_subject = "joint_venture", False
                c.investors, c.leads = payers, list(payers)

    def _named_later(self, sent: Sentence) -> str | None:
        """The name in "The company, Pliant Dynamics, raised ...": a feature that names its subject late."""
        m = _NAMED_LATER.match(sent.text)
        if m is None:
            return None
        names = self.chunks(sent.text[m.end():m.end() + 60], "text")
        if names and names[0].start == 0 and sent.text[m.end() + names[0].end:].startswith(","):
            return names[0].text
        return None

    def _sentence_subject(self, sent: Sentence) -> tuple[int, str, int] | None:
        """The company a sentence opens on when it reads as one ("Acme Robotics, the startup behind ...")."""
        names = self.chunks(sent.text, "text")
        if names and _LEAD_IN_NAME.fullmatch(sent.text[:names[-1].start]) and \
                not sent.text[names[-1].end:].strip(" .!:") and not names[-1].possessive:
            return sent.block, names[-1].text, sent.start  # "Then on Wednesday, Pinecrest Vision." opens its item
        if not names or names[0].start > 2 or names[0].possessive:
            return None
        name = names[0].text
        if self.names.kind(name) in ("vc", "pe", "bank", "person"):
            return None
        rest = sent.text[names[0].end:names[0].end + 80]
        if _COMPANY_APPOSITIVE.match(rest) or _ORG_SUFFIX.search(name) or self.names.kind(name) is not None or \
                _BARE_NAME_TAIL.fullmatch(rest):  # a roundup item's "Sutrabase (Bengaluru)." line
            return sent.block, name, sent.start
        return None

    def _introduced(self, sent: Sentence) -> tuple[int, str, int] | None:
        """The one company a sentence introduces as "Toronto-based Ideogram" wherever it stands: "the startup"
        in the next sentence means it."""
        starts = {m.end() for m in _INTRODUCED.finditer(sent.text)}
        names = [n.text for n in self.chunks(sent.text, "text") if n.start in starts and not n.possessive]
        if len(names) != 1 or self.names.kind(names[0]) in ("vc", "pe", "bank", "person"):
            return None
        return sent.block, names[0], sent.start

    def _about_name(self) -> str | None:
        """A press release that calls itself "the platform" until its boilerplate: "About Ledgerline"."""
        about = ABOUT_LINE.search(self.text)
        return about.group("name").strip() if about else None

    def _title_subject(self) -> str | None:
        inv = _TITLE_INVESTEE.search(self.title)
        if inv is not None:  # "Nvidia makes strategic investment in optical startup Photonix": Photonix's story
            after = [n for n in self.chunks(self.title, "title") if n.start >= inv.end() and not n.possessive]
            if after and not is_location(after[0].text) and self.names.kind(after[0].text) not in ("vc", "pe", "bank"):
                return after[0].text
        verbs = [m for rx in (tx.RAISE_VERBS, tx.ACQUIRE_VERBS) if (m := rx.search(self.title)) is not None]
        first = min(verbs, key=lambda m: m.start()) if verbs else None
        name = self.title[:first.start()].strip() if first is not None else ""
        # "Brindle Secures $11 Million ...": a press release's headline names its company before the verb,
        # even when the body only says "the company"
        if _HEADLINE_SUBJECT.fullmatch(name) and name.split()[0].lower() not in STOP and not is_location(name) \
                and not _DESCRIBES.search(name):
            return name
        colon = self.title.find(": ")
        kicker = colon if colon > 0 and tx.is_phrase_label(self.title[:colon]) else -1  # "Notes from the week: X"
        names = [n for n in self.chunks(self.title, "title") if not n.possessive and n.start > kicker
                 and not _DESCRIBES.match(self.title, n.end)  # "Contract-review AI firm ...": a description
                 and not _COMPOUND_ADJECTIVE.fullmatch(n.text)]  # "AI-powered freight audit"
        return names[0].text if names else None

    def _resolve(self, c: Candidate, focus: str | None) -> None:
        if c.company is None and c.generic_subject:
            if focus and any(same_entity(focus, i) for i in c.investors):
                # "Intel is also participating in a $350 million round" under "Intel partners with SambaNova":
                # the round is the other company's
                about = self._about_name()  # "Underscore VC Leads $9 Million Seed Round ..." over "About Tallowmere"
                focus = about if about and not any(same_entity(about, i) for i in c.investors) else next(
                    (n for n in self.title_names if not any(same_entity(n, i) for i in c.investors)
                     and not is_location(n)), None)
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
            if not any(w in s.text for w in _ACQ_WORDS):
                continue  # the pattern below needs one of these words (case-sensitive)
            if classify.background_level(s.text, "", self.year, self.month) >= 2:
                continue  # "the biggest deal since Zynga acquired NaturalMotion in 2014": not this story's purchase
            m = re.search(r"(?:(?P<buyer>[A-Z][\w:.&-]*(?:\s[A-Z][\w:.&-]*)*)(?:'s|’s)\s+(?:[\w$.-]+\s){0,3}?)?"
                          r"(?:acquisition of|to acquire|acquires|acquired|to buy|buys|bought|takeover of)\s+",
                          s.text)
            if not m:
                continue
            head = s.text[m.end():m.end() + 60]
            names = self.chunks(head, field_)
            if names and names[0].start == 0 and not _GOODS.match(head, names[0].end):  # "to buy Nvidia chips"
                # "acquires Machine Learning company Ocurate": the name after the description
                self.acq_target = object_after(self, s.text, m.end(), field_) or names[0].text
                buyer = m.group("buyer")
                if not buyer:  # "Cisco (NASDAQ: CSCO) today announced its intent to acquire": Cisco, not its ticker
                    subj = self.chunks(TICKER.sub("", s.text[:m.start()]), field_)
                    buyer = subj[-1].text if subj else None
                self.acq_buyers = [self.canon(buyer)] if buyer else []
                self.acq_sent = s
                return



def _nearest(cands: list[Candidate], t: str, name: str) -> Candidate | None:
    """Of several deals in one sentence, the one an investor belongs to: the last figure before its name
    ("a $150 million facility from Northgate Bank and $50 million in a round led by Pinecrest")."""
    if len(cands) < 2:
        return cands[0] if cands else None
    at = t.find(name)
    if at < 0:
        return cands[0]
    before = [c for c in cands if c.money.start < at]
    return max(before, key=lambda c: c.money.start) if before else cands[0]


def parse_article(title: str, text: str, published: dt.datetime | None = None, *,
                  resources: Resources, url: str | None = None) -> ArticleDeals:
    """The deals an article reports; ``is_deal`` is False for explainers, forecasts and background.

    ``url`` (where the article was published) names "we" in a company's own post.
    """
    if _OPINION_TITLE.match(title or ""):
        return ArticleDeals(())  # a column argues about deals others reported; it reports none of its own
    raw_title = title or ""
    # "BRIEF-Marigold Payments gets ...": a wire's tag, blanked so offsets still index the headline as published
    reader = _Reader(_WIRE_TAG.sub(lambda m: " " * len(m.group(0)), raw_title), text or "", published, resources, url)
    reader.raw_title = raw_title
    cands = reader.run()
    accepted = [c for c in cands if _accepted(reader, c)]
    loose = [c for c in reader.loose if _accepted(reader, c)]
    accepted = drop_buyer_echoes(drop_echoes(drop_sum_of_parts(reader, drop_earlier(accepted))))
    entries = entry_deals(reader)
    # a list's entries count as the roundup's other deals when paragraphs open on deals of their own
    accepted += [c for c in paragraph_items(reader, cands, accepted + entries) if c not in entries
                 and not _doubted(reader, c)]
    accepted += undisclosed_acquisition(reader, accepted)
    accepted += amountless_deals(reader, accepted)
    for row in table_deals(reader):
        twins = [a for a in accepted if same_entity(row.company or "", a.company or "") and a.deal_type == row.deal_type]
        if row.company and (not twins or all(a.money.vague and not row.money.vague for a in twins)):
            accepted = [a for a in accepted if a not in twins] + [row]  # the row's figure over "closed an angel round"
    # a loose figure only where no reading of the article told that figure already
    accepted += [c for c in loose if not any(same_figure(a.money, c.money) for a in [*accepted, *entries])]
    accepted = with_entries(accepted, entries)
    accepted = [a for a in accepted if a.field == "title" or not any(x <= a.sent.start < y for x, y in reader.recap_spans)]
    accepted = [a for a in drop_headline_figures(accepted) if not context_only(reader, a) and not vetoed(reader, a)]
    _late_syndicate(reader, accepted)
    _headline_owns_its_figure(reader, accepted)
    _adopt_twins(accepted, cands)
    deals = merge(reader, accepted)
    if tx.DENIAL.search(title or ""):  # "X denies report it is in talks to buy Y": the reported deal is the denied one
        deals = [d for d in deals if d.status != "rumored"]
    return ArticleDeals(tuple(deals))


_AFTER_PREPOSITION = re.compile(r"(?i)\b(?:from|by|with|of|at|in|for|to|into|via|including|and)\s+(?:the\s+)?$")
_SALE_WORDS = re.compile(r"(?i)\b(?:acquisition|takeover|buyout|merger|sold (?:itself )?to|sells? (?:itself )?to)\b")


def rule_decision(r: _Reader, c: Candidate) -> bool:
    """The hand rules' verdict on a candidate; a loose figure (``loose_candidate``) they never take."""
    return accept(r, c) and not c.loose


def _accepted(r: _Reader, c: Candidate) -> bool:
    """The hand rules' decision weighed with the learned scorer's (``learned.py``): the model has the
    last word, so a structural fact the rules over- or under-weigh for a new writer is corrected."""
    rule = rule_decision(r, c)
    if c.company is None or vetoed(r, c):
        return False
    model = r.resources.acceptance
    if model is None:
        return rule
    keep = model.probability(candidate_features(r, c, rule)) >= THRESHOLD
    if keep and not rule:
        c.support = c.support or 1.0  # ranks with the rules' plain lead-paragraph figures when merged
    return keep


_SYNDICATE_CUE = re.compile(r"\b(?:led by|co-led|participat\w+|also invested|took part|takes part|taking part|chipped in|joined the (?:round|financing)|"
                            r"(?:investors?|backers?) (?:include|including|are|were)|also in:|backed by|contributions? from|supported by|"
                            r"arranged by|provided by|banks,? including|lenders,? including)\b", re.I)
_LENDER_CUE = re.compile(r"(?i)\b(?:banks?|lenders?|creditors?|consortium|arranged|underwr\w+)\b")


_ROUND_WORD = re.compile(r"(?i)\b(?:round|funding|financing|investment|raise|seed|series [a-z]|participat\w+|backers|investors|"
                         r"transaction|facility|loan)\b")
_LED_BY_PERSON = re.compile(r"(?i)\bled by (?:its |the )?(?:chief|ceo|founder|co-founder|president|chairman|managing)")


ITEM_DOUBT = 0.2  # below this the learned scorer overrules a paragraph item (studied sets: 0.2 and 0.3 best)


def _doubted(r: _Reader, c: Candidate) -> bool:
    """Whether the learned scorer all but rules out a deal another path proposes: a paragraph that opens on
    a figure in a feature ("Venture capitalists have invested $191 million in X") is background to it."""
    model = r.resources.acceptance
    return model is not None and c.company is not None and \
        model.probability(candidate_features(r, c, rule_decision(r, c))) < ITEM_DOUBT


_ONE_FIGURE_TYPES = ("equity", "debt", "infrastructure", "financing_undisclosed_structure")


def _headline_owns_its_figure(r: _Reader, accepted: list[Candidate]) -> None:
    """The headline's figure told again in the body is the headline's deal. "The Brooklyn startup has raised
    a $9 million seed" under "Monarch Notes raises a $9 million seed": a body subject the headline does not
    name, read from a description ("a small company in Tomales"), is the headline's company; and one figure
    is one kind of deal ("Growth Capital Facility" over the release's "growth capital")."""
    titles = [a for a in accepted if a.field == "title" and a.company and not a.money.vague]
    for c in accepted:
        if c.field != "text" or not c.company:
            continue
        t = next((t for t in titles if same_figure(t.money, c.money) and t.money.text.lower() == c.money.text.lower()
                  or same_figure(t.money, c.money) and t.money.currency == c.money.currency), None)
        if t is None or t.deal_type == "acquisition" or c.deal_type == "acquisition":
            continue
        if not same_entity(c.company, t.company or "") and not any(same_entity(c.company, n) for n in r.title_names) \
                and (c.generic_subject or is_location(c.company) or r.names.kind(c.company) == "person"
                     or r.text.count(c.company) <= 1):
            c.company = t.company
        if same_entity(c.company, t.company or "") and c.deal_type != t.deal_type and \
                c.deal_type in _ONE_FIGURE_TYPES and t.deal_type in _ONE_FIGURE_TYPES:
            # a headline's "Facility" or "Series A" names the kind; its "to build on-site power" only guesses
            if t.deal_type in ("equity", "debt"):
                c.deal_type = t.deal_type
            else:
                t.deal_type = c.deal_type


def _adopt_twins(accepted: list[Candidate], cands: list[Candidate]) -> None:
    """A figure told twice ("raises $8.8M seed" over "has raised nearly nine million dollars in a seed round led
    by Hustle Fund"), once taken and once left as background: the backers, round and valuation the left one
    names are the taken one's."""
    for c in cands:
        if c in accepted or not c.company or not (c.investors or c.round or c.valuation):
            continue
        usd = c.money.usd or c.money.value
        for a in accepted:
            other = a.money.usd or a.money.value
            named = same_entity(a.company or "", c.company) or bool(a.company and a.company in c.sent.text)
            if a.deal_type != c.deal_type or a.money.currency != c.money.currency or not named \
                    or not usd or abs(other - usd) > 0.05 * max(other, usd):
                continue
            own = c.sent.text  # only the backers its own sentence names: later ones may be another item's
            a.investors += [n for n in c.investors if n in own and n not in a.investors and not same_entity(n, a.company or "")]
            a.leads += [n for n in c.leads if n in own and n not in a.leads and not same_entity(n, a.company or "")]
            a.round = a.round or c.round
            a.valuation = a.valuation or c.valuation
            break


def _late_syndicate(r: _Reader, accepted: list[Candidate]) -> None:
    """A story with one round names its backers wherever it likes ("D. E. Shaw, Dragoneer and MGX also
    participated" six paragraphs on): syndicate sentences without a figure of their own go to that round."""
    rounds = [c for c in accepted if c.deal_type in ("equity", "financing_undisclosed_structure", "debt") and c.company]
    if not rounds or any(not same_entity(c.company or "", rounds[0].company or "") or c.deal_type != rounds[0].deal_type
                         for c in accepted):
        return  # several companies' deals, or a loan beside the round: a late list could be anyone's
    target = max(rounds, key=lambda c: (c.field == "text", c.support))
    if target.round == "Secondary":
        return
    loan = target.deal_type == "debt"
    for s in r.all_sents:
        if s.kind not in ("body", "bullet") or s.background or not _SYNDICATE_CUE.search(s.text) or is_shouting(s.text) or \
                not _ROUND_WORD.search(s.text) or _LED_BY_PERSON.search(s.text) or \
                (not loan and tx.DEBT_WORDS.search(s.text)) or (loan and not _LENDER_CUE.search(s.text)) or \
                find_money(s.text) or tx.BACKGROUND_STRONG.search(s.text) or any(s is x for x in target.sentences):
            continue  # only a round's syndicate, or a loan's lenders: not "the company, led by chief executive X"
        inv, leads = r.investor_mentions(s.text, "text")
        for n in inv:
            if not same_entity(n, target.company or "") and not any(same_entity(n, i) for i in target.investors):
                target.investors.append(n)
        for n in leads:
            if not same_entity(n, target.company or "") and not any(same_entity(n, i) for i in target.leads):
                target.leads.append(n)
    _backer_shaped(r, target)


_BACKER_WORD = re.compile(r"\b(?:Ventures|Venture Partners|Capital|Partners|Fund|Investments?|VC|Equity|Growth Equity)$")
_FUNDING_WORDS = re.compile(r"(?i)\b(?:round|funding|financing|raise[sd]?|rais(?:ing|es)|invest\w*|backed|backers?|led|lead|"
                            r"participat\w*|seed|series [a-z]|cap table|co-investors?|joined)\b")
_EMPLOYER = re.compile(r"(?i)\b(?:former|ex-|formerly|alum\w*|executives?|partner at|of)\s+(?:the\s+)?$")


def _backer_shaped(r: _Reader, target: Candidate) -> None:
    """In the story of a single round, a name shaped like a backer ("Redwood Arc Ventures", "Lighter Capital",
    or a fund the alias table knows) in a current sentence about the funding is one of the round's backers,
    however the sentence is built."""
    for s in r.all_sents:
        if s.kind not in ("body", "bullet") or s.background or not _FUNDING_WORDS.search(s.text) or find_money(s.text) or \
                tx.BACKGROUND_STRONG.search(s.text) or is_shouting(s.text) or s.block - (r.first_block or 0) > 6:
            continue  # a sentence with a figure is the frames' to read: current, or an earlier round's
        for n in r.chunks(s.text, "text"):
            name = r.canon(n.text)
            if n.possessive or same_entity(name, target.company or "") or _EMPLOYER.search(s.text[:n.start]) or \
                    any(same_entity(name, i) or same_entity(name, r.canon(i)) for i in target.investors):
                continue
            if _BACKER_WORD.search(n.text) or r.names.kind(n.text) in ("vc", "pe", "sovereign"):
                target.investors.append(name)
