"""Organisation and person names: finding them in running text and canonicalising them.

Most deals involve companies no list knows, so names are found from capitalisation and
position (``NameFinder.chunks``), validated against the article itself (a sentence-initial
word only counts if the article also capitalises it elsewhere) and then mapped to canonical
names through the alias table (``Resources``). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crawler.deals.resources import Resources

_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F][\w'’.:\-\u00C0-\u024F]*|&")
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")
_DESCRIPTOR_HYPHEN = re.compile(
    r"(?i)^[\w.]+-(?:based|linked|backed|owned|founded|focused|born|listed|headquartered|led|funded|"
    r"made|style|native|centric|first|controlled|run|affiliated|supported|year-old)$"
)
CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "von", "van", "der", "den", "&", "y", "for"})

# Capitalised words that are never (part of the start of) a name.
STOP = frozenset("""
the a an this that these those it its their they them he she we i you our his her in on at for from with by
and but or as if when while after before since under over about according meanwhile however also both other
others new existing all some most more many each why what how who where here there today yesterday last next
earlier later then now so yet still just only even such than not no nor one two three four five six seven
eight nine ten first second third another several few any every per via plus including includes include
january february march april may june july august september october november december jan feb mar apr jun
jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday series seed round
ceo cfo cto coo chief president founder co-founder cofounder chairman chairwoman executive mr ms mrs dr prof
sir lord judge senator minister director analyst partner investor investors report reports sources source
people person editor reporter brief update breaking exclusive analysis opinion explainer news live watch
why context background note sponsored advertisement related read more photo image video share click
meet inside exclusive big top deal deals funding investment investments company companies startup startups
lead leads led others what who valuation amount round industry markets tech technology business world
""".split())

# Acronyms and words that may sit inside a name ("Mistral AI") but are not one on their own.
GENERIC = frozenset("""
ai ml llm llms gpu gpus cpu tpu ipo us u.s u.s. uk eu un api arr agi genai gw mw twh pe vc jv r&d esg saas
hq b2b ar vr xr iot 5g ev evs cloud data labs lab capital ventures partners group holdings inc corp ltd
fund model models chips chip
""".split())

NATIONALITIES = frozenset("""
american british french german dutch canadian chinese japanese korean south indian israeli european
australian swiss swedish italian spanish saudi emirati singaporean taiwanese irish finnish norwegian danish
polish brazilian mexican asian african belgian
austrian portuguese greek turkish russian ukrainian estonian qatari kuwaiti egyptian nigerian kenyan
indonesian vietnamese thai malaysian filipino argentine chilean colombian
""".split())

# Words that end a name even in the middle of a capitalised run ("Anthropic CEO Dario Amodei").
BREAK = frozenset("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday series ceo cfo cto coo chief president founder co-founder cofounder
chairman chairwoman executive mr ms mrs dr prof judge senator minister analyst said says the and
""".split())

LOCATIONS = frozenset(x.strip().lower() for x in """
United States|United Kingdom|United Arab Emirates|UAE|US|USA|U.S.|UK|EU|Europe|Asia|Africa|America|
North America|South America|Latin America|Middle East|China|Japan|India|France|Germany|Britain|
Great Britain|England|Scotland|Wales|Ireland|Canada|Australia|Israel|Singapore|Korea|South Korea|
Taiwan|Hong Kong|Switzerland|Sweden|Norway|Denmark|Finland|Netherlands|Belgium|Spain|Italy|Portugal|
Poland|Austria|Brazil|Mexico|Saudi Arabia|Qatar|Kuwait|Abu Dhabi|Dubai|Riyadh|Doha|Paris|London|
Berlin|Munich|Heidelberg|Amsterdam|Stockholm|Zurich|Geneva|Madrid|Milan|Rome|Dublin|Tel Aviv|Haifa|
Yokneam|Jerusalem|Beijing|Shanghai|Shenzhen|Hangzhou|Tokyo|Seoul|Bangalore|Bengaluru|Mumbai|
New Delhi|Delhi|Sydney|Melbourne|Toronto|Montreal|Vancouver|Ottawa|San Francisco|Palo Alto|
Mountain View|Menlo Park|Sunnyvale|San Jose|Seattle|New York|New York City|Boston|Austin|Texas|
California|Washington|Chicago|Los Angeles|Miami|Denver|Atlanta|Virginia|Ohio|Arizona|Nevada|Utah|
Oregon|Georgia|Indiana|Wisconsin|Louisiana|Pennsylvania|Michigan|Florida|North Carolina|
South Carolina|Tennessee|Iowa|Oklahoma|Abilene|Cambrai|Ottawa|Silicon Valley|Wall Street|Nordics|
Gulf|Asia-Pacific|APAC|Brussels|Luxembourg|Lisbon|Warsaw|Prague|Vienna|Helsinki|Oslo|Copenhagen|
Tallinn|Kyiv|Istanbul|Cairo|Lagos|Nairobi|Jakarta|Hanoi|Bangkok|Kuala Lumpur|Manila|Johannesburg|
Cape Town|Sao Paulo|São Paulo|Buenos Aires|Santiago|Bogota|Mexico City|Washington DC|Washington D.C.
""".replace("\n", "").split("|"))


