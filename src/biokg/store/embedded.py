"""The embedded store: the Oxigraph engine in this process, in memory or on disk."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from biokg.errors import engine_query_error
from biokg.formats import Format
from biokg.store.base import Answer, Progress, normalize, serialize_dataset
from biokg.store.generations import Generations


class EmbeddedStore:
    """Oxigraph through pyoxigraph; queried directly, never through rdflib (3-4x slower).

    The default graph of a query is the union of all named graphs (as `oxigraph serve --union-default-graph` and
    Fuseki's unionDefaultGraph): every fact lives in the named graph of its source, and a query without GRAPH
    sees them all. A load builds the whole next store and swaps it in, so readers and a killed load only ever
    see the old or the new contents. `stamp` is an opaque label of what was loaded (a digest of the sources).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._generations = Generations(directory) if directory is not None else None
        self.name = f"embedded store at {directory}" if directory is not None else "embedded in-memory store"
        self.stamp: str | None = None
        self._store = ox.Store()
        if self._generations is not None:
            generation, self.stamp = self._generations.current()
            if generation is None:
                generation = self._generations.fresh()
                self._generations.commit(generation, None)
            self._generations.remove_stale()
            self._store = ox.Store(str(generation))

    @property
    def oxigraph(self) -> ox.Store:
        """The Oxigraph store itself, for the query engine (which writes answers with its own writers)."""
        return self._store

    def query(self, query: str) -> Answer:
        return normalize(self._run(query))

    def replace_graphs(
        self,
        quads: Iterable[ox.Quad],
        on_progress: Progress | None = None,
        graphs: Iterable[str] = (),
        stamp: str | None = None,
        check: Callable[[ox.Store], None] | None = None,
    ) -> None:
        """Like Store.replace_graphs; `check` sees the next store before it replaces this one, and an error it
        raises leaves this store as it was (a validation of what the load changes).

        The next store is built in memory, where the check reads it several times faster than in RocksDB; an
        on-disk store writes its next generation from it at the same time, in a thread (both release the GIL).
        """
        replaced = {ox.NamedNode(graph) for graph in graphs}
        if isinstance(quads, Sequence):
            replaced |= {quad.graph_name for quad in quads}
        kept = (quad for quad in self._store if quad.graph_name not in replaced)
        incoming = _reporting(quads, on_progress) if on_progress else quads
        successor = ox.Store()
        successor.bulk_extend(itertools.chain(kept, incoming))
        if self._generations is None:
            if check is not None:
                check(successor)
            self._store, self.stamp = successor, stamp
            return
        generation = self._generations.fresh()
        dump = successor.dump(format=ox.RdfFormat.N_QUADS)
        assert dump is not None  # without an output to write to, dump gives its bytes
        with ThreadPoolExecutor(max_workers=1) as writer:
            writing = writer.submit(_written, dump, generation)
            try:
                if check is not None:
                    check(successor)
                written = writing.result()
            except BaseException:
                writing.exception()  # RocksDB holds its folder until the store is dropped
                del writing
                self._generations.remove_stale()
                raise
        self._generations.commit(generation, stamp)
        self._store, self.stamp = written, stamp
        self._generations.remove_stale()

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def predicate_groups(self) -> Iterator[list[ox.Quad]]:
        """Every quad, a predicate at a time, each group in subject order: an in-memory store filled in this order
        answered scans, paths and aggregations 2-3x faster than one filled in the on-disk order (graph first)."""
        distinct = self._store.query("SELECT DISTINCT ?p { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        assert isinstance(distinct, ox.QuerySolutions)
        for predicate in sorted((row[0] for row in distinct), key=str):
            assert isinstance(predicate, ox.NamedNode)
            quads = self._store.quads_for_pattern(None, predicate, None, None)
            yield sorted(quads, key=lambda quad: str(quad.subject))

    def graph_names(self) -> list[str]:
        return sorted(graph.value for graph in self._store.named_graphs())

    def export(self, fmt: Format) -> bytes:
        return serialize_dataset(self._store, fmt)

    def triple_count(self) -> int:
        return len(self._store)

    def _run(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        try:
            return self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise engine_query_error(str(error)) from None


def _written(dump: bytes, generation: Path) -> ox.Store:
    """A store in `generation` holding the N-Quads `dump` (its blank nodes renamed), flushed to disk."""
    store = ox.Store(str(generation))
    store.bulk_load(dump, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return store


def _reporting(quads: Iterable[ox.Quad], on_progress: Progress, step: int = 50_000) -> Iterator[ox.Quad]:
    """The quads, telling `on_progress` every `step` of them."""
    iterator = iter(quads)
    while batch := tuple(itertools.islice(iterator, step)):
        yield from batch
        on_progress(len(batch))
