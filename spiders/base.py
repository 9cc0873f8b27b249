"""What every DealRadar spider shares: article requests, seen-URL filtering, error reporting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import CrawlSettings, SourceSettings
from crawler.crawl.items import ArticleItem, FeedEntry
from crawler.crawl.report import SourceReport
from crawler.dates import parse_date
from crawler.net.urlpolicy import canonical_url, is_fetchable_url
from spiders.middlewares import RedirectLoop
from storage.repository import Repository, SourceState

T = TypeVar("T")
log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
# Types a misconfigured server sends for HTML: the body is sniffed before the page is refused.
_UNSURE_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/unknown", "unknown/unknown",
                 "application/x-unknown-content-type")
_REDIRECTS = (301, 302, 303, 307, 308)
# Index pages (feeds, sitemaps, listings) see every status but redirects, which RedirectMiddleware follows.
_INDEX_STATUSES = [code for code in range(100, 600) if code not in _REDIRECTS]
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"), (b"\xfd7zXZ\x00", "xz data"), (b"7z\xbc\xaf", "7z archive"),
    (b"\x00\x00\x01\x00", "icon"), (b"OggS", "Ogg media"), (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "WebM/Matroska video"), (b"\x00asm", "WebAssembly"), (b"\x7fELF", "executable"),
    (b"wOFF", "web font"), (b"wOF2", "web font"), (b"\xd0\xcf\x11\xe0", "Office document"),
)
_CONTROL_BYTES = bytes(sorted(set(range(0, 32)) - {9, 10, 12, 13, 27}))


def sniff_binary(body: bytes, *, wide: bool = False) -> str | None:
    """What a body is when it is clearly not text (an image, an archive, control-character soup), else None.
    ``wide``: the declared charset is UTF-16/32, where NUL bytes are normal."""
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return what
    if body[4:12] in (b"ftypisom", b"ftypmp42", b"ftypavif", b"ftypheic"):
        return "media file"
    if body[:4] == b"RIFF" and body[8:12] in (b"WEBP", b"AVI ", b"WAVE"):
        return "media file"
    sample = body[:4096]
    if not sample:
        return None
    if wide or sample[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16/32: NULs are expected
        return None
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    if b"\x00" in sample and control > len(sample) * 0.01 or control > len(sample) * 0.10:
        return "binary data"
    return None


def sniff_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")) or b"<html" in head


@dataclass
class SourceRun:
    """One source's share of a spider's pass: its settings, stored state and the report being filled."""

    source: SourceSettings
    state: SourceState | None
    report: SourceReport


class DealRadarSpider(scrapy.Spider):
    """One spider per source kind and pass, over every source of that kind: one crawler serves hundreds
    of feeds. Every request carries its source's name in ``meta["source"]``."""

    crawl_settings: CrawlSettings
    repo: Repository

    def __init__(self, *args: Any, sources: list[SourceSettings], crawl_settings: CrawlSettings,
                 repo: Repository, reports: dict[str, SourceReport], now: datetime | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, name=f"dealradar-{type(self).__name__.lower()}", **kwargs)
        self.crawl_settings = crawl_settings
        self.repo = repo
        states = {st.name: st for st in repo.list_sources([src.name for src in sources])}
        self.runs = {src.name: SourceRun(src, states.get(src.name), reports[src.name]) for src in sources}
        self.now = now or datetime.now(UTC)
        self.queued: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for run in self.runs.values():
            for request in self.start_requests_for(run):
                yield request

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DealRadarSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._start_count, signal=signals.headers_received)
        crawler.signals.connect(spider._count_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider._callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _closed(self, spider: Any = None, reason: str = "") -> None:
        """Only a spider that ran out of work finished its sources' passes; one stopped on a signal, or never
        closed at all (its reactor crashed), did not."""
        if reason == "finished":
            for run in self.runs.values():
                run.report.finished = True

    def _callback_failed(self, failure: Failure, response: Response, spider: Any = None) -> None:
        """A callback raised (a bug, or the database gone mid-callback): Scrapy only logs it. Record it on the
        source, so the pass is not taken as complete and a feed's validators are not saved over entries that
        were never looked at."""
        try:
            meta = response.meta
        except AttributeError:  # a response that never had a request
            return
        name = meta.get("source")
        run = self.runs.get(name) if name else None
        if run is None:
            return
        msg = f"{response.url}: processing failed: {type(failure.value).__name__}: {failure.value}"[:500]
        if meta.get("index"):
            run.report.fatal = run.report.fatal or msg
        elif meta.get("entry") is not None:
            run.report.pending_articles -= 1  # the article callback died before it yielded its item
        run.report.error(msg)
        log.warning("callback failed source=%s error=%s", name, msg, extra={"in_summary": True})

    def _start_count(self, headers: Any, body_length: int, request: Request, spider: Any = None) -> None:
        request.meta["body_bytes"] = 0  # a retry's copy of the request starts from nothing

    def _count_bytes(self, data: bytes, request: Request, spider: Any = None) -> None:
        """Body bytes received per request, so a download cut off at the size limit is reported as that."""
        request.meta["body_bytes"] = request.meta.get("body_bytes", 0) + len(data)

    def start_requests_for(self, run: SourceRun) -> Iterable[Request]:  # pragma: no cover - overridden
        raise NotImplementedError

    async def off_reactor(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """A CPU-bound pure function (parsing a feed) in the analysis pool, when its workers are already running, so
        the event loop goes on fetching meanwhile. Otherwise here: starting a worker costs more than a feed."""
        pool = getattr(self, "analysis_pool", None)
        if pool is None or not pool.started:
            return fn(*args, **kwargs)
        return await pool.run(fn, *args, **kwargs)

    def run_of(self, request_or_response: Any) -> SourceRun:
        return self.runs[request_or_response.meta["source"]]

    def index_request(self, run: SourceRun, url: str, callback: Any, **meta: Any) -> Request:
        """A feed, sitemap or listing page: a failure here fails the whole source pass."""
        return Request(url, callback=callback, errback=self.index_failed, dont_filter=True,
                       meta={"index": True, "handle_httpstatus_list": _INDEX_STATUSES, "source": run.source.name,
                             **meta})

    def article_requests(self, run: SourceRun, entries: Iterable[FeedEntry]) -> list[Request]:
        """Requests for entries not stored yet; recent enough, one per canonical URL."""
        report = run.report
        fresh: dict[str, FeedEntry] = {}
        cutoff = self.now - self.crawl_settings.max_article_age
        for entry in entries:
            if entry.published is not None and entry.published < cutoff:
                report.skipped += 1
                continue
            if not is_fetchable_url(entry.url):
                report.skipped += 1
                log.info("entry skipped source=%s url=%r reason=not a valid http(s) URL", run.source.name,
                         entry.url[:300])
                continue
            key = canonical_url(entry.url)
            if key in fresh or key in self.queued:
                log.info("entry skipped source=%s url=%s reason=same article as another entry", run.source.name,
                         entry.url[:300])
                continue
            fresh[key] = entry
        try:
            seen = self.repo.seen_urls(fresh)
        except Exception:  # one retry: a pooled connection the server dropped is replaced on checkout
            try:
                seen = self.repo.seen_urls(fresh)
            except Exception as exc:
                first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
                msg = f"storage failure while checking {len(fresh)} entries: {type(exc).__name__}: {first}"[:500]
                report.fatal = report.fatal or msg
                report.error(msg)
                report.storage_failed(msg)
                log.warning("seen-URL check failed source=%s error=%s", run.source.name, msg)
                return []
        report.already_seen += len(seen)
        requests = []
        for key, entry in fresh.items():
            if key in seen:
                continue
            self.queued.add(key)
            requests.append(Request(
                entry.url, callback=self.parse_article, errback=self.article_failed,
                meta={"entry": entry, "canonical": key, "source": run.source.name},
            ))
        report.pending_articles += len(requests)
        pool = getattr(self, "analysis_pool", None)
        if requests and pool is not None:
            pool.warm()
        return requests

    def parse_article(self, response: Response) -> Iterable[ArticleItem]:
        run = self.run_of(response)
        report = run.report
        report.fetched += 1
        entry: FeedEntry = response.meta.get("entry") or FeedEntry(url=response.url)
        response_or_reason = self.html_of(response)
        if isinstance(response_or_reason, str):
            report.skipped += 1
            report.pending_articles -= 1
            report.warnings.append(f"{response.url}: {response_or_reason}, skipped")
            log.warning("skipped article url=%s reason=%s", response.url, response_or_reason)
            return
        response = response_or_reason
        text = response.text
        bad = text.count("\ufffd")
        if bad and bad > len(text) / 1000:
            better = self.redecode(response)
            if better is not None:
                encoding, text = better
                msg = (f"{response.url}: {bad} bytes invalid in declared encoding {response.encoding}; "
                       f"decoded as {encoding} instead")
            else:
                msg = f"{response.url}: {bad} bytes invalid in declared encoding {response.encoding}; replaced"
            report.warnings.append(msg)
            log.warning("wrong encoding url=%s encoding=%s invalid=%d", response.url, response.encoding, bad)
            letters = sum(1 for c in text[:20000] if c.isalnum())
            if text.count("\ufffd", 0, 20000) > max(letters, 1) * 0.2:
                report.skipped += 1
                report.pending_articles -= 1
                reason = f"mostly undecodable bytes in declared encoding {response.encoding}"
                report.warnings.append(f"{response.url}: {reason}, skipped")
                log.warning("skipped article url=%s reason=%s", response.url, reason)
                return
        last_mod = response.headers.get(b"Last-Modified")
        yield ArticleItem(
            url=response.meta.get("canonical") or response.url,
            source=run.source.name,
            outlet=run.source.outlet,
            html=text,
            status=response.status,
            final_url=response.url,
            fetched_at=datetime.now(UTC),
            http_last_modified=parse_date(last_mod.decode("latin-1")) if last_mod else None,
            entry_title=entry.title,
            entry_published=entry.published,
            entry_summary=entry.summary,
            entry_guid=entry.guid,
        )

    def html_of(self, response: Response) -> TextResponse | str:
        """The page as text, or why it is not an HTML page: a binary body (whatever its Content-Type says), or
        a type that is not HTML. A missing or octet-stream type is sniffed: servers get that wrong for HTML."""
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower().strip()
        mime = ctype.split(";", 1)[0].strip()
        binary = sniff_binary(response.body, wide="utf-16" in ctype or "utf-32" in ctype)
        if binary:
            return f"not an HTML page ({binary} served as {mime or 'no Content-Type'})"
        if mime in _UNSURE_TYPES:
            if isinstance(response, TextResponse) and not mime:
                return response
            if sniff_html(response.body):
                return HtmlResponse(response.url, status=response.status, headers=response.headers,
                                    body=response.body, request=response.request, flags=response.flags)
            return f"not an HTML page ({mime or 'no Content-Type'}, and the body does not look like HTML)"
        if not isinstance(response, TextResponse) or not mime.startswith(_HTML_TYPES):
            return f"not an HTML page ({mime or 'binary'})"
        return response

    @staticmethod
    def redecode(response: TextResponse) -> tuple[str, str] | None:
        """A page whose bytes are not in its declared encoding (Latin-1 served as UTF-8): the encoding that
        decodes it cleanly, and the text; None when nothing does better."""
        body = response.body[: 1024 * 1024]
        try:
            from charset_normalizer import from_bytes

            matches = from_bytes(body)
            best = matches.best()
            if best is not None:
                # Equally good single-byte guesses: prefer windows-1252, what browsers assume for Western pages.
                for m in matches:
                    if (m.chaos, m.coherence) == (best.chaos, best.coherence) and "cp1252" in m.could_be_from_charset:
                        best = m
                        break
        except Exception:  # detection is a nicety: never let it fail the page
            return None
        if best is None or not best.encoding:
            return None
        try:
            text = response.body.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            return None
        return best.encoding, text

    def describe(self, failure: Failure) -> str:
        """One line saying why a request failed, in the user's terms."""
        exc = failure.value
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        limit = self.crawl_settings.max_response_size
        if isinstance(exc, HttpError):
            return f"HTTP {exc.response.status}"
        name = type(exc).__name__
        text = str(exc).strip()
        if "max size" in text or "larger than download max size" in text:
            return f"response larger than the {limit} byte limit, cut off"
        if isinstance(exc, DownloadCancelledError) and meta.get("body_bytes", 0) > limit:
            return f"response larger than the {limit} byte limit, cut off after {meta['body_bytes']} bytes"
        if isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in text and "decompress" in text:
            return (f"response inflates past the {limit} byte limit when decompressed "
                    f"(a compression bomb?), cut off")
        if isinstance(exc, RedirectLoop):
            return text
        if isinstance(exc, IgnoreRequest) and "max redirections" in text:
            hops = meta.get("redirect_urls") or []
            start = hops[0] if hops else (request.url if request is not None else "?")
            return f"too many redirects ({len(hops)} followed from {start}; a redirect loop?), gave up"
        if isinstance(exc, DownloadTimeoutError):
            got = meta.get("body_bytes")
            tail = f" ({got} bytes of body had arrived)" if got else ""
            return f"no complete response within the {self.crawl_settings.timeout.total_seconds():g}s timeout{tail}"
        if isinstance(exc, ResponseDataLossError):
            return "the server closed the connection before the whole body arrived (data loss)"
        return f"{name}: {text}"[:300] if text else name

    def index_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run = self.run_of(request)
        msg = f"{request.url}: {self.describe(failure)}"
        if request.meta.get("child_sitemap"):
            run.report.error(f"child sitemap failed: {msg}")
            return
        run.report.fatal = run.report.fatal or msg
        run.report.error(msg)
        log.warning("source failed source=%s error=%s", run.source.name, msg, extra={"in_summary": True})

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run = self.run_of(request)
        run.report.pending_articles -= 1
        msg = f"{request.url}: {self.describe(failure)}"
        run.report.error(msg)
        log.warning("article failed source=%s error=%s", run.source.name, msg, extra={"in_summary": True})

    def index_response_ok(self, response: Response) -> bool:
        """Non-2xx index pages (that were not retried away) fail the source pass."""
        if 200 <= response.status < 300 or response.status == 304:
            return True
        report = self.run_of(response).report
        msg = f"{response.url}: HTTP {response.status}"
        wait = response.meta.get("retry_after_s")
        if wait:
            report.poll_hint_s = int(wait)
            msg += f" (server asks to wait {int(wait)}s)"
        report.fatal = report.fatal or msg
        report.error(msg)
        return False
