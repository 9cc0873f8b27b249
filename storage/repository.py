"""The one storage API the core calls. It hides SQL and hands back plain values, never ORM rows.

``store_article`` is the heart: one transaction stores the article, its deal mentions, the deal
changes they cause and the outbox rows for those changes, so a crash loses nothing and a
restart sends nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.article import ExtractedArticle, hamming, jaccard, shingles
from crawler.errors import StorageError
from crawler.events import (
    DealState,
    Mention,
    ResolutionPolicy,
    SourceRef,
    apply_mention,
    candidate_keys,
    candidate_window,
    match_deal,
)
from storage.base import possible_row_id, utcnow
from storage.browse import BrowseStore, deal_summary
from storage.corrections import CorrectionStore
from storage.models import (
    AlertEventRow,
    ArticleAliasRow,
    ArticleRow,
    DealRow,
    DeliveryRow,
    MentionRow,
    SourceRow,
)
from storage.outbox import OutboxStore
from storage.records import (
    ArticleOutcome,
    ChannelRoute,
    DealQuery,
    DealSummary,
    DeliveryInfo,
    PendingDelivery,
    SourceState,
    StoredEvent,
    _jsonable,
    investors_key,
)

__all__ = ["ArticleOutcome", "ChannelRoute", "DealQuery", "DealSummary", "DeliveryInfo", "PendingArticle", "PendingDelivery",
           "Repository", "SourceState", "StoredEvent", "utcnow"]

NEAR_DUPLICATE_BITS = 10  # SimHash distance worth a closer look
NEAR_DUPLICATE_JACCARD = 0.7  # shared word 3-shingles that make two texts one article
NEAR_DUPLICATE_WINDOW = timedelta(days=30)
BANDS = 8


def _source_state(row: SourceRow) -> SourceState:
    return SourceState(
        name=row.name, kind=row.kind, url=row.url, etag=row.etag, last_modified=row.last_modified,
        last_run_at=row.last_run_at, next_run_at=row.next_run_at, last_success_at=row.last_success_at,
        last_new_article_at=row.last_new_article_at, last_status=row.last_status, last_error=row.last_error,
        consecutive_failures=row.consecutive_failures or 0, failure_alerted=bool(row.failure_alerted),
        poll_hint_s=row.poll_hint_s, articles_total=row.articles_total or 0,
    )


def _bands(h: int) -> tuple[int, ...]:
    # Any two fingerprints within 7 bits share at least one of eight 8-bit bands exactly.
    return tuple(h >> (8 * i) & 0xFF for i in range(BANDS))


def _band_columns(h: int) -> dict[str, int]:
    return {f"band{i}": b for i, b in enumerate(_bands(h))}


class Repository(OutboxStore, BrowseStore, CorrectionStore):
    """Storage for one database URL. Thread-safe for use from one process; each call is one transaction."""

    # ---- sources -------------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Any]) -> None:
        """Make the sources table match the configuration (kind and URL); keeps fetch state."""

        def run(s: Session) -> None:
            rows = {r.name: r for r in s.scalars(select(SourceRow))}
            for src in sources:
                row = rows.get(src.name)
                url = src.urls[0]
                if row is None:
                    s.add(SourceRow(name=src.name, kind=src.kind, url=url, consecutive_failures=0,
                                    articles_total=0, failure_alerted=False))
                elif row.kind != src.kind or row.url != url:
                    row.kind, row.url, row.etag, row.last_modified = src.kind, url, None, None

        sources = list(sources)
        try:
            self._write(run)
        except IntegrityError:
            # Another process (a cluster member starting at the same moment) inserted some of the same sources
            # first: its rows are there now, so the second try only updates what differs.
            self._write(run)

    def source_state(self, name: str) -> SourceState | None:
        with self._session() as s:
            row = s.scalar(select(SourceRow).where(SourceRow.name == name))
            return _source_state(row) if row else None

    def list_sources(self, names: Iterable[str] | None = None) -> list[SourceState]:
        """Every source's state, or only those named: a pass over 500 of 100,000 sources reads 500 rows."""
        query = select(SourceRow).order_by(SourceRow.name)
        if names is not None:
            query = query.where(SourceRow.name.in_(list(names)))
        with self._session() as s:
            return [_source_state(r) for r in s.scalars(query)]

    def record_source_run(
        self,
        name: str,
        *,
        at: datetime,
        ok: bool,
        status: str,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        new_articles: int = 0,
        next_run_at: datetime | None = None,
        poll_hint_s: int | None = None,
    ) -> SourceState:
        """Record one pass over a source; failures count up, a success resets the count."""
        (outcome,) = self.record_source_runs([SourcePass(
            name, at=at, ok=ok, status=status, error=error, etag=etag, last_modified=last_modified,
            new_articles=new_articles, next_run_at=next_run_at, poll_hint_s=poll_hint_s)])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def record_source_runs(self, passes: Sequence[SourcePass]) -> list[SourceState | StorageError]:
        """``record_source_run`` for every source of a crawl in one transaction. If that fails, each is
        recorded in its own, so one source's failure costs the others nothing; returns each source's new
        state or the error that stopped it."""
        return self._all_then_each(passes, lambda ps: self._write(lambda s: _record_passes(s, ps)),
                                   lambda p: self._write(lambda s: _record_passes(s, [p])[0]), StorageError)

    def check_writable(self) -> None:
        """Fail before a crawl fetches anything when the database cannot be written (read-only, disk full)."""
        self._write(lambda s: s.execute(update(SourceRow).where(SourceRow.id == -1).values(name=SourceRow.name)))

    def set_source_schedule(self, name: str, next_run_at: datetime) -> None:
        self._write(lambda s: s.execute(
            update(SourceRow).where(SourceRow.name == name).values(next_run_at=next_run_at)))

    def set_failure_alerted(self, name: str, alerted: bool) -> None:
        self._write(lambda s: s.execute(
            update(SourceRow).where(SourceRow.name == name).values(failure_alerted=alerted)))

    # ---- articles ------------------------------------------------------------------------

    def seen_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs are already stored (as an article or an alias)."""
        urls = list(set(urls))
        found: set[str] = set()
        with self._session() as s:
            for i in range(0, len(urls), 500):
                chunk = urls[i : i + 500]
                found.update(s.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(chunk))))
                found.update(s.scalars(select(ArticleAliasRow.url).where(ArticleAliasRow.url.in_(chunk))))
        return found

    def is_seen(self, url: str) -> bool:
        return bool(self.seen_urls([url]))

    def count_articles(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count(ArticleRow.id))) or 0

    def _find_duplicate(self, conn: Connection, art: ExtractedArticle) -> _Original | None:
        """The stored article this one copies: the same text, or (within the window) nearly the same text.

        One query finds both kinds of candidate; the text of a near match is read only when its
        fingerprint is close."""
        fingerprinted = len(art.text) >= 200  # shorter, and a fingerprint means nothing
        if fingerprinted:
            params = {"content_hash": art.content_hash, "since": art.fetched_at - NEAR_DUPLICATE_WINDOW,
                      **_band_columns(art.simhash)}
            rows = conn.execute(_SAME_OR_NEAR_TEXT, params).all()
        else:
            rows = conn.execute(_SAME_TEXT, {"content_hash": art.content_hash}).all()
        same = [r for r in rows if r.content_hash == art.content_hash]
        if same:
            return _Original(*min(same)[:3])
        close = [r for r in rows if hamming(int(r.simhash, 16), art.simhash) <= NEAR_DUPLICATE_BITS] if fingerprinted else []
        if not close:
            return None
        mine = shingles(art.text)
        for r in close[:20]:
            text = conn.scalar(_ARTICLE_TEXT, {"id": r.id})
            if text is not None and jaccard(mine, shingles(text)) >= NEAR_DUPLICATE_JACCARD:
                return _Original(r.id, r.content_hash, r.outlet)
        return None

    def store_article(
        self,
        art: ExtractedArticle,
        *,
        is_deal: bool | None = None,
        records: Sequence[dict[str, Any]] = (),
        channels: Sequence[ChannelRoute] = (),
        policy: ResolutionPolicy | None = None,
        now: datetime | None = None,
    ) -> ArticleOutcome:
        """Store an article with its deal records, resolve them into deals and queue alerts, atomically.

        A URL already stored returns ``seen``; the same or nearly the same text under another URL
        (a syndicated copy, an edited headline or URL) is recorded as an alias and returns ``duplicate``.
        """
        pending = PendingArticle(art, is_deal, tuple(records), now or utcnow())
        try:
            return self._write(lambda s: self._store_in(s.connection(), pending, channels, policy or ResolutionPolicy()))
        except IntegrityError:
            # Another process stored the same URL between our check and our insert.
            return ArticleOutcome("seen")

    def store_articles(self, batch: Sequence[PendingArticle], *, channels: Sequence[ChannelRoute] = (),
                       policy: ResolutionPolicy | None = None) -> list[ArticleOutcome | Exception]:
        """``store_article`` for several articles in one transaction: a busy crawl pays for one commit, not one
        per article. Each article is still all or nothing: if any of them fails, the transaction is rolled
        back and every article is stored again in its own, so one bad article costs the others nothing.
        Returns, in order, each article's outcome or the exception that stopped it."""
        policy = policy or ResolutionPolicy()
        return self._all_then_each(
            batch,
            lambda b: self._write(lambda s: [self._store_in(s.connection(), p, channels, policy) for p in b]),
            lambda p: self.store_article(p.article, is_deal=p.is_deal, records=p.records, channels=channels,
                                         policy=policy, now=p.now),
            Exception)

    def _store_in(self, conn: Connection, pending: PendingArticle, channels: Sequence[ChannelRoute],
                  policy: ResolutionPolicy) -> ArticleOutcome:
        """One article's rows, on the transaction's connection. Core statements only: the ORM's unit of
        work (identity map, flushes before every query) cost more than the SQL itself here."""
        art, now = pending.article, pending.now
        known = _known_url(conn, art.url)
        if known:
            _remember_requested_url(conn, art, known, now)
            return ArticleOutcome("seen")
        dup = self._find_duplicate(conn, art)
        if dup is not None:
            conn.execute(_INSERT_ALIAS, dict(
                url=art.url, article_id=dup.id, outlet=art.outlet, title=art.title,
                reason="same-text" if dup.content_hash == art.content_hash else "near-duplicate", seen_at=now))
            _remember_requested_url(conn, art, dup.id, now)
            outcome = ArticleOutcome("duplicate", duplicate_of=dup.id)
            if dup.outlet != art.outlet:
                self._add_syndicated(conn, dup, art, channels, policy, now, outcome)
            return outcome
        article_id = _inserted_id(conn.execute(_INSERT_ARTICLE, dict(
            url=art.url, source=art.source, outlet=art.outlet, title=art.title, guid=art.guid,
            published=art.published, published_from=art.published_from, fetched_at=art.fetched_at,
            language=art.language, text=art.text, content_hash=art.content_hash,
            simhash=f"{art.simhash:016x}", is_deal=pending.is_deal, **_band_columns(art.simhash),
        )))
        _remember_requested_url(conn, art, article_id, now)
        outcome = ArticleOutcome("new", article_id=article_id)
        for ordinal, record in enumerate(pending.records):
            ref = _source_ref(art, record)
            mention = Mention.from_record(record, ref)
            deal_id = self._resolve(conn, mention, channels, policy, now, outcome)
            conn.execute(_INSERT_MENTION, dict(
                article_id=article_id, ordinal=ordinal, deal_id=deal_id, company=mention.company,
                deal_type=mention.deal_type, amount_usd=mention.amount_usd, status=mention.status,
                confidence=float(record.get("confidence") or 0.0), record=_jsonable(record), created_at=now,
            ))
            outcome.mentions += 1
        return outcome

    def _add_syndicated(self, conn: Connection, original: _Original, art: ExtractedArticle,
                        channels: Sequence[ChannelRoute], policy: ResolutionPolicy, now: datetime,
                        outcome: ArticleOutcome) -> None:
        """A copy of a stored article on another outlet: list it as a syndicated source of the same deals."""
        for m in conn.execute(_MENTIONS_OF, {"article_id": original.id}).all():
            ref = _source_ref(art, m.record, syndication_key=original.content_hash)
            self._resolve(conn, Mention.from_record(m.record, ref), channels, policy, now, outcome,
                          linked=[m.deal_id] if m.deal_id else ())

    def _resolve(self, conn: Connection, mention: Mention, channels: Sequence[ChannelRoute],
                 policy: ResolutionPolicy, now: datetime, outcome: ArticleOutcome,
                 linked: Iterable[int] = ()) -> int:
        """Join the mention to a deal (or start one), save the state and queue its events.

        On PostgreSQL several writers (cluster workers, a manual crawl) may resolve mentions of one story at the
        same moment; a transaction-level advisory lock makes the read-match-write below one step for all of them,
        so two outlets stored at once still make one deal. It is held until this transaction commits."""
        if conn.dialect.name == "postgresql":
            conn.execute(_MERGE_LOCK, {"k": MERGE_LOCK_KEY})
        keys = list(candidate_keys(mention.company))
        start, end = candidate_window(mention, now, policy)
        found = conn.execute(_CANDIDATE_DEALS, {"keys": keys, "start": start, "end": end}).all()
        linked = [i for i in linked if i not in {r.id for r in found}]
        if linked:  # deals this article already feeds: a late re-crawl must not start a duplicate
            found += conn.execute(_DEALS_BY_ID, {"ids": linked}).all()
        rows = {r.id: r.state for r in found}
        silenced = {r.id for r in found if r.dismissed_at is not None}
        states = []
        for deal_id, saved in rows.items():
            st = DealState.from_dict(saved)
            st.id = deal_id
            states.append(st)
        matched = match_deal(mention, states, policy, now=now)
        state, events = apply_mention(matched, mention, now=now, policy=policy)
        if matched is not None and state is matched:
            return matched.id  # type: ignore[return-value]
        record = state.record(policy)
        columns = dict(company=record["company"], company_key=state.company_key, deal_type=record["deal_type"],
                       round=record.get("round"), amount_usd=record.get("amount_usd"),
                       valuation_usd=record.get("valuation_usd"), status=record["status"],
                       ai_related=bool(record.get("ai_related", True)), first_seen=state.first_seen,
                       last_seen=state.last_seen, updated_at=now,
                       investors_key=investors_key(record.get("investors")))
        if matched is None:  # the state names its deal's id: insert first to learn it
            state.id = _inserted_id(conn.execute(_INSERT_DEAL, {**columns, "state": {}}))
        else:
            state.id = matched.id
        conn.execute(_UPDATE_DEAL, {**columns, "deal_id": state.id, "state": _jsonable(state.to_dict())})
        deal_id: int = state.id  # type: ignore[assignment]
        deal_body = _jsonable(state.payload(policy))
        for ev in events:
            body: dict[str, Any] = {"deal": deal_body, "occurred_at": now.isoformat()}
            if ev.kind == "deal.updated":
                body["changes"] = _jsonable(list(ev.changes))
                outcome.deals_updated += 1
            elif ev.kind == "deal.conflict":
                body["conflict"] = _jsonable(ev.conflict)
                outcome.conflicts += 1
            else:
                outcome.deals_new += 1
            # A dismissed deal keeps its history but alerts nobody.
            routes = () if deal_id in silenced else channels
            outcome.events.append(self._queue_event(conn, ev.kind, deal_id, body, routes, now))
        return deal_id

    def _queue_event(self, conn: Connection, event: str, deal_id: int | None, body: dict[str, Any],
                     channels: Sequence[ChannelRoute], now: datetime) -> StoredEvent:
        event_id = _inserted_id(conn.execute(_INSERT_EVENT, dict(deal_id=deal_id, event=event, body=body,
                                                                 created_at=now)))
        names = []
        for ch in channels:
            if ch.accepts(event, body.get("deal", {})):
                first = ch.hold_until(now) if ch.hold_until else now
                conn.execute(_INSERT_DELIVERY, dict(event_id=event_id, channel=ch.name, delivery_id=uuid.uuid4().hex,
                                                    status="pending", attempts=0, next_attempt_at=first,
                                                    created_at=now))
                names.append(ch.name)
        return StoredEvent(event_id, event, deal_id, body, tuple(names))

    def queue_event(self, event: str, body: dict[str, Any], channels: Sequence[ChannelRoute],
                    *, deal_id: int | None = None, now: datetime | None = None) -> StoredEvent:
        """Queue an event that is not a deal change (operator alerts, test alerts)."""
        return self._write(lambda s: self._queue_event(s.connection(), event, deal_id, body, channels, now or utcnow()))

    # ---- deals ---------------------------------------------------------------------------

    def list_deals(self, query: DealQuery | None = None, *, since: datetime | None = None,
                   company: str | None = None, deal_type: str | None = None, min_amount: float | None = None,
                   limit: int | None = None) -> list[DealSummary]:
        """Deals newest first (by last report), dismissed and merged ones left out; a ``DealQuery`` says more."""
        if query is None:
            query = DealQuery(since=since, company=company, deal_type=deal_type, min_amount=min_amount, limit=limit)
        return self.find_deals(query)

    def get_deal(self, deal_id: int) -> DealSummary | None:
        """The deal with this id; None when there is none (also for an id no row can have)."""
        if not possible_row_id(deal_id):
            return None
        with self._session() as s:
            row = s.get(DealRow, deal_id)
            return deal_summary(row) if row else None

    def deal_events(self, deal_id: int) -> list[StoredEvent]:
        if not possible_row_id(deal_id):
            return []
        with self._session() as s:
            rows = s.scalars(select(AlertEventRow).where(AlertEventRow.deal_id == deal_id).order_by(AlertEventRow.id))
            return [StoredEvent(r.id, r.event, r.deal_id, r.body, (), r.created_at) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._session() as s:
            out = {
                "articles": s.scalar(select(func.count(ArticleRow.id))) or 0,
                "deal_articles": s.scalar(select(func.count(ArticleRow.id)).where(ArticleRow.is_deal.is_(True))) or 0,
                "mentions": s.scalar(select(func.count(MentionRow.id))) or 0,
                "deals": s.scalar(select(func.count(DealRow.id))) or 0,
                "events": s.scalar(select(func.count(AlertEventRow.id))) or 0,
            }
            for status, n in s.execute(select(DeliveryRow.status, func.count(DeliveryRow.id)).group_by(DeliveryRow.status)):
                out[f"deliveries_{status}"] = n
            return out

    def purge(self) -> None:
        """Empty every table (tests and the demo)."""

        def run(s: Session) -> None:
            for model in (DeliveryRow, AlertEventRow, MentionRow, DealRow, ArticleAliasRow, ArticleRow, SourceRow):
                s.execute(delete(model))

        self._write(run)


class SourcePass(NamedTuple):
    """One pass over a source, to be recorded on its row (see ``Repository.record_source_run``)."""

    name: str
    at: datetime
    ok: bool
    status: str
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_articles: int = 0
    next_run_at: datetime | None = None
    poll_hint_s: int | None = None


def _record_passes(s: Session, passes: Sequence[SourcePass]) -> list[SourceState]:
    """The rows are read in a few queries, not one each: a query per row also made the session flush the
    previous row's changes first (0.55 s for a 1,000-feed pass)."""
    names = list({p.name for p in passes})
    rows: dict[str, SourceRow] = {}
    for i in range(0, len(names), 500):
        rows.update((r.name, r) for r in s.scalars(select(SourceRow).where(SourceRow.name.in_(names[i : i + 500]))))
    states = []
    for p in passes:
        row = rows.get(p.name)
        if row is None:
            raise StorageError(f"unknown source {p.name!r}")
        _apply_pass(row, p)
        states.append(_source_state(row))
    return states


def _apply_pass(row: SourceRow, p: SourcePass) -> None:
    row.last_run_at = p.at
    row.last_status = p.status
    if p.ok:
        row.last_success_at = p.at
        row.consecutive_failures = 0
        row.last_error = None
        if p.etag is not None or p.last_modified is not None:
            row.etag, row.last_modified = p.etag, p.last_modified
    else:
        row.consecutive_failures = (row.consecutive_failures or 0) + 1
        row.last_error = p.error
    if p.new_articles:
        row.last_new_article_at = p.at
        row.articles_total = (row.articles_total or 0) + p.new_articles
    if p.next_run_at is not None:
        row.next_run_at = p.next_run_at
    row.poll_hint_s = p.poll_hint_s  # a hint the server stopped sending is dropped


class PendingArticle(NamedTuple):
    """One analysed article waiting to be stored, with the time it was analysed at."""

    article: ExtractedArticle
    is_deal: bool | None
    records: tuple[dict[str, Any], ...]
    now: datetime


class _Original(NamedTuple):
    """What storing a copy needs of the article it copies."""

    id: int
    content_hash: str
    outlet: str | None


# The statements every stored article runs, built once: building a statement costs more than running it.
_KNOWN_URL = select(ArticleRow.id).where(ArticleRow.url == bindparam("url")).union_all(
    select(ArticleAliasRow.article_id).where(ArticleAliasRow.url == bindparam("url"))).limit(1)
_TEXT_COLUMNS = (ArticleRow.id, ArticleRow.content_hash, ArticleRow.outlet, ArticleRow.simhash)
_EXACT = ArticleRow.content_hash == bindparam("content_hash")
_SAME_TEXT = select(*_TEXT_COLUMNS).where(_EXACT).order_by(ArticleRow.id).limit(1)
_SAME_OR_NEAR_TEXT = (  # the same text first, then fingerprints sharing a band, newest first
    select(*_TEXT_COLUMNS)
    .where(or_(_EXACT, and_(or_(*(getattr(ArticleRow, f"band{i}") == bindparam(f"band{i}") for i in range(BANDS))),
                            ArticleRow.fetched_at >= bindparam("since"))))
    .order_by(case((_EXACT, 0), else_=1), ArticleRow.id.desc()).limit(1000))
_ARTICLE_TEXT = select(ArticleRow.text).where(ArticleRow.id == bindparam("id"))
# One key for "resolving deal mentions" in this database (PostgreSQL advisory locks are per database).
MERGE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"dealradar.merge").digest()[:8], "big") >> 1
_MERGE_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
# A merged deal takes no more mentions (its reports live on in the deal it was merged into); a dismissed one does.
_CANDIDATE_DEALS = select(DealRow.id, DealRow.state, DealRow.dismissed_at).where(
    DealRow.company_key.in_(bindparam("keys", expanding=True)), DealRow.last_seen >= bindparam("start"),
    DealRow.first_seen <= bindparam("end"), DealRow.merged_into.is_(None))
