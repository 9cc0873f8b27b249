"""Deals reported without a figure: "X acquires Y", "Y to be acquired by Z", "X raises funding from W".

A money figure anchors every other candidate; these sentences have none, so they are read by the
shape of the clause instead: who stands before an acquire verb and who after it (or the reverse for a
passive), who raised and from whom. They count only where an article puts its own news: the title,
the lead paragraphs, or the items of a list of deals. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.deals import classify
from crawler.deals import taxonomy as tx
from crawler.deals.entities import is_location, same_entity
from crawler.deals.frames import PARENTHESES, PLACE_BASED, TICKER, Candidate, strip_dateline
from crawler.deals.money import Money, find_money
from crawler.deals.segment import Sentence
from crawler.deals.textutil import fold, folded

if TYPE_CHECKING:
    from crawler.deals.parse import _Reader

_ADVERBS = r"(?:(?:has|have|had|is|was|will|would|just|now|officially|reportedly|also|quietly|finally|formally|" \
           r"recently|today|also|(?:said|says|announced|announces|confirmed)(?: on \w+| \w+day)?(?: that)? it)\s+)*"
# buyer VERB target
_ACTIVE = re.compile(
    r"(?<!\w)" + _ADVERBS + r"(?P<verb>acquired|acquires|acquiring|bought|buys|buying|purchased|purchases|"
    r"(?:takes|took|taken|taking|take)(?=\s+(?:an?\s+|the\s+)?(?:majority|controlling|(?:[5-9]\d|100)(?:\.\d+)?\s?%)\s+"
    r"stake\s+in\s)|"
    r"acqui-?hired|acqui-?hires|absorbs|absorbed|(?<=will )absorb|snapped up|snaps up|scooped up|scoops up|picked up|picks up|taken over|takes over|took over|"
    r"(?:hired|hires|is hiring|took on|takes on|brought on|brings on)(?=\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:team|founders|staff|employees)\s+(?:behind|at|of|from)\s)|"
    r"(?:agreed|agrees|signed an? (?:definitive )?agreement|set|sets|plans|planning|moves|moved|is set|"
    r"is looking|looking|in talks|is in talks|are in talks|in advanced talks|is in advanced talks|"
    r"will|expected|is expected|has agreed|had agreed) to (?:acquire|buy|purchase|take over)|"
    r"will (?:acquire|buy|purchase|take over)|"
    r"looking into acquiring|is looking into acquiring|"
    r"(?:completed|completes|closed|closes|announced|announces|finali[sz]ed|finali[sz]es|confirmed|confirms) "
    r"(?:the|its|an?) (?:\w+ ){0,2}(?:acquisition|purchase|takeover|buyout) of)\s+", re.I)
# target VERB buyer
_PASSIVE = re.compile(
    r"\s+(?:(?:has|have|had|is|was|will|has now|is now|is set to|is to|set to|to|agreed to|agrees to|"
    r"has agreed to|is being|was being|will be|would be|could be|is expected to|expected to|has been|have been|"
    r"gets|got|getting)\s+)*"
    r"(?:be(?:en)?\s+)?(?:(?:acquired|bought|purchased|snapped up|taken over|acqui-?hired|absorbed)\s+by|"
    r"(?:folded|merged|merging|merges|absorbed)\s+into)\s+", re.I)
# target JOINS buyer, read as an acquisition only where the article also speaks of one
_JOINS = re.compile(r"\s+(?:(?:is|are|will|has|have|had)\s+)?(?:join(?:s|ed|ing)?|be joining)\s+(?:forces\s+with\s+)?"
                    r"(?=[A-Z])")
_ROLE_BEFORE = re.compile(r"\b(?:CEO|CFO|CTO|COO|[Oo]fficer|[Ff]ounder|[Pp]resident|[Cc]hair\w*|[Dd]irector|[Hh]ead|"
                          r"[Ee]xecutive|[Aa]nalyst|[Rr]eporter|[Hh]ost|[Pp]artner|[Mm]anager|VP)\s+(?:[A-Z][\w.-]*\s*){1,3}$")
_ACQ_CUE = re.compile(r"(?i)acqui|bought|buy|purchas|snap|scoop|subsidiary|folded|merg|absorb|sell|hire|stake in|took on|"
                      r"takes on|brought on|brings on|picked up|picks up|take[ns]? over|took over|join|sold")
_TEAM_END = re.compile(r"(?i)\s+(?:team|founders|founding team|crew|staff)\s*$")
_JOIN_CUE = re.compile(r"(?i)\bacqui|\bbought\b|\bpurchase|\btaken over\b|\bdefinitive agreement\b|\bas a standalone\b|"
                       r"\b(?:shar|disclos)\w*\s+(?:the\s+)?(?:financial\s+)?terms\b|"
                       r"\bthe (?:deal|transaction) (?:closed|is done|was completed)|\b(?:price|financial terms|terms of the deal)"
                       r"\b[^.]{0,30}\b(?:not|undisclosed)|\bnow part of\b")
# "... for $7.5 million": the price paid, when the clause gives one
_FOR_PRICE = re.compile(r"\bfor\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|some\s+)?$")
# target SOLD TO buyer
_SOLD_TO = re.compile(r"\s+(?:(?:has|have|had|is|was|will|to)\s+)?(?:been\s+|be\s+)?sold\s+(?:itself\s+)?to\s+(?=[A-Z])|"
                      r"\s+(?:(?:has|have|had)\s+)?(?:agreed|agrees|plans|is set|is planning|decided)\s+to\s+sell\s+"
                      r"(?:itself|the company|the business)\s+to\s+|\s+(?:sells|selling)\s+itself\s+to\s+")
# buyer's acquisition of target
_POSSESSIVE = re.compile(r"(?:'s|’s|(?<=s)['’])\s+(?:[\w$€£¥₹.,-]+\s){0,3}?(?:acquisition|purchase|takeover|buyout|"
                         r"acqui-?hire)\s+of\s+", re.I)
# "Quorra's 2024 purchase of Lyric AI", "a deal that closed in 2024": the year an acquisition was done
_DEAL_YEAR = re.compile(r"(?i)\b((?:19|20)\d\d)\s+(?:acquisition|purchase|takeover|buyout|merger|deal)\b|"
                        r"\b(?:deal|transaction|acquisition|purchase|takeover) that (?:closed|completed) in "
                        r"(?:[A-Z][a-z]+ )?((?:19|20)\d\d)\b")
_PEOPLE_JOIN = re.compile(r"(?i)\b(?:co-?founders?|founders?|employees|staff|team members|engineers|executives)\b[^.;]{0,60}$")
_MERGES = re.compile(r"\s+(?:(?:is|are|will|has|have|had|to|agreed to|agrees to)\s+)?(?:merg(?:es|ed|ing|e))\s+with\s+")
_MAKES_SUBSIDIARY = re.compile(r"\b(?:will make|to make|would make|made|makes|making)\s+(?=[A-Z])")
_SUBSIDIARY_AFTER = re.compile(r"(?i)\ba\s+wholly[- ]owned\s+subsidiary\b")
# "Y, which X bought ...": the relative clause names the buyer
_WHICH_BOUGHT = re.compile(r",\s+which\s+(?=[A-Z])")
_BOUGHT_AFTER = re.compile(r"\s+(?:has\s+|had\s+|just\s+|quietly\s+)*(?:bought|acquired|purchased|snapped up|took over|"
                           r"agreed to (?:buy|acquire))\b")
# what may stand between an acquire verb and its target: "the team behind", "a 70% stake in"
_TARGET_LEAD = re.compile(r"(?:(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:team|people|founders|talent|staff|employees)\s+"
                          r"(?:behind|at|of|from)\s+|"
                          r"(?:an?\s+|the\s+)?(?:majority|controlling|minority|\d{1,3}(?:\.\d+)?\s?%)\s+stake\s+in\s+|"
                          r"(?:[5-9]\d|100)(?:\.\d+)?\s?%\s+of\s+(?:the\s+)?(?:shares|stock|equity)\s+(?:of|in)\s+|"
                          r"(?:all|most)\s+of\s+)", re.I)
_DESCRIBED = re.compile(r"\b(?:" + tx.DESCRIBED_NOUN + r"|venture)\b", re.I)
# "the ", "music streaming service ", "AI coding startup ": words that describe the name that follows
_DESCRIPTION = re.compile(r"\s*(?:(?:the|a|an|its|rival|fellow)\s+)?(?:[A-Z][a-z]+(?:an|ese|ish|i)\s+|[A-Z]{2,5}\s+)?"
                          r"(?:[a-z][\w-]*\s+){0,4}?" + tx.DESCRIBED_NOUN + r"\s+|\s*(?:the|a|an)\s+|\s*")
_INDEFINITE = re.compile(r"\s*(?:an?|one|another)\s+(?:[a-z][\w-]*\s+){0,2}", re.I)
_KIND_AFTER = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:team|startup|start-up|company|firm|lab|business|outfit|maker|"
                         r"developer|unit|studio|shop)\b")
_SECURITIES = re.compile(r"\s+(?:common |ordinary |preferred )?(?:stock|shares|securities|notes|bonds)\b", re.I)
_STOP_AT = re.compile(r",|;|\s(?:for|in|from|to|with|as|at|on|after|which|that|who|said|says|announced|in a)\s|\.\s|\.$")
# company RAISED funding from/led by ... with no figure
_RAISED = re.compile(
    _ADVERBS + r"(?:raised|raises|secured|secures|closed|closes|received|receives|bagged|bags|landed|lands|gets|got|"
    r"picked up|picks up|announced|announces|completed|completes)\s+"
    r"(?:an?\s+|its\s+|their\s+|fresh\s+|new\s+)*(?:undisclosed\s+(?:amount|sum)(?:\s+of\s+(?:funding|capital|"
    r"investment|money))?|undisclosed\s+(?:funding|investment|financing)|"
    r"(?:(?:pre-)?seed|angel|pre-Series [A-Z]|Series [A-Z]\d?|growth|strategic|bridge)(?:\s+(?:funding|investment|"
    r"financing|capital))?(?:\s+round)?|(?:funding|investment|capital|financing)(?:\s+round)?)"
    r"(?=\s+(?:from|led by|with|by|in|at|,)|[.,;]|$)", re.I)
_FROM = re.compile(r"\s(?:from|by)\s+")
# Every pattern below needs one of these (lower-cased) words: a cheap test before the regexes.
_CUE_WORDS = ("acqui", "bought", "buy", "purchas", "snap", "scoop", "subsidiary", "folded", "merg", "absorb",
              "sell", "hire", "took on", "takes on", "brought on",
              "brings on", "picked up", "picks up", "take", "took", "join", "sold",
              "rais", "secur", "closed", "closes", "receiv", "bag", "land", "gets", "got", "announc", "complet",
              "talks", "tender", "secondary", "invest", "backs", "backed", "capacity")
# a round being sought, with no figure yet: "X is in talks to raise new funding at a $2bn valuation"
_TALKS = re.compile(r"(?<!\w)" + _ADVERBS + r"(?:in (?:early |advanced |final |preliminary )?(?:funding|fundraising|investment) talks|"
                    r"in (?:early |advanced |final |preliminary )?talks (?:to raise|with investors|for (?:new |fresh )?"
                    r"(?:funding|capital|investment))|"
                    r"(?:seeks|seeking|looking|plans|planning|aims|hopes) to raise (?:new |fresh )?(?:funding|capital|money)|"
                    r"(?:is |are )?raising (?:a )?(?:new |fresh )?(?:funding|capital|round))\b", re.I)
# a figure after the round that only values it: "... at a $4.5B valuation", "valuing it at $2bn"
_AT_VALUATION = re.compile(r"\s*(?:-plus\s+)?(?:valuation|post-money|pre-money)", re.I)
_TENDER = re.compile(r"\b(?:complet\w+|launch\w*|open\w*|announc\w+|kick\w* off|run\w*|held|hold\w*)\s+"
                     r"(?:the (?:completion of )?)?(?:its |a |an )?(?:first |second |third |new |\w+ )?"
                     r"(?:employee )?(?:tender offer|secondary (?:share )?sale)", re.I)
_RAISED_F, _TALKS_F, _TENDER_F = folded(_RAISED), folded(_TALKS), folded(_TENDER)  # run on fold(text): same spans
_RAISED_WORDS = ("rais", "secur", "close", "receiv", "bag", "land", "got", "gets", "pick", "announc", "complet")
_CAPACITY = re.compile(r"\b\d[\d.,]*\s?(?:MW|GW|megawatts?|gigawatts?)\b[^.;]{0,60}\bcapacity\b")
_CAPACITY_DEAL = re.compile(r"(?i)\b(?:taps?|partner\w*|sign\w*|agree\w*|agreement|deal|contract|secur\w+|"
                            r"customer|lease\w*|commit\w*|reserv\w+)\b")
_MADE_INVESTMENT = re.compile(r"\b(?:made|makes|has made|is making|making|announced|announces)\s+(?:an?\s+)?"
                              r"(?:undisclosed\s+)?(?:strategic|minority|equity|corporate)\s+investment\s+in\s+", re.I)
_INVESTS_IN = re.compile(r"\b(?:invest(?:s|ed|ing)?|has invested|backs|backed|led (?:a|the) round) in\s+", re.I)
# An event the clause dates in the past: "acquired it in 2021", "bought last year".
_DATED = re.compile(r"(?i)\b(?:(?:acqui\w+|bought|purchased|sold|taken over|raised)\s+(?:\w+\s+){0,4}?"
                    r"(?:in (?:19|20)\d\d|last year|years? ago|in \w+ (?:19|20)\d\d)|"
                    r"(?:in|since) (?:19|20)\d\d,?\s+(?:\w+\s+){0,3}?(?:acqui\w+|bought|purchased))\b")
# A headline over several companies' news: "Funding Daily: ...", "3 deals, an exit and ...".
_OTHER_DEALS_LABEL = re.compile(r"(?i)[^:.]{0,30}\b(?:deals?|rounds?|elsewhere|in brief|briefly|other news|m&a|exits?)\b"
                                r"[^:.]{0,20}:\s")
_LIST_HEADLINE = re.compile(r"(?i)[;|]|\b(?:roundup|round-up|weekly|daily|digest|newsletter|briefing|week in|this week|"
                            r"deals|rounds|exits?)\b")
_WE_AT_END = re.compile(r"(?:^|[\s:—–-])(?:[Ww]e|[Ww]e['’](?:ve|re)|[Oo]ur (?:company|team|startup))\s*$")
_ENDED = re.compile(r"\b(?:talks (?:have |had )?end(?:ed)?|ending (?:all )?talks|no longer|remain independent|"
                    r"blocked|block the|would have|could have|had (?:agreed|planned) to)\b", re.I)


def amountless_deals(r: _Reader, accepted: list[Candidate]) -> list[Candidate]:
    """Acquisitions and rounds with no figure, where the article puts its news, not already found."""
    sents = [s for s in r.all_sents if s.kind in ("body", "bullet")]
    title = Sentence(r.title, 0, len(r.title), 0, "title")
    openers: dict[int, int] = {}
    for s in sents:
        openers.setdefault(s.block, s.start)
    # the lead: the first two paragraphs that read as prose, past a release's "NEWS PROVIDED BY" lines
    words: dict[int, int] = {}
    for x in sents:
        words[x.block] = words.get(x.block, 0) + len(x.text.split())
    prose = [b for b in sorted(openers) if words[b] >= 8]
    lead_blocks = set(prose[:2])
    second: dict[int, int] = {}  # a list item's second sentence: "6. Tern finds a buyer. Tern ... was acquired by"
    for s in sents:
        if s.start != openers[s.block]:
            second.setdefault(s.block, s.start)
    found: list[Candidate] = []
    list_items: list[Candidate] = []
    openings: list[Candidate] = []
    taken_sents = {id(c.sent) for c in accepted}
    for s in [title, *sents]:
        lead = s.kind == "title" or s.block in lead_blocks
        opens = openers.get(s.block) == s.start
        item = s.kind == "bullet" and (opens or second.get(s.block) == s.start)
        if not lead and not item and not opens:
            continue  # only where an article puts its news: headline, lead, a list item's or a paragraph's opening
        if s.background or id(s) in taken_sents:
            continue
        low = fold(s.text)
        if not any(w in low for w in _CUE_WORDS):
            continue
        text = s.text
        field_ = "title" if s.kind == "title" else "text"
        # a paragraph's opening counts for an acquisition only (below): no round or capacity reading needed there
        found_here = _acquisitions(r, s, field_)
        if lead or item:
            found_here += _rounds(r, s, field_) + _capacity(r, s, field_)
        if not found_here or tx.DENIAL.search(text) or tx.HYPOTHETICAL.search(text) or _ENDED.search(text) or \
                tx.BACKGROUND_STRONG.search(text) or classify.carries_no_deal(text) or _DATED.search(text) or \
                _done_before(r, text) or _judged_background(r, s):
            continue  # ... or a lawsuit notice's "purchased or otherwise acquired X common stock", or history
        if not lead and not item and find_money(text):
            continue  # a paragraph's figure was the frame reader's to judge ("the biggest deal since X bought Y for $527m")
        (found if lead else list_items if item else openings).extend(found_here)
    bullets_with_deals = {c.sent.block for c in accepted if c.sent.kind == "bullet"} | {c.sent.block for c in list_items}
    if len(bullets_with_deals) >= 2:
        found += list_items
    else:
        openings += list_items  # a lone list item: as a paragraph's opening
    # a paragraph that opens on a figure-less deal is news where the headline names its company, or in a roundup
    # (other companies' deals in paragraphs of their own)
    others: list[str] = []
    for a in accepted:
        if a.company and a.field == "text" and not any(same_entity(a.company, o) for o in others):
            others.append(a.company)
    bought = {fold(c.company or "") for c in [*openings, *found] if c.deal_type == "acquisition"}
    # ... or paragraphs that each open on a purchase of their own ("who bought whom": three or more)
    roundup = len(others) >= 2 or bool(_LIST_HEADLINE.search(r.title)) or len(bought | {fold(o) for o in others}) >= 3
    found += [c for c in openings if c.deal_type == "acquisition" and (
        roundup or any(same_entity(c.company or "", n) for n in r.title_names)
        or _OTHER_DEALS_LABEL.match(c.sent.text))]  # "Further deals of the week: X has taken over Y"
    out: list[Candidate] = []
    for c in found:
        taken = accepted + out
        if tx.DENIAL.search(r.title):
            break
        twin = next((a for a in out if a.deal_type == c.deal_type and same_entity(a.company or "", c.company or "")), None)
        if twin is not None:  # the headline's deal again in the lead: its fuller names and its sentence
            twin.investors += c.investors
            twin.leads += c.leads
            twin.sentences += c.sentences
            _priced(twin, c)
            continue
        same = [a for a in taken if same_entity(c.company or "", a.company or "") and
                (a.deal_type == c.deal_type or c.deal_type == "equity")]
        if same:
            for a in same:
                _priced(a, c)
            continue
        if c.deal_type == "acquisition" and any(a.deal_type == "acquisition" and a.field == c.field == "title"
                                                for a in taken):
            continue
        c.support = 1.0
        out.append(c)
    return out


def _done_before(r: _Reader, text: str) -> bool:
    """An acquisition the sentence dates to an earlier year than the article's."""
    return r.year is not None and any(int(m.group(1) or m.group(2)) < r.year for m in _DEAL_YEAR.finditer(text))


