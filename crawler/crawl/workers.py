"""A process pool for the CPU half of the pipeline (extraction and parsing), so a crawl uses every
core and a slow page never stalls the fetcher. Each page gets a time limit inside its worker.

This module imports nothing heavy at load time. A manual crawl starts the workers as its first request
leaves, so that their own start-up (an interpreter, trafilatura, the parser's tables, a first analysis
that fills their caches) runs while the feed is fetched and read, not before the first request.

Where the platform has it (Linux), workers come from a fork server that imports trafilatura and the
parser once (about 0.3 s of CPU) and forks every worker already loaded, instead of each worker
importing them again in an interpreter of its own. Elsewhere each worker is spawned.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from crawler.crawl.items import ArticleItem

if TYPE_CHECKING:
    from crawler.crawl.pipeline import Analysis

T = TypeVar("T")
log = logging.getLogger(__name__)
_resources: Any = None
_time_limit = 0


class AnalysisTimeout(Exception):
    """A page took longer than the per-page limit to extract and parse."""


# A page of our own, analysed once as each worker starts: the first analysis in a process pays for
# lazy imports and cold caches (about a tenth of a second), and a real article should not.
_WARM_UP_PAGE = (
    "<html><head><title>Quillmark raises $12 million</title></head><body><article><h1>Quillmark raises $12 "
    "million</h1><p>Quillmark, a Porto start-up that builds language models for shipping clerks, said on "
    "Monday it had raised $12 million in a Series A round led by Fernhill Ventures, with Orla Capital also "
    "taking part. The company will spend the money on hiring engineers.</p></article></body></html>"
)


def analyse(item: ArticleItem, resources: Any, *, now: datetime) -> Analysis:
    """``crawler.crawl.pipeline.analyse``, imported on first use (see the module's docstring)."""
    from crawler.crawl.pipeline import analyse as run

    return run(item, resources, now=now)


def _init(aliases: str | None, rates: str | None, time_limit: int) -> None:
    global _resources, _time_limit
    from crawler.deals import load_resources

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _resources = load_resources(aliases_path=aliases, rates_path=rates)
    _time_limit = time_limit
    warm_up(_resources)


def warm_up(resources: Any) -> None:
    """Analyse the built-in page once, so the first real article finds every import done and every cache warm."""
    import crawler.crawl.feeds  # noqa: F401  (feeds are parsed here too, in a crawl that started its workers early)

    with contextlib.suppress(Exception):  # a failed warm-up costs the first article its speed, nothing else
        analyse(ArticleItem(url="http://warm-up.invalid/", source="warm-up", html=_WARM_UP_PAGE,
                            fetched_at=datetime.now(UTC)), resources, now=datetime.now(UTC))


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise AnalysisTimeout(f"page analysis took longer than {_time_limit}s")


def analyse_limited(item: ArticleItem, resources: Any, now: datetime, time_limit: int) -> Analysis:
    """``analyse`` under a wall-clock limit (SIGALRM: call it from a process's main thread)."""
    global _time_limit
    if time_limit:
        _time_limit = time_limit
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(time_limit)
    try:
        return analyse(item, resources, now=now)
    finally:
        if time_limit:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _analyse(item: ArticleItem, now: datetime) -> Analysis:
    return analyse_limited(item, _resources, now, _time_limit)


# What the fork server imports before it forks a worker: everything ``_init`` and ``analyse`` need.
_PRELOAD = ["crawler.crawl.workers", "crawler.crawl.pipeline", "crawler.crawl.extract", "crawler.deals", "crawler.crawl.feeds",
            "trafilatura", "htmldate", "feedparser"]


def worker_context() -> mp.context.BaseContext:
    """``forkserver`` with the analysis modules preloaded where the platform has it, else ``spawn``.

    A process has one fork server: a crawl process that also started crawl children from it (a test
    process can) gets its workers from that one, which works the same, only with less preloaded."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # used when this process's fork server starts
    return ctx


# Frames on a worker's socket: an 8-byte length, then a pickle.
_HEADER = struct.Struct("!Q")
# Jobs sent to one worker ahead of its replies. The event loop that feeds the workers is also the one that
# stores articles, in batches of up to 64 (tens of milliseconds with the loop busy): a worker needs about
# that many milliseconds of work in hand, about a dozen pages, or it idles meanwhile (2 in hand: 224-230
# articles/s steady on two cores; 12: 263-288).
_IN_HAND = 12
# Workers started again after one died (killed, out of memory) before the pool gives up.
_MAX_RESTARTS = 8
# A job still running this long after the page time limit: its worker is killed and replaced.
_STUCK_GRACE_S = 10.0


_Job = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], "asyncio.Future[Any]"]


class WorkerDied(RuntimeError):
    """A worker process ended with jobs in hand, or the pool could not keep any worker running."""


def _pickled(ok: bool, value: Any) -> bytes:
    try:
        data = pickle.dumps((ok, value), pickle.HIGHEST_PROTOCOL)
        if not ok:
            pickle.loads(data)  # some exceptions pickle but cannot be rebuilt (required arguments): try here
        return data
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception still gets an answer back
        return pickle.dumps((False, RuntimeError(f"{type(value).__name__}: {value} (and not picklable: {exc})")))


def _serve(sock: socket.socket, aliases: str | None, rates: str | None, time_limit: int) -> None:
    """A worker's life: set up, then run the jobs that come over its socket one at a time until it closes."""
    _init(aliases, rates, time_limit)
    stream = sock.makefile("rwb")
    try:
        while True:
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return  # the crawl process closed its end: the pass is over
            fn, args, kwargs = pickle.loads(stream.read(_HEADER.unpack(header)[0]))
            try:
                reply = _pickled(True, fn(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - the job's own failure belongs to its caller
                reply = _pickled(False, exc)
            stream.write(_HEADER.pack(len(reply)) + reply)
            stream.flush()
    except (BrokenPipeError, ConnectionResetError):
        return  # the crawl process is gone (killed with its daemon): nobody waits for the reply, so no traceback


class AnalysisPool:
    """Worker processes fed by the crawl process's event loop over a socket each.

    The loop writes jobs and reads replies itself, as it does the web's sockets: no helper threads that
    wake up for every page (``ProcessPoolExecutor`` has two), which was a tenth of the crawl process's
    CPU. A worker that dies fails only the job it was on, and another is started in its place."""

    def __init__(self, workers: int | None = None, *, aliases: str | None = None, rates: str | None = None,
                 time_limit: int = 20) -> None:
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._args = (aliases, rates, time_limit)
        self._ctx = worker_context()
        self._slots: list[Future[tuple[Any, socket.socket]]] = []
        self._threads: list[threading.Thread] = []
        self._jobs: asyncio.Queue[_Job] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._restarts = 0
        self._broken: str | None = None
        self._closed = False

    def warm(self) -> None:
        """Start every worker now, while the first articles are still being fetched, so their imports and
        resource loading do not delay the first analysis. Not done up front: most passes of a daemon find
        nothing new and never need a worker.

        The workers are started from a thread: under ``forkserver`` starting the first one waits for the
        server's imports, and the caller (the crawl process's start-up, or its event loop) goes on meanwhile."""
        if not self._slots:
            self._start(self.workers)

    @property
    def started(self) -> bool:
        return bool(self._slots)

    def _start(self, n: int) -> list[Future[tuple[Any, socket.socket]]]:
        slots: list[Future[tuple[Any, socket.socket]]] = [Future() for _ in range(n)]
        self._slots += slots
        thread = threading.Thread(target=self._start_processes, args=(slots,), name="dealradar-workers-start",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()
        return slots

    def _start_processes(self, slots: list[Future[tuple[Any, socket.socket]]]) -> None:
        for slot in slots:
            if not slot.set_running_or_notify_cancel():  # from here on nobody can cancel it: it gets an answer
                continue
            try:
                if self._closed:
                    raise WorkerDied("the pool was closed")
                mine, theirs = socket.socketpair()
                proc = self._ctx.Process(target=_serve, args=(theirs, *self._args), name="dealradar-worker",
                                         daemon=True)
                proc.start()
                theirs.close()
                slot.set_result((proc, mine))
            except BaseException as exc:  # noqa: BLE001 - the slot's driver reports it
                slot.set_exception(exc)

    async def analyse(self, item: ArticleItem, now: datetime) -> Analysis:
        return await self.run(_analyse, item, now)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """A pure, picklable function (an article's analysis, a feed's parsing) in a worker. Call it from the
        event loop the pool is to live on; the first call ties the pool to it."""
        if self._broken:
            raise WorkerDied(self._broken)
        if self._jobs is None:
            self.warm()
            self._jobs = asyncio.Queue()
            self._tasks = [asyncio.get_running_loop().create_task(self._drive(slot)) for slot in self._slots]
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put_nowait((fn, args, kwargs, done))
        return await done

    async def _drive(self, slot: Future[tuple[Any, socket.socket]]) -> None:
        """Feed one worker and hand its replies to their callers, until it ends or the pool closes.

        The worker runs its jobs in the order they were sent, so the oldest job in hand is the one it is
        on. If the worker dies, that job fails and the others go back to the queue for another worker;
        a job still running ``_STUCK_GRACE_S`` past the page time limit (stuck where the limit's signal
        cannot reach, inside a C extension) gets its worker killed, with the same outcome."""
        assert self._jobs is not None
        jobs = self._jobs
        in_hand: collections.deque[_Job] = collections.deque()
        head_since = time.monotonic()  # when the worker started on the oldest job in hand
        room = asyncio.Semaphore(_IN_HAND)
        writer = None
        helpers: list[asyncio.Task[None]] = []
        stuck: str | None = None
        try:
            proc, sock = await asyncio.shield(asyncio.wrap_future(slot))  # a cancelled driver leaves the slot be
            reader, writer = await asyncio.open_connection(sock=sock)

            async def send() -> None:
                nonlocal head_since
                while True:
                    await room.acquire()
                    job = await jobs.get()
                    fn, args, kwargs, done = job
                    if done.done():  # its caller gave up
                        room.release()
                        continue
                    try:
                        data = pickle.dumps((fn, args, kwargs), pickle.HIGHEST_PROTOCOL)
                    except Exception as exc:  # noqa: BLE001 - the caller hears why its job never left
                        done.set_exception(exc)
                        room.release()
                        continue
                    if not in_hand:
                        head_since = time.monotonic()
                    in_hand.append(job)
                    writer.write(_HEADER.pack(len(data)) + data)

            async def watch(limit: float) -> None:
                nonlocal stuck
                while True:
                    await asyncio.sleep(min(1.0, limit / 4))
                    if in_hand and time.monotonic() - head_since > limit:
                        stuck = f"one job ran {limit:.0f}s, past the page time limit"
                        proc.kill()  # its socket closes: the read below ends and the job fails
                        return

            loop = asyncio.get_running_loop()
            helpers.append(loop.create_task(send()))
            if self._args[2]:
                helpers.append(loop.create_task(watch(self._args[2] + _STUCK_GRACE_S)))
            while True:
                size = _HEADER.unpack(await reader.readexactly(_HEADER.size))[0]
                ok, value = pickle.loads(await reader.readexactly(size))
                *_, done = in_hand.popleft()
                head_since = time.monotonic()
                room.release()
                if not done.done():
                    if ok:
                        done.set_result(value)
                    else:
                        done.set_exception(value)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the worker is gone (or never came): replaced below
            reason = f"analysis worker ended: {stuck or f'{type(exc).__name__}: {exc}'}"
            log.warning("%s; the job it was on failed, %d other(s) go to another worker", reason,
                        max(0, len(in_hand) - 1))
            if in_hand:
                *_, head = in_hand.popleft()
                if not head.done():
                    head.set_exception(WorkerDied(reason))
            while in_hand:
                jobs.put_nowait(in_hand.popleft())
            self._replace(reason)
        finally:
            for helper in helpers:
                helper.cancel()
            if writer is not None:
                writer.close()

    def _replace(self, reason: str) -> None:
        if self._closed:
            return
        if self._restarts >= _MAX_RESTARTS:
            self._broken = f"{reason}; {_MAX_RESTARTS} workers started again already, giving up"
            while self._jobs is not None and not self._jobs.empty():
                *_, done = self._jobs.get_nowait()
                if not done.done():
                    done.set_exception(WorkerDied(self._broken))
            return
        self._restarts += 1
        (slot,) = self._start(1)
        self._tasks.append(asyncio.get_running_loop().create_task(self._drive(slot)))

    def close(self) -> None:
        """End every worker: each sees its socket close and exits; one that does not is terminated."""
        self._closed = True
        for thread in self._threads:
            thread.join()
        for task in self._tasks:
            task.cancel()
        procs = []
        for slot in self._slots:
            if slot.done() and not slot.cancelled() and slot.exception() is None:
                proc, sock = slot.result()
                sock.close()
                procs.append(proc)
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
