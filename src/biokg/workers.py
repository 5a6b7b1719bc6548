"""Queries of the endpoint run in worker processes forked from the loaded in-memory store.

pyoxigraph cannot cancel a query and a thread cannot be killed, so a query past its time limit is stopped by
killing the process that runs it (SIGKILL), which frees its CPU at once; a fresh worker is forked in its place.
Workers share the parent's store copy-on-write, and the parent never queries the store itself after the first
fork, so no lock of the engine is held when a replacement is forked. Every worker is forked from one thread that
lives as long as the pool: Linux sends the parent-death signal when the forking *thread* ends, so a worker forked
from a short-lived request thread would die with that thread.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import itertools
import multiprocessing
import os
import queue
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from biokg.errors import BiokgError, engine_query_error
from biokg.formats import format_named
from biokg.result_writers import SOLUTION_WRITERS

_PR_SET_PDEATHSIG = 1  # prctl(2)


class QueryTimeoutError(BiokgError):
    """A query ran past the time limit and was stopped."""


class EngineBusyError(BiokgError):
    """Every worker stayed busy for the whole time limit."""


class QueryEvaluationError(BiokgError):
    """The engine failed while evaluating a query that parsed."""


class EngineCrashError(BiokgError):
    """The worker running a query died (the query crashed the engine); a fresh worker has taken its place."""


@dataclass(frozen=True)
class QueryJob:
    """One query to run, the format to write its answer in, its dataset and the row cap."""

    query: str
    format_name: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    """A written answer, and whether the row cap cut it."""

    body: bytes
    truncated: bool = False


@dataclass(frozen=True)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Run one job against a store and write its answer, at most `max_rows` rows or triples."""
    options: dict[str, object] = {"use_default_graph_as_union": True}
    if job.default_graphs or job.named_graphs:  # the protocol's dataset replaces the store's default dataset
        options = {
            "default_graph": [ox.NamedNode(graph) for graph in job.default_graphs],
            "named_graphs": [ox.NamedNode(graph) for graph in job.named_graphs],
        }
    answer = store.query(job.query, **options)  # type: ignore[arg-type]
    fmt = format_named(job.format_name)
    if isinstance(answer, ox.QueryBoolean):
        return QueryOutcome(answer.serialize(format=fmt.oxigraph) or b"")  # type: ignore[arg-type]
    if isinstance(answer, ox.QuerySolutions):
        variables = [variable.value for variable in answer.variables]
        rows = [
            tuple(solution[name] for name in variables) for solution in itertools.islice(answer, job.max_rows + 1)
        ]
        truncated = len(rows) > job.max_rows
        return QueryOutcome(SOLUTION_WRITERS[fmt.name](variables, rows[: job.max_rows], truncated), truncated)
    triples = list(itertools.islice(answer, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    return QueryOutcome(ox.serialize(triples[: job.max_rows], format=fmt.oxigraph) or b"", truncated)  # type: ignore[arg-type]


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so a killed server leaves no query running."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _work(store: ox.Store, connection: Connection) -> None:
    """A worker's life: take a job, send back ("ok", outcome) or ("syntax" | "error", message)."""
    _die_with_parent()
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
        except Exception as error:  # the worker reports any engine failure instead of dying of it
            connection.send(("error", f"{type(error).__name__}: {error}"))


class WorkerPool:
    """A fixed number of query workers, each used by one request at a time."""

    def __init__(self, store: ox.Store, size: int, time_limit: float) -> None:
        self._store = store
        self._time_limit = time_limit
        self._context = multiprocessing.get_context("fork")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._closed = False
        self._forker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="biokg-forker")
        for _ in range(size):
            self._idle.put(self._spawn())

    def run(self, job: QueryJob) -> QueryOutcome:
        """Run a job in a free worker; stop it (and the query) when it passes the time limit."""
        try:
            worker = self._idle.get(timeout=self._time_limit)
        except queue.Empty:
            raise EngineBusyError(f"every query worker stayed busy for {self._time_limit:g} s; try again") from None
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self._time_limit):
                self._replace(worker)
                worker.connection.close()
                raise QueryTimeoutError(
                    f"the query ran past the time limit of {self._time_limit:g} s and was stopped"
                )
            status, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            worker.connection.close()
            if self._closed:
                raise EngineBusyError("the server is shutting down; the query was stopped") from None
            raise EngineCrashError("the query crashed the query engine; it was stopped") from None
        self._idle.put(worker)
        if status == "syntax":
            raise engine_query_error(str(payload))
        if status == "error":
            raise QueryEvaluationError(f"the query failed in the engine: {payload}")
        assert isinstance(payload, QueryOutcome)
        return payload

    def close(self) -> None:
        """Stop every worker, busy ones too: a request still waiting on one gets EngineCrashError at once."""
        self._closed = True
        for worker in list(self._all):
            self._stop(worker)
        self._forker.shutdown(wait=False)

    def _spawn(self) -> _Worker:
        return self._forker.submit(self._fork).result()

    def _fork(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_work, args=(self._store, child_end), daemon=True)
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        if not self._closed:
            self._idle.put(self._spawn())

    def _stop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.process.is_alive() and worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)
