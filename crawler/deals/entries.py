"""Deals listed as entries: a roundup whose items each open on a one-line header naming the company and
its figure, with the story below it.

    1. Nordvik Sensing (Tromsø) - €14 million, Series A
    Pellmark | Denver | $22M Series B
    - Quaystone: undisclosed, seed

Such a header has no verb, so the frame reader sees no deal in it, and the paragraph under it says "the
company" or "it" rather than the name. Here every header of a list of at least two becomes one deal, and
the lines up to the next header give its investors ("Lead: X", "Y and Z also invested") and valuation.
Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.deals import classify
from crawler.deals import taxonomy as tx
from crawler.deals.entities import GENERIC, is_location, same_entity
from crawler.deals.frames import Candidate
from crawler.deals.investors import TERM
from crawler.deals.money import Money, find_money
from crawler.deals.segment import Sentence, tail_start
from crawler.deals.tables import NOT_A_COMPANY, TABLE_ROW_BLOCKS
from crawler.deals.textutil import LINE_EMOJI

if TYPE_CHECKING:
    from crawler.deals.parse import _Reader

_MARKER = re.compile(r"^\s*(?:#{1,4}\s*)?(?:\*\*)?(?:\d{1,2}[.)]\s+|[-•*·▪►→➤▸»]\s+|" + LINE_EMOJI + r"\s*)?(?:\*\*)?")
_NAME = r"(?P<name>[A-Za-z0-9][\w&.'’+-]*(?:\s+(?:[A-Z0-9&][\w&.'’+-]*|of|de|la|and)){0,4})"
# name, an optional place in brackets, a separator, an optional place between pipes, then the figure
_HEADER = re.compile(_NAME + r"(?:\*\*)?\s*(?:\((?P<place>[^)]{1,60})\))?\s*(?:[-–—:|]|,|(?=(?:raised|raises|closed|"
                     r"secured|landed|grabbed|bagged|picked up) (?:an? )?(?:[$€£¥₹₦₱₺₫฿₩₪]|undisclosed)))\s*"
                     r"(?:(?P<place2>[A-Z][\w .,'’-]{1,30}?)\s*[|:—–]\s*)?(?P<rest>.+)$")
_FIGURE_FIRST = re.compile(r"(?i)^(?:(?:raised|raises|raising|secured|closed|landed|grabbed|bagged|picked up|with)\s+)?"
                           r"(?:an?\s+)?"
                           r"(?:about\s+|roughly\s+|around\s+|nearly\s+|over\s+|more than\s+|up to\s+|just over\s+)?"
                           r"(?:[$€£¥₹₦₱₺₫฿₩₪]|(?-i:US|A|C|S|HK|NZ)\$|(?-i:[A-Z]{3})\s?\d|Rs\.?\s?\d|\d|undisclosed|not disclosed|"
                           r"unannounced|(?:[a-z]+[\s-]+){1,5}(?:thousand|million|billion)\b)")
# A header that dates its item ("$6 billion Series C in December") recalls it.
_DATED = re.compile(r"(?i)\b(?:in|since|back in)\s+(?:(?:early|late|mid-?)\s*)?(?:january|february|march|april|may|june|"
                    r"july|august|september|october|november|december|(?:19|20)\d\d)\b|\b(?:earlier|last year|ago)\b")
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
# A capitalised month name standing alone in a header: "(Series C, January)".
_NAMED_MONTH = re.compile(r"[(,]\s*(?:[\w -]+,\s*)?(?:announced\s+|closed\s+|on\s+)?(January|February|March|April|May|"
                          r"June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
                          r"Sept|Oct|Nov|Dec)\.?)(?:\s+\d{1,2})?\s*\)")  # "(Series C, January)", "(announced Sept. 9)"
_YEAR = re.compile(r"(?<![\d$€£.,])((?:19|20)\d\d)(?![\d%])")
_MONTH_CELL = re.compile(r"(?i)(?:january|february|march|april|may|june|july|august|september|october|november|"
                         r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?(?:\s+\d{1,2})?(?:,?\s+20\d\d)?")
# Words that make a list one of deals: money raised, lent or paid for a company
_FUNDING_CUE = re.compile(r"(?i)\b(?:rais\w*|fund\w*|round\w*|financ\w*|invest\w*|backed|backers?|seed|pre-seed|series|"
                          r"led by|lead|deals?|acqui\w*|bought|buys?|merger|m&a|debt|loan|venture|vc|capital|"
                          r"secured|closed|landed|bagged|stake|valuation)\b")
_AGGREGATE_HEADING = re.compile(r"(?i)^\s*(?:#+\s*)?(?:totals?\s+)?by\s+(?:sector|stage|region|country|industry|round|"
                                r"vertical|category|geography|market|segment|size|month|quarter|city|state|type)\b")
_BACKER_KINDS = frozenset({"vc", "pe", "bank", "sovereign"})
_UNDISCLOSED = re.compile(r"(?i)\b(?:undisclosed|not disclosed|unannounced)\b")
_ACQUIRED = re.compile(r"(?i)\b(?:acqui\w+|bought|buyout|takeover|merger|m&a)\b")
_NOT_A_ROUND = re.compile(r"(?i)\b(?:grants?|award(?:ed)?|prize|contracts?|revenue|ipo|listing|valuation of)\b")
_CELL_LABEL = re.compile(r"^(?P<label>[A-Za-z][\w .&'’-]{0,30}?):\s*")
_BOUGHT_BY = re.compile(r"(?i)\b(?:acquired|bought|purchased) by\s+([^·|,;]+)")
_LINE_LABEL = re.compile(r"^(?P<label>[A-Z][\w .&'’-]{0,30}?):\s+")
_LEAD_LABELS = frozenset({"lead", "leads", "lead investor", "lead investors", "led by", "co-leads", "lead backer"})
# Line labels whose names are a deal's backers ("Also in: X, Y and Z")
INVESTOR_LABELS = frozenset({"also", "with", "investors", "investor", "other investors", "backers", "participants",
                             "co-investors", "others", "lender", "lenders", "buyer", "acquirer", "acquired by", "also in",
                             "also investing", "also participating", "other backers", "joining", "returning investors"})
# Block numbers of entry headers, past any real paragraph's and any table row's.
ENTRY_BLOCKS = 20_000
# "Oxbow, $18 million in a Series A led by Felicis, for ...": an item is one line, its figure first
_MAX_ITEM = 220
# Cells of a one-line entry: "Graphwell | New York | $26M Series A", "$220M · Marrowline · Series D".
# "5. Zscaler Raised: $138 million Valuation: $1.1 billion": a profile's fields, not an entry's header
_FIELD_TAIL = re.compile(r"(?i)\b(?:raised|raises|funding|valuation|amount|investors?|lead|total)$")
_FIRST_SENTENCE = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")
_VERB_FIRST = re.compile(r"(?i)(?:raised|raises|closed|secured|landed|grabbed|bagged|picked up)\b")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*·▪►→➤▸»])\s")
_NAME_ONLY = re.compile(r"^\s*\d{1,2}[.)]\s+(?:\*\*)?" + _NAME + r"(?:\*\*)?\s*\([^)]{2,40}\)\s*$")
_HEADER_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
_AMOUNT_FIELD = re.compile(r"(?i)^(?:raised|funding|amount|round|deal|news|the deal|size|financing)\s*:\s*(?P<value>.+)$")
_NOT_DEAL_COLUMNS = re.compile(r"(?i)\b(?:market (?:value|cap\w*)|revenue|sales|price|share price|stock|profit|"
                               r"earnings|change since|market share)\b")
_CELL_SPLIT = re.compile(r"\s*\|\s*|\s+[·•]\s+")
_DEAL_WORDS = re.compile(r"(?i)\b(?:series [a-z]\d?|seed|equity|debt|financing|loan|facility|tranche|round|notes|"
                         r"credit|grant)\b")
_FIGURE_FROM = re.compile(r"(?i)^[^,;]{0,60}?\bfrom\s+(?P<seg>[^;]+)")
_NOT_A_NAME = frozenset("the a an this that these those our we it its their he she they i you".split())


def _header(r: _Reader, line: str) -> tuple[str, str] | None:
    """The company and the rest of an entry header, or None when the line is not one."""
    body = line[_MARKER.match(line).end():].strip().rstrip("*").strip()  # type: ignore[union-attr]
    cut = _CELL_SPLIT.split(body)
    if len(cut) > 1:
        cells = [c.strip().strip("*").strip() for c in cut if c.strip()]
        if not 2 <= len(cells) <= 7:
            return None
        # the name: the first cell that is neither the figure nor a field ("$220M · Marrowline · Series D · lead: X")
        names = [c for c in cells if not _FIGURE_FIRST.match(c) and not _LINE_LABEL.match(c) and not tx.find_round(c)]
        figure = next((c for c in cells if _FIGURE_FIRST.match(c)), None)
        if figure is None or not names or cells.index(figure) > cells.index(names[0]) + 3:
            return None
        name = names[0]
        rest = " · ".join([figure, *(c for c in cells if c is not name and c is not figure)])  # the figure first
        month = next((c for c in cells[1:] if _MONTH_CELL.fullmatch(c)), None)
        if month is not None:
            rest += f" (in {month})"  # a table row dated by its own column: dated like "... in February"
    else:
        m = _HEADER.match(body)
        if m is None or not _FIGURE_FIRST.match(m.group("rest")):
            return None
        if _VERB_FIRST.match(m.group("rest")) and not _LIST_MARK.match(line):
            return None  # "X raised $5M ..." is an entry only as a list item; as a paragraph, the sentence reader's
        name, rest = m.group("name").strip(), m.group("rest").strip()
    if len(rest) > _MAX_ITEM or len(name) > 60 or not re.search(r"[A-Za-z]", name) or _DEAL_WORDS.search(name) or _FIELD_TAIL.search(name):
        return None  # ... or "Series C equity | $350 million": a row naming a piece of a deal, not a company
    # the header's shape names the company, so "tessel" or "Brief" are names here; "This week's total" is not
    first = name.split()[0].lower().strip(".,")
    if first in _NOT_A_NAME or name.lower() in GENERIC or NOT_A_COMPANY.match(name) or is_location(name) or \
            _MONTH_CELL.fullmatch(name) or _YEAR.search(name):
        return None  # ... or a date: "Mar 2021 | Seed | $4 million" is a funding history's row
    if _NOT_A_ROUND.search(rest) and not tx.find_round(rest):
        return None
    return name, rest


def _sheet_header(text: str, end: int, line: str) -> tuple[str, str, int] | None:
    """A numbered header that names the company and its place, with the figure in a field below it:

        1. Nordvik Sensing (Tromsø, Norway)
        What it does: ...
        Raised: €14M Series A

    The place in brackets tells a company from a teaser heading ("2. Identity For Agents")."""
    m = _NAME_ONLY.match(line)
    if m is None or m.group("name").split()[0].lower() in _NOT_A_NAME or NOT_A_COMPANY.match(m.group("name")):
        return None
    pos = end + 1
    for below in text[end + 1:end + 800].split("\n")[:7]:
        pos += len(below) + 1
        if _NAME_ONLY.match(below) or _HEADER_NUMBER.match(below):
            break  # the next item has begun
        field = _AMOUNT_FIELD.match(below.strip())
        if field is not None and (_FIGURE_FIRST.match(field.group("value")) or _BOUGHT_BY.search(field.group("value"))):
            return m.group("name").strip(), field.group("value").strip(), pos - 1 - (len(below) - len(below.rstrip()))
    return None


def _dated(rest: str, year: int | None, month: int | None = None) -> bool:
    """Whether a header dates its item in the past: "in December", "(2025)" in an article of 2026, "(Series C,
    January)" in one of April. Only the header's own words count: "X - $36 million Series B. It last raised in
    2023." is this week's item."""
    sentences = _FIRST_SENTENCE.split(rest)
    # the sentence that gives the item's figure ("Loomstead: 120 jobs. The company raised $85 million last year.")
    rest = next((x for x in sentences if find_money(x)), sentences[0])
    if _DATED.search(rest) or tx.DENIAL.search(rest):
        return True
    named = [_MONTHS.index(m.group(1)[:3].lower()) + 1 for m in _NAMED_MONTH.finditer(rest)]
    if month is not None and any(n != month for n in named):
        return True
    return year is not None and any(int(y) < year for y in _YEAR.findall(rest))