def _judged_background(r: _Reader, s: Sentence) -> bool:
    """A sentence whose deal figure the frame reader judged background ("Last week Cisco's $1.2 billion
    agreement to buy Halvern ..."): its deal is no news without the figure either."""
    return any(c.sent.start == s.start and c.sent.kind == s.kind and c.background >= 1 for c in [*r.cands, *r.loose])


def _priced(found: Candidate, again: Candidate) -> None:
    """The headline's "buys Driftwood AI" takes the price a later sentence gives it ("... for $30 million")."""
    if found.money.vague and not again.money.vague and found.deal_type == again.deal_type:
        found.money, found.sent, found.field = again.money, again.sent, again.field
        found.sentences.append(again.sent)


def _undisclosed(s: Sentence) -> Money:
    return Money(s.start, s.start, "", "", 0.0, vague=True)


def _acquisitions(r: _Reader, s: Sentence, field_: str) -> list[Candidate]:
    text = s.text
    if not _ACQ_CUE.search(text):
        return []
    pairs: list[tuple[str, str]] = []
    for m in _ACTIVE.finditer(text):
        if re.match(r"by\s", text[m.end():]) or re.search(r"\b(?:be|been|being)\s+$", text[:m.start()]):
            continue  # "to be acquired by X": the passive reading below has it the right way round
        buyer = _subject_before(r, text, m.start(), field_)
        target = object_after(r, text, m.end(), field_)
        if buyer and target:
            pairs.append((buyer, target))
    for m in [*_PASSIVE.finditer(text), *_SOLD_TO.finditer(text)]:
        target = _subject_before(r, text, m.start(), field_)
        buyer = object_after(r, text, m.end(), field_)
        if buyer and target:
            pairs.append((buyer, target))
    if _JOIN_CUE.search(r.title + " " + " ".join(x.text for x in r.all_sents[:12])):
        for m in _JOINS.finditer(text):  # "Brightloom is joining Castellan": a team and product taken in
            target = _subject_before(r, text, m.start(), field_)
            buyer = object_after(r, text, m.end(), field_)
            if target and (_ROLE_BEFORE.search(text[:m.start()]) or _PEOPLE_JOIN.search(text[:m.start()])):
                continue  # "Tokens.com CEO Andrew Kiguel joined ...", "its co-founders X and Y will join Z": people
            if buyer and target and r.names.kind(buyer) != "person" and r.names.kind(target) != "person":
                pairs.append((buyer, target))
    for m in _MERGES.finditer(text):  # "X is merging with Y": X's holders join Y's company
        party = _subject_before(r, text, m.start(), field_)
        other = object_after(r, text, m.end(), field_)
        if party and other:
            pairs.append(_merger_sides(r, party, other))
    for m in _MAKES_SUBSIDIARY.finditer(text):  # "will make Tensor Garden a wholly owned subsidiary"
        target = object_after(r, text, m.end(), field_)
        buyer = _subject_before(r, text, m.start(), field_) or r.focus
        if target and buyer and _SUBSIDIARY_AFTER.search(text, m.end()):
            pairs.append((buyer, target))
    for m in _WHICH_BOUGHT.finditer(text):
        names = r.chunks(text[m.end():m.end() + 80], field_)
        if not names or names[0].start != 0 or not _BOUGHT_AFTER.match(text, m.end() + names[0].end):
            continue
        target = _subject_before(r, text, m.start(), field_)
        if target:
            pairs.append((names[0].text, target))
    priced: Money | None = None
    for m in _POSSESSIVE.finditer(text):
        names = r.chunks(text[:m.start()], field_)
        buyer = names[-1].text if names and names[-1].end == m.start() else None
        target = object_after(r, text, m.end(), field_)
        if buyer and target:
            pairs.append((buyer, target))
            # "Cisco's $640 million purchase of Ravelin Secure": the price stands inside the noun phrase
            priced = priced or next((x for x in find_money(text) if m.start() < x.start < m.end()), None)
    out = []
    for buyer, target in pairs[:1]:
        buyer, target = r.canon(buyer), r.canon(target)
        if same_entity(buyer, target) or is_location(target) or is_location(buyer):
            continue
        price = next((m for m in find_money(text) if _FOR_PRICE.search(text[:m.start])), None) or priced
        c = Candidate(target, "acquisition", price or _undisclosed(s), s, field_, 0, verb="acquire",
                      investors=[buyer], leads=[buyer])
        c.sentences.append(s)
        out.append(c)
    return out


