"""Reading deals back for people: filtered, sorted, paged lists and their counts, deal events for the feed,
conflicts, and weekly figures for the chart. The CLI, the JSON API and the dashboard share these queries.

A page is chosen by ids first, from the ``ix_deals_visible_*`` indexes, and only its rows are read: a deal's
row carries its whole ``state``, and reading 100,000 of them to skip to page 2,000 would take seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from crawler.events import DealState, company_key
from storage.base import StoreBase, possible_row_id
from storage.models import AlertEventRow, DealRow
from storage.records import (
    DEAL_SORTS,
    ConflictInfo,
    DealQuery,
    DealSummary,
    StoredEvent,
    WeekFigure,
    _jsonable,
)

DEAL_EVENTS = ("deal.new", "deal.updated", "deal.conflict")


def visible() -> ColumnElement[bool]:
    """Neither dismissed nor merged into another deal."""
    return and_(DealRow.merged_into.is_(None), DealRow.dismissed_at.is_(None))


def deal_conditions(q: DealQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a query's filters."""
    where: list[ColumnElement[bool]] = [] if q.hidden else [visible()]
    if q.since is not None:
        where.append(DealRow.last_seen >= q.since)
    if q.until is not None:
        where.append(DealRow.last_seen < q.until)
    if q.company:
        # the name as typed, or the start of a longer one: "Ampere" finds "Ampere Computing" (a range on the index)
        key = company_key(q.company)
        where.append(and_(DealRow.company_key >= key, DealRow.company_key < key + "\uffff") if key
                     else DealRow.id.is_(None))
    if q.investor:
        key = company_key(q.investor)
        where.append(DealRow.investors_key.contains(f"|{key}|", autoescape=True) if key else DealRow.id.is_(None))
    if q.deal_type:
        where.append(DealRow.deal_type == q.deal_type)
    if q.round:
        where.append(func.lower(DealRow.round) == q.round.strip().lower())
    if q.status:
        where.append(DealRow.status == q.status)
    if q.min_amount is not None:
        where.append(DealRow.amount_usd >= q.min_amount)
    if q.max_amount is not None:
        where.append(DealRow.amount_usd <= q.max_amount)
    if q.ai_only:
        where.append(DealRow.ai_related.is_(True))
    return where


def _ordered(stmt: Select[Any], q: DealQuery, dialect: str) -> Select[Any]:
    """The query's order, newest (or largest) first by default, ties broken by id. Deals without an amount come
    last when descending and first when ascending: SQLite's own order for NULL, which lets it walk the index;
    PostgreSQL is told so."""
    if q.sort not in DEAL_SORTS:
        raise ValueError(f"unknown sort {q.sort!r}; expected one of {', '.join(DEAL_SORTS)}")
    column = {"date": DealRow.last_seen, "amount": DealRow.amount_usd, "company": DealRow.company}[q.sort]
    key = column.desc() if q.descending else column.asc()
    if dialect == "postgresql":
        key = key.nulls_last() if q.descending else key.nulls_first()
    return stmt.order_by(key, DealRow.id.desc() if q.descending else DealRow.id.asc())