def _recalls_earlier_year(r: _Reader) -> bool:
    """"Where are they now? The 2023 demo day standouts": a list headed by an earlier year recalls that year."""
    return r.year is not None and any(int(y) < r.year for y in _YEAR.findall(r.title))


def entry_deals(r: _Reader) -> list[Candidate]:
    """One candidate per entry header, when the article lists at least two."""
    text = r.text
    headers: list[tuple[int, int, str, str]] = []  # (line start, line end, company, rest)
    pos = 0
    columns = ""  # the header row of the table the line sits in, if any
    tail = tail_start(text)  # "RELATED" and what follows: other stories' headlines
    aggregate = False  # under "By sector" / "By stage": rows of a period's totals, not companies
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if tail is not None and start >= tail:
            break
        if not line.strip():
            aggregate = False
            continue
        if _AGGREGATE_HEADING.match(line):
            aggregate = True
            continue
        if aggregate:
            continue
        if "|" not in line:
            columns = ""
        elif not columns and not find_money(line):
            columns = line
        if not line.strip() or len(line) > 250 or (columns and _NOT_DEAL_COLUMNS.search(columns)):
            continue  # ... or a row of a table of market values, revenue or prices
        found = _header(r, line)
        if found is not None and found[0].lower() in tx.FIELD_LABELS:
            found = None  # "Today: 7 rounds, $312.5M disclosed": a field of the digest, not a company
        if found is not None and r.names.kind(found[0]) in _BACKER_KINDS:
            found = None  # "2 | Andreessen Horowitz | 61 | 29 | ...": a table of investors, not of companies
        stop = start + len(line)
        if found is None and (sheet := _sheet_header(text, stop, line)) is not None:
            found, stop = sheet[:2], sheet[2]  # the entry's sentence runs to its figure's field line
        if found is not None:
            headers.append((start, stop, *found))
    if len(headers) < 2:
        return []
    dated = [h for h in headers if _dated(h[3], r.year, r.month)]
    if 2 * len(dated) >= len(headers):
        r.recap_spans = [(h[0], h[1]) for h in headers]  # no reading of these lines is news
        return []  # "1. Databricks: $10 billion in December": a recap of the period, not this week's news
    if tx.is_ranking_title(r.title, valuations=True) or tx.is_recap_title(r.title) or _recalls_earlier_year(r):
        r.recap_spans = [(h[0], h[1]) for h in headers]  # "The 10 most valuable AI startups": the items' figures
        return []  # and the rounds they recall are the ranking's evidence, not news
    if not _FUNDING_CUE.search(r.title) and 2 * sum(1 for h in headers if _FUNDING_CUE.search(h[3])) < len(headers):
        return []  # a list of figures that neither its headline nor half its items call money raised: a ranking
    out: list[Candidate] = []
    spans = [headers[k + 1][0] - headers[k][1] for k in range(len(headers) - 1)]
    for k, (a, b, name, rest) in enumerate(headers):
        if _dated(rest, r.year, r.month):
            continue
        # the last item's story is no longer than the others': the list ends, the article goes on
        end = headers[k + 1][0] if k + 1 < len(headers) else min(len(text), b + max(spans) + 1)
        cand = _entry(r, text, a, b, end, name, rest, k)
        if cand is not None:
            out.append(cand)
    return out if len(out) >= 2 else []


