"""The analysis pool: workers start when asked to (a pass with nothing new needs none), and what they
return is what the crawl process itself would have found."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from datetime import UTC, datetime

import pytest

from crawler.deals import load_resources
from crawler.items import ArticleItem
from crawler.pipeline import analyse
from crawler.sitehost import article_page
from crawler.workers import AnalysisPool

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _workers() -> list[mp.process.BaseProcess]:
    return [p for p in mp.active_children() if p.is_alive()]


def test_workers_start_on_warm_not_with_the_pool_and_analyse_as_in_process() -> None:
    before = set(_workers())
    pool = AnalysisPool(2)
    try:
        time.sleep(0.3)
        assert set(_workers()) == before  # made, but nothing started: an empty pass costs no worker
        assert not pool.started
        pool.warm()
        pool.warm()  # once is enough; a second call starts nothing more
        deadline = time.monotonic() + 30
        while len(set(_workers()) - before) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        assert len(set(_workers()) - before) == 2

        html = article_page("Corvane raises $30 million",
                            ["Corvane, a Leeds maker of AI models for freight planning, has raised $30 million in a "
                             "Series A round led by Harrowgate Capital, the company said on Tuesday. The money "
                             "will pay for a new team in Rotterdam and for more computing power."],
                            published="2026-11-19T09:00:00Z")
        item = ArticleItem(url="http://127.0.0.1:9/a/1", source="wire", html=html, outlet="wire.example",
                           fetched_at=NOW)
        assert pool.started
        assert pool.call(os.getpid).result(timeout=60) != os.getpid()  # other pure work (a feed) runs there too
        if "forkserver" in mp.get_all_start_methods():  # forked from a fork server, not our children
            assert pool.call(os.getppid).result(timeout=60) != os.getpid()
        got = pool.submit(item, NOW).result(timeout=60)
        want = analyse(item, load_resources(), now=NOW)
        assert got == want
        assert got.is_deal and got.records[0]["company"] == "Corvane"
    finally:
        pool.close()
    assert set(_workers()) == before


def test_default_pool_is_one_worker_per_core_at_most_four_and_none_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.config import settings_from_dict
    from crawler.runner import make_pool

    def workers(cores: int, configured: int = 0) -> int | None:
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        settings = settings_from_dict({"storage": {"url": "sqlite://"}, "crawl": {"workers": configured},
                                       "sources": []}, env={})
        pool = make_pool(settings)
        if pool is None:
            return None
        pool.close()  # nothing started: workers start on warm() or the first submit
        return pool.workers

    assert [workers(n) for n in (1, 2, 3, 8)] == [None, 2, 3, 4]
    assert workers(8, configured=1) is None  # 1: analyse in the crawl process
    assert workers(2, configured=6) == 6