def _merger_sides(r: _Reader, party: str, other: str) -> tuple[str, str]:
    """(buyer, target) of "party merges with other": the target is the side whose holders end with the minority
    or whose name goes; with neither told, the subject is taken as the one merged in."""
    whole = r.title + "\n" + r.text
    for first, second in ((party, other), (other, party)):
        held = re.search(re.escape(first) + r"(?:['’]s)? (?:shareholders|stockholders|holders|investors) (?:will )?"
                         r"(?:own|hold|get|receive) (?:about |roughly |approximately |around )?(\d{1,2}(?:\.\d+)?)%", whole)
        if held is not None:
            return (second, first) if float(held.group(1)) < 50 else (first, second)
        if re.search(r"(?i)(?:keep|retain|take|operate under) the " + re.escape(first) + r" (?:name|brand)", whole):
            return first, second
    return other, party


def _rounds(r: _Reader, s: Sentence, field_: str) -> list[Candidate]:
    text = s.text
    company: str | None = None
    rnd: str | None = None
    strategic: list[str] = []
    low = fold(text)
    m = (_RAISED_F.search(low) if any(w in low for w in _RAISED_WORDS) else None) or \
        (_TALKS_F.search(low) if "talks" in low or "rais" in low else None)
    tender = _TENDER_F.search(low) if "tender" in low or "secondary" in low else None
    if tender is not None and not any(x.start > tender.start() and x.start - tender.end() < 40 and not
                                      tx.VALUATION_BEFORE.search(text[:x.start]) for x in find_money(text)):
        m, rnd = tender, "Secondary"  # "Decagon completes first tender offer at $4.5B valuation"
        company = _subject_before(r, text, m.start(), field_)
    elif m is not None and not [x for x in find_money(text[m.start():]) if not _AT_VALUATION.match(
            text[m.start():], x.end)]:
        company = _subject_before(r, text, m.start(), field_)
    elif s.kind == "bullet" and not find_money(text):
        inv = _INVESTS_IN.search(text)
        if inv is not None:
            company = object_after(r, text, inv.end(), field_)
    elif (made := _MADE_INVESTMENT.search(text)) is not None and not find_money(text):
        # "Nvidia has made a strategic investment in Photonix": the size untold, the investor the subject
        company = object_after(r, text, made.end(), field_)
        backer = r.chunks(text[:made.start()], field_)
        if company and backer and not backer[-1].possessive:
            strategic = [r.canon(backer[-1].text)]
            rnd = tx.find_round(text)
    if not company:
        return []
    company = r.canon(company)
    if r.names.kind(company) in ("vc", "pe", "bank", "person"):
        return []
    investors, leads = r.investor_mentions(text, field_)
    investors += [b for b in strategic if not any(same_entity(b, i) for i in investors)]
    source = _FROM.search(text, m.end() if m is not None else 0)
    if not investors and source is not None:  # "... an undisclosed amount from Lantern Capital and others"
        investors = r.name_list(re.split(r"\s(?:in exchange|to |for |as part)|[.;\[(]", text[source.end():])[0], field_)
    c = Candidate(company, "equity", _undisclosed(s), s, field_, 0, verb="raise",
                  investors=[i for i in investors if not same_entity(i, company)],
                  leads=[i for i in leads if not same_entity(i, company)],
                  round=rnd or tx.find_round(text))
    c.valuation = next((x for x in find_money(text) if classify.money_role(text, x, x.start, x.end) == "valuation"
                        or _AT_VALUATION.match(text, x.end)), None)
    c.sentences.append(s)
    return [c]


