"""The core's article processor: analysed articles stored in shared transactions, each waiter told its own result."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from crawler.cli.sitehost import article_page
from crawler.crawl.items import ArticleItem
from crawler.crawl.pipeline import ArticleProcessor, Processed
from crawler.deals import load_resources
from crawler.errors import StorageError
from storage.repository import ChannelRoute, Repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STORIES = {  # five different stories: none may read as a copy of another
    "Arlowen": "a Leeds maker of AI models for freight planning, has raised $11 million in a Series A round led by "
               "Harrowgate Capital. The money pays for a team in Rotterdam and for more computing power.",
    "Brisca": "which sells speech recognition to call centres in Spain, closed a $14 million round from Bellmoor "
              "Ventures on Monday. It plans to open offices in Lisbon and Milan before the summer.",
    "Corvane": "the Austin company behind an inspection drone for wind farms, raised $20 million in seed funding "
               "from Stonebridge Partners. Its founders met while repairing turbines off the coast of Texas.",
    "Delmora": "a start-up in Seoul that designs proteins with machine learning, has raised $35 million in a "
               "Series B led by Larkspur Growth. Two drug makers already license its models.",
    "Estrid": "whose AI software balances the load on power grids, has raised $8 million from Eastmarch Fund. The "
              "Helsinki firm counts three Nordic utilities as customers and employs forty people.",
}
COMPANIES = tuple(STORIES)


def _item(n: int, company: str) -> ArticleItem:
    html = article_page(f"{company} raises funding", [f"{company}, {STORIES[company]}"],
                        published="2026-11-19T09:00:00Z")
    return ArticleItem(url=f"http://127.0.0.1:9/a/{n}", source="wire", html=html, outlet="wire.example", fetched_at=NOW)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    r = Repository.open(f"sqlite:///{tmp_path / 'p.db'}")
    yield r
    r.close()


def _processor(repo: Repository, **kw: object) -> tuple[ArticleProcessor, list[int]]:
    commits: list[int] = []
    event.listen(repo.engine, "commit", lambda conn: commits.append(1))
    return ArticleProcessor(repo, load_resources(), channels=[ChannelRoute("hook", lambda e, d: True)], **kw), commits


async def _store_all(processor: ArticleProcessor) -> list[Processed | BaseException]:
    analyses = [processor.analyse(_item(n, c), now=NOW) for n, c in enumerate(COMPANIES)]
    return await asyncio.gather(*(processor.store_batched(a, now=NOW) for a in analyses), return_exceptions=True)


def test_articles_analysed_together_share_one_commit(repo: Repository) -> None:
    processor, commits = _processor(repo, batch_wait=0.05)
    done = asyncio.run(_store_all(processor))
    assert [d.outcome.status for d in done] == ["new"] * 5  # type: ignore[union-attr]
    assert len(commits) == 1
    assert sorted(d.record["company"] for d in repo.list_deals()) == sorted(COMPANIES)
    assert repo.counts()["events"] == 5


def test_a_full_batch_is_stored_at_once_without_waiting(repo: Repository) -> None:
    processor, commits = _processor(repo, batch_wait=30.0, batch_max=2)

    async def run() -> list[Processed | BaseException]:
        # Four reach the limit twice and are stored at once; the fifth waits for the timer, flushed here.
        task = asyncio.ensure_future(_store_all(processor))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if len(commits) == 2:
                break
        assert len(commits) == 2 and repo.count_articles() == 4
        processor.flush()
        return await task

    done = asyncio.run(run())
    assert len(done) == 5 and len(commits) == 3 and repo.count_articles() == 5


def test_a_batch_that_cannot_be_stored_tells_every_waiter(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    processor, _ = _processor(repo, batch_wait=0.01)

    def full(*args: object, **kwargs: object) -> list:
        raise StorageError("database write failed: database or disk is full")

    monkeypatch.setattr(repo, "store_articles", full)
    done = asyncio.run(_store_all(processor))
    assert len(done) == 5 and all(isinstance(d, StorageError) for d in done)
    assert repo.count_articles() == 0
