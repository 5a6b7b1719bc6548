"""The query engines behind the endpoint: worker processes over the embedded store, or a remote store."""

from __future__ import annotations

import asyncio
from typing import Protocol

from biokg.canned import FetchJson
from biokg.errors import StoreTimeoutError
from biokg.formats import format_named
from biokg.store.remote import RemoteStore
from biokg.threads import in_thread
from biokg.workers import QueryJob, QueryOutcome, finished


class QueryEngine(Protocol):
    """Runs one query job and gives its written answer."""

    def run(self, job: QueryJob) -> QueryOutcome:
        """Run a job; raise a BiokgError on a bad query, a time-out or a failing store."""
        ...

    async def answer(self, job: QueryJob) -> QueryOutcome:
        """`run` for the event loop, without blocking it."""
        ...

    def close(self) -> None:
        """Release what the engine holds."""
        ...


class RemoteEngine:
    """Forwards queries to a remote store and its answer as written there, cut at the row cap."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store

    def run(self, job: QueryJob) -> QueryOutcome:
        dataset = (job.default_graphs, job.named_graphs)
        fmt = format_named(job.format_name)
        body, truncated = self.store.query_capped(job.query, fmt, dataset, job.max_rows, job.max_bytes)
        return finished(QueryOutcome(body, truncated), job)

    async def answer(self, job: QueryJob) -> QueryOutcome:
        """`run` in a thread; past the job's own time limit, if it has one, the answer is no longer waited for."""
        if job.time_limit is None:
            return await in_thread(self.run, job)
        try:
            async with asyncio.timeout(job.time_limit):
                return await in_thread(self.run, job)
        except TimeoutError:
            raise StoreTimeoutError(f"{self.store.name} did not answer within {job.time_limit:g} s") from None

    def close(self) -> None:
        """Nothing to release: every call opens its own connection."""


def json_fetcher(engine: QueryEngine) -> FetchJson:
    """Query text to its SPARQL JSON answer through the engine, under its time limit (for canned queries)."""
    return lambda text, rows: engine.run(QueryJob(text, "json", max_rows=rows)).body
