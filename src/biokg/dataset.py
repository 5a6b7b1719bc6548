"""Loading into a store: everything is validated with the shapes first, and nothing is written unless it conforms."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from biokg.errors import NonConformingDataError, RdfSyntaxError
from biokg.namespaces import ONTOLOGY_IRI, SHAPES_IRI
from biokg.rdflib_bridge import graph_of
from biokg.sources import Sources, parse_file, rdf_files
from biokg.store.base import Progress, Store
from biokg.store.embedded import EmbeddedStore
from biokg.validation import validate_quads

_VOCABULARY_GRAPHS = {ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(SHAPES_IRI)}


def sources_stamp(sources: Sources) -> str:
    """A digest of the source files and of biokg's version: equal stamps mean nothing needs to be rebuilt."""
    digest = hashlib.sha256(version("biokg").encode())
    for path in sources.files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def load_validated(store: Store, sources: Sources, on_progress: Progress | None = None) -> int:
    """Validate the sources and, only if they conform, replace their graphs in `store`; gives the quads written."""
    quads = [*sources.ontology, *sources.shapes, *sources.data]
    _refuse_unless_conforming(sources, sources.data)
    _replace(store, quads, on_progress, stamp=sources_stamp(sources))
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


def load_quads(store: Store, quads: Sequence[ox.Quad], sources: Sources, on_progress: Progress | None = None) -> None:
    """Replace the named graphs that `quads` hold, if the store's other graphs together with them conform."""
    replaced = {quad.graph_name for quad in quads}
    kept = [q for q in store.quads() if q.graph_name not in replaced and q.graph_name not in _VOCABULARY_GRAPHS]
    _refuse_unless_conforming(sources, [*kept, *quads])
    _replace(store, quads, on_progress, stamp=None)  # the store no longer holds exactly the shipped sources


def _refuse_unless_conforming(sources: Sources, data: Sequence[ox.Quad]) -> None:
    report = validate_quads(data, shapes=graph_of(sources.shapes), ontology=graph_of(sources.ontology))
    if not report.conforms:
        raise NonConformingDataError(report)


def _replace(store: Store, quads: Sequence[ox.Quad], on_progress: Progress | None, stamp: str | None) -> None:
    if isinstance(store, EmbeddedStore):
        store.replace_graphs(quads, on_progress, stamp=stamp)
    else:
        store.replace_graphs(quads, on_progress)
