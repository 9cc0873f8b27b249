"""Splits article text into blocks (lines) and sentences with offsets, and marks page furniture.

Blocks are classified as body, heading, bullet or noise (tickers, related-story blurbs, adverts,
cookie banners, comment and newsletter boilerplate), so later stages never read a deal out of
page furniture that survived HTML extraction. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from crawler.deals.textutil import LINE_EMOJI, fold

_BULLET = re.compile(r"^\s*(?:[-•*·▪►–—→➤▸»]\s*(?:•\s*)?|\d{1,2}[.)]\s+|" + LINE_EMOJI + r"\s*)")
_LABEL = re.compile(r"^(?P<label>[A-Z][\w .&'’:-]{0,40}?):\s+(?=\S)")
# A newsletter item that opens on its company in capitals: "ACME ROBOTICS - $40 million, Series B."
_CAPS_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z0-9&'’.]+(?: [A-Z0-9&'’.]+){0,3}) [-–—] (?=\S)|"
                         r"^(?P<label2>[A-Z][A-Z0-9&'’]+(?: [A-Z0-9&'’]+){0,3})\. (?=[A-Z])")
# ... or in its own spelling, with a place, when a figure follows: "Tallyweave (London) - £6.5 million seed."
_ITEM_LABEL = re.compile(r"^(?P<label>[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3})(?: \([^)]{1,40}\))? [-–—] "
                         r"(?=[$€£¥₹₦₱₺₫฿₩₪]|(?:US|A|C|S|HK)\$|[A-Z]{3} \d|Rs\.? \d|\d)")
# A newsletter bullet that opens on its subject and a dash: "- Loora - AI English tutor ... with $9M in seed funding."
_DASH_LABEL = re.compile(r"^(?P<label>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3}) [-–—] (?=\S)")
# ... or with a description between the name and the dash: "- Scribewell, note-taking for clinics — $33 million
# Series B", "- Paperstack (AI for prior authorisations) — acquired by Waystar"
_DESCRIBED_LABEL = re.compile(r"^(?P<label>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})(?:, [^,—–:]{3,60}?| \([^)]{3,60}\)) "
                              r"[–—] (?=\S)")
# Deal-sheet fields that list names: a line "Investors: X, Y" is a field, whatever its length.
_NAMES_FIELDS = frozenset({"investors", "investor", "lead", "leads", "lead investor", "lead investors", "led by",
                           "backers", "other investors", "co-investors", "lenders", "lender", "buyer", "acquirer"})
_FIGURE = re.compile(r"[$€£¥₹₦₱₺₫฿₩₪]\s?\d|\d\s?(?:million|billion|bn|mn|m|k)\b|\b(?:undisclosed|not disclosed)\b", re.I)
_SHARE_BUTTONS = re.compile(r"^(?:(?:Share|Post|Tweet) (?:on|to) (?:Facebook|X|Twitter|LinkedIn|Reddit|WhatsApp|Email|"
                            r"Bluesky|Threads)\s*)+")
# A live page's time stamp before its item: "9:05 AM ET — Corvane raised ...", "[14:20] ..."
_TIME_STAMP = re.compile(r"^\[?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?\]?\s*(?:[-–—|:]\s+|(?<=\])\s*)(?=\S)")
# The second branch splits sentences glued by a scrape that lost the space ("... Toronto-based Ideogram.Founded
# by ..."): a word of lower-case letters, a stop, then a capitalised word; "Ideogram.ai" and "U.S." stay whole.
# ... and before a name written in lower case that no word is ("a16z led", "eBay bought"): digits or a capital inside
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?(?:[A-Z0-9$€£]|[a-z]+(?:\d|[A-Z])\w*\s))|"
                         r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z]+\s)")
_ABBREV = re.compile(r"(?:\b(?:[A-Z]\.[A-Z]|Mr|Ms|Mrs|Dr|Prof|St|Inc|Corp|Co|Ltd|Jr|Sr|vs|approx|Gen|Sen|Rep|Gov|U\.S|U\.K|"
                     r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|etc)\.)$")

# A line that starts a trailing block of other stories: everything after it is furniture.
# Tail-start lines a page also puts above its story, and how long a line of prose runs at least
_TOP_BAR = re.compile(r"(?i)^\s*(?:share this(?: article| story| post)?|comments|sign up for|subscribe to)\b")
_PROSE = 250
_TAIL_START = re.compile(
    r"^\s*(?:related(?: stories| articles| posts| coverage| reading| news| content)?|read more|read next|"
    r"more from|more stories|more news|you may also like|you might also like|recommended(?: for you)?|"
    r"further reading|also read|read also|see also|also see|read this next|more on this|à lire aussi|a lire aussi|lire aussi|lea también|leer más|leia também|leggi anche|"
    r"mehr zum thema|auch interessant|lees ook|most read|most popular|most viewed|trending now|popular now|"
    r"leave a reply|leave a comment|comments|back to home|share this(?: article)?|about the author|"
    r"sign up for|subscribe to)\s*:?\s*$",
    re.IGNORECASE,
)
_NOISE_LINE = re.compile(
    r"(?i)^\s*(?:live|advertisement|advert|sponsored(?: content)?|special offer.*|scroll to top|trending(?: now)?|"
    r"most popular|most read|popular stories|latest news|breaking(?: news)?|top stories|"
    r"\d+\s+min(?:ute)?s? read|share|tweet|email|print|listen(?: to this article)?|"
    r"full details available.*|skip to (?:main )?content|menu|search|subscribe|sign in|log in)\s*$|"
    r"^\s*(?:trending(?: now)?|most (?:popular|read)|popular|top stories|editor's picks|also on \w+|more from \w+|"
    r"latest|related|recommended|in case you missed it|also in [\w ]{2,20}|more [\w ]{2,12} news|read (?:also|more|next)|"
    r"see also|also read)\s*:\s+\S"
)
_NOISE_PHRASE = re.compile(
    r"(?i)\b(?:we use cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences)|"
    r"your email address will not be published|required fields are marked|unsubscribe|"
    r"forward this (?:newsletter|email)|sign up for our|subscribe to our|all rights reserved|"
    r"sponsored:|advertisement:|^related:|^read more:|^see also:|^also read:|click here|privacy policy)"
)
# Every match of _NOISE_PHRASE contains one of these (lower-cased): a cheap test before the regex.
_NOISE_WORDS = ("cookie", "will not be published", "required fields", "unsubscribe", "forward this", "sign up for our",
                "subscribe to our", "all rights reserved", "sponsored:", "advertisement:", "related:", "read more:",
                "see also:", "also read:", "click here", "privacy policy")
_TICKER_SEP = re.compile(r"\s[|•·¦]\s|\s{2,}[-–—]\s{1,}|\s\|\|\s")
# A lower-case word run into a capitalised one ("...chipsPolaris AI hits..."); brands written in camel case
# ("BlackRock", "CoreWeave", "DigitalBridge") start with a capital and are not joins.
_CAMEL_JOIN = re.compile(r"(?<![A-Za-z0-9])[a-z][a-z0-9]*[A-Z][a-z]")

#: Section headings after which the text is background, not the news (until the next heading).
BACKGROUND_HEADING = re.compile(
    r"(?i)\b(?:context|background|by the numbers|previously|history|timeline|related|earlier|"
    r"catch up|yesterday|last week|icymi|in case you missed|the backstory|what came before|funding (?:history|trajectory)|in numbers|numbers)\b"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article with its span in the text and where it sits."""

    text: str
    start: int
    end: int
    block: int
    kind: str  # body | heading | bullet | noise
    label: str | None = None  # "Brookfield" in "- Brookfield: the asset manager will ..."
    section: str | None = None  # the heading above it
    background: bool = False  # under a "Context"/"By the numbers" heading
    speaker: str | None = None  # "Varga" in an interview's "Varga: We raised ...": a person talking, not a label