def _entry(r: _Reader, text: str, a: int, b: int, end: int, name: str, rest: str, k: int) -> Candidate | None:
    line = text[a:b]
    lead = len(line) - len(line.lstrip())
    sent = Sentence(line.strip(), a + lead, a + lead + len(line.strip()), ENTRY_BLOCKS + k, "bullet")
    cells = [c.strip() for c in _CELL_SPLIT.split(rest) if c.strip()]
    fields = {m.group("label").lower(): c[m.end():] for c in cells if (m := _CELL_LABEL.match(c))}
    plain = " ".join(c for c in cells if not _CELL_LABEL.match(c))
    money: Money | None = None
    head = re.sub(r"(?i)^(?:an?|the)\s+", "", plain.split(",")[0].strip())
    if not _UNDISCLOSED.match(head) or find_money(plain.split(",")[0]):
        figs = [f for f in find_money(plain) if not f.vague]
        if not figs:
            return None
        f = figs[0]
        if classify.money_role(plain, f, f.start, f.end) != "deal":
            return None  # "1. Orrin — $40 billion valuation", "— $12M in revenue": a ranking's figure, no round
        at = line.find(f.text) - lead  # money spans index the entry's sentence
        money = Money(max(at, 0), max(at, 0) + len(f.text), f.text, f.currency, f.value, f.high, f.qualifier, f.usd,
                      f.vague)
    if money is None:
        money = Money(0, 0, "", "", 0.0, vague=True)
    dtype = "acquisition" if _ACQUIRED.search(rest) else "debt" if tx.DEBT_WORDS.search(plain) else "equity"
    cand = Candidate(r.canon(name), dtype, money, sent, "text", 0, verb="acquire" if dtype == "acquisition" else "raise",
                     round=tx.find_round(plain) if dtype == "equity" else None, support=0.9, region=(a, end))
    cand.sentences.append(sent)
    inv, leads = r.investor_mentions(plain, "text")  # "Oxbow, $18 million in a Series A led by Felicis"
    backers = _FIGURE_FROM.match(plain)
    if not inv and backers is not None:  # "€3 million pre-seed from Kima Ventures and Frst, for textile design"
        inv = r.name_list(re.split(TERM, backers.group("seg"), maxsplit=1)[0], "text")
    for label, value in fields.items():  # "lead: Thrive Capital · also: Elad Gil, Conviction · valuation: $3B"
        names = r.name_list(value, "text")
        if label in _LEAD_LABELS:
            leads += names
            inv += names
        elif label in INVESTOR_LABELS:
            inv += names
        elif label == "valuation" and (vals := find_money(value)):
            cand.valuation = vals[0]
    buyer = _BOUGHT_BY.search(rest)
    if dtype == "acquisition" and buyer is not None:  # "undisclosed · Wrenfield · acquired by Telemetrica"
        inv += r.name_list(buyer.group(1), "text")
        leads = list(inv)
    cand.investors += [n for n in inv if n not in cand.investors]
    cand.leads += [n for n in leads if n not in cand.leads]
    _story(r, cand, text, a, end)  # from the header line itself: "X (Leeds) - £4m seed. Y led."
    return cand


