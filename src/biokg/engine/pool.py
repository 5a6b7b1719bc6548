"""Queries of the endpoint run in worker processes forked from the loaded in-memory store.

pyoxigraph cannot cancel a query and a thread cannot be killed, so a query past its time limit is stopped by
killing the process that runs it (SIGKILL), which frees its CPU at once; a fresh worker is forked in its place.
Workers share the parent's store copy-on-write, and the parent never queries the store itself after the first
fork, so no lock of the engine is held when a replacement is forked. Every worker is forked from one thread that
lives as long as the pool: Linux sends the parent-death signal when the forking *thread* ends, so a worker forked
from a short-lived request thread would die with that thread.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import ctypes
import multiprocessing
import os
import re
import resource
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from biokg.engine import QueryJob, QueryOutcome
from biokg.engine.inline import execute
from biokg.errors import (
    BiokgError,
    EngineBusyError,
    EngineCrashError,
    QueryEvaluationError,
    QueryMemoryError,
    QueryTimeoutError,
    engine_query_error,
)

_PR_SET_PDEATHSIG = 1  # prctl(2)


@dataclass(frozen=True)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so a killed server leaves no query running."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _limit_memory(budget: int) -> None:
    """Let this process allocate at most `budget` bytes more than it holds now (the store it shares included).
    Past that, the engine's allocation fails and the worker aborts: one query building a huge value must not take
    the machine's memory (a 26-level CONCAT doubling took 3 GiB; 30 levels would take 48)."""
    holds = re.search(r"^VmData:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    assert holds is not None
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = int(holds.group(1)) * 1024 + budget
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _work(store: ox.Store, connection: Connection, memory_limit: int | None) -> None:
    """A worker's life: take a job, send back ("ok", outcome), ("refused", biokg's error) or
    ("syntax" | "memory" | "error", message)."""
    _die_with_parent()
    if memory_limit is not None:
        _limit_memory(memory_limit)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            connection.send(("ok", execute(store, job)))
        except SyntaxError as error:
            connection.send(("syntax", str(error)))
        except MemoryError:
            connection.send(("memory", ""))
        except BiokgError as error:
            connection.send(("refused", error))
        except Exception as error:  # the worker reports any engine failure instead of dying of it
            connection.send(("error", f"{type(error).__name__}: {error}"))


class _Checkout:
    """Idle workers, handed to waiting threads and event loops alike in the order they asked. The worker given
    back last goes out first: its caches are the warmest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[concurrent.futures.Future[_Worker]] = collections.deque()

    def request(self) -> concurrent.futures.Future[_Worker]:
        """A claim that holds a worker as soon as one is idle."""
        claim: concurrent.futures.Future[_Worker] = concurrent.futures.Future()
        with self._lock:
            if self._idle:
                claim.set_result(self._idle.pop())
            else:
                self._waiting.append(claim)
        return claim

    def give_back(self, worker: _Worker) -> None:
        with self._lock:
            while self._waiting:
                claim = self._waiting.popleft()
                if claim.set_running_or_notify_cancel():
                    claim.set_result(worker)
                    return
            self._idle.append(worker)

    def withdraw(self, claim: concurrent.futures.Future[_Worker]) -> None:
        """Give up a claim nobody waits for any more; a worker it got meanwhile goes back."""
        if not claim.cancel():
            self.give_back(claim.result())


class WorkerPool:
    """A fixed number of query workers, each used by one request at a time, from threads or from the event loop.
    Each may allocate `memory_limit` bytes beyond the store it shares (None: no limit)."""

    def __init__(self, store: ox.Store, size: int, time_limit: float, memory_limit: int | None = None) -> None:
        self._store = store
        self._time_limit = time_limit
        self._memory_limit = memory_limit
        self._context = multiprocessing.get_context("fork")
        self._checkout = _Checkout()
        self._all: set[_Worker] = set()
        self._closed = False
        self._forker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="biokg-forker")
        for started in [self._spawn() for _ in range(size)]:
            started.result()

    def run(self, job: QueryJob) -> QueryOutcome:
        """Run a job in a free worker, blocking this thread; stop it (and the query) at the time limit."""
        limit = self._limit(job)
        claim = self._checkout.request()
        try:
            worker = claim.result(timeout=limit)
        except concurrent.futures.TimeoutError:
            self._checkout.withdraw(claim)
            raise self._busy(limit) from None
        if not self._send(worker, job):
            return self._settle(worker, True, limit)
        return self._settle(worker, worker.connection.poll(limit), limit)

    async def answer(self, job: QueryJob) -> QueryOutcome:
        """`run` for the event loop, which waits on the worker's pipe itself instead of in a thread (a thread
        hop cost 0.1 ms of every request)."""
        limit = self._limit(job)
        claim = self._checkout.request()
        worker = claim.result() if claim.done() else await self._wait_for(claim, limit)
        if not self._send(worker, job):
            return self._settle(worker, True, limit)
        try:
            answered = await _readable(worker.connection, limit)
        except asyncio.CancelledError:  # the request was dropped: the query must not run on for nobody
            self._replace(worker)
            raise
        return self._settle(worker, answered, limit)

    async def _wait_for(self, claim: concurrent.futures.Future[_Worker], limit: float) -> _Worker:
        """The worker a claim gets once one is free (an idle one was handed over at once, without this)."""
        try:
            return await asyncio.wait_for(asyncio.wrap_future(claim), limit)
        except TimeoutError:
            self._checkout.withdraw(claim)
            raise self._busy(limit) from None
        except asyncio.CancelledError:
            self._checkout.withdraw(claim)
            raise

    def close(self) -> None:
        """Stop every worker, busy ones too: a request still waiting on one gets EngineBusyError at once."""
        self._closed = True
        for worker in list(self._all):
            self._stop(worker)
        self._forker.shutdown(wait=False)

    def _limit(self, job: QueryJob) -> float:
        """The seconds a job may take: the pool's time limit, or less if its client asked for less."""
        return min(job.time_limit, self._time_limit) if job.time_limit else self._time_limit

    @staticmethod
    def _busy(limit: float) -> EngineBusyError:
        return EngineBusyError(f"every query worker stayed busy for {limit:g} s; try again")

    @staticmethod
    def _send(worker: _Worker, job: QueryJob) -> bool:
        """Hand the job over; False if the worker is gone (its pipe broken)."""
        try:
            worker.connection.send(job)
        except OSError:
            return False
        return True

    def _settle(self, worker: _Worker, answered: bool, limit: float) -> QueryOutcome:
        """The worker's answer once it has come, or the error when the time limit passed or the worker died."""
        if not answered:
            self._replace(worker)
            raise QueryTimeoutError(f"the query ran past the time limit of {limit:g} s and was stopped")
        try:
            status, payload = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(1)  # a worker that died has exited by now, and its exit code says how
            aborted = worker.process.exitcode == -signal.SIGABRT  # how the engine dies when an allocation fails
            self._replace(worker)
            if self._closed:
                raise EngineBusyError("the server is shutting down; the query was stopped") from None
            if aborted and self._memory_limit is not None:
                raise self._out_of_memory() from None
            raise EngineCrashError("the query crashed the query engine; it was stopped") from None
        self._checkout.give_back(worker)
        if status == "syntax":
            raise engine_query_error(str(payload))
        if status == "memory":
            raise self._out_of_memory()
        if status == "refused":
            assert isinstance(payload, BiokgError)
            raise payload
        if status == "error":
            raise QueryEvaluationError(f"the query failed in the engine: {payload}")
        assert isinstance(payload, QueryOutcome)
        return payload

    def _out_of_memory(self) -> QueryMemoryError:
        limit = f"{(self._memory_limit or 0) // 2**20:,} MiB"
        return QueryMemoryError(f"the query needed more memory than a query may take ({limit}) and was stopped")

    def _spawn(self) -> concurrent.futures.Future[None]:
        """Fork a worker into the pool from the long-lived forker thread, without waiting for it."""
        return self._forker.submit(self._fork)

    def _fork(self) -> None:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_work, args=(self._store, child_end, self._memory_limit), daemon=True)
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._all.add(worker)
        if self._closed:
            self._stop(worker)
        else:
            self._checkout.give_back(worker)

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        worker.connection.close()
        if not self._closed:
            self._spawn()

    def _stop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.process.is_alive() and worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)


async def _readable(connection: Connection, timeout: float) -> bool:
    """Whether the connection has something to read (an answer, or the end of a dead worker) within `timeout`."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()

    def settle(readable: bool) -> None:
        if not ready.done():
            ready.set_result(readable)

    loop.add_reader(connection.fileno(), settle, True)
    timer = loop.call_later(timeout, settle, False)  # cheaper than asyncio.wait_for's task and timer
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(connection.fileno())
        os.set_blocking(connection.fileno(), True)  # uvloop made it non-blocking: recv would fail mid-answer