def _capacity(r: _Reader, s: Sentence, field_: str) -> list[Candidate]:
    """"OpenAI taps Tata for 100MW of data center capacity": a compute deal sized in power, not money. The
    buyer is the AI lab among the names, else the sentence's subject; the other party is the provider."""
    text = s.text
    if not _CAPACITY.search(text) or not _CAPACITY_DEAL.search(text) or find_money(text):
        return []
    names = [n for n in r.chunks(text, field_) if not n.possessive and not is_location(n.text)]
    orgs = [r.canon(n.text) for n in names if r.names.kind(n.text) not in ("person", "media", "sovereign")]
    orgs = [o for k, o in enumerate(orgs) if o not in orgs[:k]]
    if len(orgs) < 2:
        return []
    buyer = next((o for o in orgs if r.names.kind(o) == "lab"), orgs[0])
    provider = next(o for o in orgs if o != buyer)
    c = Candidate(buyer, "compute_commitment", _undisclosed(s), s, field_, 0, verb="spend", investors=[provider])
    c.sentences.append(s)
    return [c]


# A list item's name, its description in brackets or after a comma, and a dash: "Paperstack (...) — "
_ITEM_HEAD = re.compile(r"^\s*([^,—–]{2,40}?)(?:,[^—–]{0,60})?\s+[—–]\s*$")


