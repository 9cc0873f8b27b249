"""Organisation and person names: finding them in running text and canonicalising them.

Most deals involve companies no list knows, so names are found from capitalisation and
position (``NameFinder.chunks``), validated against the article itself (a sentence-initial
word only counts if the article also capitalises it elsewhere) and then mapped to canonical
names through the alias table (``Resources``). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
we've we're we'll we'd i'm i've us announcing separately additionally alongside elsewhere previously currently
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
raises raised secures secured lands landed closes closed announces announced acquires acquired buys bought
bags bagged gets receives received completes completed provides provided joins joined unveils launches
launched expands invests invested backs backed leads nabs snags wins won signs signed agrees agreed enters
hires appoints files plans seeks eyes targets taps develops develop
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
Cape Town|Sao Paulo|São Paulo|Buenos Aires|Santiago|Bogota|Mexico City|Washington DC|Washington D.C.|
Alabama|Alaska|Arkansas|Colorado|Connecticut|Delaware|Hawaii|Idaho|Illinois|Kansas|Kentucky|Maine|Maryland|
Massachusetts|Minnesota|Mississippi|Missouri|Montana|Nebraska|New Hampshire|New Jersey|New Mexico|North Dakota|
South Dakota|Rhode Island|Vermont|West Virginia|Wyoming|Ontario|Quebec|British Columbia|Alberta|Bavaria|
Catalonia|Scandinavia|Baltics|Southeast Asia|East Africa|West Africa|Brno|Prague|Gothenburg|Malmo|Malmö|Aarhus|
Rotterdam|Eindhoven|Utrecht|Hamburg|Frankfurt|Cologne|Stuttgart|Lyon|Toulouse|Marseille|Barcelona|Valencia|
Turin|Bologna|Porto|Krakow|Kraków|Bucharest|Budapest|Sofia|Athens|Zagreb|Belgrade|Riga|Vilnius|Edinburgh|
Manchester|Leeds|Bristol|Oxford|Cambridge|Belfast|Cardiff|Osaka|Kyoto|Nagoya|Fukuoka|Busan|Taipei|Hsinchu|
Guangzhou|Chengdu|Wuhan|Nanjing|Hyderabad|Chennai|Pune|Gurugram|Noida|Abuja|Accra|Kigali|Casablanca|Tunis|
Pittsburgh|Philadelphia|Detroit|Cleveland|Columbus|Cincinnati|Minneapolis|St. Louis|Kansas City|Dallas|Houston|
San Antonio|Phoenix|Las Vegas|Salt Lake City|Portland|San Diego|Sacramento|Oakland|Berkeley|Raleigh|Durham|
Nashville|Charlotte|Baltimore|Richmond|Boulder|Tucson|Albuquerque|Honolulu|Anchorage|Calgary|Edmonton|Waterloo|
Thailand|Vietnam|Indonesia|Malaysia|Philippines|Pakistan|Bangladesh|Sri Lanka|Nepal|Kazakhstan|Uzbekistan|Turkey|
Türkiye|Iran|Iraq|Jordan|Lebanon|Oman|Bahrain|Egypt|Morocco|Tunisia|Algeria|Nigeria|Kenya|Ghana|Ethiopia|Rwanda|
Uganda|Tanzania|Senegal|South Africa|Argentina|Chile|Colombia|Peru|Uruguay|Ecuador|Venezuela|Costa Rica|Panama|
New Zealand|Greece|Cyprus|Malta|Iceland|Estonia|Latvia|Lithuania|Czech Republic|Czechia|Slovakia|Slovenia|Croatia|
Serbia|Romania|Bulgaria|Hungary|Ukraine|Russia|Belarus|Moldova|Georgia|Armenia|Azerbaijan|Mongolia|Cambodia|Myanmar|
Laos|Brunei|Macau|Ho Chi Minh City|Jakarta|Karachi|Lahore|Dhaka|Colombo|Almaty|Tashkent|Tbilisi|Yerevan|Baku
""".replace("\n", "").split("|"))


@dataclass(frozen=True, slots=True)
class Name:
    """A name found in a string: surface text (no possessive), span in that string, possessive flag."""

    text: str
    start: int
    end: int
    possessive: bool = False


def is_location(name: str, *, loose: bool = False) -> bool:
    """Countries, cities and regions: never the company or an investor; ``loose`` also a place with a
    generic word after it ("Southeast Asia AI"), which as a deal's company is a region, not a firm."""
    low = name.strip().lower()
    if low in LOCATIONS:
        return True
    if not loose:
        return False
    words = low.split()
    while len(words) > 1 and words[-1] in GENERIC | {"tech", "startups", "startup"}:
        words.pop()
    return " ".join(words) in LOCATIONS