def _is_ticker(line: str) -> bool:
    """Headlines glued together ("...chipsPolaris AI hits...") with no sentence end: a ticker."""
    if len(_TICKER_SEP.findall(line)) >= 2:
        return True  # "MARKETS | Arcturus +3.1% | Hollow Peak raises $45M | ..."
    joins = len(_CAMEL_JOIN.findall(line))
    return joins >= 3 or (joins >= 2 and len(line.split()) >= 10 and not line.rstrip().endswith((".", "!", "?", '"', "”")))


_LOWER = re.compile(r"[^\W\d_A-Z]", re.UNICODE)
_UPPER = re.compile(r"[A-Z]")


def is_shouting(sent: str) -> bool:
    """A wire brief's capitals ("MARIGOLD PAYMENTS SAYS RAISED $90 MLN IN GROWTH ROUND"): names cannot be told
    from words in it, and its headline says the same in ordinary case."""
    lower = len(_LOWER.findall(sent))
    if lower > 12:
        return False  # ordinary prose: settled without counting the capitals
    upper = len(_UPPER.findall(sent))
    return len(sent.split()) >= 6 and upper + lower >= 20 and upper >= 0.9 * (upper + lower)


def _is_noise_phrase(sent: str) -> bool:
    low = fold(sent)
    return any(w in low for w in _NOISE_WORDS) and _NOISE_PHRASE.search(sent) is not None


