"""The query worker pool: workers outlive the request threads that had them forked."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest

from biokg.workers import QueryJob, QueryTimeoutError, WorkerPool

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "SELECT ?o WHERE { <http://example.org/s> <http://example.org/p> ?o }"


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
