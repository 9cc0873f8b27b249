"""HTML -> main text and metadata (trafilatura), canonical URL, content hash and near-duplicate fingerprint.

Pure apart from the clock value passed in: no network, no database.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import lxml.html
from lxml import etree

from crawler.article import ExtractedArticle, content_hash, simhash
from crawler.crawl.items import ArticleItem
from crawler.dates import parse_date
from crawler.net.urlpolicy import canonical_url, outlet_of

log = logging.getLogger(__name__)

# Page furniture that trafilatura sometimes keeps: tickers, related-story rails, ads, comment forms.
_FURNITURE = re.compile(
    r"(^|[\s_-])(ticker|breaking-?bar|related|recommended|more-stories|read-?more|promo|advert|ads?|sponsor|"
    r"newsletter|subscribe|cookie|consent|comments?|comment-form|share|social|footer|nav|menu|sidebar)([\s_-]|$)",
    re.I,
)
_DATE_META = (
    "article:published_time", "og:published_time", "datePublished", "publish-date", "pubdate",
    "dc.date", "dc.date.issued", "date", "sailthru.date", "parsely-pub-date",
)
_WS = re.compile(r"\s+")
# Characters XML (and so lxml) cannot hold: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Comments and processing instructions dropped at parse time, as trafilatura's own parser does: the tree
# goes to trafilatura as it is, and a comment node splits the text around it.
# ``huge_tree`` lifts libxml2's nesting limit from 256 to 2048 levels: pages built from deeply nested
# layout divs lost all their text to the lower limit. (Sizes stay bounded by crawl.max_response_size.)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, huge_tree=True)


_LONG_PARAGRAPH = 150  # characters: tickers, related-story rails and share bars hold no paragraph this long


def _strip_furniture(tree: lxml.html.HtmlElement) -> None:
    """Drop page furniture before trafilatura sees the page: navigation, scripts, and elements whose class or
    id names a ticker, a related-stories rail, an advert, comments... unless the element holds the story
    itself (an <article>, <main> or <h1>, or a real paragraph): "share" or "promo" in the class of a wrapper
    around the whole text is common, and dropping it lost a tenth of the main text on the Zyte benchmark.
    ``<form>`` is not dropped by tag: ASP.NET pages wrap everything in one."""
    for el in list(tree.iter("nav", "footer", "aside", "script", "style", "noscript", "iframe")):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("html", "body", "article", "main"):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if not marker.strip() or not _FURNITURE.search(marker):
            continue
        if el.find(".//article") is not None or el.find(".//main") is not None or el.find(".//h1") is not None:
            continue
        if any(len(p.text_content()) >= _LONG_PARAGRAPH for p in el.iter("p")):
            continue
        el.drop_tree()


def _page_date(tree: lxml.html.HtmlElement) -> datetime | None:
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.lower() in {k.lower() for k in _DATE_META}:
            dt = parse_date(meta.get("content"))
            if dt:
                return dt
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                data = json.loads(script.text)
            except ValueError:
                continue
            for node in data if isinstance(data, list) else [data]:
                if isinstance(node, dict):
                    dt = parse_date(node.get("datePublished"))
                    if dt:
                        return dt
    for t in tree.iter("time"):
        dt = parse_date(t.get("datetime"))
        if dt:
            return dt
    return None


def _guess_page_date(tree: lxml.html.HtmlElement, now: datetime) -> datetime | None:
    """No date in the page's metadata and none from a feed: htmldate's reading of the page (URL-like paths,
    bylines, visible dates), the original publication date rather than the last edit. Day precision."""
    try:
        from htmldate import find_date

        found = find_date(tree, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception as exc:  # a guess: never worth failing the page over
        log.debug("date guess failed: %s: %s", type(exc).__name__, exc)
        return None
    dt = parse_date(found) if found else None
    if dt is None or dt > now + timedelta(days=1):
        return None
    return dt


def _page_title(tree: lxml.html.HtmlElement) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:title" and meta.get("content"):
            return meta.get("content").strip()
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is not None and h1.text_content().strip():
        return _WS.sub(" ", h1.text_content()).strip()
    title = tree.find(".//title")
    if title is not None and title.text:
        return title.text.strip()
    return None


# trafilatura's fast mode skips its second opinion (readability, jusText), a third of its time. On a page
# whose paragraphs hold much more text than the fast result, the full mode runs as well.
_FAST_ENOUGH = 0.8


def _main_text(tree: lxml.html.HtmlElement, url: str) -> str:
    # Imported here: the crawl process imports this module for its types and fingerprints and never
    # extracts (its workers do), so it skips trafilatura's tenth of a second of imports.
    import trafilatura

    options = {"url": url, "include_comments": False, "include_tables": True, "favor_precision": True,
               "deduplicate": False}
    text = trafilatura.extract(tree, fast=True, **options) or ""
    paragraphs = sum(len(p.text_content()) for p in tree.iter("p"))
    if len(text) < _FAST_ENOUGH * paragraphs or len(text) < 500:
        text = trafilatura.extract(tree, **options) or ""
    return text


MAX_DEPTH = 2048  # libxml2's nesting limit with huge_tree


def _too_deep(parser: etree.HTMLParser) -> bool:
    """Whether the last parse stopped at the nesting limit (the tree is cut there, silently otherwise)."""
    return any("Excessive depth" in e.message for e in parser.error_log)


# Reading text from markup without building a tree, for pages nested past the parser's limit. Every pattern
# stops at the next "<", so no input makes a scan quadratic.
_FLAT_SKIP = re.compile(r"<(/?)(script|style|noscript|template|head|nav|footer|aside|form)\b[^<>]*>", re.I)
_FLAT_BLOCK = re.compile(r"</?(?:p|div|br|li|h[1-6]|article|section|blockquote|tr|td|dd|dt)\b[^<>]*>", re.I)
_FLAT_TAG = re.compile(r"<[^<>]*>")
_FLAT_BREAK = re.compile(r"\s*\n\n\s*")  # a run of block boundaries is one paragraph break


def _without_comments(markup: str) -> str:
    parts, pos = [], 0
    while (start := markup.find("<!--", pos)) != -1:
        parts.append(markup[pos:start])
        end = markup.find("-->", start + 4)
        if end == -1:
            return "".join(parts)
        pos = end + 3
    parts.append(markup[pos:])
    return "".join(parts)


def _without_skipped(markup: str) -> str:
    """Markup minus script, style, navigation and the like, nested ones included."""
    parts, pos, depth = [], 0, 0
    for m in _FLAT_SKIP.finditer(markup):
        closing = bool(m.group(1))
        if depth == 0 and not closing:
            parts.append(markup[pos:m.start()])
        depth = max(0, depth - 1) if closing else depth + 1
        if depth == 0:
            pos = m.end()
    if depth == 0:
        parts.append(markup[pos:])
    return "".join(parts)


def _flat_text(markup: str) -> str:
    """Paragraphs of text straight from the markup: block tags end a paragraph, other tags are dropped."""
    text = _FLAT_TAG.sub("", _FLAT_BLOCK.sub("\n\n", _without_skipped(_without_comments(markup))))
    paras = (_WS.sub(" ", unescape(p)).strip() for p in _FLAT_BREAK.split(text))
    return "\n\n".join(p for p in paras if p)


def _fallback_text(tree: lxml.html.HtmlElement) -> str:
    paras = [_WS.sub(" ", p.text_content()).strip() for p in tree.iter("p")]
    return "\n\n".join(p for p in paras if p)


def extract_article(item: ArticleItem, *, now: datetime) -> ExtractedArticle:
    """Main text and metadata of a fetched page, with the feed entry's fields as fallback."""
    html = _NOT_XML.sub(" ", item.html or "")
    url = canonical_url(item.final_url or item.url)
    tree: lxml.html.HtmlElement | None
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER) if html.strip() else None
    except (etree.LxmlError, ValueError) as exc:
        log.warning("unparseable HTML url=%s error=%s", url, exc)
        tree = None
    too_deep = tree is not None and _too_deep(_PARSER)

    title = page_date = language = None
    text = ""
    if tree is not None:
        title = _page_title(tree)
        page_date = _page_date(tree)
        language = (tree.get("lang") or "").split("-")[0].lower() or None
        if too_deep:  # the tree is cut at the limit: read the text from the markup itself
            log.warning("HTML nested deeper than %d levels url=%s: text read without the page structure",
                        MAX_DEPTH, url)
            text = _flat_text(html)
        else:
            try:
                _strip_furniture(tree)
                # The stripped tree itself, not its serialisation: trafilatura copies a tree it is given,
                # where a string would be parsed a second time.
                text = _main_text(tree, url)
            except (etree.LxmlError, ValueError, RecursionError) as exc:  # odd trees: keep the plain paragraphs
                log.warning("main-text extraction failed url=%s error=%s: %s", url, type(exc).__name__, exc)
                text = ""
        if not text.strip():
            text = _fallback_text(tree)
    if page_date is None and item.entry_published is None and tree is not None and not too_deep:
        page_date = _guess_page_date(tree, now)
    text = text.strip() or (item.entry_summary or "").strip()
    title = title or item.entry_title
    if title and text.startswith(title):
        # trafilatura keeps the <h1>; the title travels separately, so don't count it twice.
        text = text[len(title):].lstrip()

    if page_date:
        published, published_from = page_date, "page"
    elif item.entry_published:
        published, published_from = item.entry_published.astimezone(UTC), "feed"
    elif item.http_last_modified:
        published, published_from = item.http_last_modified.astimezone(UTC), "http"
    else:
        published, published_from = (item.fetched_at or now).astimezone(UTC), "fetched"

    fingerprint_text = f"{text}" if text else (title or url)
    return ExtractedArticle(
        url=url,
        source=item.source,
        outlet=item.outlet or outlet_of(url),
        title=title,
        text=text,
        published=published,
        published_from=published_from,
        language=language,
        content_hash=content_hash(fingerprint_text),
        simhash=simhash(fingerprint_text),
        fetched_at=(item.fetched_at or now).astimezone(UTC),
        guid=item.entry_guid,
        requested_url=requested if (requested := canonical_url(item.url)) != url else None,
    )