def _subject_before(r: _Reader, text: str, pos: int, field_: str) -> str | None:
    """The name that a verb at ``pos`` belongs to: the last name of its clause ("WordPress.com parent
    Automattic has acquired"), or the article's focus for "The company ..."."""
    clause = text[:pos]
    item = _ITEM_HEAD.match(PARENTHESES.sub("", clause))
    if item is not None:  # "Paperstack (AI for prior authorisations) — acquired by Waystar": a list item's name
        names = r.chunks(item.group(1), field_)
        if len(names) == 1 and names[0].start == 0 and names[0].end >= len(item.group(1).rstrip()) - 1:
            return names[0].text
    if "(" in clause:  # "Cisco (NASDAQ: CSCO) today announced ...": the name, not its ticker
        bare = TICKER.sub("", clause)
        text, pos, clause = bare + text[pos:], len(bare), bare
    undated = strip_dateline(clause)  # "AUSTIN, Texas, Feb. 13, 2026 /Wire/ -- Quorra Systems, Inc. ..."
    if undated != clause:
        text, pos = undated + text[pos:], len(undated)
        clause = undated
    cut = max(clause.rfind(","), clause.rfind(";"), clause.rfind("--"), clause.rfind(" — "))
    team = _TEAM_END.search(clause)
    if team is not None:  # "the Tidemark team is joining Basecamp": the team's company
        clause = clause[:team.start()]
    names = r.chunks(clause, field_)
    if names and names[-1].end >= len(clause.rstrip()) - 1 and not names[-1].possessive:
        return names[-1].text
    head = clause[cut + 1:] if cut >= 0 else clause
    if re.match(r"\s*(?:[Ww]e|[Oo]ur)\b", head) or _WE_AT_END.search(clause):
        return r.self_company()  # "We've been acquired by Castellan", "Big news: we've been acquired"
    if re.match(r"\s*(?:The|the|This|It)\b", head) and r.focus:
        return r.focus
    opener = [n for n in names if "," not in clause[:n.start] and not n.possessive][:1]
    if opener and cut >= opener[0].end and re.match(r",\s+(?:a|an|the)?\s*[\w-]", clause[opener[0].end:]):
        return opener[0].text  # "Acme, a maker of drones, has acquired ...", "UK-based Kite.ly, an e-commerce platform"
    return None


