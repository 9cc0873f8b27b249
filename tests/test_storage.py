"""The repository on real databases: a SQLite file and PostgreSQL at 127.0.0.1:5432."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crawler.article import ExtractedArticle, content_hash, simhash
from crawler.config import SourceSettings
from crawler.errors import StorageError
from storage.models import Base
from storage.repository import ChannelRoute, Repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEXT = ("Tidewater Robotics, a Oslo maker of warehouse robots that run on vision models, has raised $40 million "
        "in a Series B round led by Fjordline Ventures. The company will use the money to open a plant in Ohio "
        "and to double its research staff over the next eighteen months, its founders said on Thursday.")


def article(url: str, text: str = TEXT, outlet: str = "wire.example", published: datetime = NOW) -> ExtractedArticle:
    return ExtractedArticle(url=url, source="wire", outlet=outlet, title="Tidewater raises $40M", text=text,
                            published=published, published_from="page", language="en",
                            content_hash=content_hash(text), simhash=simhash(text), fetched_at=NOW)


def record(amount: float = 40e6, status: str = "closed", **kw: object) -> dict:
    base = {"company": "Tidewater Robotics", "deal_type": "equity", "amount_usd": amount,
            "amount_text": f"${amount / 1e6:.0f} million", "currency": "USD", "round": "Series B",
            "investors": ["Fjordline Ventures"], "lead_investors": ["Fjordline Ventures"], "valuation_usd": None,
            "status": status, "ai_related": True, "confidence": 0.9,
            "evidence": [{"text": "Tidewater Robotics has raised $40 million", "start": 0, "end": 40}]}
    base.update(kw)
    return base


ALL = [ChannelRoute("hook", lambda e, d: True), ChannelRoute("big-only", lambda e, d: (d.get("amount_usd") or 0) > 1e9)]


def test_migrations_match_models(db_url: str) -> None:
    repo = Repository.open(db_url)
    with repo.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_head_read_from_the_files_is_alembics_and_an_upgraded_database_skips_alembic(db_url: str) -> None:
    from storage.migrate import current_revision, file_head, script_head, upgrade

    head = file_head()
    assert head is not None and head == script_head()  # read from the files, as Alembic reads them
    repo = Repository.open(db_url)
    try:
        assert current_revision(repo.engine) == head
        upgrade(repo.engine)  # at the head already: one query, nothing to run
        assert current_revision(repo.engine) == head
    finally:
        repo.close()
    # A fresh process opening the migrated database never imports Alembic.
    probe = ("import sys; from storage.repository import Repository; Repository.open(sys.argv[1]).close(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, db_url], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_file_head_follows_the_chain_and_gives_up_on_branches(tmp_path: Path) -> None:
    from storage.migrate import file_head

    (tmp_path / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (tmp_path / "0002_b.py").write_text("revision: str = '0002'\ndown_revision: str | None = '0001'\n")
    assert file_head(tmp_path) == "0002"
    (tmp_path / "0003_c.py").write_text("revision = '0003'\ndown_revision = '0001'\n")  # a second head
    assert file_head(tmp_path) is None  # not one answer: Alembic decides


def test_sources_keep_fetch_state(db_url: str) -> None:
    repo = Repository.open(db_url)
    src = SourceSettings(name="wire", feed="https://wire.example/feed.xml")
    repo.sync_sources([src])
    repo.sync_sources([src])
    repo.record_source_run("wire", at=NOW, ok=True, status="ok", etag='"abc"', last_modified="Tue, 10 Nov 2026",
                           new_articles=3)
    st = repo.record_source_run("wire", at=NOW + timedelta(minutes=5), ok=False, status="error", error="HTTP 500")
    assert st.consecutive_failures == 1 and st.last_error == "HTTP 500" and st.etag == '"abc"'
    assert st.articles_total == 3 and st.last_success_at == NOW and st.last_run_at.tzinfo is not None
    st = repo.record_source_run("wire", at=NOW + timedelta(minutes=10), ok=True, status="not-modified",
                                etag='"abc"', last_modified=None)
    assert st.consecutive_failures == 0 and st.last_error is None
    # A changed URL resets the validators.
    repo.sync_sources([SourceSettings(name="wire", feed="https://wire.example/other.xml")])
    assert repo.source_state("wire").etag is None


def test_a_crawls_source_passes_are_recorded_together_and_one_bad_pass_costs_the_others_nothing(
        db_url: str) -> None:
    from sqlalchemy import event

    from storage.repository import SourcePass

    repo = Repository.open(db_url)
    repo.sync_sources([SourceSettings(name=f"feed{i}", feed=f"https://feed{i}.example/rss") for i in range(3)])
    commits: list[int] = []
    event.listen(repo.engine, "commit", lambda conn: commits.append(1))
    passes = [SourcePass(f"feed{i}", at=NOW, ok=True, status="ok", etag=f'"e{i}"', new_articles=i) for i in range(3)]
    states = repo.record_source_runs(passes)
    assert len(commits) == 1  # one transaction for the whole crawl
    assert [(st.name, st.etag, st.articles_total) for st in states] == [(f"feed{i}", f'"e{i}"', i) for i in range(3)]

    later = NOW + timedelta(minutes=5)
    mixed = repo.record_source_runs([SourcePass("feed0", at=later, ok=False, status="error", error="HTTP 500"),
                                     SourcePass("gone", at=later, ok=True, status="ok"),
                                     SourcePass("feed2", at=later, ok=True, status="not-modified")])
    assert isinstance(mixed[1], StorageError) and "gone" in str(mixed[1])
    assert repo.source_state("feed0").consecutive_failures == 1 and repo.source_state("feed0").last_error == "HTTP 500"
    assert repo.source_state("feed2").last_run_at == later and repo.source_state("feed1").last_run_at == NOW
    repo.close()


def test_article_identity_url_hash_and_near_duplicate(db_url: str) -> None:
    repo = Repository.open(db_url)
    first = repo.store_article(article("https://wire.example/a"), now=NOW)
    assert first.status == "new"
    assert repo.store_article(article("https://wire.example/a"), now=NOW).status == "seen"
    assert repo.store_article(article("https://mirror.example/copy", outlet="mirror.example"), now=NOW).status == "duplicate"
    edited = TEXT.replace("Thursday", "Friday")
    again = repo.store_article(article("https://wire.example/a-new-slug", text=edited), now=NOW)
    assert again.status == "duplicate" and again.duplicate_of == first.article_id
    other = repo.store_article(article("https://wire.example/b", text="A different story about ports. " * 12), now=NOW)
    assert other.status == "new"
    assert repo.count_articles() == 2
    assert repo.seen_urls(["https://mirror.example/copy", "https://wire.example/a-new-slug", "https://x.example/"]) == {
        "https://mirror.example/copy", "https://wire.example/a-new-slug"}


def test_article_deals_and_outbox_in_one_transaction(db_url: str) -> None:
    repo = Repository.open(db_url)
    out = repo.store_article(article("https://wire.example/a"), is_deal=True, records=[record()], channels=ALL, now=NOW)
    assert out.status == "new" and out.deals_new == 1
    assert [(e.event, e.channels) for e in out.events] == [("deal.new", ("hook",))]
    deals = repo.list_deals()
    assert len(deals) == 1 and deals[0].record["company"] == "Tidewater Robotics"
    assert deals[0].sources[0]["url"] == "https://wire.example/a"
    # A second outlet with a different figure: same deal, one conflict.
    text2 = "Another outlet wrote its own story. " + TEXT.replace("$40 million", "$55 million")[:200] + " More words follow."
    out2 = repo.store_article(article("https://other.example/b", text=text2, outlet="other.example"), is_deal=True,
                              records=[record(55e6, amount_text="$55 million")], channels=ALL, now=NOW)
    assert out2.deals_new == 0 and out2.conflicts == 1
    assert len(repo.list_deals()) == 1
    counts = repo.counts()
    assert counts["deliveries_pending"] == 2 and counts["events"] == 2


def test_stores_without_insert_returning_as_on_sqlite_before_3_35(sqlite_url: str) -> None:
    # Some distributions still ship a SQLite without RETURNING: new ids must come from the cursor.
    from sqlalchemy import event

    repo = Repository.open(sqlite_url)
    repo.engine.dialect.insert_returning = False  # before anything is compiled for this engine
    sent: list[str] = []
    event.listen(repo.engine, "before_cursor_execute", lambda conn, cur, sql, *rest: sent.append(sql))
    try:
        first = repo.store_article(article("https://wire.example/a"), is_deal=True, records=[record()], channels=ALL,
                                   now=NOW)
        other = "A different story altogether, about a harbour crane maker that hired a new chief executive."
        second = repo.store_article(article("https://wire.example/b", text=other), channels=ALL, now=NOW)
        assert first.status == second.status == "new"
        assert first.article_id and second.article_id == first.article_id + 1
        assert [e.event for e in first.events] == ["deal.new"] and first.events[0].id
        assert repo.counts()["deliveries_pending"] == 1
        inserts = [q for q in sent if q.lstrip().upper().startswith("INSERT")]
        assert inserts and not [q for q in inserts if "RETURNING" in q.upper()], inserts
    finally:
        repo.close()


def test_failed_resolution_stores_nothing(db_url: str) -> None:
    repo = Repository.open(db_url)
    def explode(event: str, deal: dict) -> bool:
        raise RuntimeError("crash after the deal was written, before the outbox row")

    with pytest.raises(RuntimeError):
        repo.store_article(article("https://wire.example/a"), records=[record()],
                           channels=[ChannelRoute("boom", explode)], now=NOW)
    assert repo.count_articles() == 0 and repo.counts()["events"] == 0 and repo.list_deals() == []
    assert not repo.is_seen("https://wire.example/a")


def test_outbox_lease_retry_fail_and_requeue(db_url: str) -> None:
    repo = Repository.open(db_url)
    repo.store_article(article("https://wire.example/a"), records=[record()], channels=ALL, now=NOW)
    [d] = repo.claim_deliveries(now=NOW)
    assert repo.claim_deliveries(now=NOW) == []  # leased: a second dispatcher gets nothing
    repo.mark_retry(d.id, token=d.token, error="HTTP 500", next_attempt_at=NOW + timedelta(seconds=30))
    assert repo.claim_deliveries(now=NOW + timedelta(seconds=10)) == []
    [again] = repo.claim_deliveries(now=NOW + timedelta(seconds=31))
    assert again.delivery_id == d.delivery_id and again.attempts == 1
    repo.mark_failed(again.id, token=again.token, error="gave up")
    [failed] = repo.list_deliveries("failed")
    assert failed.last_error == "gave up" and failed.company == "Tidewater Robotics"
    assert repo.requeue_failed(now=NOW) == 1
    [third] = repo.claim_deliveries(now=NOW + timedelta(minutes=5))
    assert third.delivery_id == d.delivery_id
    repo.mark_sent(third.id, token=third.token)
    assert repo.list_deliveries("sent")[0].sent_at is not None and repo.pending_count() == 0


def test_only_the_lease_holder_renews_or_marks_a_delivery(db_url: str) -> None:
    repo = Repository.open(db_url)
    repo.store_article(article("https://wire.example/a"), records=[record()], channels=ALL, now=NOW)
    [old] = repo.claim_deliveries(now=NOW, lease=timedelta(seconds=30))
    assert repo.renew_claims(old.token, [old.id], until=NOW + timedelta(seconds=40)) == {old.id}
    assert repo.claim_deliveries(now=NOW + timedelta(seconds=35)) == []  # renewed: still ours
    [new] = repo.claim_deliveries(now=NOW + timedelta(seconds=41))  # lapsed: another dispatcher takes it
    assert new.id == old.id and new.token != old.token
    assert repo.renew_claims(old.token, [old.id], until=NOW + timedelta(minutes=5)) == set()
    assert repo.mark_sent(old.id, token=old.token) is False
    assert repo.mark_retry(old.id, token=old.token, error="x", next_attempt_at=NOW) is False
    assert repo.mark_failed(old.id, token=old.token, error="x") is False
    [row] = repo.list_deliveries()
    assert row.status == "pending" and row.attempts == 0
    assert repo.mark_sent(new.id, token=new.token) is True
    assert repo.mark_sent(new.id, token=new.token) is False  # once
    [row] = repo.list_deliveries()
    assert row.status == "sent" and row.attempts == 1


def test_store_article_is_safe_when_the_url_appears_twice(db_url: str) -> None:
    repo = Repository.open(db_url)
    a = article("https://wire.example/a")
    assert repo.store_article(a, now=NOW).status == "new"
    assert repo.store_article(replace(a, text="changed text " * 30, content_hash="x" * 64), now=NOW).status == "seen"


def _commits(repo: Repository) -> list[int]:
    from sqlalchemy import event

    seen: list[int] = []
    event.listen(repo.engine, "commit", lambda conn: seen.append(1))
    return seen


def test_a_batch_shares_one_commit_and_sees_its_own_rows(db_url: str) -> None:
    from storage.repository import PendingArticle

    repo = Repository.open(db_url)
    commits = _commits(repo)
    other = "Quellbrook AI, which writes scheduling software for ferries, raised $9 million from Orla Capital."
    batch = [PendingArticle(article("https://wire.example/a"), True, (record(),), NOW),
             PendingArticle(article("https://copy.example/a", outlet="copy.example"), True, (record(),), NOW),
             PendingArticle(article("https://wire.example/b", text=other), True,
                            (record(company="Quellbrook AI"),), NOW)]
    outcomes = repo.store_articles(batch, channels=ALL)
    assert [o.status for o in outcomes] == ["new", "duplicate", "new"]  # the copy found the first, uncommitted
    assert len(commits) == 1
    assert repo.counts()["articles"] == 2 and {d.record["company"] for d in repo.list_deals()} == {
        "Tidewater Robotics", "Quellbrook AI"}


def test_an_article_that_fails_in_a_batch_costs_the_others_nothing(db_url: str) -> None:
    from storage.repository import PendingArticle

    repo = Repository.open(db_url)

    def picky(event: str, deal: dict) -> bool:
        if deal.get("company") == "Brokenfield":
            raise RuntimeError("a rule that fails on one deal")
        return True

    texts = ["Aldermoor, a maker of soil sensors, raised $5 million in seed money from Orla Capital.",
             "Brokenfield, which builds chips for hearing aids, closed a $12 million Series A this week.",
             "Cresthaven, a Cork start-up that trains models on court records, has raised $3 million."]
    batch = [PendingArticle(article(f"https://wire.example/{i}", text=t), True,
                            (record(company=t.split(",")[0]),), NOW) for i, t in enumerate(texts)]
    outcomes = repo.store_articles(batch, channels=[ChannelRoute("hook", picky)])
    assert isinstance(outcomes[1], RuntimeError)
    assert [o.status for o in (outcomes[0], outcomes[2])] == ["new", "new"]  # type: ignore[union-attr]
    assert not repo.is_seen("https://wire.example/1")  # all or nothing for the article that failed
    assert repo.is_seen("https://wire.example/0") and repo.is_seen("https://wire.example/2")
    assert {d.record["company"] for d in repo.list_deals()} == {"Aldermoor", "Cresthaven"}
    assert repo.counts()["events"] == 2
