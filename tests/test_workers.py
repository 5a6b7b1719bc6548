"""The query worker pool: workers outlive the request threads that had them forked, serve threads and the event
loop alike, and a query nobody waits for any more is stopped."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Callable

import pyoxigraph as ox
import pytest
import uvloop

from biokg.engine import QueryJob
from biokg.engine.pool import WorkerPool
from biokg.errors import QueryMemoryError, QueryTimeoutError

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "SELECT ?o WHERE { <http://example.org/s> <http://example.org/p> ?o }"


def doubling(levels: int) -> str:
    """A short query whose one value doubles at each level: 16 bytes times 2 ** levels."""
    steps = " ".join(f"BIND(CONCAT(?v{level}, ?v{level}) AS ?v{level + 1})" for level in range(levels))
    return f'SELECT (STRLEN(?v{levels}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?v0) {steps} }}'


@pytest.fixture
def pool() -> WorkerPool:
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    store.extend(ox.Quad(subject, predicate, ox.Literal(str(number))) for number in range(200))
    return WorkerPool(store, size=1, time_limit=1)


def test_a_worker_replaced_from_a_thread_that_ends_keeps_serving(pool: WorkerPool) -> None:
    outcomes: list[BaseException] = []

    def run_runaway() -> None:
        try:
            pool.run(QueryJob(RUNAWAY, "csv", max_rows=10))
        except QueryTimeoutError as error:
            outcomes.append(error)
        time.sleep(0.3)  # as a pool's thread would, outlive the replacement's start, which asks for the signal

    thread = threading.Thread(target=run_runaway)
    thread.start()
    thread.join()
    time.sleep(0.5)  # the parent-death signal, were it tied to the ended thread, has arrived by now
    try:
        answer = pool.run(QueryJob(CHEAP + " ORDER BY ?o LIMIT 2", "csv", max_rows=10))
    finally:
        pool.close()
    assert [type(error) for error in outcomes] == [QueryTimeoutError]
    assert answer.body == b"o\r\n0\r\n1\r\n"


def test_a_dropped_request_stops_its_query(pool: WorkerPool) -> None:
    async def drop_runaway_then_ask() -> bytes:
        runaway = asyncio.create_task(pool.answer(QueryJob(RUNAWAY, "csv", max_rows=10)))
        await asyncio.sleep(0.3)
        runaway.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runaway
        return (await pool.answer(QueryJob(CHEAP + " ORDER BY ?o LIMIT 1", "csv", max_rows=10))).body

    first_worker = {child.pid for child in multiprocessing.active_children()}
    try:
        answer = asyncio.run(drop_runaway_then_ask())
        workers = {child.pid for child in multiprocessing.active_children()}
    finally:
        pool.close()
    assert answer == b"o\r\n0\r\n"
    assert len(workers) == 1 and workers.isdisjoint(first_worker)  # its worker was killed, a fresh one took over


def test_threads_and_the_event_loop_take_turns_on_one_worker(pool: WorkerPool) -> None:
    job = QueryJob(CHEAP + " ORDER BY ?o LIMIT 2", "csv", max_rows=10)
    from_thread: list[bytes] = []

    def ask_from_thread() -> None:
        from_thread.extend(pool.run(job).body for _ in range(40))

    async def ask_from_loop() -> list[bytes]:
        return [(await pool.answer(job)).body for _ in range(40)]

    thread = threading.Thread(target=ask_from_thread)
    thread.start()
    try:
        from_loop = asyncio.run(ask_from_loop())
        thread.join()
    finally:
        pool.close()
    assert from_thread == from_loop == [b"o\r\n0\r\n1\r\n"] * 40


@pytest.mark.parametrize("loop_factory", [asyncio.new_event_loop, uvloop.new_event_loop], ids=["asyncio", "uvloop"])
def test_an_answer_larger_than_a_pipe_buffer_arrives_whole(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    store = ox.Store()
    predicate = ox.NamedNode("http://example.org/p")
    store.extend(
        ox.Quad(ox.NamedNode(f"http://example.org/s{number:04}"), predicate, ox.Literal("x" * 100))
        for number in range(2000)
    )
    pool = WorkerPool(store, size=1, time_limit=5)
    job = QueryJob("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s", "csv", max_rows=5000)
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            answers = [runner.run(pool.answer(job)).body for _ in range(3)]
    finally:
        pool.close()
    expected = "s,o\r\n" + "".join(f"http://example.org/s{number:04},{'x' * 100}\r\n" for number in range(2000))
    assert len(expected) > 200_000  # past the 64 KiB a pipe holds, so the worker writes while the server reads
    assert [answer.decode() for answer in answers] == [expected] * 3


def test_a_query_past_the_memory_limit_is_stopped_and_the_pool_goes_on() -> None:
    """A 256 MiB value under a 64 MiB limit: the worker is stopped, not the machine, and its successor answers."""
    store = ox.Store()
    pool = WorkerPool(store, size=1, time_limit=20, memory_limit=64 * 2**20)
    try:
        assert pool.run(QueryJob(doubling(18), "csv", max_rows=10)).body == b"n\r\n4194304\r\n"  # 4 MiB fits
        with pytest.raises(QueryMemoryError, match=r"more memory than a query may take \(64 MiB\)"):
            pool.run(QueryJob(doubling(24), "csv", max_rows=10))
        assert pool.run(QueryJob(doubling(2), "csv", max_rows=10)).body == b"n\r\n64\r\n"
    finally:
        pool.close()