def object_after(r: _Reader, text: str, pos: int, field_: str) -> str | None:
    """The name an acquire verb takes: the first name, or the name after a description
    ("music streaming service Tidal", "the Machine Learning company Ocurate")."""
    lead = _TARGET_LEAD.match(text, pos)
    if lead:
        pos = lead.end()
    stop = _STOP_AT.search(text, pos)
    window = text[pos:stop.start() if stop else len(text)][:100]
    names = r.chunks(window, field_)
    if not names or _SECURITIES.match(window, names[-1].end):
        return None  # "acquired CrowdStrike Class A common stock": shares, not a company
    if _DESCRIBED.search(window[:names[-1].start]) and len(names) > 1:
        return names[-1].text
    first = names[0]
    if len(names) == 1 and _INDEFINITE.fullmatch(window[:first.start]) and _KIND_AFTER.match(window, first.end):
        return None  # "buys an OCR team", "a Tallinn speech start-up": a description; the name comes later
    prefix = PLACE_BASED.sub("", window[:first.start])  # "Chennai-based Lekhak"
    if prefix.strip() and not _DESCRIPTION.fullmatch(prefix):
        return None  # "startup founded by ex-Instagram talent": the name is not the one bought
    if _DESCRIBED.match(window, first.end + 1) and len(names) > 1:
        return names[-1].text  # "Machine Learning company Ocurate"
    return first.text