def _story(r: _Reader, cand: Candidate, text: str, start: int, end: int) -> None:
    """Investors and valuation from the lines under a header, up to the next one."""
    for s in r.all_sents:
        if s.start < start or s.start >= end or s.kind not in ("body", "bullet") or s.background:
            continue
        own = _LINE_LABEL.match(s.text)  # a block's label is its first sentence's: "Lead: X. Also: Y."
        label = own.group("label").lower() if own else ""
        tail = s.text[own.end():] if own else s.text
        if label in _LEAD_LABELS:
            names = r.name_list(tail, "text")
            cand.leads += [n for n in names if n not in cand.leads]
            cand.investors += [n for n in names if n not in cand.investors]
            continue
        if label in INVESTOR_LABELS:
            cand.investors += [n for n in r.name_list(tail, "text") if n not in cand.investors]
            _, marked = r.investor_mentions(tail, "text")  # "Investors: Frst (lead), Kima Ventures"
            cand.leads += [n for n in marked if n not in cand.leads]
            if cand.deal_type == "acquisition":
                cand.leads = list(cand.investors)
            continue
        figs = find_money(s.text)
        if label == "valuation" and figs and cand.valuation is None:
            cand.valuation = figs[0]
            cand.sentences.append(s)
            continue
        if figs and (classify.background_level(s.text, "", r.year, r.month) >= 2 or tx.BACKGROUND_STRONG.search(s.text)):
            continue  # "It has raised $31 million to date from X": earlier backers (not "previous investor X joined")
        for f in figs:
            if cand.valuation is None and classify.money_role(s.text, f, f.start, f.end, label=s.label) == "valuation":
                cand.valuation = f
        inv, leads = r.investor_mentions(s.text, "text")
        for n in inv:
            if n not in cand.investors and n != cand.company:
                cand.investors.append(n)
        for n in leads:
            if n not in cand.leads and n != cand.company:
                cand.leads.append(n)
        if inv or leads:
            cand.sentences.append(s)