# Emoji and pictographs after a line's own punctuation
_TRAILING_SYMBOLS = re.compile(r"(?:\s*[\u2190-\u2bff\u2600-\u27bf\ufe0f\u200d\U0001f000-\U0001faff])+$")


def _is_heading(line: str) -> bool:
    stripped = _TRAILING_SYMBOLS.sub("", line.strip())  # "... seed round! ⚡": a social post's sentence
    if not stripped or len(stripped) > 110 or stripped[-1] in ".!?\"”;,":
        return False
    label = _LABEL.match(stripped)
    if label is not None and (_FIGURE.search(stripped, label.end()) or label.group("label").lower() in _NAMES_FIELDS):
        return False  # "Funding: $62 million (Series B)", "Investors: X (lead), Y": a deal sheet's fields
    words = stripped.split()
    return len(words) <= 14


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, not splitting after abbreviations or initials."""
    spans: list[tuple[int, int]] = []
    s = start
    for m in _SENT_SPLIT.finditer(text, start, end):
        head = text[s:m.start()]  # up to the stop itself ("Feb.", "Inc."): the match begins after it
        if _ABBREV.search(head.rstrip("\"”’)")) or not head.strip():
            continue
        spans.append((s, m.start() + (1 if m.end() > m.start() else 0)))
        s = m.end()
    if s < end:
        spans.append((s, end))
    out = []
    for a, b in spans:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))
    return out


def tail_start(text: str) -> int | None:
    """Where a trailing block of other stories begins ("Related", "Read more"), or None."""
    pos = 0
    for line in text.split("\n"):
        if _starts_tail(line.strip(), text, pos + len(line)):
            return pos
        pos += len(line) + 1
    return None


def _starts_tail(stripped: str, text: str, end: int) -> bool:
    """A "Related"/"Read more" line ends the story; a page's top bar ("Share this article" above a press
    release) does not, and tells itself apart by the paragraphs of prose that follow it."""
    if not _TAIL_START.match(stripped):
        return False
    return not (_TOP_BAR.match(stripped) and any(len(ln) >= _PROSE for ln in text[end:].split("\n")))


# Markdown strong emphasis, "**Halden**" or "__Halden__", as newsletters paste it.
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,80}?)(?<=\S)\1")
# A line that opens on a strong name and goes on: "**Halden** is a Norwegian team ...", "- **Halden** raised ...".
_STRONG_LEAD = re.compile(r"(?:[-•*·]\s+)?(\*\*|__)(?P<name>[A-Z0-9][^*_\n:.!?]{0,50}?)\1\s*[,—–-]?\s*(?=\S)")


def unmark_strong(text: str) -> tuple[str, dict[int, str]]:
    """The text with Markdown strong markers blanked, and the names that open lines in bold.

    A newsletter that bolds each item's company ("**Halden** is a Norwegian team ...") makes that name the
    item's label, as "Halden: ..." would. The markers become spaces where they stand, so every offset still
    indexes the text as published.
    """
    if "**" not in text and "__" not in text:
        return text, {}
    lines = []
    labels: dict[int, str] = {}
    pos = 0
    for line in text.split("\n"):
        bare = _STRONG.sub(lambda m: "  " + m.group(2) + "  ", line)
        if bare != line:
            lead = _STRONG_LEAD.match(line.lstrip())
            if lead is not None and len(lead.group("name").split()) <= 5:
                labels[pos] = lead.group("name").strip()
        lines.append(bare)
        pos += len(line) + 1
    return "\n".join(lines), labels


def segment(text: str, strong_labels: dict[int, str] | None = None) -> list[Sentence]:
    """All sentences of the article in order, each tagged with its block kind and section.

    ``strong_labels`` (from ``unmark_strong``) gives the lines that open on a bolded name: list items.
    """
    out: list[Sentence] = []
    pos = 0
    block = 0
    tail = False
    section: str | None = None
    background = False
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        block += 1
        a = line_start + (len(line) - len(line.lstrip()))
        b = a + len(stripped)
        if tail or _starts_tail(stripped, text, line_start + len(line)):
            tail = True
            out.append(Sentence(stripped, a, b, block, "noise"))
            continue
        if _NOISE_LINE.match(stripped) or _is_ticker(stripped):
            out.append(Sentence(stripped, a, b, block, "noise"))
            continue
        share = _SHARE_BUTTONS.match(stripped)
        if share:  # "Share on Facebook Share on X Share on LinkedIn VANCOUVER, B.C. -- ...": buttons glued to the text
            a += share.end()
            stripped = stripped[share.end():]
            if not stripped:
                continue
        stamp = _TIME_STAMP.match(stripped)
        if stamp:
            a += stamp.end()
            stripped = stripped[stamp.end():]
        bullet = _BULLET.match(stripped)
        if bullet is None and _is_heading(stripped):
            # A lead-in line ("A few data points:") keeps the section it sits in.
            lead_in = stripped.endswith(":")
            section = section if lead_in and section else stripped
            background = (background and lead_in) or bool(BACKGROUND_HEADING.search(stripped))
            out.append(Sentence(stripped, a, b, block, "heading", section=section))
            continue
        kind = "body"
        label = None
        strong = (strong_labels or {}).get(line_start)
        if strong is not None:
            kind, label = "bullet", strong
            if bullet is not None:
                a += bullet.end()
        elif bullet is not None:
            kind = "bullet"
            a += bullet.end()
            lab = (_LABEL.match(text[a:b]) or _DASH_LABEL.match(text[a:b]) or _DESCRIBED_LABEL.match(text[a:b])) \
                if a < b else None
            if lab is not None:
                label = lab.group("label").strip()
        elif (lab := _LABEL.match(stripped) or _CAPS_LABEL.match(stripped) or _ITEM_LABEL.match(stripped)) is not None and \
                len((name := lab.groupdict().get("label2") or lab.group("label")).split()) <= 4:
            label = name.strip()
        for sa, sb in split_sentences(text, a, b):
            sent = text[sa:sb]
            k = "noise" if _is_noise_phrase(sent) or (label and sent.rstrip(".:") == label) else kind  # "M&A."
            out.append(Sentence(sent, sa, sb, block, k, label=label, section=section,
                                background=background or bool(label and BACKGROUND_HEADING.search(label))))
    return _speakers(out)


_PERSON_WORD = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?")


def _speakers(sents: list[Sentence]) -> list[Sentence]:
    """A transcript's speaker tags ("Lena Varga:", then "Varga:" turn after turn) are people talking: their
    answers are no list of companies. A speaker is introduced by a full name once ("Lena Varga:") and then
    tagged by surname, three paragraphs or more in all; a deal sheet's "Funding:" or "CEO:" never is."""
    blocks: dict[str, set[int]] = {}
    full: set[str] = set()
    for s in sents:
        if s.label and s.kind == "body":
            words = s.label.split()
            blocks.setdefault(words[-1], set()).add(s.block)
            if len(words) in (2, 3) and all(_PERSON_WORD.fullmatch(w) for w in words):
                full.add(words[-1])
    talking = {w for w, b in blocks.items() if len(b) >= 3 and w in full}
    if not talking:
        return sents
    return [replace(s, label=None, speaker=s.label) if s.label and s.kind == "body" and s.label.split()[-1] in talking
            else s for s in sents]