# After a sentence's first word: an appositive that says what it is ("x, a Paris-based startup ...").
_APPOSITIVE_AFTER = re.compile(r",\s+(?:an?|the)\s+(?:[\w-]+,?\s+){0,4}?(?:startup|start-up|company|firm|maker|developer|"
                               r"platform|lab|provider|designer)\b")


# "European Investment Bank", "British Business Bank", "Japan Foundation": the nationality is the name's own.
_INSTITUTION_TAIL = frozenset({"Bank", "Fund", "Council", "Commission", "Agency", "Authority", "Institute",
                               "Foundation", "Corporation", "Union", "Network", "Association", "Alliance"})
_POSSESSIVE_END = re.compile(r"['’]s$")
_LOWER_BRAND = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# A lower-case word that opens a sentence and raises money is a brand written its own way.
_RAISED_AFTER = re.compile(r"(?:,\s+(?:an?|the)\s+[^,]{1,60},)?\s+(?:has\s+|just\s+)?(?:raised|raises|closed|secured|secures|landed|lands|bagged|bags|"
                           r"picked up|nabbed|snagged)\s+(?:an?\s+|its\s+)?(?:[$€£¥₹₦₱₺₫฿₩₪]|\d)")


class NameFinder:
    """Finds names in the sentences of one article, checked against how that article writes words."""

    def __init__(self, resources: Resources, texts: list[str]) -> None:
        self.resources = resources
        mid: set[str] = set()
        caps: list[str] = []
        lower: set[str] = set()
        openers: set[str] = set()  # lower-case words that open a sentence: "ondine, which ..." styles its name so
        described: set[str] = set()
        for text in texts:
            for sent in _SENT_SPLIT.split(text):
                toks = _TOKEN.findall(sent)
                if not toks:
                    continue
                at = sent.find(toks[0])  # after a bullet's emoji or dash: "🚀 tessellate raised ..."
                first = _POSSESSIVE_END.sub("", toks[0])  # "hey-robot's bet is ...": the brand is "hey-robot"
                ends = at + len(toks[0])
                if first[:1].islower() and _LOWER_BRAND.fullmatch(first) and len(first) >= 3 and first not in STOP and \
                        not re.search(r"\w", sent[:at]) and \
                        sent[ends:ends + 1] in (" ", ","):  # a word, not "tracker@site.io"
                    openers.add(first)
                    if _APPOSITIVE_AFTER.match(sent, ends) or _RAISED_AFTER.match(sent, ends):
                        # "mirelle, a Paris-based startup ...", "tessellate raised an $18M seed": named once, and
                        # so described
                        described.add(first)
                words = [_word_case(tok) for tok in toks]
                upper = [base for base, case in words if case > 0]
                lower.update(base for base, case in words if case < 0)
                if not upper:
                    continue
                caps += upper
                later = [base for base, case in words[1:] if case > 0]
                if later and not _is_title_case_line(toks):
                    mid.update(later)
        self._mid = frozenset(mid)
        # a lower-case brand opens a sentence in its own spelling and comes back: a common word would be capitalised
        self._brands = frozenset(w for w in openers if w not in BREAK and (
            w in described or sum(text.count(w) for text in texts) >= 2))
        self._caps = Counter(caps)
        self._lower = frozenset(lower)
        self._chunk_cache: dict[tuple[str, bool], tuple[Name, ...]] = {}
        self._token_cache: dict[str, bool] = {}

    def trusted(self, word: str) -> bool:
        """Whether a capitalised word is a name-word in this article, not just a sentence opener."""
        if self.resources.lookup(word) is not None or word in self._mid:
            return True
        return self._caps[word] >= 2 and word.lower() not in self._lower

    def _name_token(self, tok: str) -> bool:
        hit = self._token_cache.get(tok)
        if hit is None:
            shape = _token_shape(tok)
            # lowercase-initial brands: "xAI", "a16z", "iPhone" only when known or camel-cased
            hit = shape if shape is not None else self.resources.lookup(tok) is not None or tok in self._brands
            self._token_cache[tok] = hit
        return hit

    def chunks(self, s: str, *, title_case: bool = False) -> list[Name]:
        """Maximal runs of name-words in ``s`` ("Canada Pension Plan Investment Board", "Run:ai").

        In a title-cased headline every word is capitalised, so only words the body also
        capitalises mid-sentence (or the alias table knows) count there. Cached per article:
        the reader asks about the same sentence and list phrases several times.
        """
        key = (s, title_case)
        hit = self._chunk_cache.get(key)
        if hit is None:
            hit = self._chunk_cache[key] = tuple(self._chunks(s, title_case))
        return list(hit)

    def _chunks(self, s: str, title_case: bool) -> list[Name]:
        out: list[Name] = []
        starts: list[int] = []
        ends: list[int] = []
        raws: list[str] = []
        for m in _TOKEN.finditer(s):
            starts.append(m.start())
            ends.append(m.end())
            raws.append(m.group(0))
        name_token = self._name_token
        trusted = self.trusted
        i = 0
        n = len(raws)
        while i < n:
            tok, poss, stop = _tok_info(raws[i])
            ms = starts[i]
            if not tok or stop or not name_token(tok) or (len(tok) == 1 and not (
                    i + 1 < n and s[ends[i]:starts[i + 1]] == " " and raws[i + 1][:1].isupper())):
                i += 1
                continue
            if title_case and not trusted(tok):
                i += 1
                continue
            first = i == 0 or s[ends[i - 1]:ms].strip() in (".", "!", "?", "-", "–", "—", ":")
            if first and tok[0].isupper() and not trusted(tok) and tok.lower() not in GENERIC and (
                    i + 1 >= n or s[ends[i]:starts[i + 1]] != " " or poss
                    or not name_token(raws[i + 1].rstrip(".,:"))) and not _subject_shape(tok, s, ms + len(tok)):
                # A one-word sentence opener nobody else capitalises ("Humanoid robot startup ...").
                i += 1
                continue
            if first and tok[0].isupper() and tok.lower() in self._lower and not trusted(tok) and \
                    tok.lower() not in GENERIC and i + 1 < n and s[ends[i]:starts[i + 1]] == " " and \
                    trusted(_tok_info(raws[i + 1])[0]):
                # "Utility Halden Power ...": a common noun the article also writes in lower case opens the sentence
                i += 1
                continue
            first_end = ms + len(tok)
            last_end = first_end
            j = i + 1
            while not poss and j < n:
                gap = s[last_end:starts[j]]
                if gap not in (" ", "") and (gap.strip() or "\n" in gap):
                    break
                nxt, nxt_poss, _stop = _tok_info(raws[j])
                if nxt.lower() in CONNECTORS and j + 1 < n:
                    after = _tok_info(raws[j + 1])[0]
                    if after and name_token(after) and after[0].isupper() and \
                            s[ends[j]:starts[j + 1]] == " " and (not title_case or trusted(after)):
                        last_end = starts[j] + len(nxt)
                        j += 1
                        continue
                    break
                if not nxt or not name_token(nxt) or (title_case and not trusted(nxt)):
                    break
                if raws[j - 1].endswith((",", ":")):
                    break
                last_end = starts[j] + len(nxt)
                poss = nxt_poss
                j += 1
                if raws[i].endswith(",") or raws[j - 1].endswith(","):
                    break
            start, end = ms, last_end
            if j < n and _is_descriptor(raws[j]) and s[end:starts[j]] == " ":
                i = j + 1  # "Tel Aviv-based": the run is part of a place adjective
                continue
            text = s[start:end]
            words = text.split()
            # Strip a leading nationality ("Dutch ASML") and trailing generic words.
            while len(words) > 1 and words[0].lower() in NATIONALITIES and words[-1] not in _INSTITUTION_TAIL:
                start += len(words[0]) + 1
                words = words[1:]
            text = " ".join(words)
            end = start + len(text)
            if words and (words[0].lower() not in NATIONALITIES or words[-1] in _INSTITUTION_TAIL) and not all(
                    w.lower() in GENERIC or w.lower() in CONNECTORS for w in words):
                out.append(Name(text, start, end, poss))
            i = j
        return out

    def canonical(self, name: str) -> str:
        """Canonical name for a surface form: alias table, else the name minus a legal suffix."""
        hit = self.resources.lookup(name)
        if hit is not None:
            return hit.name
        trimmed = re.sub(r"(?:,?\s+(?:Inc\.?|Corp\.?|Corporation|Ltd\.?|LLC|plc|S\.A\.|SAS|GmbH|AG|Co\.?))+$", "",
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


_SENT_SPLIT = re.compile(r"(?<=[.!?:])\s+|\n+")


# What follows a sentence's first word when that word is the subject of a deal sentence: an appositive
# ("Nykaa, an online retailer, ...") or a deal verb ("Zenarate raises $15M"). A common noun opening a
# sentence is rarely followed by either, so an unknown word in this position reads as a name.
_SUBJECT_TAIL = re.compile(
    r",\s+(?:a|an|the|which|whose)\s|\s+(?:(?:has|have|had|is|was)\s+)?(?:just\s+)?(?:raise[sd]?|raising|secure[sd]?|"
    r"gets|got|lands|landed|bags|bagged|nabs|nabbed|snags|snagged|closes|closed|acquires|acquired|buys|bought|"
    r"picks up|picked up|announce[sd]|receives|received|collects|collected|exit(?:s|ed)? stealth|"
    r"emerge[sd] from stealth|came out of stealth|debut(?:s|ed)? with|launche[sd] with)\b")
_SLICE_END = re.compile(r"\s*,?\s*$")  # a subject slice cut just before its verb
_QUANTITY = re.compile(r"\d[\d.,]*(?:MW|GW|KW|kW|TW|MWh|GWh|TWh|GB|TB|PB|MB|KB|M|B|K|T|Bn|Mn|bn|mn|X|x)")
_AFFIXED = re.compile(r"(?:pre|post|non|anti|ex|mid|pan|multi|cross)-[A-Z]")
_DOMAIN_NAME = re.compile(r"[a-z][a-z0-9-]{1,30}\.(?:vc|ai|io|co|com|xyz|app|so|fund|capital|ventures|net|org)")
_INNER_CAPS = re.compile(r"^[A-Z][a-z]+[A-Z]")


def _subject_shape(tok: str, s: str, end: int) -> bool:
    """A sentence-opening word that is a name by its shape ("PeeBuddy") or its place before a verb."""
    if _INNER_CAPS.match(tok):
        return True
    if tok.lower().rstrip("s") in STOP or tok.lower() in STOP:
        return False
    return _SUBJECT_TAIL.match(s, end) is not None or (not tok.isupper() and _SLICE_END.match(s, end) is not None)


@lru_cache(maxsize=65536)
def _word_case(tok: str) -> tuple[str, int]:
    """A token without possessive and trailing dot: 1 capitalised, -1 lower-case, 0 neither."""
    base = _POSSESSIVE.sub("", tok).rstrip(".:")
    if not base:
        return base, 0
    return base, 1 if base[0].isupper() else -1 if base[0].islower() else 0


@lru_cache(maxsize=65536)
def _tok_info(raw: str) -> tuple[str, bool, bool]:
    """A token without trailing punctuation and possessive, whether it was possessive, whether a stop word."""
    raw = raw.rstrip(".:,")
    tok = raw[:-1] if raw.endswith(("s'", "s’")) else _POSSESSIVE.sub("", raw)  # "Analytics'" keeps its "s"
    return tok, tok != raw, tok.lower() in STOP


@lru_cache(maxsize=65536)
def _is_descriptor(raw: str) -> bool:
    return _DESCRIPTOR_HYPHEN.match(raw.rstrip(".,:")) is not None


@lru_cache(maxsize=65536)
def _token_shape(tok: str) -> bool | None:
    """Whether a token can be part of a name from its spelling alone; None: ask the alias table."""
    if tok == "&":
        return False
    if tok.lower() in BREAK or _DESCRIPTOR_HYPHEN.match(tok):
        return False
    if tok[0].isupper():
        return True
    if _AFFIXED.match(tok):
        return False  # "pre-Series", "non-US", "ex-Google": a prefix on a word, not a brand
    if tok[0].isdigit():
        if _QUANTITY.fullmatch(tok):
            return False  # "300MW", "4GB", "$5M"'s "5M": a quantity, not a brand like "23andMe"
        return any(c.isalpha() for c in tok) and any(c.isupper() for c in tok)
    if any(c.isupper() for c in tok[1:]) or _DOMAIN_NAME.fullmatch(tok):
        return True  # "xAI", "another.vc": a brand's own spelling
    return None


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


_ALNUM_RUN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> frozenset[str]:
    toks = _ALNUM_RUN.findall(name.lower().replace("&", " and "))
    kept = [t for t in toks if t not in _SUFFIX_WORDS]
    return frozenset(kept or toks)


def _acronym_of(short: str, full: str) -> bool:
    """"EIB" for "European Investment Bank", "DBP" for "Development Bank of the Philippines"."""
    if not (2 <= len(short) <= 6 and short.isupper() and short.isalpha()):
        return False
    words = [w for w in re.split(r"[\s-]+", full) if w and w[0].isupper()]
    return len(words) >= 2 and "".join(w[0] for w in words) == short


def dedupe_names(names: list[str], canon: Callable[[str], str] | None = None) -> list[str]:
    """Order-keeping de-duplication that keeps the fuller of two forms of one name. With ``canon`` (the alias
    table's), an acronym and its spelled-out name are one too, and the table's form of the two is kept
    ("AMD" over "Advanced Micro Devices", "Hewlett Packard Enterprise" over "HPE")."""
    out: list[str] = []
    for name in names:
        for k, seen in enumerate(out):
            if same_entity(name, seen):
                if len(name) > len(seen):
                    out[k] = name
                break
            if canon is not None and (_acronym_of(name, seen) or _acronym_of(seen, name)):
                listed = canon(name) if canon(name) in (name, seen) else canon(seen)
                out[k] = listed if listed in (name, seen) else max(name, seen, key=len)
                break
        else:
            out.append(name)
    return out
