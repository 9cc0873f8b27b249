"""Deals listed in a table: "| Company | Amount | Round | Lead investor |" and one row per deal.

Weekly funding lists often come as an HTML table, which extraction turns into pipe-separated lines
(the sentence splitter treats those as a ticker and skips them). A table counts only when its header
names a company column and an amount or round column; every row then is one deal. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.deals import taxonomy as tx
from crawler.deals.frames import Candidate
from crawler.deals.money import Money, find_money
from crawler.deals.segment import Sentence

if TYPE_CHECKING:
    from crawler.deals.parse import _Reader

# Block numbers of table rows start here, past any real paragraph's, so a row is never taken for one.
TABLE_ROW_BLOCKS = 10_000
# Headers that are a list's furniture, not a company: totals, methodology, field labels.
NOT_A_COMPANY = re.compile(r"(?i)^(?:total|totals|sum|overall|combined|this week|last week|this month|week|month|"
                            r"quarter|year|funding|raised|amount|valuation|investors?|lead|note|source|methodology|"
                            r"headquarters|hq|round|stage|sector|deal|deals|biggest|largest|top)\b")
_MONTH = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("company", re.compile(r"(?i)^(?:company|startup|start-up|name|firm|business|target|borrower|recipient)$")),
    ("amount", re.compile(r"(?i)\b(?:amount|raised|size|funding|investment|deal value|money)\b")),
    ("valuation", re.compile(r"(?i)\b(?:valuation|post-money|pre-money|post money|valued at)\b")),
    ("round", re.compile(r"(?i)^(?:(?:funding |deal )?round(?: type)?|stage|series|type|deal type)$")),
    ("investors", re.compile(r"(?i)\b(?:lead|leads|investors?|backers?|led by|buyer|acquirer|lenders?)\b")),
    ("when", re.compile(r"(?i)^(?:month|date|when|announced|closed|quarter)$")),
)


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    start: int  # offset of the cell's text in the article


def _cells(text: str, start: int, end: int) -> list[_Cell]:
    """The cells of one table line, with their offsets in the article text."""
    out: list[_Cell] = []
    line = text[start:end]
    inner_start = start + (1 if line.lstrip().startswith("|") else 0) + (len(line) - len(line.lstrip()))
    pos = inner_start
    for part in text[inner_start:end].split("|"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        if stripped or part:
            out.append(_Cell(stripped, pos + lead))
        pos += len(part) + 1
    while out and not out[-1].text:
        out.pop()
    return out


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def table_deals(r: _Reader) -> list[Candidate]:
    """One candidate per row of every deal table in the article body."""
    text = r.text
    if text.count("|") < 4:
        return []
    out: list[Candidate] = []
    whens: set[str] = set()
    header: dict[str, int] | None = None
    lead_col = False
    for n, (a, b) in enumerate(_lines(text)):
        line = text[a:b]
        if line.count("|") < 2:
            header = None  # a table ends at the first line that is not a row
            continue
        if _RULE.match(line):
            continue
        cells = _cells(text, a, b)
        if header is None:
            cols = {}
            for k, cell in enumerate(cells):
                for name, rx in _COLUMNS:
                    if name not in cols and rx.search(cell.text):
                        cols[name] = k
                        break
            header = cols if "company" in cols and ("amount" in cols or "round" in cols) else {}
            lead_col = "investors" in cols and bool(re.search(r"(?i)\blead|\bled\b", cells[cols["investors"]].text))
            continue
        if not header:
            continue
        cand = _row(r, text, a, b, n, cells, header, lead_col)
        if cand is not None:
            out.append(cand)
            k = header.get("when")
            month = _MONTH.search(cells[k].text) if k is not None and k < len(cells) else None
            whens.add(month.group(0)[:3].lower() if month else "")
    if len(whens - {""}) >= 2:
        return []  # rows dated to different months: a period's recap ("the quarter's largest rounds"), not news
    return out


def _row(r: _Reader, text: str, a: int, b: int, n: int, cells: list[_Cell], cols: dict[str, int],
         lead_col: bool) -> Candidate | None:
    def cell(name: str) -> _Cell | None:
        k = cols.get(name)
        return cells[k] if k is not None and k < len(cells) and cells[k].text else None

    company = cell("company")
    if company is None or not company.text[:1].isalnum() or NOT_A_COMPANY.match(company.text):
        return None
    sent = Sentence(text[a:b].strip(), a + (len(text[a:b]) - len(text[a:b].lstrip())), b - (len(text[a:b]) -
                                                                                           len(text[a:b].rstrip())),
                    TABLE_ROW_BLOCKS + n, "bullet")
    amount = cell("amount")
    money: Money | None = None
    if amount is not None:
        figs = find_money(amount.text)
        if figs:
            f = figs[0]
            offset = amount.start - sent.start  # money spans index the row, as a sentence's do
            money = Money(f.start + offset, f.end + offset, f.text, f.currency, f.value, f.high, f.qualifier, f.usd,
                          f.vague)
    if money is None:
        money = Money(0, 0, "", "", 0.0, vague=True)
    kind = " ".join(c.text for c in (cell("round"), amount) if c is not None)
    dtype = "acquisition" if re.search(r"(?i)\bacqui|\bbuyout\b|\bm&a\b", kind) else \
        "debt" if tx.DEBT_WORDS.search(kind) else "equity"
    name = r.canon(company.text)
    investors = r.name_list(cell("investors").text, "text") if cell("investors") else []
    cand = Candidate(name, dtype, money, sent, "text", 0, verb="acquire" if dtype == "acquisition" else "raise",
                     investors=investors, leads=list(investors) if dtype == "acquisition" or lead_col else [],
                     round=tx.find_round(kind) if dtype == "equity" else None, support=0.9)
    val = cell("valuation")
    if val is not None:
        vfigs = find_money(val.text)
        if vfigs:
            off = val.start - sent.start
            v = vfigs[0]
            cand.valuation = Money(v.start + off, v.end + off, v.text, v.currency, v.value, v.high, v.qualifier, v.usd)
    cand.sentences.append(sent)
    return cand

