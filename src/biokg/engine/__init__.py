"""The one boundary for running queries: a job goes in, its written answer comes out.

Two engines keep this contract: the worker pool over the embedded store's copy in memory (`pool`, which only the
server's assembly builds) and a remote SPARQL 1.1 store (`remote`); `inline` runs jobs in the calling thread for
one-off commands. Everything that queries (the endpoint, canned queries, linked data, the CLI) holds a
`QueryEngine` and never knows which one it is.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from biokg.errors import AnswerTooLargeError

GZIP_FROM_BYTES = 1400
"""Answers from this size on are gzipped for clients that take it; a smaller one fits one packet anyway."""


@dataclass(frozen=True)
class QueryJob:
    """One query to run, the format to write its answer in, its dataset and its limits."""

    query: str
    format_name: str
    max_rows: int | None = None
    """The most rows (or triples) the answer holds; past it the answer is cut and says so (None: all)."""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_bytes: int | None = None
    """The largest written answer; a larger one is refused, not cut (None: any size)."""
    gzip: bool = False
    """Whether the client takes the answer gzipped."""
    time_limit: float | None = None
    """Seconds the query may run when the client asks for less than the engine's limit (its timeout=)."""
    cacheable: bool = True
    """Whether the answer may come from a cache (a health probe must reach the engine itself)."""


@dataclass(frozen=True)
class QueryOutcome:
    """A written answer, whether the row cap cut it, whether it is gzipped, and whether it came from the cache."""

    body: bytes
    truncated: bool = False
    gzipped: bool = False
    cached: bool = False


class QueryEngine(Protocol):
    """Runs one query job and gives its written answer."""

    def run(self, job: QueryJob) -> QueryOutcome:
        """Run a job; raise a BiokgError on a bad query, a limit or a failing store."""
        ...

    async def answer(self, job: QueryJob) -> QueryOutcome:
        """`run` for the event loop, without blocking it."""
        ...

    def close(self) -> None:
        """Release what the engine holds."""
        ...


def finished(outcome: QueryOutcome, job: QueryJob) -> QueryOutcome:
    """The outcome as it is sent: refused over the job's `max_bytes` (rows are capped, but one row can hold a
    value of gigabytes, which the serving process would hold and send), gzipped when the job asks for it."""
    if job.max_bytes is not None and len(outcome.body) > job.max_bytes:
        raise AnswerTooLargeError.over(job.max_bytes)
    if job.gzip and len(outcome.body) >= GZIP_FROM_BYTES:
        return QueryOutcome(gzip.compress(outcome.body, compresslevel=5, mtime=0), outcome.truncated, gzipped=True)
    return outcome


FetchJson = Callable[[str, int], bytes]
"""Runs query text and gives its SPARQL JSON answer with at most that many rows: how canned queries, pages and
descriptions read the store."""


def json_fetcher(engine: QueryEngine) -> FetchJson:
    """Query text to its SPARQL JSON answer through the engine, under its limits."""
    return lambda text, rows: engine.run(QueryJob(text, "json", max_rows=rows)).body
