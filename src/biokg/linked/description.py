"""What a resource's IRI dereferences to: its statements, the statements that point at it, and labels.

Every statement keeps its named graph, so a dataset format (TriG) and the HTML page can say where each came from.
The description is read through the query engine, so it works the same over the embedded and a remote store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.engine import FetchJson
from biokg.engine.answers import read_solutions
from biokg.formats import Format
from biokg.namespaces import PREFIXES, prefixes_used
from biokg.store.base import serialize_dataset

INCOMING_LIMIT = 100
"""Statements pointing at a resource that its description holds at most; the rest are a query away."""
_MAX_ROWS = 1_000_000
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")


@dataclass(frozen=True)
class Description:
    """A resource's outgoing and incoming statements, and the labels of every IRI in them, with their graphs."""

    resource: ox.NamedNode
    outgoing: tuple[ox.Quad, ...]
    incoming: tuple[ox.Quad, ...]
    labels: tuple[ox.Quad, ...]
    more_incoming: bool

    @property
    def found(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def quads(self) -> list[ox.Quad]:
        """Every statement of the description, each once."""
        return list(dict.fromkeys([*self.outgoing, *self.incoming, *self.labels]))

    def write(self, fmt: Format) -> bytes:
        """The description in an RDF format: with its graphs in TriG and N-Quads, merged in the others."""
        return write_quads(self.quads(), fmt)


def write_quads(quads: list[ox.Quad], fmt: Format) -> bytes:
    """Quads in an RDF format, declaring the prefixes they use where the format has prefixes."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        items = quads if fmt.holds_graphs else list(dict.fromkeys(quad.triple for quad in quads))
        return ox.serialize(items, format=fmt.oxigraph, prefixes=_prefixes_used(quads)) or b""
    return serialize_dataset(quads, fmt)


def graph_quads(graph: str, fetch: FetchJson) -> list[ox.Quad]:
    """Every statement of one named graph (the ontology, the shapes)."""
    name = ox.NamedNode(graph)
    return [
        ox.Quad(s, p, o, name) for s, p, o in _rows(fetch, f"SELECT ?s ?p ?o WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
    ]


def describe(resource: ox.NamedNode, fetch: FetchJson) -> Description:
    """The description of `resource`, read with three queries (out, in, labels)."""
    term = str(resource)
    outgoing = [
        ox.Quad(resource, p, o, g)
        for p, o, g in _rows(fetch, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {term} ?p ?o }} }}")
    ]
    incoming_rows = _rows(
        fetch, f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {term} }} }} ORDER BY ?s ?p LIMIT {INCOMING_LIMIT + 1}"
    )
    incoming = [ox.Quad(s, p, resource, g) for s, p, g in incoming_rows[:INCOMING_LIMIT]]
    named = _iris_in([*outgoing, *incoming]) - {resource}
    labels = [ox.Quad(s, _LABEL, o, g) for s, o, g in _label_rows(fetch, named)]
    return Description(resource, tuple(outgoing), tuple(incoming), tuple(labels), len(incoming_rows) > INCOMING_LIMIT)


def _label_rows(
    fetch: FetchJson, iris: Iterable[ox.NamedNode]
) -> list[tuple[ox.NamedNode, ox.Literal, ox.NamedNode]]:
    values = " ".join(sorted(str(iri) for iri in iris))
    if not values:
        return []
    query = f"SELECT ?s ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s <{_LABEL.value}> ?o }} }}"
    return _rows(fetch, query)


def _rows(fetch: FetchJson, query: str) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(row) for row in read_solutions(fetch(query, _MAX_ROWS), _MAX_ROWS).rows]


def _iris_in(quads: Iterable[ox.Quad]) -> set[ox.NamedNode]:
    found: set[ox.NamedNode] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                found.add(term)
    return found


def _prefixes_used(quads: Iterable[ox.Quad]) -> dict[str, str]:
    return prefixes_used(iri.value for iri in _iris_in(quads))
