"""Loading into a store: everything is validated with the shapes first, and nothing is written unless it conforms."""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from biokg.errors import NonConformingDataError, RdfSyntaxError
from biokg.namespaces import GRAPH, ONTOLOGY_IRI, SHAPES_IRI
from biokg.sources import Sources, parse_file, rdf_files
from biokg.store.base import Progress, QuadLookup, Store
from biokg.store.embedded import EmbeddedStore
from biokg.validation import (
    ValidationReport,
    Validator,
    affected_nodes,
    graph_marks,
    neighbourhood,
    validate_quads,
)

_VOCABULARY_GRAPHS = {ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(SHAPES_IRI)}
METADATA_GRAPH = ox.NamedNode(str(GRAPH["metadata"]))
AFFECTED_HOPS = 3
"""How many steps validation walks from a change to the nodes it can affect, and from those to what their checks
read: the longest reach of a shape's paths, nested shapes and SPARQL constraints from its focus node (a signing
reaches a party's posts through the agreement, or through its association and agent)."""
INCREMENTAL_UP_TO = 50_000
"""Changes of up to this many statements, affecting up to this many nodes, are validated for those nodes; a
larger one, whole."""


def sources_stamp(sources: Sources) -> str:
    """A digest of the source files and of biokg's version: equal stamps mean nothing needs to be rebuilt."""
    digest = hashlib.sha256(version("biokg").encode())
    for path in sources.files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def load_validated(store: Store, sources: Sources, on_progress: Progress | None = None) -> int:
    """Validate the sources and, only if they conform, replace their graphs in `store`; gives the quads written.
    An embedded store's metadata graph is merged (merged_metadata), so the source records of its imports stay; a
    remote store, which is never stamped, is not read first."""
    quads = [*sources.ontology, *sources.shapes, *sources.data]
    _refuse_unless_conforming(sources, sources.data)
    if isinstance(store, EmbeddedStore):
        quads = merged_metadata(store, quads)
        store.replace_graphs(quads, on_progress, stamp=sources_stamp(sources))
    else:
        store.replace_graphs(quads, on_progress)
    return len(quads)


def ensure_loaded(store: EmbeddedStore, sources: Sources) -> bool:
    """Load the sources into an embedded store unless it already holds exactly them; says whether it loaded."""
    if store.stamp == sources_stamp(sources):
        return False
    load_validated(store, sources)
    return True


def parse_for_load(paths: Sequence[Path], graph: str | None = None) -> list[ox.Quad]:
    """Parse files to load; triples outside a named graph go to `graph`, and without one they are an error."""
    quads: list[ox.Quad] = []
    for path in rdf_files(paths):
        parsed = parse_file(path, graph=graph)
        if any(isinstance(quad.graph_name, ox.DefaultGraph) for quad in parsed):
            raise RdfSyntaxError(str(path), "holds triples outside a named graph: give --graph IRI", None)
        quads.extend(parsed)
    return quads


def merged_metadata(store: Store, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The quads, with their block of the metadata graph merged into the store's: every source's file holds its
    own source record there, so a load replaces the statements about the block's subjects and keeps the rest."""
    block = [quad for quad in quads if quad.graph_name == METADATA_GRAPH]
    if not block:
        return list(quads)
    described = {quad.subject for quad in block}
    if isinstance(store, EmbeddedStore):
        metadata: Iterable[ox.Quad] = store.oxigraph.quads_for_pattern(None, None, None, METADATA_GRAPH)
    else:
        metadata = (quad for quad in store.quads() if quad.graph_name == METADATA_GRAPH)
    return [*quads, *(quad for quad in metadata if quad.subject not in described)]


def load_quads(
    store: Store,
    quads: Sequence[ox.Quad],
    sources: Sources,
    on_progress: Progress | None = None,
    emptied: Iterable[ox.NamedNode] = (),
) -> None:
    """Replace the named graphs that `quads` hold, and remove the `emptied` ones, if the store's other graphs
    together with them conform; the metadata graph is merged (merged_metadata).

    An embedded store, which conforms as every load left it, is validated only for the nodes the change can
    affect (the statements it removes and adds, and the nodes that reach them), in the next store itself; on
    disk, a small change is checked on the store as it would leave it and committed in one transaction. A
    remote store's graphs are read and validated whole.
    """
    quads = merged_metadata(store, quads)
    emptied = set(emptied)
    replaced = {quad.graph_name for quad in quads} | emptied
    graphs = [graph.value for graph in emptied]
    if not isinstance(store, EmbeddedStore):
        kept = [q for q in store.quads() if q.graph_name not in replaced and q.graph_name not in _VOCABULARY_GRAPHS]
        _refuse_unless_conforming(sources, [*kept, *quads])
        store.replace_graphs(quads, on_progress, graphs=graphs)
        return
    check = change_check(store, quads, validator_of(sources), emptied)
    stamp = kept_stamp(store, replaced, sources)
    if check.incremental and store.on_disk and stamp == store.stamp:
        store.replace_in_place(quads, emptied, check.run)
    else:
        store.replace_graphs(quads, on_progress, graphs=graphs, stamp=stamp, check=check)


def validator_of(sources: Sources) -> Validator:
    """The validator of the sources' shapes, made once: what it reads of them takes about a second."""
    return _validator(sources.shapes, sources.ontology)


@functools.lru_cache(maxsize=4)
def _validator(shapes: tuple[ox.Quad, ...], ontology: tuple[ox.Quad, ...]) -> Validator:
    return Validator(shapes, ontology)


def kept_stamp(
    store: EmbeddedStore, replaced: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph], sources: Sources
) -> str | None:
    """The store's stamp after a load that replaces `replaced`: kept while the shipped sources' graphs stay as
    they were (the metadata graph is merged, not replaced), else none, so that they are loaded again."""
    shipped = {quad.graph_name for quad in [*sources.ontology, *sources.shapes, *sources.data]}
    return store.stamp if not (set(replaced) - {METADATA_GRAPH}) & shipped else None


