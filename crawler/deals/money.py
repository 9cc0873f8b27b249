"""Money figures in news text: ``$6.6B``, ``€600 million``, ``₹2,000 crore``, ranges, "up to".

Pure functions. ``find_money`` returns every figure with its character span, currency,
value in the written currency and any qualifier; ``to_usd`` converts with dated rates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from crawler.deals.textutil import fold

if TYPE_CHECKING:
    from crawler.deals.resources import Resources

SCALES: dict[str, float] = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "t": 1e12,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "m": 1e6, "mm": 1e6,
    "thousand": 1e3, "k": 1e3,
    "crore": 1e7, "crores": 1e7, "cr": 1e7,
    "lakh": 1e5, "lakhs": 1e5,
}

# Prefix symbols and codes, longest first so "US$" wins over "$".
_PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "US $": "USD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "$A": "AUD", "$AU": "AUD", "$NZ": "NZD", "$US": "USD",  # "$A45 million"
    "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "NZ$": "NZD", "NZD": "NZD", "S$": "SGD", "SGD": "SGD", "HK$": "HKD", "HKD": "HKD",
    "R$": "BRL", "$": "USD",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "¥": "JPY", "JPY": "JPY", "CNY": "CNY", "RMB": "CNY", "CN¥": "CNY",
    "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR",
    "₩": "KRW", "KRW": "KRW", "CHF": "CHF", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK",
    "AED": "AED", "SAR": "SAR", "₪": "ILS", "ILS": "ILS", "NIS": "ILS", "TWD": "TWD", "NT$": "TWD",
    # Africa, Latin America, South and South-East Asia, central Europe
    "₦": "NGN", "NGN": "NGN", "N": "NGN", "KSh": "KES", "KES": "KES", "ZAR": "ZAR", "R": "ZAR",
    "GH₵": "GHS", "GH¢": "GHS", "GHS": "GHS", "EGP": "EGP", "E£": "EGP", "MAD": "MAD",
    "MXN": "MXN", "MX$": "MXN", "Mex$": "MXN", "COP": "COP", "CLP": "CLP", "ARS": "ARS",
    "₱": "PHP", "PHP": "PHP", "IDR": "IDR", "Rp": "IDR", "Rp.": "IDR", "MYR": "MYR", "RM": "MYR",
    "THB": "THB", "฿": "THB", "VND": "VND", "₫": "VND", "PKR": "PKR", "BDT": "BDT", "Tk": "BDT",
    "PLN": "PLN", "TRY": "TRY", "₺": "TRY", "CZK": "CZK", "HUF": "HUF", "RON": "RON", "QAR": "QAR",
    "KWD": "KWD",
}
# One- and two-letter signs that are also plain letters ("R1", "N95", "PHP 8"): a figure only with a scale word.
_SCALE_ONLY_PREFIXES = frozenset({"n", "r", "rm", "php", "tk"})

# Currency words after the number ("600 million euros").
_SUFFIXES: dict[str, str] = {
    "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD", "usd": "USD",
    "canadian dollars": "CAD", "australian dollars": "AUD", "singapore dollars": "SGD",
    "hong kong dollars": "HKD", "new zealand dollars": "NZD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds sterling": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP",
    "yen": "JPY", "japanese yen": "JPY", "jpy": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY",
    "rupees": "INR", "indian rupees": "INR", "inr": "INR",
    "won": "KRW", "korean won": "KRW", "krw": "KRW",
    "swiss francs": "CHF", "francs": "CHF", "chf": "CHF",
    "dirhams": "AED", "aed": "AED", "riyals": "SAR", "saudi riyals": "SAR", "sar": "SAR",
    "kronor": "SEK", "swedish kronor": "SEK", "krona": "SEK", "sek": "SEK",
    "shekels": "ILS", "new shekels": "ILS", "nis": "ILS",
    "naira": "NGN", "kenyan shillings": "KES", "rand": "ZAR", "cedis": "GHS", "egyptian pounds": "EGP",
    "mexican pesos": "MXN", "colombian pesos": "COP", "chilean pesos": "CLP", "argentine pesos": "ARS",
    "philippine pesos": "PHP", "rupiah": "IDR", "ringgit": "MYR", "baht": "THB", "dong": "VND",
    "pakistani rupees": "PKR", "taka": "BDT", "zloty": "PLN", "złoty": "PLN", "zł": "PLN",
    "turkish lira": "TRY", "lira": "TRY", "koruna": "CZK", "forint": "HUF",
}

_WORD_NUMBERS: dict[str, float] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "half a": 0.5, "a half": 0.5, "a quarter of a": 0.25,
}

# Qualifier words just before a figure, and what they mean for the amount.
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("up to", "up_to"), ("as much as", "up_to"), ("as high as", "up_to"), ("a maximum of", "up_to"),
    ("more than", "at_least"), ("over", "at_least"), ("at least", "at_least"), ("upwards of", "at_least"),
    ("in excess of", "at_least"), ("north of", "at_least"), ("above", "at_least"), ("a minimum of", "at_least"),
    ("about", "approx"), ("around", "approx"), ("roughly", "approx"), ("approximately", "approx"),
    ("nearly", "approx"), ("almost", "approx"), ("close to", "approx"), ("some", "approx"),
    ("an estimated", "approx"), ("estimated", "approx"), ("an initial", "approx"), ("just over", "at_least"),
    ("just under", "approx"), ("~", "approx"),
)

_QUALIFIERS_SPACED = tuple((word, kind, word + " ") for word, kind in _QUALIFIERS)

# "2,5 million" is the European decimal comma: only before a scale word, where a thousands comma can't be
_NUM = r"\d{1,3},\d{1,2}(?=\s?(?:million|billion|mn|bn|mln|mio|mrd|m\b|b\b))|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORDS = r"trillion|billion|million|thousand|crores?|lakhs?|bn|mn|mln|bln|mio|tn|trn|cr"
# "$10-billion" too, and a scale letter glued to the next word by a careless extraction ("$58Mfunding")
_SCALE = rf"(?:[\s-]?(?:{_SCALE_WORDS})\b|(?:[bBmMkKT]|mm)\b|[BMK](?=(?:funding|round|seed|series|valuation|raise)\b))"
_PREFIX_RE = "|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True))
_SUFFIX_RE = "|".join(re.escape(s) for s in sorted(_SUFFIXES, key=len, reverse=True))
_RANGE_SEP = r"\s?(?:-|–|—|to)\s?"

_PREFIXED = re.compile(
    rf"(?<![A-Za-z0-9$])(?P<pre>{_PREFIX_RE})\s?(?P<num>{_NUM})(?P<scale>{_SCALE})?"
    rf"(?:(?P<sep>{_RANGE_SEP})(?:(?P=pre)\s?)?(?P<num2>{_NUM})(?P<scale2>{_SCALE})?)?"
    rf"(?:\s(?P<suf>{_SUFFIX_RE})\b)?",
    re.IGNORECASE,
)
_SUFFIXED = re.compile(
    rf"(?<![\w$€£¥₹₦₱₺₫฿₩₪.,])(?P<num>{_NUM})(?:(?P<sep>{_RANGE_SEP})(?P<num2>{_NUM}))?"
    rf"(?P<scale>\s?(?:{_SCALE_WORDS})\b)?\s(?P<suf>{_SUFFIX_RE})\b",
    re.IGNORECASE,
)
_WORDED = re.compile(
    r"\b(?P<w>half an?|a half|a quarter of a|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s"
    r"(?P<scale>trillion|billion|million)[\s-](?P<suf>(?:us\s)?dollars?|euros?|pounds|yen|yuan)\b",
    re.IGNORECASE,
)
# A bracketed equivalent right after a figure: "€385m (about $415m)", "$500K(approx. ₹3.2 Cr)".
_PAREN_EQUIV = re.compile(
    r"\s?\(\s?(?:(?:about|around|roughly|approximately|approx\.?|nearly|some|or|over|more than|almost|"
    r"equivalent to|equal to|~|≈)\s?)?(?P<inner>[^()]{1,40}?)\)",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"between\s$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Money:
    """A money figure as written: span, currency, value(s) in that currency, qualifier.

    ``value`` is the figure (the low end of a range), ``high`` the top of a range, ``usd`` an
    equivalent the article itself gives in brackets ("€385m (about $415m)").
    """

    start: int
    end: int
    text: str
    currency: str
    value: float
    high: float | None = None
    qualifier: str | None = None
    usd: float | None = None
    vague: bool = False

    @property
    def is_range(self) -> bool:
        """True for "$1-2 billion" or "between €30bn and €50bn"."""
        return self.high is not None and self.high != self.value


def _to_float(num: str) -> float:
    if re.fullmatch(r"\d{1,3},\d{1,2}", num):
        return float(num.replace(",", "."))  # decimal comma
    return float(num.replace(",", ""))


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    w = word.strip().lstrip("-")
    if w in ("T",):
        return 1e12
    return SCALES.get(w.lower(), 1.0)


def _currency(pre: str | None, suf: str | None) -> str:
    if pre:
        key = pre.strip()
        for p, code in _PREFIXES.items():
            if p.lower() == key.lower():
                cur = code
                break
        else:
            cur = "USD"
        if suf and cur == "USD" and key == "$":
            return _SUFFIXES.get(suf.lower(), cur)
        return cur
    return _SUFFIXES.get((suf or "").lower(), "USD")


_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                       "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred"], key=len, reverse=True))
# "three hundred and fifty million dollars", "twenty-five million euros", "a half-billion-dollar round"
_COMPOUND = re.compile(
    rf"(?<!several )(?<!few )(?<!many )(?<!several)\b(?P<w>(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*"
    rf"(?:\s+point(?:\s+(?:{_NUMBER_WORD}))+|\s+and\s+a\s+half)?)[\s-]+"
    r"(?P<scale>thousand|million|billion|trillion)[\s-]+(?P<suf>(?:us\s)?dollars?|euros?|pounds?|yen|yuan|rupees)\b",
    re.IGNORECASE)


def _number_words(words: str) -> float | None:
    """"three hundred and fifty" -> 350; None when the words do not make one number."""
    total = 0
    current = 0
    low = words.lower()
    fraction = 0.0
    if low.endswith(" and a half"):  # "one and a half billion"
        low, fraction = low[:-len(" and a half")], 0.5
    if " point " in low:  # "six point six billion": the digits after "point" one by one
        low, decimals = low.split(" point ", 1)
        digits = [_UNITS.get(d) for d in re.split(r"[\s-]+", decimals.strip())]
        if any(d is None or d > 9 for d in digits):
            return None
        fraction = float("0." + "".join(str(d) for d in digits))
    for w in re.split(r"[\s-]+", low):
        if w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            return None
    total += current
    return float(total) + fraction if total or fraction else None


_VAGUE = re.compile(r"\b(?:(?:tens|hundreds) of (?:millions|billions)(?: of (?P<unit>dollars|euros|pounds))?|"
                    r"several (?:hundred )?(?:million|billion) (?P<unit2>dollars|euros|pounds))\b", re.I)


def _raw_figures(text: str) -> list[Money]:
    found: list[Money] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    digits = _DIGIT.search(text) is not None  # written figures need a digit; worded ones "million"
    for m in _PREFIXED.finditer(text) if digits else ():
        num, num2 = m.group("num"), m.group("num2")
        scale2 = _scale(m.group("scale2"))
        scale1 = _scale(m.group("scale")) if m.group("scale") else scale2
        try:
            value = _to_float(num) * scale1
            high = _to_float(num2) * scale2 if num2 else None
        except ValueError:
            continue
        if num2 and m.group("sep") and m.group("sep").strip() in ("-", "–", "—") and not m.group("scale2") \
                and not m.group("scale"):
            high = _to_float(num2)
        if m.group("pre").lower() in _SCALE_ONLY_PREFIXES and not m.group("scale"):
            continue  # "DeepSeek's R1", "N95 masks": letters, not rand or naira
        end = m.end()
        if m.group("suf") and not re.fullmatch(r"(?i)(us\s)?dollars|usd", m.group("suf") or "") and \
                m.group("pre") not in ("$",):
            end = m.end("suf")
        found.append(Money(m.start(), end, text[m.start():end], _currency(m.group("pre"), m.group("suf")),
                           value, high))
        taken.append((m.start(), end))
    for m in _SUFFIXED.finditer(text) if digits else ():
        if not free(m.start(), m.end()):
            continue
        try:
            scale = _scale(m.group("scale"))
            value = _to_float(m.group("num")) * scale
            high = _to_float(m.group("num2")) * scale if m.group("num2") else None
        except ValueError:
            continue
        found.append(Money(m.start(), m.end(), m.group(0), _currency(None, m.group("suf")), value, high))
        taken.append((m.start(), m.end()))
    worded = "illion" in fold(text)  # (and "thousand" figures need a digit)
    for m in _COMPOUND.finditer(text) if worded else ():
        if not free(m.start(), m.end()):
            continue
        base = _number_words(m.group("w"))
        if base is not None:
            suf = m.group("suf").lower().rstrip("s") + ("s" if not m.group("suf").lower().endswith(("yen", "yuan")) else "")
            found.append(Money(m.start(), m.end(), m.group(0), _currency(None, suf), base * _scale(m.group("scale"))))
            taken.append((m.start(), m.end()))
    for m in _WORDED.finditer(text) if worded else ():
        if not free(m.start(), m.end()):
            continue
        w = m.group("w").lower()
        base = _WORD_NUMBERS.get(w, 0.5 if w.startswith("half") else 1.0)
        found.append(Money(m.start(), m.end(), m.group(0), _currency(None, m.group("suf")),
                           base * _scale(m.group("scale"))))
        taken.append((m.start(), m.end()))
    for m in _VAGUE.finditer(text) if worded else ():
        if free(m.start(), m.end()):  # "tens of billions of dollars": a deal of unknown size, amount null
            cur = {"euros": "EUR", "pounds": "GBP"}.get((m.group("unit") or m.group("unit2") or "").lower(), "USD")
            found.append(Money(m.start(), m.end(), m.group(0), cur, 0.0, vague=True))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    return found


def _with_context(text: str, figs: list[Money]) -> list[Money]:
    """Join ranges, bracketed USD equivalents and qualifiers onto the bare figures."""
    out: list[Money] = []
    i = 0
    while i < len(figs):
        f = figs[i]
        nxt = figs[i + 1] if i + 1 < len(figs) else None
        # "between €30 billion and €50 billion", "$1 billion to $2 billion", "$1bn-$2bn"
        if nxt is not None and nxt.currency == f.currency and f.high is None:
            gap = text[f.end:nxt.start]
            between = _BETWEEN.search(text[max(0, f.start - 8):f.start])
            if re.fullmatch(r"\s?(?:-|–|—|to)\s?", gap) or (between and re.fullmatch(r"\s(?:and)\s", gap)):
                start = f.start - len(between.group(0)) if between else f.start
                f = Money(start, nxt.end, text[start:nxt.end], f.currency, f.value, nxt.value)
                i += 1
        # "€385 million (about $415 million)", "$1.1 Million(approx. ₹7.3 Cr)": one figure, two currencies
        paren = _PAREN_EQUIV.match(text, f.end)
        if paren is not None:
            inner = [g for g in figs if paren.start("inner") <= g.start < paren.end()]
            if inner and inner[0].currency != f.currency and not inner[0].vague and \
                    text[paren.start("inner"):inner[0].start].strip() == "":
                usd = inner[0].value if inner[0].currency == "USD" and f.currency != "USD" else f.usd
                f = Money(f.start, paren.end(), text[f.start:paren.end()], f.currency, f.value, f.high, usd=usd)
                while i + 1 < len(figs) and figs[i + 1].start < paren.end():
                    i += 1
        # qualifier words before the figure
        head = text[max(0, f.start - 20):f.start].lower()
        for word, kind, spaced in _QUALIFIERS_SPACED:
            if head.endswith(spaced) or (word == "~" and head.endswith("~")):
                start = f.start - len(word) - (0 if word == "~" else 1)
                f = replace(f, start=start, text=text[start:f.end], qualifier=kind)
                break
        out.append(f)
        i += 1
    return out


def find_money(text: str) -> list[Money]:
    """Every money figure in ``text``, in order, with spans indexing ``text``. Never raises on str."""
    if not text:
        return []
    return _with_context(text, _raw_figures(text))


def to_usd(money: Money, resources: Resources | None, on: dt.date | None) -> float | None:
    """The figure in US dollars: None for ranges; the article's own USD equivalent when it gives one."""
    if money.is_range or money.vague:
        return None
    if money.usd is not None:
        return money.usd
    if money.currency == "USD":
        return money.value
    if resources is None:
        return None
    rate = resources.usd_rate(money.currency, on)
    return None if rate is None else money.value * rate


def format_amount(value: float, currency: str = "USD") -> str:
    """A figure written the way news copy does ("$6.6 billion", "€600 million"), for tests and alerts."""
    symbols = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
    figure = f"{value:,.2f}".rstrip("0").rstrip(".")
    for scale_word, scale in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if abs(value) >= scale:
            figure = f"{value / scale:.6f}".rstrip("0").rstrip(".") + " " + scale_word
            break
    sym = symbols.get(currency)
    return f"{sym}{figure}" if sym else f"{currency} {figure}"
