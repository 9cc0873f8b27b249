"""The analysis pool: workers start when asked to (a pass with nothing new needs none), and what they
return is what the crawl process itself would have found."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import time
from datetime import UTC, datetime

import pytest

from crawler.cli.sitehost import article_page
from crawler.crawl.items import ArticleItem
from crawler.crawl.pipeline import analyse
from crawler.crawl.workers import AnalysisPool, WorkerDied
from crawler.deals import load_resources

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

        async def use() -> tuple[int, int, object, list[int]]:
            pid = await pool.run(os.getpid)  # other pure work (a feed) runs there too
            ppid = await pool.run(os.getppid)
            got = await pool.analyse(item, NOW)
            many = await asyncio.gather(*(pool.run(_square, n) for n in range(40)))  # more jobs than workers
            return pid, ppid, got, many

        pid, ppid, got, many = asyncio.run(use())
        assert pid != os.getpid()
        if "forkserver" in mp.get_all_start_methods():  # forked from a fork server, not our children
            assert ppid != os.getpid()
        assert got == analyse(item, load_resources(), now=NOW)
        assert got.is_deal and got.records[0]["company"] == "Corvane"
        assert many == [n * n for n in range(40)]
    finally:
        pool.close()
    assert set(_workers()) == before


def _square(n: int) -> int:
    return n * n


def _fail(message: str) -> None:
    raise ValueError(message)


class _Awkward(Exception):
    def __init__(self, code: int, detail: str) -> None:  # pickles, but cannot be rebuilt from its args
        super().__init__(f"{code}: {detail}")


def _fail_awkwardly() -> None:
    raise _Awkward(7, "odd")


def _die() -> None:
    os._exit(3)  # as the kernel's OOM killer would end it: no reply, no clean-up


def test_a_failing_job_fails_alone_and_a_dead_worker_is_replaced() -> None:
    pool = AnalysisPool(2)

    async def use() -> list[object]:
        with pytest.raises(ValueError, match="bad page"):
            await pool.run(_fail, "bad page")  # the job's own exception comes back to its caller
        with pytest.raises(RuntimeError, match="_Awkward: 7: odd"):
            await pool.run(_fail_awkwardly)  # one that cannot travel as itself comes as its text
        with pytest.raises(WorkerDied):
            await pool.run(_die)
        # The pool goes on: the other worker and the one started in place of the dead one.
        return await asyncio.gather(*(pool.run(_square, n) for n in range(10)))

    try:
        assert asyncio.run(use()) == [n * n for n in range(10)]
    finally:
        pool.close()


def test_a_dying_worker_fails_only_the_job_it_was_on_the_others_go_to_another() -> None:
    pool = AnalysisPool(1)  # one worker: every job below is in its hands when it dies

    async def use() -> list[object]:
        return await asyncio.gather(pool.run(_die), *(pool.run(_square, n) for n in range(5)),
                                    return_exceptions=True)

    try:
        died, *rest = asyncio.run(use())
    finally:
        pool.close()
    assert isinstance(died, WorkerDied)
    assert rest == [n * n for n in range(5)]


def _stuck() -> None:
    time.sleep(120)  # as a call deep inside a C extension, which the page time limit's signal cannot stop


def test_a_worker_stuck_past_the_time_limit_is_killed_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.crawl.workers as workers

    monkeypatch.setattr(workers, "_STUCK_GRACE_S", 1.0)
    pool = AnalysisPool(1, time_limit=1)

    async def use() -> int:
        with pytest.raises(WorkerDied, match="past the page time limit"):
            await pool.run(_stuck)
        return await pool.run(_square, 7)

    started = time.monotonic()
    try:
        assert asyncio.run(asyncio.wait_for(use(), 60)) == 49
    finally:
        pool.close()
    assert time.monotonic() - started < 20


def test_a_pool_whose_workers_keep_dying_gives_up_instead_of_waiting_for_ever(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.crawl.workers as workers

    monkeypatch.setattr(workers, "_MAX_RESTARTS", 2)
    pool = AnalysisPool(1)

    async def use() -> None:
        for _ in range(3):
            with pytest.raises(WorkerDied):
                await pool.run(_die)
        with pytest.raises(WorkerDied, match="giving up"):
            await pool.run(_square, 2)

    try:
        asyncio.run(asyncio.wait_for(use(), 60))
    finally:
        pool.close()


def test_default_pool_is_one_worker_per_core_at_most_four_and_none_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.config import settings_from_dict
    from crawler.crawl.runner import make_pool

    def workers(cores: int, configured: int = 0) -> int | None:
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        settings = settings_from_dict({"storage": {"url": "sqlite:///unused.db"}, "crawl": {"workers": configured},
                                       "sources": []}, env={})
        pool = make_pool(settings)
        if pool is None:
            return None
        pool.close()  # nothing started: workers start on warm() or the first submit
        return pool.workers

    assert [workers(n) for n in (1, 2, 3, 8)] == [None, 2, 3, 4]
    assert workers(8, configured=1) is None  # 1: analyse in the crawl process
    assert workers(2, configured=6) == 6


def test_a_crawl_warms_its_workers_when_the_first_request_leaves_and_only_once() -> None:
    """``dealradar crawl`` starts the workers from Scrapy's request_reached_downloader signal, not before the
    crawl process's own start-up (on two cores they delayed its first request); every later request leaves
    them be."""
    from crawler.crawl.runner import _warm_once

    before = set(_workers())
    pool = AnalysisPool(2)
    try:
        handler = _warm_once(pool)
        assert not pool.started
        handler(request=None, spider=None)
        handler(request=None, spider=None)
        assert pool.started
        deadline = time.monotonic() + 30
        while len(set(_workers()) - before) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        time.sleep(0.2)
        assert len(set(_workers()) - before) == 2  # the second signal started nothing more
    finally:
        pool.close()


def test_a_worker_whose_crawl_process_is_gone_ends_quietly() -> None:
    """The crawl process killed mid-job (its daemon killed alone): the worker's reply finds a closed socket and
    the worker ends without a BrokenPipeError traceback on stderr."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent('''
        import pickle, socket, sys, threading
        from crawler.crawl import workers
        mine, theirs = socket.socketpair()
        def job():
            import time
            time.sleep(0.3)
            return "x" * 4_000_000  # a reply larger than the socket buffer: the write meets the closed end
        payload = pickle.dumps((job, (), {}))
        mine.sendall(workers._HEADER.pack(len(payload)) + payload)
        mine.close()  # the crawl process goes away before the reply
        workers._init = lambda *a: None
        workers._serve(theirs, None, None, 5)
        print("worker ended")
    ''')
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "worker ended" in res.stdout
    assert "Traceback" not in res.stderr and "BrokenPipeError" not in res.stderr