def week_start(moment: datetime) -> datetime:
    """The Monday (UTC) a week starts on: the chart's weeks."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def deal_summary(row: DealRow) -> DealSummary:
    state = DealState.from_dict(row.state)
    state.id = row.id
    return DealSummary(row.id, _jsonable(state.record()), _jsonable(state.sources()), row.state,
                       row.first_seen, row.last_seen, row.dismissed_at, row.merged_into)


class BrowseStore(StoreBase):
    def find_deals(self, query: DealQuery) -> list[DealSummary]:
        """The deals a query selects, in its order, one page of them when it has a limit."""
        with self._session() as s:
            ids_q = _ordered(select(DealRow.id).where(*deal_conditions(query)), query, self.dialect)
            if query.limit:
                ids_q = ids_q.limit(query.limit)
            if query.offset:
                ids_q = ids_q.offset(query.offset)
            ids = list(s.scalars(ids_q))
            rows = {}
            for i in range(0, len(ids), 500):
                rows.update((r.id, r) for r in s.scalars(select(DealRow).where(DealRow.id.in_(ids[i:i + 500]))))
            return [deal_summary(rows[i]) for i in ids if i in rows]

    def count_deals(self, query: DealQuery) -> int:
        with self._session() as s:
            return s.scalar(select(func.count(DealRow.id)).where(*deal_conditions(query))) or 0

    def deal_events_page(self, query: DealQuery, *, limit: int = 50) -> list[StoredEvent]:
        """Deal events (new, updated, conflict) of the deals a query selects, newest first: the Atom feed."""
        if not 0 < limit <= 1000:
            raise ValueError("limit must be between 1 and 1000")
        where = [AlertEventRow.event.in_(DEAL_EVENTS)]
        conditions = deal_conditions(DealQuery(
            company=query.company, investor=query.investor, deal_type=query.deal_type, round=query.round,
            status=query.status, min_amount=query.min_amount, max_amount=query.max_amount, ai_only=query.ai_only,
            hidden=query.hidden)) or [DealRow.id.is_not(None)]
        if query.since is not None:
            where.append(AlertEventRow.created_at >= query.since)
        if query.until is not None:
            where.append(AlertEventRow.created_at < query.until)
        with self._session() as s:
            # Newest events first from the events' own index; the deals a query selects only as a set of ids (from a
            # covering index), never joined row by row: the event bodies are read for the page alone.
            q = (select(AlertEventRow).where(AlertEventRow.deal_id.in_(select(DealRow.id).where(*conditions)), *where)
                 .order_by(AlertEventRow.created_at.desc(), AlertEventRow.id.desc()).limit(limit)
                 .offset(query.offset or 0))
            return [StoredEvent(r.id, r.event, r.deal_id, r.body, (), r.created_at) for r in s.scalars(q)]

    def list_conflicts(self, *, limit: int = 100, offset: int = 0, deal_id: int | None = None) -> list[ConflictInfo]:
        """Conflict events of visible deals (or of one deal), newest first."""
        where: list[ColumnElement[bool]] = [AlertEventRow.event == "deal.conflict"]
        if deal_id is not None:
            if not possible_row_id(deal_id):
                return []
            where.append(AlertEventRow.deal_id == deal_id)
        else:
            where.append(AlertEventRow.deal_id.in_(select(DealRow.id).where(visible())))
        with self._session() as s:
            events = list(s.scalars(select(AlertEventRow).where(*where)
                                    .order_by(AlertEventRow.created_at.desc(), AlertEventRow.id.desc())
                                    .limit(limit).offset(offset)))
            ids = list({ev.deal_id for ev in events if ev.deal_id is not None})
            names = {i: c for i, c in s.execute(select(DealRow.id, DealRow.company).where(DealRow.id.in_(ids)))} if ids else {}
            out = []
            for ev in events:
                conflict = ev.body.get("conflict") or {}
                out.append(ConflictInfo(ev.id, ev.deal_id, names.get(ev.deal_id), ev.created_at, conflict.get("field"),
                                        list(conflict.get("values") or [])))
            return out

    def week_figures(self, since: datetime, query: DealQuery | None = None) -> list[WeekFigure]:
        """Deals first seen since ``since``, counted and summed per week and type (weeks start Monday, UTC)."""
        q = query or DealQuery()
        where = [*deal_conditions(DealQuery(company=q.company, investor=q.investor, deal_type=q.deal_type,
                                             round=q.round, status=q.status, min_amount=q.min_amount,
                                             max_amount=q.max_amount, ai_only=q.ai_only, hidden=q.hidden)),
                 DealRow.first_seen >= since]
        # Counted per UTC day in the database (a few hundred groups instead of a row per deal), per week here.
        if self.dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS' UTC text
            day: Any = func.substr(DealRow.first_seen, 1, 10)
        else:
            day = func.date(func.timezone("UTC", DealRow.first_seen))
        totals: dict[tuple[datetime, str], list[float]] = {}
        with self._session() as s:
            stmt = (select(day, DealRow.deal_type, func.count(DealRow.id), func.sum(DealRow.amount_usd))
                    .where(*where).group_by(day, DealRow.deal_type))
            for when, deal_type, n, amount in s.execute(stmt):
                moment = datetime.fromisoformat(str(when)[:10]).replace(tzinfo=UTC)
                slot = totals.setdefault((week_start(moment), deal_type), [0, 0.0])
                slot[0] += n
                slot[1] += amount or 0.0
        return [WeekFigure(week, kind, int(n), total) for (week, kind), (n, total) in sorted(totals.items())]

    def deal_merges(self, deal_id: int) -> list[int]:
        """The deals merged into this one."""
        if not possible_row_id(deal_id):
            return []
        with self._session() as s:
            return list(s.scalars(select(DealRow.id).where(DealRow.merged_into == deal_id).order_by(DealRow.id)))