def check_load(store: EmbeddedStore, quads: Sequence[ox.Quad], sources: Sources) -> None:
    """Check what loading `quads` would give, as `load_quads` would, and write nothing."""
    quads = merged_metadata(store, quads)
    check = change_check(store, quads, validator_of(sources))
    replaced = {quad.graph_name for quad in quads}
    successor = ox.Store()
    successor.bulk_extend(itertools.chain((q for q in store.quads() if q.graph_name not in replaced), quads))
    check(successor)


@dataclass(frozen=True)
class ChangeCheck:
    """The check of the next store after a load, and whether it reads only around the change (`incremental`),
    so that it can read the store as the change would leave it (`Changed`) instead of a whole new store."""

    run: Callable[[QuadLookup], None]
    incremental: bool

    def __call__(self, successor: ox.Store) -> None:
        self.run(successor)


def change_check(
    store: EmbeddedStore, quads: Sequence[ox.Quad], validator: Validator, emptied: Iterable[ox.NamedNode] = ()
) -> ChangeCheck:
    """The check of the next store after a load of `quads` into `store` that also removes the `emptied` graphs:
    of the nodes the change can affect, or of every node when the change is large. The change is in statements
    of the union of the graphs, which the shapes check: what the load adds that no graph stated before, and what
    it removes that no graph still states."""
    replaced = {quad.graph_name for quad in quads} | set(emptied)
    before = [quad for graph in replaced for quad in store.oxigraph.quads_for_pattern(None, None, None, graph)]
    if not before and len(quads) > INCREMENTAL_UP_TO:  # new graphs only: the change is all of them
        return _check_whole(validator, len(quads))
    removed, added = set(before).difference(quads), set(quads).difference(before)
    if len(removed) + len(added) > INCREMENTAL_UP_TO:
        return _check_whole(validator, len(quads))
    added_triples = [quad.triple for quad in added if not _holds(store.oxigraph, quad.triple)]
    added_triples += graph_marks(replaced - {quad.graph_name for quad in before})  # a new graph must be described

    def check(successor: QuadLookup) -> None:
        removed_triples = [quad.triple for quad in removed if not _holds(successor, quad.triple)]
        changed = [*added_triples, *removed_triples]
        focus = affected_nodes(successor, changed, AFFECTED_HOPS, validator)
        if len(focus) > INCREMENTAL_UP_TO and isinstance(successor, ox.Store):
            _check_whole(validator, len(quads))(successor)
            return
        around = ox.Store()  # what the checks of those nodes read: a check scans less in a smaller store
        around.bulk_extend(neighbourhood(successor, focus, AFFECTED_HOPS, validator))
        _refuse(validator.validate_store(around, focus, triples=len(quads)))

    return ChangeCheck(check, incremental=True)


def _holds(store: QuadLookup, triple: ox.Triple) -> bool:
    """Whether some graph of `store` states `triple`: the shapes see the union of the graphs, so a statement
    that another source also makes is no change to them."""
    return next(store.quads_for_pattern(triple.subject, triple.predicate, triple.object), None) is not None


def _check_whole(validator: Validator, triples: int) -> ChangeCheck:
    """A check of every focus node of the next store."""

    def check(successor: QuadLookup) -> None:
        assert isinstance(successor, ox.Store), "a check of the whole store reads a whole store"
        _refuse(validator.validate_store(successor, triples=triples))

    return ChangeCheck(check, incremental=False)


def _refuse_unless_conforming(sources: Sources, data: Sequence[ox.Quad]) -> None:
    _refuse(validate_quads(data, sources.shapes, sources.ontology))


def _refuse(report: ValidationReport) -> None:
    if not report.conforms:
        raise NonConformingDataError(report)