_DEALS_BY_ID = select(DealRow.id, DealRow.state, DealRow.dismissed_at).where(
    DealRow.id.in_(bindparam("ids", expanding=True)), DealRow.merged_into.is_(None))
_MENTIONS_OF = select(MentionRow.record, MentionRow.deal_id).where(
    MentionRow.article_id == bindparam("article_id")).order_by(MentionRow.ordinal)
# Inserts go to the session's connection, past the ORM's unit of work: nothing reads these rows back as objects.
# No RETURNING: SQLite before 3.35 (still the system library of some distributions) has none;
# SQLAlchemy reads the new id from the cursor there and uses RETURNING on PostgreSQL by itself.
_INSERT_ARTICLE = insert(ArticleRow)
_INSERT_ALIAS = insert(ArticleAliasRow)
_INSERT_DEAL = insert(DealRow)
_UPDATE_DEAL = update(DealRow).where(DealRow.id == bindparam("deal_id"))
_INSERT_MENTION = insert(MentionRow)
_INSERT_EVENT = insert(AlertEventRow)
_INSERT_DELIVERY = insert(DeliveryRow)


def _inserted_id(result: Any) -> int:
    return int(result.inserted_primary_key[0])


def _known_url(conn: Connection, url: str) -> int | None:
    """The article stored under this URL, as itself or as an alias; one query."""
    return conn.scalar(_KNOWN_URL, {"url": url})


def _remember_requested_url(conn: Connection, art: ExtractedArticle, article_id: int, now: datetime) -> None:
    """The link a feed gave, when a redirect ended elsewhere: remembered so it is not fetched every pass."""
    url = art.requested_url
    if not url or url == art.url:
        return
    if _known_url(conn, url):
        return
    conn.execute(_INSERT_ALIAS, dict(url=url, article_id=article_id, outlet=art.outlet, title=art.title,
                                     reason="redirect", seen_at=now))


def _source_ref(art: ExtractedArticle, record: dict[str, Any], *, syndication_key: str | None = None) -> SourceRef:
    evidence = record.get("evidence") or []
    sentence = " ".join(e.get("text", "") for e in evidence if isinstance(e, dict)).strip() or None
    return SourceRef(url=art.url, title=art.title, outlet=art.outlet, published=art.published,
                     sentence=sentence, amount_text=record.get("amount_text"),
                     syndication_key=syndication_key or art.content_hash)
