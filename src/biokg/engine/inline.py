"""Queries run in the calling thread: the engine of one-off commands (the CLI), and what each pool worker does
with a job. Over a remote store, `engine_for` gives the remote engine instead."""

from __future__ import annotations

import re

import pyoxigraph as ox

from biokg.engine import QueryEngine, QueryJob, QueryOutcome, finished
from biokg.engine.answers import write_answer
from biokg.engine.remote import RemoteEngine
from biokg.errors import engine_query_error
from biokg.formats import format_named
from biokg.sparql_text import blank_opaque_parts
from biokg.store import EmbeddedStore, RemoteStore, Store
from biokg.threads import in_thread


def execute(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Run one job against a store and write its answer, at most `max_rows` rows or triples and `max_bytes`
    bytes, gzipped when the job asks for it. Raises SyntaxError for a query that does not parse."""
    options: dict[str, object] = {} if _declares_dataset(job.query) else {"use_default_graph_as_union": True}
    if job.default_graphs or job.named_graphs:  # the protocol's dataset replaces the store's default dataset
        options = {
            "default_graph": [ox.NamedNode(graph) for graph in job.default_graphs],
            "named_graphs": [ox.NamedNode(graph) for graph in job.named_graphs],
        }
    answer = store.query(job.query, **options)  # type: ignore[arg-type]
    body, truncated = write_answer(answer, format_named(job.format_name), job.max_rows)
    return finished(QueryOutcome(body, truncated), job)


def _declares_dataset(query: str) -> bool:
    """Whether the query names its dataset (FROM, FROM NAMED): Oxigraph would answer over the union of every
    graph regardless, if asked to take it as the default graph."""
    return _FROM.search(blank_opaque_parts(query)) is not None


_FROM = re.compile(r"(?<![\w?$:.-])FROM(?![\w-])", re.IGNORECASE)
"""The keyword, not a variable (`?from`) or a name (`ex:from`) that holds it."""


class InlineEngine:
    """Runs jobs against an Oxigraph store in the calling thread, with no time limit of its own."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def run(self, job: QueryJob) -> QueryOutcome:
        try:
            return execute(self._store, job)
        except SyntaxError as error:
            raise engine_query_error(str(error)) from None

    async def answer(self, job: QueryJob) -> QueryOutcome:
        return await in_thread(self.run, job)

    def close(self) -> None:
        """Nothing to release: the store belongs to its owner."""


def engine_for(store: Store) -> QueryEngine:
    """The engine of a one-off command over a store: inline over the embedded store, remote over a remote one."""
    if isinstance(store, RemoteStore):
        return RemoteEngine(store)
    assert isinstance(store, EmbeddedStore), f"no query engine for {store.name}"
    return InlineEngine(store.oxigraph)
