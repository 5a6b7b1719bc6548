"""What a store holds: triples, named graphs and entities per class."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from biokg.namespaces import ONTOLOGY_IRI, SHAPES_IRI, compact
from biokg.store.base import Store, select

_GRAPH_SIZES = """
SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph
"""

# Entities of the data graphs only: the ontology and shapes graphs declare classes, they are not instances.
_CLASS_SIZES = f"""
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{
    GRAPH ?graph {{ ?entity a ?class }}
    FILTER (?graph NOT IN (<{ONTOLOGY_IRI}>, <{SHAPES_IRI}>))
}}
GROUP BY ?class ORDER BY DESC(?entities) ?class
"""


@dataclass(frozen=True)
class Statistics:
    """Counts that describe a store's contents."""

    triples: int
    graphs: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]


def statistics(store: Store) -> Statistics:
    """Count triples, triples per named graph, and entities per class."""
    return Statistics(
        triples=store.triple_count(),
        graphs=tuple((compact(graph), size) for graph, size in graph_sizes(store)),
        classes=tuple((compact(cls), size) for cls, size in _pairs(store, _CLASS_SIZES)),
    )


def graph_sizes(store: Store) -> tuple[tuple[str, int], ...]:
    """The store's named graphs with the triples each holds, by name; a remote store's graphs of its own (such as
    Virtuoso's system graphs) are left out."""
    own = set(store.graph_names())
    return tuple((graph, size) for graph, size in _pairs(store, _GRAPH_SIZES) if graph in own)


def _pairs(store: Store, query: str) -> list[tuple[str, int]]:
    pairs = []
    for name, count in select(store, query).rows:
        assert isinstance(name, ox.NamedNode) and isinstance(count, ox.Literal)
        pairs.append((name.value, int(count.value)))
    return pairs