def with_entries(accepted: list[Candidate], entries: list[Candidate]) -> list[Candidate]:
    """The accepted deals with a list's entries in place of what the sentences made of the same items.

    A header states the item's figure; a sentence under it may give another (a total to date). The entry's
    investors are those of the lines under its header; the sentences' only where those name none."""
    if not entries:
        return accepted
    out: list[Candidate] = []
    for a in accepted:
        twin = next((e for e in entries if same_entity(e.company or "", a.company or "")
                     and (e.deal_type == a.deal_type or a.field == "text")), None)
        inside = next((e for e in entries if e.region and a.field == "text" and e.region[0] <= a.sent.start < e.region[1]
                       and any(same_entity(i, a.company or "") for i in e.investors)), None)
        if twin is None and inside is not None:
            continue  # the entry's buyer or backer read as a company in its own lines ("Acquired by X for $40M")
        if twin is None:
            out.append(a)
            continue
        if a.sent.block >= TABLE_ROW_BLOCKS:  # the row of a table with a header: its columns say more
            entries.remove(twin)
            out.append(a)
            continue
        if not twin.investors:  # the lines under its own header are the entry's; a sentence may reach past them
            twin.investors += a.investors
            twin.leads += [i for i in a.leads if i not in twin.leads]
        if twin.valuation is None:
            twin.valuation = a.valuation
    return out + entries
