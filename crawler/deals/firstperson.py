"""Who "we" is in a company's own post: "Announcing our $31M Series A", "We've been acquired by X".

A company announcing its own deal rarely names itself in the deal sentence. The name is in the
site's address (quillmark.ai), a sign-off ("The Quillmark team"), the "About X" boilerplate of a
press release, or the headline. Pure: the URL is passed in as text, nothing is fetched.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A first-person subject or possessive before a deal figure or verb.
FIRST_PERSON = re.compile(r"(?:^|[^\w'’])(?:[Ww]e|[Oo]ur|[Uu]s|[Ww]e['’](?:ve|re|ll|d))(?![\w'’])")
PRONOUN = re.compile(r"(?i)^(?:we|our|us|we['’](?:ve|re|ll|d))$")
_SIGN_OFF = re.compile(r"(?:[—–-]\s*|\b)[Tt]he (?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}) [Tt]eam\b")
_BYLINE = re.compile(r"\b(?:CEO|CTO|COO|[Cc]o-?[Ff]ounder|[Ff]ounder)(?:\s*(?:&|and)\s*(?:CEO|CTO|COO))?\s+(?:at|of|@)\s+"
                     r"(?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})")
_ABOUT = re.compile(r"^(?:About|ABOUT) (?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})\s*:?\s*$", re.M)
# Hosts that publish other people's news: their name is never the announcing company.
_WIRE_HOSTS = frozenset({
    "newsdirect", "businesswire", "prnewswire", "globenewswire", "accesswire", "einpresswire", "24-7pressrelease",
    "citybiz", "medium", "substack", "beehiiv", "wordpress", "blogspot", "linkedin", "techcrunch", "venturebeat",
    "reuters", "bloomberg", "cnbc", "ft", "wsj", "forbes", "crn", "wired", "theverge", "arstechnica", "tech",
    "github", "news", "prweb", "newswire", "mediaoutreach", "investorwire", "evertise",
})


_RESERVED = frozenset({"example", "test", "invalid", "localhost"})


def site_label(url: str | None) -> str | None:
    """The distinctive label of a URL's host ("quillmark" for blog.quillmark.ai), or None for a wire or outlet."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    parts = [p for p in host.split(".") if p and p not in ("www", "blog", "news", "press", "about", "newsroom")]
    reserved = [p for p in parts if p in _RESERVED]  # RFC 2606: "tallyroute.example", "tillerman.example.co.uk"
    if reserved:
        parts = [p for p in parts[:parts.index(reserved[0])]]
        return parts[-1] if parts and parts[-1] not in _WIRE_HOSTS else None
    if len(parts) < 2:
        return None
    # the label before the public suffix ("co.uk", "com.au" keep two parts)
    label = parts[-3] if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in ("co", "com", "org", "net") \
        else parts[-2]
    return None if label in _WIRE_HOSTS else label


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_SITE_SECTION = re.compile(r"(?i)\s+(?:blog|news|newsroom|press|insights|engineering|team|hq|journal|updates)$")


def self_name(url: str | None, title: str, text: str, names: list[str]) -> str | None:
    """The company an article speaks for, from its address, sign-off or boilerplate; None if unknown."""
    label = site_label(url)
    if label:
        squashed = _squash(label)
        for n in names:
            sq = _squash(n)
            if sq and (sq == squashed or (len(sq) >= 4 and squashed.startswith(sq)) or
                       (len(squashed) >= 4 and sq.startswith(squashed))):
                return _SITE_SECTION.sub("", n) or n  # "TALLYROUTE BLOG" names Tallyroute's blog
    byline = _BYLINE.search(text[:400])  # "Priya Raman · CEO at Soundmark · 6 min read"
    if byline:
        return byline.group("name")
    for rx in (_SIGN_OFF, _ABOUT):
        found = [m.group("name") for m in rx.finditer(text)]
        if found:
            return found[-1]
    return None