@dataclass(frozen=True, slots=True)
class Name:
    """A name found in a string: surface text (no possessive), span in that string, possessive flag."""

    text: str
    start: int
    end: int
    possessive: bool = False


def is_location(name: str) -> bool:
    """Countries, cities and regions: never the company or an investor."""
    return name.strip().lower() in LOCATIONS


class NameFinder:
    """Finds names in the sentences of one article, checked against how that article writes words."""

    def __init__(self, resources: Resources, texts: list[str]) -> None:
        self.resources = resources
        mid: set[str] = set()
        caps: Counter[str] = Counter()
        lower: set[str] = set()
        for text in texts:
            for sent in re.split(r"(?<=[.!?:])\s+|\n+", text):
                toks = _TOKEN.findall(sent)
                for i, tok in enumerate(toks):
                    base = _POSSESSIVE.sub("", tok).rstrip(".:")
                    if not base:
                        continue
                    if base[0].isupper():
                        caps[base] += 1
                        if i > 0 and not _is_title_case_line(toks):
                            mid.add(base)
                    elif base[0].islower():
                        lower.add(base)
        self._mid = frozenset(mid)
        self._caps = caps
        self._lower = frozenset(lower)

    def trusted(self, word: str) -> bool:
        """Whether a capitalised word is a name-word in this article, not just a sentence opener."""
        if self.resources.lookup(word) is not None or word in self._mid:
            return True
        return self._caps[word] >= 2 and word.lower() not in self._lower

    def _name_token(self, tok: str) -> bool:
        if tok == "&":
            return False
        low = tok.lower()
        if low in BREAK or _DESCRIPTOR_HYPHEN.match(tok):
            return False
        if tok[0].isupper():
            return True
        if tok[0].isdigit():
            return any(c.isalpha() for c in tok) and any(c.isupper() for c in tok)
        # lowercase-initial brands: "xAI", "a16z", "iPhone" only when known or camel-cased
        return self.resources.lookup(tok) is not None or any(c.isupper() for c in tok[1:])

    def chunks(self, s: str, *, title_case: bool = False) -> list[Name]:
        """Maximal runs of name-words in ``s`` ("Canada Pension Plan Investment Board", "Run:ai").

        In a title-cased headline every word is capitalised, so only words the body also
        capitalises mid-sentence (or the alias table knows) count there.
        """
        out: list[Name] = []
        toks = list(_TOKEN.finditer(s))
        i = 0
        n = len(toks)
        while i < n:
            m = toks[i]
            raw = m.group(0).rstrip(".:,")
            poss = bool(_POSSESSIVE.search(raw))
            tok = _POSSESSIVE.sub("", raw)
            single = len(tok) == 1 and not (i + 1 < n and s[m.end():toks[i + 1].start()] == " "
                                            and toks[i + 1].group(0)[:1].isupper())
            if not tok or tok.lower() in STOP or not self._name_token(tok) or single:
                i += 1
                continue
            if title_case and not self.trusted(tok):
                i += 1
                continue
            first = i == 0 or s[toks[i - 1].end():m.start()].strip() in (".", "!", "?", "-", "–", "—", ":")
            if first and tok[0].isupper() and not self.trusted(tok) and tok.lower() not in GENERIC and (
                    i + 1 >= n or s[m.end():toks[i + 1].start()] != " " or poss
                    or not self._name_token(toks[i + 1].group(0).rstrip(".,:"))):
                # A one-word sentence opener nobody else capitalises ("Humanoid robot startup ...").
                i += 1
                continue
            parts = [(m.start(), m.start() + len(tok))]
            j = i + 1
            while not poss and j < n:
                gap = s[parts[-1][1]:toks[j].start()]
                if gap not in (" ", "") and (gap.strip() or "\n" in gap):
                    break
                nxt_raw = toks[j].group(0).rstrip(".,:")
                nxt_poss = bool(_POSSESSIVE.search(nxt_raw))
                nxt = _POSSESSIVE.sub("", nxt_raw)
                if nxt.lower() in CONNECTORS and j + 1 < n:
                    after = _POSSESSIVE.sub("", toks[j + 1].group(0).rstrip(".,:"))
                    if after and self._name_token(after) and after[0].isupper() and \
                            s[toks[j].end():toks[j + 1].start()] == " " and (
                            not title_case or self.trusted(after)):
                        parts.append((toks[j].start(), toks[j].start() + len(nxt)))
                        j += 1
                        continue
                    break
                if not nxt or not self._name_token(nxt) or (title_case and not self.trusted(nxt)):
                    break
                if toks[j - 1].group(0).endswith((",", ":")) or s[toks[j - 1].end() - 1] in ",:":
                    break
                parts.append((toks[j].start(), toks[j].start() + len(nxt)))
                poss = nxt_poss
                j += 1
                if m.group(0).endswith(",") or toks[j - 1].group(0).endswith(","):
                    break
            start, end = parts[0][0], parts[-1][1]
            if j < n and _DESCRIPTOR_HYPHEN.match(toks[j].group(0).rstrip(".,:")) and \
                    s[end:toks[j].start()] == " ":
                i = j + 1  # "Tel Aviv-based": the run is part of a place adjective
                continue
            text = s[start:end]
            words = text.split()
            # Strip a leading nationality ("Dutch ASML") and trailing generic words.
            while len(words) > 1 and words[0].lower() in NATIONALITIES:
                start += len(words[0]) + 1
                words = words[1:]
            text = " ".join(words)
            end = start + len(text)
            if words and words[0].lower() not in NATIONALITIES and not all(
                    w.lower() in GENERIC or w.lower() in CONNECTORS for w in words):
                out.append(Name(text, start, end, poss))
            i = j
        return out

    def canonical(self, name: str) -> str:
        """Canonical name for a surface form: alias table, else the name minus a legal suffix."""
        hit = self.resources.lookup(name)
        if hit is not None:
            return hit.name
        trimmed = re.sub(r"(?:,?\s+(?:Inc\.?|Corp\.?|Corporation|Ltd\.?|LLC|plc|S\.A\.|SAS|GmbH|AG))+$", "",
                         name)
        if trimmed != name:
            hit = self.resources.lookup(trimmed)
            return hit.name if hit else trimmed
        return name

    def is_ai(self, name: str) -> bool:
        """True when the alias table marks the entity as AI."""
        hit = self.resources.lookup(name)
        return bool(hit and hit.ai)

    def kind(self, name: str) -> str | None:
        """The alias table's kind for a name (lab, vc, cloud, ...), or None when unknown."""
        hit = self.resources.lookup(name)
        return hit.kind if hit else None


def _is_title_case_line(toks: list[str]) -> bool:
    words = [t for t in toks if t[0].isalpha() and len(t) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.75


def is_title_case(line: str) -> bool:
    """Headline style where nearly every word is capitalised."""
    return _is_title_case_line(_TOKEN.findall(line))


def same_entity(a: str, b: str) -> bool:
    """Loose identity of two names: one's words contain the other's ("Mistral" ~ "Mistral AI")."""
    ta = _name_tokens(a)
    tb = _name_tokens(b)
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta


_SUFFIX_WORDS = frozenset({"inc", "corp", "co", "ltd", "llc", "plc", "ai", "labs", "lab", "technologies",
                           "holdings", "group", "the", "and"})


def _name_tokens(name: str) -> frozenset[str]:
    toks = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    kept = [t for t in toks if t not in _SUFFIX_WORDS]
    return frozenset(kept or toks)


def dedupe_names(names: list[str]) -> list[str]:
    """Order-keeping de-duplication that keeps the fuller of two forms of one name."""
    out: list[str] = []
    for name in names:
        for k, seen in enumerate(out):
            if same_entity(name, seen):
                if len(name) > len(seen):
                    out[k] = name
                break
        else:
            out.append(name)
    return out
